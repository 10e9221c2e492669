#!/usr/bin/env bash
# Cross-checks the runtime's tokenizer with llama.cpp's (the prebuilt one in
# the npm package node-llama-cpp, installed into WORK on first use) on
# liquid-synth's vocabulary and on a real published one, llama.cpp's
# models/ggml-vocab-llama-bpe.gguf (Llama-3's, the pre-tokenizer family
# LFM2 uses), checked out of the llama.cpp source the package ships
# (llama/gitRelease.bundle). Each vocabulary is compiled into an artifact
# (liquid-synth --vocab-from, liquidc) and llama-cpp-tokenize.mjs compares
# the two tokenizers on corpus.mjs and the vocabulary's .inp tests. Exits 77
# (ctest: skipped) when Node.js 20+ and npm are missing or the npm registry
# cannot be reached.
#
#   cross-check.sh BIN_DIR WORK_DIR
set -euo pipefail
bin=$1
work=$2
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../npm-env.sh"
npm_setup "$work"
vocab=models/ggml-vocab-llama-bpe.gguf
src="$work/llama.cpp"
llama_cpp_checkout "$work" "$vocab" "$vocab.inp"

out="$work/tokenizer"
mkdir -p "$out"
"$bin/liquid-synth" --preset tiny --format gguf --dtype q8_0 --seed 0 \
  -o "$out/synth.gguf" --quiet
"$bin/liquid-synth" --preset tiny --format gguf --dtype q8_0 --seed 0 \
  --vocab-from "$src/$vocab" -o "$out/llama-bpe.gguf" --quiet
for name in synth llama-bpe; do
  "$bin/liquidc" "$out/$name.gguf" --max-context=64 --prefill-small-chunk=0 \
    -o "$out/$name.lqm" 2>/dev/null
done
node "$here/llama-cpp-tokenize.mjs" --node-modules "$work/npm/node_modules" \
  --tokenize "$bin/liquid-tokenize" --inp "$src/$vocab.inp" \
  "$out/synth.gguf" "$out/synth.lqm" "$out/llama-bpe.gguf" "$out/llama-bpe.lqm"
