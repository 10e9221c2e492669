#!/bin/sh
# standalone-build.sh SOURCE_DIR BUILD_DIR
#
# Configures and builds runtime/ on its own (cmake -S runtime), as a device
# build would, without the tests, and checks that nothing it produces links
# LLVM or MLIR: the runtime library and tools depend on libc, pthreads, dl
# and the FlatBuffers headers only.
set -eu
src=$1 build=$2
rm -rf "$build"
cmake -S "$src/runtime" -B "$build" -G Ninja -DLIQUID_RUNTIME_BUILD_TESTS=OFF > "$build.log" 2>&1 ||
  { cat "$build.log"; exit 1; }
ninja -C "$build" -j2 >> "$build.log" 2>&1 || { cat "$build.log"; exit 1; }
for tool in liquid-run liquid-inspect liquid-bench; do
  test -x "$build/bin/$tool" || { echo "missing $build/bin/$tool"; exit 1; }
  if ldd "$build/bin/$tool" | grep -Ei 'llvm|mlir'; then
    echo "$tool links LLVM or MLIR"
    exit 1
  fi
done
echo "runtime builds on its own: liquid-run, liquid-inspect, liquid-bench without LLVM/MLIR"
