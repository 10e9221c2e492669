#!/usr/bin/env bash
# Cross-checks liquid-synth's GGUF files with a real llama.cpp: the prebuilt
# one in the npm package node-llama-cpp, installed into WORK on first use.
# Loads dense and MoE files in several types and generates 8 greedy tokens
# from each (llama-cpp-load.mjs), and checks the tokens and logits against
# liquid-reference, the project's reference forward pass (see the .mjs for
# what must agree and how closely). Exits 77 (ctest: skipped) when Node.js
# 20+ and npm are missing or the npm registry cannot be reached.
#
#   llama-cpp.sh BIN_DIR WORK_DIR
set -euo pipefail
bin=$1
work=$2
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../npm-env.sh"
npm_setup "$work"

[ -x "$bin/liquid-reference" ] || { echo "FAIL: $bin/liquid-reference is not built"; exit 1; }

files=()
for spec in tiny:f32 tiny:q8_0 tiny:q4_0 tiny:bf16 tiny:q4_K tiny:q5_K tiny:q6_K \
            tiny-moe:f32 tiny-moe:f16 tiny-moe:q8_0; do
  preset=${spec%%:*} dtype=${spec##*:}
  out="$work/$preset-$dtype.gguf"
  "$bin/liquid-synth" --preset "$preset" --format gguf --dtype "$dtype" --seed 0 -o "$out" --quiet
  files+=("$out")
done
node "$here/llama-cpp-load.mjs" --node-modules "$work/npm/node_modules" \
  --reference "$bin/liquid-reference" "${files[@]}"
