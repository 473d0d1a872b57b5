#!/usr/bin/env bash
# Installs Debian's chromium for the browser tests if it is missing (never a browser download).
set -euo pipefail
command -v chromium >/dev/null && exit 0
echo "browser tests: installing Debian's chromium"
SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
