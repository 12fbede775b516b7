#!/usr/bin/env bash
# Assembles the misbehaving and helper test plugins (src/test/resources/plugins/*.wat) with wabt's wat2wasm.
#   plugin/test-plugins.sh           rewrite the .wasm files
#   plugin/test-plugins.sh --check   fail if a committed .wasm does not match its .wat
# Needs: apt-get install -y wabt
set -euo pipefail
dir="$(cd "$(dirname "$0")/.." && pwd)/src/test/resources/plugins"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
status=0
for wat in "$dir"/*.wat; do
  name="$(basename "$wat" .wat)"
  wat2wasm "$wat" -o "$tmp/$name.wasm"
  if [[ "${1:-}" == "--check" ]]; then
    cmp -s "$tmp/$name.wasm" "$dir/$name.wasm" || { echo "$name.wasm does not match $name.wat" >&2; status=1; }
  else
    cp "$tmp/$name.wasm" "$dir/$name.wasm"
  fi
done
[[ "${1:-}" == "--check" && $status == 0 ]] && echo "test plugins are up to date"
exit $status
