#!/usr/bin/env bash
# Builds the sample Extism plugin (AssemblyScript + @extism/as-pdk 1.0.0, versions pinned in package-lock.json).
#   extism-plugin/build.sh           rebuild src/test/resources/extism/extism-interactions.wasm
#   extism-plugin/build.sh --check   rebuild in a temp dir and fail if the committed .wasm differs
# Needs node and npm (Debian: apt-get install -y nodejs npm) and the npm registry (npm ci).
# The build is byte-reproducible: a fresh directory each time, exact versions, no debug info or source map.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
module="$(dirname "$here")"
wasm="$module/src/test/resources/extism/extism-interactions.wasm"

command -v npm >/dev/null 2>&1 || { echo "no npm (apt-get install -y nodejs npm)" >&2; exit 2; }
node_major="$(node -p 'process.versions.node.split(".")[0]')"
# assemblyscript 0.28 declares node >= 20; it is only known to build (byte-identically) on Node 20 + npm 11 here
[[ "$node_major" -ge 20 ]] || echo "warning: node $(node --version) is older than assemblyscript's minimum (20); trying anyway" >&2

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
cp -r "$here/package.json" "$here/package-lock.json" "$here/asconfig.json" "$here/assembly" "$tmp/"
(cd "$tmp" \
  && npm ci --no-audit --no-fund --loglevel=error >/dev/null \
  && npx --no-install asc assembly/index.ts --config asconfig.json --target release --outFile plugin.wasm)

if [[ "${1:-}" == "--check" ]]; then
  if ! cmp -s "$tmp/plugin.wasm" "$wasm"; then
    echo "extism-interactions.wasm does not match its source: run interaction-checker/extism-plugin/build.sh" >&2
    exit 1
  fi
  echo "Extism sample plugin is up to date ($(wc -c < "$wasm") bytes, sha256 $(sha256sum "$wasm" | cut -c1-16))"
  exit 0
fi

mkdir -p "$(dirname "$wasm")"
cp "$tmp/plugin.wasm" "$wasm"
echo "built $wasm ($(wc -c < "$wasm") bytes, sha256 $(sha256sum "$wasm" | cut -c1-16))"
