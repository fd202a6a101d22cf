#!/usr/bin/env bash
# Renders the PNG icons in public/icons from the SVGs in assets/ with headless
# Chromium. The PNGs are committed; run this only after changing an SVG.
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
render() { # svg size out
  printf '<html><body style="margin:0"><img src="file://%s" width="%s" height="%s"></body></html>' \
    "$PWD/$1" "$2" "$2" >"$tmp/page.html"
  chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --default-background-color=00000000 \
    --user-data-dir="$tmp/profile" --window-size="$2,$2" --screenshot="$PWD/$3" "file://$tmp/page.html" 2>/dev/null
}
render assets/icon.svg 192 public/icons/icon-192.png
render assets/icon.svg 512 public/icons/icon-512.png
render assets/icon-maskable.svg 512 public/icons/icon-maskable-512.png
# iOS paints transparent corners black, so the touch icon is the full-bleed variant.
render assets/icon-maskable.svg 180 public/icons/apple-touch-icon.png
