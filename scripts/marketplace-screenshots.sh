#!/usr/bin/env bash
# Copies the screenshots the marketplace README shows from the UI test's output (test/e2e/screenshots/market-*.png,
# written by test/e2e/trust.test.ts) to media/screenshots/<name>.png, made small with pngquant (Debian package).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
mkdir -p media/screenshots
for f in test/e2e/screenshots/market-*.png; do
  name=$(basename "$f" .png); name=${name#market-}
  pngquant --quality 60-85 --strip --force --output "media/screenshots/$name.png" "$f"
  printf '%-40s %6d bytes\n' "media/screenshots/$name.png" "$(stat -c %s "media/screenshots/$name.png")"
done
