#!/usr/bin/env bash
# The whole test suite: install dependencies, build, run every lit suite and
# unit test through ctest.
#
#   scripts/test.sh              the release build in build/
#   scripts/test.sh --sanitize   the compiler, runtime, tools and tests built
#                                with clang's AddressSanitizer and
#                                UndefinedBehaviorSanitizer in
#                                build-sanitize/ (scripts/build-sanitize.sh,
#                                which scripts/fuzz.sh shares), the whole
#                                suite run there; then the runtime and its
#                                unit tests under ThreadSanitizer in
#                                build-tsan/
set -euo pipefail
cd "$(dirname "$0")/.."
case "${1:-}" in
  "") mode=release ;;
  --sanitize) mode=sanitize ;;
  *) echo "usage: scripts/test.sh [--sanitize]" >&2; exit 2 ;;
esac
scripts/install-deps.sh
jobs="${LIQUID_JOBS:-2}"

if [ "$mode" = release ]; then
  scripts/build.sh
  exec ctest --test-dir build --output-on-failure -j "$jobs"
fi

# Debian's LLVM/MLIR libraries are not instrumented while their headers
# poison memory under ASan (use-after-poison inside Dialect::addType):
# allow_user_poisoning=0 ignores that poisoning and nothing else.
export ASAN_OPTIONS=allow_user_poisoning=0:detect_leaks=1:abort_on_error=0:strict_string_checks=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
export TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1
export ASAN_SYMBOLIZER_PATH=/usr/lib/llvm-22/bin/llvm-symbolizer
start=$SECONDS
scripts/build-sanitize.sh
echo "test.sh: ASan+UBSan build: $((SECONDS - start)) s"
start=$SECONDS
status=0
ctest --test-dir build-sanitize --output-on-failure -j "$jobs" || status=$?
echo "test.sh: ASan+UBSan suite: $((SECONDS - start)) s"

start=$SECONDS
[ -f build-tsan/build.ninja ] ||
  cmake -S runtime -B build-tsan -G Ninja -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_C_COMPILER=/usr/lib/llvm-22/bin/clang \
    -DCMAKE_CXX_COMPILER=/usr/lib/llvm-22/bin/clang++ \
    "-DCMAKE_C_FLAGS_RELEASE=-O1 -gline-tables-only -DNDEBUG" \
    "-DCMAKE_CXX_FLAGS_RELEASE=-O1 -gline-tables-only -DNDEBUG" \
    -DLIQUID_SANITIZE=thread
cmake --build build-tsan -j "$jobs"
ctest --test-dir build-tsan --output-on-failure -j "$jobs" || status=$?
echo "test.sh: TSan runtime build and tests: $((SECONDS - start)) s"
exit $status
