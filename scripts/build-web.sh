#!/usr/bin/env bash
# Builds the browser version into web/dist/: the app for wasm32-unknown-unknown (Bevy on
# WebGL2), the JS glue from the wasm-bindgen CLI at exactly Cargo.lock's version (installed
# from crates.io when missing) with the names section stripped, and the page.
# The examples and levels are compiled into the wasm, so web/dist/ is self-contained: serve
# it from any static web server (scripts/serve-web.sh does on this machine).
set -euo pipefail
cd "$(dirname "$0")/.."

export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target}"
target=wasm32-unknown-unknown
dist=web/dist
step() { echo "build-web: $* ($(date +%T))"; }

if ! rustup target list --installed | grep -qx "$target"; then
    step "adding the $target target"
    rustup target add "$target"
fi

# The CLI must match the wasm-bindgen crate the app links, to the patch version.
bindgen_version=$(awk '$0 == "name = \"wasm-bindgen\"" { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
if [[ "$(wasm-bindgen --version 2>/dev/null)" != "wasm-bindgen $bindgen_version" ]]; then
    step "installing wasm-bindgen-cli $bindgen_version (a few minutes, once)"
    cargo install wasm-bindgen-cli --version "$bindgen_version"
fi


step "cargo build --profile web --target $target"
cargo build --profile web --target "$target"

step "wasm-bindgen"
rm -rf "$dist"
mkdir -p "$dist"
# Function names are a third of the file and only help debuggers.
wasm-bindgen --target web --no-typescript --remove-name-section --remove-producers-section \
    --out-dir "$dist" --out-name spikeworks "$CARGO_TARGET_DIR/$target/web/spikeworks.wasm"

# No wasm-opt pass: measured on this app, binaryen 132 (npm, run by node) takes 4–5 minutes
# and gains 10 % raw but only 2.5 % gzipped with -O1, and with -Os its output compresses
# worse than its input; Debian's binaryen 108 is fast but breaks wasm-bindgen's externref
# table. opt-level "s" and the stripped names above are what make the file small.
cp web/index.html "$dist/"

size=$(stat -c %s "$dist/spikeworks_bg.wasm")
gzipped=$(gzip -9 -c "$dist/spikeworks_bg.wasm" | wc -c)
step "done: $dist (wasm $((size / 1024)) KiB, $((gzipped / 1024)) KiB gzipped)"
