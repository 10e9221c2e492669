#!/usr/bin/env bash
# Configures and builds Liquid in ./build (Release, Ninja, two jobs).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -f build/build.ninja ]; then
  cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release
fi
cmake --build build -j "${LIQUID_JOBS:-2}"
