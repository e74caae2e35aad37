#!/bin/sh
# Runs a one-folder build headless: version, import of the bundled demo archive, one rendered
# frame; prints the build's size and the times. Exit 0 only if every step worked.
#   packaging/smoke_test.sh [DIST_DIR]       (default build/pyinstaller/dist/replaydesk)
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
dist=${1:-$root/build/pyinstaller/dist/replaydesk}
exe="$dist/replaydesk"
test -x "$exe" || { echo "smoke_test.sh: no build at $dist (run packaging/build_linux.sh)" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export XDG_STATE_HOME="$work/state" XDG_DATA_HOME="$work/data" XDG_CONFIG_HOME="$work/config"
unset PYTHONPATH PYTHONHOME
demo=$(find "$dist" -path '*replaydesk/_resources/demo/archive-demo.zip' | head -n1)
test -n "$demo" || { echo "smoke_test.sh: the build has no demo archive" >&2; exit 1; }

ms() { date +%s%3N; }
t0=$(ms); "$exe" --version; t1=$(ms)
echo "version: $((t1 - t0)) ms"
"$exe" import --quiet "$demo" --db "$work/store.db"
t2=$(ms); echo "import: $((t2 - t1)) ms"
sid=$("$exe" sessions --db "$work/store.db" | grep -o 'ses_[0-9a-f]*' | head -n1)
test -n "$sid" || { echo "smoke_test.sh: no session after the import" >&2; exit 1; }
"$exe" render "$sid" --at 1000 -o "$work/frame.png" --db "$work/store.db"
t3=$(ms); echo "render: $((t3 - t2)) ms"
head -c 8 "$work/frame.png" | od -An -c | grep -q 'P   N   G' || { echo "smoke_test.sh: no PNG written" >&2; exit 1; }
echo "frame: $(wc -c < "$work/frame.png") bytes"

# the window: started on the demo archive (the import runs in the window), closed when done;
# on $DISPLAY if there is one, else on Qt's offscreen platform
[ -n "${DISPLAY:-}" ] || export QT_QPA_PLATFORM=offscreen
t4=$(ms)
REPLAYDESK_QUIT_AFTER_MS=0 "$exe" --demo --db "$work/gui.db" >"$work/gui.out" 2>&1 || {
    echo "smoke_test.sh: the window failed:" >&2; tail -n 5 "$work/gui.out" >&2; exit 1; }
t5=$(ms)
n=$("$exe" sessions --db "$work/gui.db" | grep -c 'ses_' || true)
[ "$n" -ge 9 ] || { echo "smoke_test.sh: the window imported $n of the demo's 9 sessions" >&2; exit 1; }
shown=$(grep -o 'window shown [0-9]* ms' "$XDG_STATE_HOME/ReplayDesk/log/replaydesk.log" | tail -n1)
echo "window: ${shown:-window shown ? ms} after launch (${QT_QPA_PLATFORM:-xcb}); demo imported and quit in $((t5 - t4)) ms"
echo "build size: $(du -sh "$dist" | cut -f1) ($(du -sb "$dist" | cut -f1) bytes, $(find "$dist" -type f | wc -l) files)"
