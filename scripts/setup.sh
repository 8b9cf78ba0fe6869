#!/usr/bin/env bash
# Prepares a fresh Debian/Ubuntu machine to build and test Spikeworks (and NEST, PyNN and Brian2 in
# ~/.cache/spikeworks/nest-venv for the export tests). Idempotent: it installs
# only what is missing, so a second run does nothing and needs no network.
set -euo pipefail
cd "$(dirname "$0")/.."

# System packages: pkg-config and a C compiler for -sys crates; Xvfb and Mesa's software
# Vulkan (lavapipe) for the real-window test on machines without a GPU or display; ALSA's
# headers for the loudspeaker's audio output; Chromium for the browser build's end-to-end
# test, and Node.js with npm for playwright-core when node is absent.
packages=(pkg-config build-essential libasound2-dev xvfb xauth mesa-vulkan-drivers libvulkan1
    chromium)
command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 || packages+=(nodejs npm)
missing=()
for p in "${packages[@]}"; do
    dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if ((${#missing[@]})); then
    echo "setup: installing ${missing[*]}"
    sudo=""
    [[ $(id -u) -eq 0 ]] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}"
fi

# The Rust toolchain: Bevy 0.19 needs rustc 1.95 or newer, plus rustfmt and clippy.
if ! command -v cargo >/dev/null 2>&1; then
    echo "setup: Rust is missing; install it from https://rustup.rs (rustc >= 1.95)" >&2
    exit 1
fi
rustc_minor=$(rustc --version | sed -E 's/^rustc 1\.([0-9]+).*/\1/')
if ((rustc_minor < 95)); then
    echo "setup: rustc $(rustc --version) is too old; Spikeworks needs 1.95 or newer" >&2
    exit 1
fi
for component in rustfmt clippy; do
    if ! cargo "${component/rustfmt/fmt}" --version >/dev/null 2>&1; then
        rustup component add "$component"
    fi
done
# The browser build's target, and the end-to-end test's driver (pinned in web/package-lock.json).
if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    rustup target add wasm32-unknown-unknown
fi
if [[ ! -d web/node_modules/playwright-core ]]; then
    (cd web && npm ci --no-audit --no-fund)
fi
# NEST, PyNN and Brian2 (PyNN's second backend) for the export tests
# (tests/core/nest_export.rs), from PyPI into a virtual environment of their own outside the
# clone; numpy below 2.4 so Brian2 works beside NEST.
nest_venv="$HOME/.cache/spikeworks/nest-venv"
if ! "$nest_venv/bin/python" -c "import nest, pyNN.nest, brian2" >/dev/null 2>&1; then
    echo "setup: installing NEST, PyNN and Brian2 into $nest_venv"
    if ! python3 -m venv --help >/dev/null 2>&1; then
        sudo=""
        [[ $(id -u) -eq 0 ]] || sudo="sudo"
        DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq python3-venv
    fi
    rm -rf "$nest_venv"
    python3 -m venv "$nest_venv"
    "$nest_venv/bin/pip" install --quiet nest-simulator pynn brian2 "numpy<2.4"
    "$nest_venv/bin/python" -c "import nest, pyNN.nest, brian2" >/dev/null 2>&1 || {
        echo "setup: NEST, PyNN or Brian2 does not import in $nest_venv" >&2
        exit 1
    }
fi
echo "setup: ready"
