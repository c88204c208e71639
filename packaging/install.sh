#!/bin/sh
# Install vvdesk for the current user, without admin rights:   ./install.sh --user
#
#   the app        $XDG_DATA_HOME/vvdesk/app/         (default ~/.local/share/vvdesk/app)
#   the command    ~/.local/bin/vvdesk                 (a link to the app)
#   menu entry     $XDG_DATA_HOME/applications/com.vectormethods.vvdesk.desktop
#   icons          $XDG_DATA_HOME/icons/hicolor/*/apps/com.vectormethods.vvdesk.{png,svg}
#   AppStream      $XDG_DATA_HOME/metainfo/com.vectormethods.vvdesk.metainfo.xml
#
# Installing again replaces the app (an upgrade); your settings, data and keys are kept.
# Every file placed outside the app folder is listed in app/installed-files, which
# uninstall.sh (also copied into the app folder) removes.
set -eu

APP_ID=com.vectormethods.vvdesk

usage() {
  echo "usage: $0 --user    install vvdesk for $(id -un) under ${XDG_DATA_HOME:-$HOME/.local/share}" >&2
}

[ "${1:-}" = "--user" ] && [ $# -eq 1 ] || { usage; exit 2; }
if [ -n "${SUDO_USER:-}" ]; then
  echo "install.sh: no admin rights are needed: run it as $SUDO_USER, without sudo." >&2
  exit 2
fi

here=$(cd "$(dirname "$0")" && pwd)
[ -x "$here/vvdesk/vvdesk" ] || { echo "install.sh: $here/vvdesk/vvdesk is missing: unpack the whole release tarball first." >&2; exit 1; }

data=${XDG_DATA_HOME:-$HOME/.local/share}
bindir=$HOME/.local/bin
app=$data/vvdesk/app

# An earlier install: take away what it placed outside its folder (this one places it anew).
if [ -f "$app/installed-files" ]; then
  while IFS= read -r f; do
    case $f in "$data"/*|"$bindir"/*) rm -f "$f" ;; esac
  done < "$app/installed-files"
fi

# The app: copied beside the old one, then swapped in, so a failed copy leaves the old one.
mkdir -p "$data/vvdesk" "$bindir" "$data/applications" "$data/metainfo"
rm -rf "$app.new" "$app.old"
cp -R "$here/vvdesk" "$app.new"
cp "$here/uninstall.sh" "$app.new/uninstall.sh"
chmod 755 "$app.new/uninstall.sh"
if [ -e "$app" ]; then mv "$app" "$app.old"; fi
mv "$app.new" "$app"
rm -rf "$app.old"

manifest=$app/installed-files
: > "$manifest"
placed() { echo "$1" >> "$manifest"; }

if [ -e "$bindir/vvdesk" ] && [ ! -L "$bindir/vvdesk" ]; then
  echo "Note: $bindir/vvdesk is another program (not a link to this install); left as it is."
else
  ln -sfn "$app/vvdesk" "$bindir/vvdesk"
  placed "$bindir/vvdesk"
fi

# The menu entry starts the app by its full path (quoted for the desktop-entry Exec rules),
# so it works whether or not ~/.local/bin is on PATH.
exe=$(printf '%s' "$app/vvdesk" | sed 's/[\\"`$]/\\\\&/g')
desktop=$data/applications/$APP_ID.desktop
while IFS= read -r line; do
  case $line in
    Exec=*) printf 'Exec="%s"\n' "$exe" ;;
    TryExec=*) printf 'TryExec=%s\n' "$app/vvdesk" ;;
    *) printf '%s\n' "$line" ;;
  esac
done < "$here/share/applications/$APP_ID.desktop" > "$desktop"
placed "$desktop"

cp "$here/share/metainfo/$APP_ID.metainfo.xml" "$data/metainfo/"
placed "$data/metainfo/$APP_ID.metainfo.xml"

(cd "$here/share/icons" && find hicolor -type f) | while read -r icon; do
  mkdir -p "$data/icons/$(dirname "$icon")"
  cp "$here/share/icons/$icon" "$data/icons/$icon"
  placed "$data/icons/$icon"
done
touch "$data/icons/hicolor" 2>/dev/null || true  # icon caches notice the change

echo "vvdesk $("$app/vvdesk" --version 2>/dev/null | head -n 1 | sed 's/^vvdesk //') is installed in $app"
echo "It is in your applications menu; from a terminal: vvdesk"
case ":$PATH:" in
  *":$bindir:"*) ;;
  *) echo "Note: $bindir is not on your PATH; start it as $app/vvdesk or add that folder to PATH." ;;
esac
echo "Check it works: vvdesk --self-test      Remove it: $app/uninstall.sh"
