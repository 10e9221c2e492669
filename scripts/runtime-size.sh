#!/usr/bin/env bash
# The size of the runtime a program embeds: build/runtime's static library
# linked into a shared object that exports only the C API (lq_*), with
# unused sections dropped, then stripped. Prints the bytes.
#
#   scripts/runtime-size.sh [BUILD_DIR]
set -euo pipefail
max=
if [ "${1:-}" = --max ]; then max=$2; shift 2; fi
build=${1:-build}
lib="$build/runtime/libliquid-runtime.a"
template="$build/runtime/libliquid-template.a"
[ -f "$lib" ] && [ -f "$template" ] || { echo "runtime-size.sh: error: $lib: not built" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
printf '{ global: lq_*; local: *; };\n' > "$work/exports.map"
${CXX:-c++} -shared -o "$work/libliquid.so" -Wl,--gc-sections \
  -Wl,--version-script="$work/exports.map" \
  -Wl,--whole-archive "$lib" -Wl,--no-whole-archive "$template" -lpthread -ldl
strip "$work/libliquid.so"
bytes=$(wc -c < "$work/libliquid.so")
echo "runtime: $bytes bytes stripped ($(( (bytes + 1023) / 1024 )) KiB), $(nm -D --defined-only "$work/libliquid.so" | grep -c ' T lq_') C API functions"
if [ -n "$max" ] && [ "$bytes" -gt "$max" ]; then
  echo "runtime-size.sh: error: the runtime is $bytes bytes, over its budget of $max" >&2
  exit 1
fi
