#!/bin/sh
# Desktop integration for a pip/pipx-installed ReplayDesk (the one-folder build does the same
# with its own Exec path): the menu entry, the icon and the archive MIME type, for this user.
#   packaging/install_desktop.sh            install into ${XDG_DATA_HOME:-~/.local/share}
#   PREFIX=/usr/share packaging/install_desktop.sh   system-wide (as root)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
share=${PREFIX:-${XDG_DATA_HOME:-$HOME/.local/share}}
id=io.replaydesk.ReplayDesk

install -Dm644 "$here/$id.desktop" "$share/applications/$id.desktop"
install -Dm644 "$here/$id.metainfo.xml" "$share/metainfo/$id.metainfo.xml"
install -Dm644 "$here/replaydesk-mime.xml" "$share/mime/packages/replaydesk-mime.xml"
(cd "$here/../resources/icons" && find hicolor -type f) | while read -r f; do
    install -Dm644 "$here/../resources/icons/$f" "$share/icons/$f"
done

# refresh the caches when the tools exist (desktops also notice the files on their own)
command -v update-mime-database >/dev/null && update-mime-database "$share/mime" || true
command -v update-desktop-database >/dev/null && update-desktop-database "$share/applications" || true
command -v gtk-update-icon-cache >/dev/null && gtk-update-icon-cache -qtf "$share/icons/hicolor" || true
echo "installed $id (menu entry, icon, MIME type application/x-replaydesk-archive) under $share"
