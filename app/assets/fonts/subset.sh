#!/usr/bin/env bash
# Regenerates the bundled Chinese font: Noto Sans CJK SC Regular, subset to GB2312 (every
# character of the national standard, 6763 hanzi plus its symbols), ASCII and the Chinese
# punctuation the app uses. Characters outside GB2312 (rare name characters such as 喆, 堃)
# come from system fonts at runtime (see app/src/gui/fonts.rs).
#
# Needs: apt-get install fonts-noto-cjk; pip install fonttools
set -euo pipefail
cd "$(dirname "$0")"
src="${1:-/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc}"
python3 - > chars.txt <<'PY'
chars = set(chr(c) for c in range(0x20, 0x7F))
for hi in range(0xA1, 0xF8):
    for lo in range(0xA1, 0xFF):
        try:
            chars.add(bytes([hi, lo]).decode("gb2312"))
        except UnicodeDecodeError:
            pass
# Punctuation and symbols the UI uses beyond GB2312's own.
chars.update("·—–‘’“”…、。〈〉《》「」『』【】〔〕，：；！？（）￥％＋－／＝｜×÷±≤≥→←↑↓✓✔✗★☆●○■□▶◀▲▼•")
print("".join(sorted(chars)))
PY
# The .ttc holds JP, KR, SC, TC, HK faces in that order: number 2 is Simplified Chinese.
pyftsubset "$src" --font-number=2 --text-file=chars.txt \
  --layout-features='*' --no-hinting --desubroutinize \
  --output-file=NotoSansSC-GB2312.otf
rm chars.txt
ls -l NotoSansSC-GB2312.otf
