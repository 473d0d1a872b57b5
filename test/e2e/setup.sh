#!/usr/bin/env bash
# Installs what the end-to-end tests need, once, outside the repository:
# Debian's chromium, ripgrep and libkrb5-dev, and code-server 4.100 (VS Code 1.100)
# cached under ~/.cache/genmon-e2e (or $GENMON_E2E_CACHE).
#
# Safe to run again (it skips what is there) and from two runs at once: the
# install holds a lock, builds in a temporary directory and renames it into
# place only when complete, so a killed install never looks ready.
set -euo pipefail

CACHE="${GENMON_E2E_CACHE:-$HOME/.cache/genmon-e2e}"
VERSION=4.100.0
D="$CACHE/code-server"
MARK="$D/.ready-$VERSION"

# Network steps (the registry, Debian's mirror) are the only ones retried.
retry() {
  local n
  for n in 1 2 3; do
    "$@" && return 0
    echo "e2e setup: '$*' failed (attempt $n of 3)" >&2
    sleep $((n * 5))
  done
  return 1
}

need=()
command -v chromium >/dev/null || need+=(chromium)
command -v rg >/dev/null || need+=(ripgrep)
dpkg -s libkrb5-dev >/dev/null 2>&1 || need+=(libkrb5-dev)
if [ ${#need[@]} -gt 0 ]; then
  echo "e2e setup: installing Debian packages ${need[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  # Another apt run (another test suite) may hold dpkg's lock: wait for it.
  retry $SUDO apt-get -o DPkg::Lock::Timeout=600 update -qq
  retry env DEBIAN_FRONTEND=noninteractive $SUDO apt-get -o DPkg::Lock::Timeout=600 install -y -qq "${need[@]}" >/dev/null
fi

[ -f "$MARK" ] && { echo "e2e setup: code-server $VERSION cached at $D"; exit 0; }

mkdir -p "$CACHE"
exec 9>"$CACHE/.lock"
if ! flock -n 9; then
  echo "e2e setup: another run is installing code-server; waiting for it"
  flock 9
fi
[ -f "$MARK" ] && { echo "e2e setup: code-server $VERSION cached at $D"; exit 0; }

T="$(mktemp -d "$CACHE/code-server.tmp.XXXXXX")"
LOG="$T.log"
trap 'rm -rf "$T"' EXIT
step() {
  echo "e2e setup: $1"
  shift
  if ! "$@" >>"$LOG" 2>&1; then
    echo "e2e setup: failed; the end of $LOG:" >&2
    tail -40 "$LOG" >&2
    exit 1
  fi
}
V="$T/node_modules/code-server/lib/vscode"
# node-pty's install script runs `npx node-gyp`, which would wait for a "yes" that never comes.
export npm_config_yes=true npm_config_audit=false npm_config_fund=false npm_config_update_notifier=false

echo "e2e setup: installing code-server $VERSION into $D (a few minutes, once; log $LOG)"
step "fetching code-server" retry npm install --prefix "$T" --ignore-scripts "code-server@$VERSION"
step "fetching VS Code's modules" retry bash -c "cd '$V' && npm install --omit=dev --ignore-scripts"
# Debian's rg instead of @vscode/ripgrep's download from GitHub.
mkdir -p "$V/node_modules/@vscode/ripgrep/bin"
cp "$(command -v rg)" "$V/node_modules/@vscode/ripgrep/bin/rg"
step "building native modules" bash -c "cd '$V' && npm rebuild kerberos @parcel/watcher @vscode/spdlog native-watchdog node-pty @vscode/deviceid"
ln -sfn node_modules "$V/node_modules.asar"
ln -sfn code-linux.sh "$V/bin/remote-cli/code-server"
ln -sfn browser-linux.sh "$V/bin/helpers/browser.sh"
step "fetching the built-in extensions' modules" retry bash -c "cd '$V/extensions' && npm install --omit=dev"
step "building argon2" bash -c "cd '$T' && npm rebuild argon2"
"$T/node_modules/.bin/code-server" --version >>"$LOG" 2>&1 || { echo "e2e setup: the installed code-server does not start; see $LOG" >&2; exit 1; }
touch "$T/.ready-$VERSION"

rm -rf "$D"
mv "$T" "$D"
trap - EXIT
rm -f "$LOG"
echo "e2e setup: done"
