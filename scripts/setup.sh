#!/usr/bin/env bash
# Sets up a fresh Debian machine with Node 20 for development and tests:
# the Debian packages the tests drive (Chromium, Firefox ESR), then the npm packages (npm ci),
# then a build.
# Safe to run again. Needs root (or sudo) for apt-get.
set -euo pipefail
cd "$(dirname "$0")/.."

# firefox-esr: Debian's Firefox ESR (140 or newer, MV3 event pages); the end-to-end tests drive it
# over its built-in WebDriver BiDi agent, so there is no driver to download.
# postgresql: a real PostgreSQL server for the collector's tests (they start a throw-away cluster).
# xvfb, xdotool, x11-utils, openbox, x11-xserver-utils: a private X display with a window manager,
# input and a screen saver for the real-window journeys (focus, idle, locked, sound).
APT_PACKAGES=(chromium firefox-esr postgresql xvfb xdotool x11-utils openbox x11-xserver-utils)

missing=()
for package in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  echo "setup: installing Debian packages: ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

echo "setup: npm ci"
npm ci --no-audit --no-fund

echo "setup: building the extension for Chrome and Firefox"
npm run --silent build:all >/dev/null
echo "setup: done. Chrome build: .output/chrome-mv3, Firefox build: .output/firefox-mv3"
