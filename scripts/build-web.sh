#!/usr/bin/env bash
# Builds the browser version into web/dist/: the app for wasm32-unknown-unknown (Bevy on
# WebGL2), the JS glue from the wasm-bindgen CLI at exactly Cargo.lock's version (installed
# from crates.io when missing), the wasm shrunk by wasm-opt (npm's binaryen), and the page.
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

if [[ ! -x web/node_modules/.bin/wasm-opt ]]; then
    step "installing binaryen and playwright-core from npm (web/package-lock.json)"
    (cd web && npm ci --no-audit --no-fund)
fi

step "cargo build --profile web --target $target"
cargo build --profile web --target "$target"

step "wasm-bindgen"
rm -rf "$dist"
mkdir -p "$dist"
wasm-bindgen --target web --no-typescript --out-dir "$dist" --out-name spikeworks \
    "$CARGO_TARGET_DIR/$target/web/spikeworks.wasm"

step "wasm-opt -Os"
raw=$(stat -c %s "$dist/spikeworks_bg.wasm")
# The features Rust enables for wasm32 by default; wasm-opt must accept what is there.
web/node_modules/.bin/wasm-opt -Os \
    --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
    --enable-mutable-globals --enable-reference-types --enable-multivalue \
    -o "$dist/spikeworks_bg.opt.wasm" "$dist/spikeworks_bg.wasm"
mv "$dist/spikeworks_bg.opt.wasm" "$dist/spikeworks_bg.wasm"
cp web/index.html "$dist/"

size=$(stat -c %s "$dist/spikeworks_bg.wasm")
gzipped=$(gzip -9 -c "$dist/spikeworks_bg.wasm" | wc -c)
step "done: $dist ($((raw / 1024)) KiB from wasm-bindgen, $((size / 1024)) KiB after wasm-opt, $((gzipped / 1024)) KiB gzipped)"
