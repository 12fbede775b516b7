#!/usr/bin/env bash
# Rebuilds the drug-interaction plugin from plugin/src/lib.rs. The knowledge (knowledge/*.tsv) is not compiled in:
# the host loads it into the plugin at run time, so editing the knowledge needs no rebuild.
#   plugin/build.sh           rewrite src/main/resources/.../drug-interactions.wasm
#   plugin/build.sh --check   rebuild into a temp dir and fail if the committed .wasm differs
# Needs Debian's rustc with the wasm32 standard library:
#   apt-get install -y rustc libstd-rust-dev-wasm32
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
module="$(dirname "$here")"
rustc="${RUSTC:-/usr/bin/rustc}"
wasm="$module/src/main/resources/io/vitalflow/interactions/drug-interactions.wasm"

"$rustc" --version >/dev/null 2>&1 || { echo "no rustc at $rustc (apt-get install -y rustc libstd-rust-dev-wasm32)" >&2; exit 2; }

build() { # build <out-dir>
  local out="$1"
  mkdir -p "$out/src"
  cp "$here/src/lib.rs" "$out/src/lib.rs"
  # build from a fixed relative path so no absolute path can leak into the binary
  (cd "$out" && "$rustc" --edition 2021 --target wasm32-unknown-unknown --crate-type cdylib \
      -C opt-level=3 -C panic=abort -C lto=fat -C codegen-units=1 -C strip=symbols \
      -o plugin.wasm src/lib.rs)
}

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
build "$tmp"

if [[ "${1:-}" == "--check" ]]; then
  status=0
  cmp -s "$tmp/plugin.wasm" "$wasm" || { echo "drug-interactions.wasm does not match its source: run interaction-checker/plugin/build.sh" >&2; status=1; }
  [[ $status == 0 ]] && echo "plugin is up to date ($(wc -c < "$wasm") bytes, sha256 $(sha256sum "$wasm" | cut -c1-16))"
  exit $status
fi

mkdir -p "$(dirname "$wasm")"
cp "$tmp/plugin.wasm" "$wasm"
echo "built $wasm ($(wc -c < "$wasm") bytes, sha256 $(sha256sum "$wasm" | cut -c1-16))"
