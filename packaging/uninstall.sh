#!/bin/sh
# Remove vvdesk installed by `install.sh --user`:   uninstall.sh [--purge]
#
# Removes the app folder ($XDG_DATA_HOME/vvdesk/app) and every file install.sh listed in
# it (command link, menu entry, icons, AppStream metainfo). Your settings, sandbox data,
# upload queue and logs are kept unless you add --purge. API keys stay in the system
# keyring either way (remove them in Profiles before uninstalling, or with your keyring app).
set -eu

purge=
case "${1:-}" in
  "") ;;
  --purge) purge=1 ;;
  *) echo "usage: $0 [--purge]   (--purge also deletes settings, data and logs)" >&2; exit 2 ;;
esac

data=${XDG_DATA_HOME:-$HOME/.local/share}
config=${XDG_CONFIG_HOME:-$HOME/.config}
state=${XDG_STATE_HOME:-$HOME/.local/state}
cache=${XDG_CACHE_HOME:-$HOME/.cache}
bindir=$HOME/.local/bin
app=$data/vvdesk/app

if [ ! -d "$app" ]; then
  echo "uninstall.sh: vvdesk is not installed in $app" >&2
  exit 1
fi

if [ -f "$app/installed-files" ]; then
  while IFS= read -r f; do
    case $f in
      "$data"/*|"$bindir"/*) ;;
      *) continue ;;  # never anything outside the folders install.sh writes to
    esac
    rm -f "$f"
    case $f in  # the icon size folders install.sh made, when nothing else is in them
      "$data"/icons/hicolor/*/apps/*)
        d=$(dirname "$f"); rmdir "$d" 2>/dev/null && rmdir "$(dirname "$d")" 2>/dev/null || true ;;
    esac
  done < "$app/installed-files"
fi
rm -rf "$app"
touch "$data/icons/hicolor" 2>/dev/null || true

if [ -n "$purge" ]; then
  rm -rf "$data/vvdesk" "$config/vvdesk" "$state/vvdesk" "$cache/vvdesk"
  echo "vvdesk is removed, with its settings, data and logs."
else
  rmdir "$data/vvdesk" 2>/dev/null || true
  echo "vvdesk is removed."
  kept=
  for dir in "$config/vvdesk" "$data/vvdesk" "$state/vvdesk" "$cache/vvdesk"; do
    if [ -e "$dir" ]; then kept="$kept $dir"; fi
  done
  if [ -n "$kept" ]; then
    echo "Your settings, data and logs are kept in:$kept (--purge removes them too)."
  fi
fi
