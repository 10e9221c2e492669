#!/bin/sh
# check-run.sh CHECKPOINT ARTIFACT PROMPT N [liquid-run flags...]
#
# Runs the reference forward pass on CHECKPOINT and the compiled ARTIFACT
# on the same prompt (comma-separated token ids) for N greedy tokens, then
# checks that the generated ids are identical (also when liquid-run keeps no
# logits but the last) and the logits of every evaluated position agree
# (compare-logits.py, 1e-4 x max |logit|).
# REFERENCE_FLAGS (environment) go to liquid-reference, e.g.
# --quantize-activations for checkpoints whose products liquidc compiles
# to int8 kernels.
set -e
ckpt=$1 art=$2 prompt=$3 n=$4
shift 4
out=$art.check
liquid-reference "$ckpt" ${REFERENCE_FLAGS:-} --tokens "$prompt" -n "$n" --dump-logits "$out.want" > "$out.want.ids"
liquid-run "$art" --tokens "$prompt" -n "$n" --dump-logits "$out.got" "$@" > "$out.got.ids" 2> "$out.log"
if ! cmp -s "$out.want.ids" "$out.got.ids"; then
  echo "generated ids differ: reference $(cat "$out.want.ids"), compiled $(cat "$out.got.ids")"
  exit 1
fi
# Without --dump-logits the prompt's chunks compute the last token's logits
# only (the prefill_last entry points): the same ids must follow.
liquid-run "$art" --tokens "$prompt" -n "$n" "$@" > "$out.last.ids" 2>/dev/null
if ! cmp -s "$out.want.ids" "$out.last.ids"; then
  echo "generated ids differ without logits: $(cat "$out.last.ids")"
  exit 1
fi
rows=$(( $(echo "$prompt" | tr ',' '\n' | wc -l) + n - 1 ))
vocab=$(( $(wc -c < "$out.want") / 4 / rows ))
python3 "$(dirname "$0")/compare-logits.py" "$out.got" "$out.want" "$vocab"
echo "ids $(cat "$out.got.ids")"
