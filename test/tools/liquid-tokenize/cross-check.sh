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
version=3.22.1

skip() { echo "SKIP: tokenizer cross-check: $*"; exit 77; }
command -v node >/dev/null && command -v npm >/dev/null || skip "needs node and npm"
command -v git >/dev/null || skip "needs git"
node -e 'process.exit(+process.versions.node.split(".")[0] >= 20 ? 0 : 1)' \
  || skip "node-llama-cpp needs Node.js >= 20 (found $(node --version))"

mkdir -p "$work/npm"
if [ ! -f "$work/npm/node_modules/node-llama-cpp/package.json" ]; then
  (cd "$work/npm" && npm init -y >/dev/null &&
   NODE_LLAMA_CPP_SKIP_DOWNLOAD=true npm install --omit=optional --ignore-scripts \
     --no-audit --no-fund "node-llama-cpp@$version" "@node-llama-cpp/linux-x64@$version" \
     >"$work/npm/install.log" 2>&1) \
    || skip "could not install node-llama-cpp@$version (see $work/npm/install.log)"
fi

vocab=models/ggml-vocab-llama-bpe.gguf
src="$work/llama.cpp"
if [ ! -f "$src/$vocab.inp" ]; then
  rm -rf "$src"
  git clone -q --no-checkout \
    "$work/npm/node_modules/node-llama-cpp/llama/gitRelease.bundle" "$src"
  git -C "$src" checkout -q HEAD -- "$vocab" "$vocab.inp"
fi

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
