#!/bin/sh
# One-folder Linux build of ReplayDesk (QtWebEngine included) with PyInstaller.
#
#   packaging/build_linux.sh                 # build into build/pyinstaller/dist/replaydesk/
#   PYTHON=/path/to/python packaging/build_linux.sh
#
# PYTHON must see ReplayDesk's dependencies (PySide6 6.11.3, ...) and PyInstaller >= 6
# (pip install pyinstaller). The app's own code is taken from app/ in this checkout.
# Then packaging/smoke_test.sh runs the result headless.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
py=${PYTHON:-$root/.venv/bin/python}
out=${OUT:-$root/build/pyinstaller}

"$py" -c "import PyInstaller" 2>/dev/null || {
    echo "build_linux.sh: PyInstaller is not installed for $py (pip install 'pyinstaller>=6')" >&2
    exit 2
}
"$py" -c "import PySide6.QtWebEngineCore" || { echo "build_linux.sh: $py lacks PySide6 with QtWebEngine" >&2; exit 2; }

start=$(date +%s)
"$py" -m PyInstaller --noconfirm --clean --log-level WARN \
    --distpath "$out/dist" --workpath "$out/work" "$root/packaging/replaydesk.spec"
dist="$out/dist/replaydesk"
test -x "$dist/replaydesk"
echo "built $dist in $(( $(date +%s) - start )) s: $(du -sh "$dist" | cut -f1)"
