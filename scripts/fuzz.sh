#!/usr/bin/env bash
# Builds the libFuzzer targets and runs them.
#
#   scripts/fuzz.sh                 every target for 60 s
#   scripts/fuzz.sh TARGET [SECS]   one target (gguf, hf, artifact, session,
#                                   tokenizer, template, snapshot)
#   scripts/fuzz.sh all SECS        every target for SECS seconds
#
# The targets are built with clang's ASan+UBSan and libFuzzer's coverage in
# build-sanitize/ (the tree scripts/test.sh --sanitize tests); each run
# starts from the seeds the build wrote (build-sanitize/fuzz/corpus/TARGET)
# and keeps what it finds new in build-sanitize/fuzz/found/TARGET. A crash,
# a sanitizer report, a leak or a timeout stops the run, leaves the input
# in build-sanitize/fuzz/artifacts/ and fails the script: each finding
# becomes a regression test. The last line of each run's log
# (build-sanitize/fuzz/TARGET.log) gives executions and coverage.
set -euo pipefail
cd "$(dirname "$0")/.."
targets=(gguf hf artifact session tokenizer template snapshot)
which=${1:-all} seconds=${2:-60}
if [ "$which" != all ]; then
  printf '%s\n' "${targets[@]}" | grep -qx "$which" ||
    { echo "fuzz.sh: unknown target '$which' (${targets[*]})" >&2; exit 2; }
  targets=("$which")
fi

scripts/install-deps.sh > /dev/null
build=build-sanitize
scripts/build-sanitize.sh liquid-fuzz-seeds \
  $(printf 'liquid-fuzz-%s ' "${targets[@]}")

export ASAN_OPTIONS=allow_user_poisoning=0:detect_leaks=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
export ASAN_SYMBOLIZER_PATH=/usr/lib/llvm-22/bin/llvm-symbolizer
declare -A dict=([gguf]=gguf [hf]=json [template]=jinja)
status=0
for t in "${targets[@]}"; do
  found=$build/fuzz/found/$t artifacts=$build/fuzz/artifacts/$t
  mkdir -p "$found" "$artifacts"
  args=(-max_total_time="$seconds" -timeout=30 -rss_limit_mb=4096
        -print_final_stats=1 -artifact_prefix="$artifacts/")
  [ -n "${dict[$t]:-}" ] && args+=(-dict="fuzz/dicts/${dict[$t]}.dict")
  echo "== fuzz $t for ${seconds} s"
  if "$build/bin/liquid-fuzz-$t" "${args[@]}" "$found" \
       "$build/fuzz/corpus/$t" > "$build/fuzz/$t.log" 2>&1; then
    grep -E "^#[0-9]+.*(DONE|pulse)" "$build/fuzz/$t.log" | tail -1
    grep -E "stat::number_of_executed_units|stat::peak_rss_mb" \
      "$build/fuzz/$t.log" | tr '\n' ' '
    echo
  else
    status=1
    echo "fuzz.sh: $t found a failure; its log: $build/fuzz/$t.log," \
         "the input: $artifacts/" >&2
    grep -E "ERROR|SUMMARY|runtime error|deadly signal" \
      "$build/fuzz/$t.log" | head -5 >&2
  fi
done
exit $status
