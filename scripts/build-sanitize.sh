#!/usr/bin/env bash
# Configures and builds build-sanitize/: the compiler, runtime, tools, tests
# and fuzz targets built with clang 22, AddressSanitizer,
# UndefinedBehaviorSanitizer and libFuzzer's coverage instrumentation, at
# -O1 with line tables. With arguments, builds only those targets.
# Shared by scripts/test.sh --sanitize and scripts/fuzz.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
build=build-sanitize
if ! grep -q "^LIQUID_FUZZ:BOOL=ON" "$build/CMakeCache.txt" 2>/dev/null; then
  cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_C_COMPILER=/usr/lib/llvm-22/bin/clang \
    -DCMAKE_CXX_COMPILER=/usr/lib/llvm-22/bin/clang++ \
    "-DCMAKE_C_FLAGS_RELEASE=-O1 -gline-tables-only -DNDEBUG" \
    "-DCMAKE_CXX_FLAGS_RELEASE=-O1 -gline-tables-only -DNDEBUG" \
    -DLIQUID_SANITIZE=address,undefined -DLIQUID_FUZZ=ON
fi
targets=()
for t in "$@"; do targets+=(--target "$t"); done
cmake --build "$build" -j "${LIQUID_JOBS:-2}" "${targets[@]}"
