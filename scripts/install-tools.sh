#!/usr/bin/env bash
# Installs what building and testing need, and only what is missing, so a second
# run takes seconds. Usage: install-tools.sh [build|test]
#   build: wasm32 target, trunk, wasm-bindgen-cli (pinned to Cargo.lock), npm
#          packages (binaryen's wasm-opt; Debian's binaryen 108 breaks the output).
#   test:  all of the above, plus the three browser engines the tests cover:
#          Debian's chromium and chromium-driver (Blink), webkit2gtk-driver and
#          xvfb (WebKit: WebKitWebDriver drives the MiniBrowser on a virtual
#          display), firefox-esr (Gecko), and geckodriver (crates.io, pinned).
set -euo pipefail
cd "$(dirname "$0")/.."
what=${1:-build}
TRUNK_VERSION=0.21.14
# geckodriver 0.37 speaks to Firefox ESR 115 and later.
GECKODRIVER_VERSION=0.37.1
MINIBROWSER=/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }

SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO=sudo; fi
apt_updated=0
apt_install() {
  if [ "$apt_updated" = 0 ]; then
    $SUDO apt-get update -qq
    apt_updated=1
  fi
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@"
}

if ! command -v cargo >/dev/null; then
  echo "cargo is missing: install Rust with rustup first (https://rustup.rs)." >&2
  exit 1
fi
export PATH="$HOME/.cargo/bin:$PATH"

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi
if ! cargo fmt --version >/dev/null 2>&1 || ! cargo clippy --version >/dev/null 2>&1; then
  say "adding rustfmt and clippy"
  rustup component add rustfmt clippy
fi

if [ "$(trunk --version 2>/dev/null | awk '{print $2}')" != "$TRUNK_VERSION" ]; then
  say "installing trunk $TRUNK_VERSION (a few minutes, once)"
  cargo install --locked "trunk@$TRUNK_VERSION"
fi

# wasm-bindgen's CLI must match the library exactly, or the bindings do not load.
WB_VERSION=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/"/, "", $3); print $3; exit }' Cargo.lock)
if [ -z "$WB_VERSION" ]; then
  echo "Could not read the wasm-bindgen version from Cargo.lock." >&2
  exit 1
fi
if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$WB_VERSION" ] ||
  ! command -v wasm-bindgen-test-runner >/dev/null; then
  say "installing wasm-bindgen-cli $WB_VERSION (a few minutes, once)"
  # Not --locked: its lockfile pins a webpki-roots that no longer builds.
  cargo install --force wasm-bindgen-cli --version "$WB_VERSION"
fi

# npm packages: binaryen (wasm-opt), @playwright/test, selenium-webdriver (a
# W3C WebDriver client for the cross-engine tests; it only ever talks to drivers
# the test runner starts), and pouchdb-server (the CouchDB the sync tests start,
# in memory, on 127.0.0.1). Reinstall only when the lockfile changed since the
# last install. No package needs its install scripts (PouchDB's in-memory store
# needs no native module), so none is run.
if [ ! -x node_modules/.bin/wasm-opt ] || [ ! -x node_modules/.bin/playwright ] ||
  [ ! -f node_modules/selenium-webdriver/package.json ] ||
  [ ! -f node_modules/pouchdb-server/package.json ] ||
  [ package-lock.json -nt node_modules/.package-lock.json ]; then
  if ! command -v npm >/dev/null; then
    say "installing Node.js and npm"
    apt_install nodejs npm
  fi
  say "installing npm packages"
  # Playwright drives Debian's Chromium; it must never download a browser of its own.
  PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --ignore-scripts
fi

cargo fetch --quiet

if [ "$what" = test ]; then
  if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then
    say "installing Debian chromium and chromium-driver"
    apt_install chromium chromium-driver
  fi
  # WebKit, the engine of every browser on an iPad. The MiniBrowser comes with
  # the driver's library package.
  if [ ! -x /usr/bin/WebKitWebDriver ] || [ ! -x "$MINIBROWSER" ] || [ ! -x /usr/bin/Xvfb ]; then
    say "installing Debian webkit2gtk-driver and xvfb"
    apt_install webkit2gtk-driver xvfb
  fi
  # Gecko.
  if [ ! -x /usr/bin/firefox-esr ]; then
    say "installing Debian firefox-esr"
    apt_install firefox-esr
  fi
  if [ "$(geckodriver --version 2>/dev/null | awk 'NR == 1 { print $2 }')" != "$GECKODRIVER_VERSION" ]; then
    say "installing geckodriver $GECKODRIVER_VERSION (about 2 min, once)"
    cargo install --locked "geckodriver@$GECKODRIVER_VERSION"
  fi
fi
