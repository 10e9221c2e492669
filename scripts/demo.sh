#!/usr/bin/env bash
# The main job on an embedded default: install dependencies, build,
# synthesize a small random-weight LFM2 checkpoint (the `tiny` preset, Q8_0
# GGUF), compile it to a .lqm artifact with liquidc, show what is inside with
# liquid-inspect, run it with liquid-run on fixed prompt ids (the generated
# ids, then the prefill and decode speeds), show what a text prompt becomes
# with the artifact's tokenizer, and generate text from it.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh

bin=build/bin
out=build/demo
ckpt=$out/tiny-q8_0.gguf
art=$out/tiny-q8_0.lqm
prompt=1,739,585,58,276
mkdir -p "$out"
step() { printf '\n== %s\n' "$*"; }

step "synthesize the tiny LFM2 checkpoint (random weights, Q8_0 GGUF): $ckpt"
"$bin/liquid-synth" --preset tiny --format gguf --dtype q8_0 --seed 1 \
  -o "$ckpt" --quiet

step "compile it: liquidc $ckpt --max-context=512 -o $art"
"$bin/liquidc" "$ckpt" --max-context=512 -o "$art"

step "inside the artifact (liquid-inspect $art, excerpt)"
"$bin/liquid-inspect" "$art" | grep -E \
  '^  (architecture|hidden size|layers|max context|code|KV cache [^:]*|total per session):|^  weights: .* segments$'

step "run it: liquid-run $art --tokens $prompt -n 16 (generated ids, then speeds)"
"$bin/liquid-run" "$art" --tokens "$prompt" -n 16

text="The liquid model"
step "tokenize a text: liquid-tokenize $art \"$text\""
"$bin/liquid-tokenize" "$art" "$text"

step "generate text: liquid-run $art -p \"$text\" -n 16 (random weights: the words mean nothing)"
"$bin/liquid-run" "$art" -p "$text" -n 16
