#!/usr/bin/env bash
# Runs the real app under Xvfb on the demo network and saves a screenshot of each view in
# docs/screenshots/. Needs: apt-get install xvfb imagemagick (x11 `import`).
#
#   app/scripts/screenshots.sh            # all views
#   PAGES="needs reports" app/scripts/screenshots.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/gridbook-target-main}"
for tool in Xvfb import; do
  command -v "$tool" >/dev/null || { echo "$tool is missing: apt-get install xvfb imagemagick" >&2; exit 1; }
done
[ -e /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc ] ||
  echo "note: fonts-noto-cjk is not installed: names outside GB2312 will show as boxes" >&2
out=docs/screenshots
mkdir -p "$out"

cargo build -p gridbook --bin gridbook
bin="$CARGO_TARGET_DIR/debug/gridbook"

work="$(mktemp -d)"
display=":${SCREENSHOT_DISPLAY:-91}"
xvfb_pid=""
app_pid=""
cleanup() {
  [ -n "$app_pid" ] && kill "$app_pid" 2>/dev/null || true
  [ -n "$xvfb_pid" ] && kill "$xvfb_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

# The demo network, made once (it takes a few seconds) and kept between runs.
export GRIDBOOK_DEMO_DATA="${GRIDBOOK_DEMO_DATA:-/tmp/gridbook-demo-screenshots}"
"$bin" --demo status >/dev/null
# eframe's remembered window state goes to a throw-away place, not the user's.
export XDG_DATA_HOME="$work/xdg" XDG_CONFIG_HOME="$work/xdg"
# The app syncs while open: on loopback only, found by nobody.
export GRIDBOOK_BIND="${GRIDBOOK_BIND:-127.0.0.1:0}" GRIDBOOK_DISCOVERY="${GRIDBOOK_DISCOVERY:-off}"

Xvfb "$display" -screen 0 1024x768x24 -nolisten tcp >/dev/null 2>&1 &
xvfb_pid=$!
sleep 1
export DISPLAY="$display"

shot() { # page language file
  GRIDBOOK_START_PAGE="$1" GRIDBOOK_LANGUAGE="$2" "$bin" --demo &
  app_pid=$!
  # The window, the store and the fonts: wait until the picture stops changing.
  local prev="" cur=""
  for _ in $(seq 1 40); do
    sleep 0.5
    cur="$(import -window root png:- 2>/dev/null | md5sum)"
    [ "$cur" = "$prev" ] && break
    prev="$cur"
  done
  import -window root "$out/$3.png"
  kill "$app_pid" 2>/dev/null || true
  wait "$app_pid" 2>/dev/null || true
  app_pid=""
  echo "saved $out/$3.png"
}

for page in ${PAGES:-needs new-need meetings volunteers reports people places sync files settings}; do
  shot "$page" zh-CN "$page"
done
[ -n "${PAGES:-}" ] && exit 0
shot needs en needs-en
# Views of pages (GRIDBOOK_START_PAGE=<page>/<view>): the register searched, a new meeting's
# form, and a register sheet previewed with its one wrong row.
shot residents/王 zh-CN residents-search
shot meetings/new zh-CN meeting-new
cat >"$work/register.csv" <<'CSV'
姓名,电话,社区,网格,楼栋,单元,室
周桂英,13700001234,东台社区,第1网格,11号楼,1,101
吴国强,13700002345,东台社区,第1网格,11号楼,1,102
郑丽,,东台社区,第9网格,11号楼,2,201
钱伟,13700004567,东台社区,第2网格,21号楼,1,301
CSV
shot "files/residents:$work/register.csv" zh-CN import-preview

# The minutes (会议纪要) of the demo's latest meeting as printed, drawn by a headless Chromium
# where there is one (apt-get install chromium).
if command -v chromium >/dev/null; then
  meeting="$("$bin" --demo meeting list --json |
    python3 -c 'import json, sys; print(json.load(sys.stdin)[0]["id"])')"
  "$bin" --demo meeting print "$meeting" --minutes --out "$work/minutes.html" >/dev/null
  chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size=1024,900 \
    --screenshot="$out/minutes.png" "file://$work/minutes.html" >/dev/null 2>&1
  echo "saved $out/minutes.png"
fi
