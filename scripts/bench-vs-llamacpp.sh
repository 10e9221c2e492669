#!/usr/bin/env bash
# Liquid beside llama.cpp on the same GGUF files, in one run.
#
#   scripts/bench-vs-llamacpp.sh [-p 512] [-n 128] [-d 0] [-t 1,2] [-r 3] [MODEL...]
#
# MODEL is PRESET-TYPE (350m-q4_0, 350m-q8_0, 8b-a1b-q4_0, ... any
# liquid-synth preset and GGUF type). With no MODEL it runs the set the
# project is measured on: 350m-q4_0, 350m-q8_0 and 8b-a1b-q4_0 at
# llama-bench's defaults (pp512, tg128), and tg32 after 4096 tokens of
# context (-d 4096) for 350m-q4_0, and the cold start of 350m-q4_0: the
# median time from process start to the first token of liquid-run and of
# llama.cpp's llama-completion (same context size, a two-token prompt, the
# file already in the page cache; scripts/bench/coldstart.py).
#
# Builds Liquid (scripts/build.sh) and, once, llama.cpp's llama-bench and
# llama-completion from the source the npm package node-llama-cpp carries
# (llama/gitRelease.bundle) into build/llama.cpp; writes each GGUF with liquid-synth (seed 7) and
# compiles it with liquidc into build/bench; then, per model and thread
# count, runs llama-bench and liquid-bench one after the other with the
# same options, measures the memory read bandwidth (membw.c) and prints one
# markdown table with the ratios and the decode bandwidth floor
# (scripts/bench/table.py). Needs Node.js/npm and a C/C++ toolchain; not
# part of scripts/test.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
prompt=512 gen=128 depth=0 threads=1,2 reps=3 models=()
while [ $# -gt 0 ]; do
  case $1 in
    -p) prompt=$2; shift 2 ;;
    -n) gen=$2; shift 2 ;;
    -d) depth=$2; shift 2 ;;
    -t) threads=$2; shift 2 ;;
    -r) reps=$2; shift 2 ;;
    -h|--help) sed -n '2,/^set -e/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    -*) echo "bench-vs-llamacpp: error: unknown option '$1' (see --help)" >&2; exit 1 ;;
    *) models+=("$1"); shift ;;
  esac
done
default_set=0
if [ ${#models[@]} -eq 0 ]; then
  models=(350m-q4_0 350m-q8_0 8b-a1b-q4_0)
  default_set=1
fi

scripts/build.sh >/dev/null
bin=$root/build/bin
out=$root/build/bench
llama=$root/build/llama.cpp
mkdir -p "$out" "$llama"

# llama-bench, built once from node-llama-cpp's llama.cpp release.
if [ ! -x "$llama/build/bin/llama-bench" ] || [ ! -x "$llama/build/bin/llama-completion" ]; then
  echo "bench: building llama-bench and llama-completion into $llama (once)" >&2
  if [ ! -f "$llama/npm/node_modules/node-llama-cpp/llama/gitRelease.bundle" ]; then
    mkdir -p "$llama/npm"
    (cd "$llama/npm" && npm init -y >/dev/null &&
     NODE_LLAMA_CPP_SKIP_DOWNLOAD=true npm install --omit=optional --ignore-scripts \
       --no-audit --no-fund node-llama-cpp@3.22.1 >install.log 2>&1)
  fi
  rm -rf "$llama/src"
  git clone -q "$llama/npm/node_modules/node-llama-cpp/llama/gitRelease.bundle" "$llama/src"
  cmake -S "$llama/src" -B "$llama/build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
    -DGGML_NATIVE=ON -DLLAMA_CURL=OFF -DLLAMA_OPENSSL=OFF -DLLAMA_BUILD_TESTS=OFF \
    -DLLAMA_BUILD_EXAMPLES=OFF -DLLAMA_BUILD_SERVER=OFF >"$llama/configure.log"
  ninja -C "$llama/build" -j "${LIQUID_JOBS:-2}" llama-bench llama-completion \
    >"$llama/build.log"
fi
cc -O3 -march=native -pthread scripts/bench/membw.c -o "$out/membw"

results=$out/results
rm -rf "$results"
mkdir -p "$results"
for t in ${threads//,/ }; do
  "$out/membw" "$t" > "$results/bandwidth.$t"
done

# run MODEL P N D: both benchmarks, per thread count, alternately.
run() {
  local model=$1 p=$2 n=$3 d=$4
  local preset=${model%-*} type=${model##*-}
  local gguf=$out/$model.gguf lqm=$out/$model.lqm
  [ -f "$gguf" ] || "$bin/liquid-synth" --preset "$preset" --format gguf --dtype "$type" \
    --seed 7 -o "$gguf" --quiet
  local longest=$(( p > n ? p : n ))
  "$bin/liquidc" "$gguf" --max-context=$(( d + longest )) -o "$lqm" 2>/dev/null
  ln -sf "$gguf" "$results/$model.gguf"
  for t in ${threads//,/ }; do
    echo "bench: $model, $t thread(s): llama-bench, liquid-bench (-p $p -n $n -d $d -r $reps)" >&2
    "$llama/build/bin/llama-bench" -m "$gguf" -p "$p" -n "$n" -d "$d" -t "$t" \
      -r "$reps" -o json 2>/dev/null > "$results/$model.llama.$t.part"
    "$bin/liquid-bench" "$lqm" -p "$p" -n "$n" -d "$d" -t "$t" -r "$reps" -o json \
      2>/dev/null > "$results/$model.liquid.$t.part"
    for tool in llama liquid; do
      python3 - "$results/$model.$tool.$t.part" "$results/$model.$tool.$t.json" <<'PY'
import json, os, sys
new = json.load(open(sys.argv[1]))
old = json.load(open(sys.argv[2])) if os.path.exists(sys.argv[2]) else []
json.dump(old + new, open(sys.argv[2], "w"))
PY
      rm "$results/$model.$tool.$t.part"
    done
  done
}

for model in "${models[@]}"; do
  run "$model" "$prompt" "$gen" "$depth"
done
if [ "$default_set" = 1 ]; then
  run 350m-q4_0 0 32 4096
fi

echo
echo "$(date -u +%Y-%m-%d), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) cores"
python3 scripts/bench/table.py "$results"

if [ "$default_set" = 1 ]; then
  # The last run compiled 350m-q4_0 for 4096 + 32 tokens of context.
  echo
  echo "| model | threads | llama.cpp ms to first token | Liquid ms | llama.cpp / Liquid |"
  echo "| --- | ---: | ---: | ---: | ---: |"
  for t in ${threads//,/ }; do
    python3 scripts/bench/coldstart.py 350m-q4_0 "$t" 10 \
      "$llama/build/bin/llama-completion -m $out/350m-q4_0.gguf -p Hello -n 1 -t $t -c 4128 --no-warmup -no-cnv" \
      "$bin/liquid-run $out/350m-q4_0.lqm --tokens 1,2 -n 1 -t $t"
  done
fi
