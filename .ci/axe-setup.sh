#!/usr/bin/env bash
# Issue 16: axe-core (the accessibility rules engine) for tests/web/test_accessibility.py.
# Installed with npm into a folder outside the package; the test injects its axe.min.js into
# Debian's Chromium. Folder: $ESI_DOCS_AXE_DIR, else /var/cache/esi-docs-axe (the test's default).
set -euo pipefail
dir="${ESI_DOCS_AXE_DIR:-/var/cache/esi-docs-axe}"
if [ -f "$dir/node_modules/axe-core/axe.min.js" ]; then
  exit 0
fi
if ! command -v npm >/dev/null; then
  apt-get update -qq && apt-get install -y -qq npm >/dev/null
fi
mkdir -p "$dir"
npm install --silent --no-audit --no-fund --prefix "$dir" "axe-core@4" >/dev/null
test -f "$dir/node_modules/axe-core/axe.min.js"
echo "axe-core $(node -p "require('$dir/node_modules/axe-core/package.json').version" 2>/dev/null || echo '?') in $dir"
