#!/usr/bin/env bash
# The main job on an embedded default: install dependencies, build,
# synthesize a small random-weight LFM2 checkpoint (the `tiny` preset,
# GGUF), and import it with liquidc, printing its liquid IR.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
mkdir -p build/demo
build/bin/liquid-synth --preset tiny --format gguf --dtype q8_0 --seed 1 -o build/demo/tiny-q8_0.gguf
build/bin/liquidc build/demo/tiny-q8_0.gguf --compile-to=liquid
