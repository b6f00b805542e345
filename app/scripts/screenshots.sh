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

for page in ${PAGES:-needs new-need meetings volunteers reports sync settings}; do
  shot "$page" zh-CN "$page"
done
shot needs en needs-en
