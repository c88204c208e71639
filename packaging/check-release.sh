#!/usr/bin/env bash
# ./dev package-check (CI runs it after ./dev package): is what we ship usable?
#  1. dist/vvdesk/vvdesk --self-test (the bundle as built)
#  2. the release tarball unpacked and installed with install.sh --user for a fresh user
#     (HOME in a temporary folder, no XDG variables: the defaults), the menu entry and the
#     AppStream metainfo validated, the icons in place, the installed `vvdesk` command's
#     --version and --self-test
#  3. uninstall.sh, and nothing of the install left behind
set -euo pipefail
cd "$(dirname "$0")/.."
APP_ID=com.vectormethods.vvdesk

fail() { echo "package-check: $*" >&2; exit 1; }
timed() {  # timed WHAT CMD...: run it, say how long it took
  local what=$1 start ms; shift
  start=$(date +%s%N)
  "$@"
  ms=$(( ($(date +%s%N) - start) / 1000000 ))
  printf 'package-check: %s took %d.%02d s\n' "$what" $((ms / 1000)) $((ms % 1000 / 10))
}

[ -x dist/vvdesk/vvdesk ] || fail "no bundle in dist/vvdesk: run ./dev package first"
tarball=$(ls -t dist/vvdesk-*-linux-*.tar.gz 2>/dev/null | head -n 1)
[ -n "$tarball" ] || fail "no release tarball in dist/: run ./dev package first"
echo "package-check: bundle $(du -sh dist/vvdesk | cut -f1), tarball $(du -h "$tarball" | cut -f1)"

timed "the bundle's self-test" dist/vvdesk/vvdesk --self-test

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
timed "unpacking $tarball" tar -xzf "$tarball" -C "$tmp"
top=$(find "$tmp" -mindepth 1 -maxdepth 1 -type d -name 'vvdesk-*')

# A fresh user: an empty home, nothing configured, nothing from the caller's session.
home=$tmp/home
mkdir -p "$home"
as_user() {
  env -u XDG_DATA_HOME -u XDG_CONFIG_HOME -u XDG_STATE_HOME -u XDG_CACHE_HOME \
      -u VVDESK_DATA_DIR -u VVDESK_CONFIG_DIR -u SUDO_USER \
      HOME="$home" PATH="$home/.local/bin:$PATH" "$@"
}
timed "install.sh --user" as_user "$top/install.sh" --user

share=$home/.local/share
desktop=$share/applications/$APP_ID.desktop
metainfo=$share/metainfo/$APP_ID.metainfo.xml
[ -x "$share/vvdesk/app/vvdesk" ] || fail "the app is not in $share/vvdesk/app"
[ -L "$home/.local/bin/vvdesk" ] || fail "no vvdesk command in ~/.local/bin"
desktop-file-validate "$desktop" || fail "the installed desktop file does not validate"
appstreamcli validate --no-net "$metainfo" || fail "the installed metainfo does not validate"
grep -qx "Exec=\"$share/vvdesk/app/vvdesk\"" "$desktop" \
  || fail "the menu entry does not start the installed app: $(grep ^Exec= "$desktop")"
for size in 16 24 32 48 64 128 256; do
  [ -s "$share/icons/hicolor/${size}x$size/apps/$APP_ID.png" ] || fail "no ${size}px icon"
done
[ -s "$share/icons/hicolor/scalable/apps/$APP_ID.svg" ] || fail "no scalable icon"

as_user vvdesk --version
timed "the installed app's self-test" as_user vvdesk --self-test

as_user "$share/vvdesk/app/uninstall.sh"
left=$(cd "$home" && find .local/bin .local/share/applications .local/share/metainfo \
         .local/share/icons .local/share/vvdesk -mindepth 1 2>/dev/null | grep -v '^.local/share/icons/hicolor$' || true)
[ -z "$left" ] || fail "uninstall.sh left these behind: $left"
echo "package-check: all passed"
