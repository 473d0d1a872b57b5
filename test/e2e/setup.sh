#!/usr/bin/env bash
# Installs what the end-to-end tests need, once, outside the repository:
# Debian's chromium, ripgrep and libkrb5-dev, and code-server 4.100 (VS Code 1.100)
# cached under ~/.cache/genmon-e2e. Safe to run again: it skips what is there.
set -euo pipefail

CACHE="${GENMON_E2E_CACHE:-$HOME/.cache/genmon-e2e}"
D="$CACHE/code-server"
V="$D/node_modules/code-server/lib/vscode"
MARK="$D/.ready-4.100.0"

need=()
command -v chromium >/dev/null || need+=(chromium)
command -v rg >/dev/null || need+=(ripgrep)
dpkg -s libkrb5-dev >/dev/null 2>&1 || need+=(libkrb5-dev)
if [ ${#need[@]} -gt 0 ]; then
  echo "e2e setup: installing ${need[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
fi

if [ -f "$MARK" ]; then
  echo "e2e setup: code-server cached at $D"
  exit 0
fi

echo "e2e setup: installing code-server 4.100.0 into $D (a few minutes, once)"
rm -rf "$D"; mkdir -p "$D"
command -v node-gyp >/dev/null || npm install -g --no-audit --no-fund node-gyp >/dev/null
npm install --prefix "$D" --no-audit --no-fund --ignore-scripts code-server@4.100.0 >/dev/null
(cd "$V" && npm install --omit=dev --ignore-scripts --no-audit --no-fund >/dev/null)
mkdir -p "$V/node_modules/@vscode/ripgrep/bin" && cp "$(command -v rg)" "$V/node_modules/@vscode/ripgrep/bin/rg"
(cd "$V" && npm rebuild kerberos @parcel/watcher @vscode/spdlog native-watchdog node-pty @vscode/deviceid >/dev/null)
(cd "$V" && ln -sfn node_modules node_modules.asar)
(cd "$V/bin/remote-cli" && ln -sfn code-linux.sh code-server)
(cd "$V/bin/helpers" && ln -sfn browser-linux.sh browser.sh)
(cd "$V/extensions" && npm install --omit=dev --no-audit --no-fund >/dev/null)
(cd "$D" && npm rebuild argon2 >/dev/null)
touch "$MARK"
echo "e2e setup: done"
