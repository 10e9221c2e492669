#!/bin/sh
# check-int8.sh CHECKPOINT CHUNKED DECODE PROMPT N MIN_EXACT [BOUND]
#
# Checks a model whose Q8_0 / Q4_0 products liquidc compiled to int8
# kernels (activations quantized to int8 blocks). CHUNKED and DECODE are
# the same checkpoint compiled with a prefill chunk shorter than PROMPT and
# with one longer than PROMPT + N (so every token goes through decode).
#
# 1. Self-consistency: both artifacts give the same greedy ids for PROMPT
#    and N more tokens, and the same logits at every position (1e-6 x max
#    |logit|): full chunks, a chunk tail and decode steps compute each token
#    exactly as single decode steps do.
# 2. Against liquid-reference --quantize-activations, one token at a time
#    for 12 token ids: at least MIN_EXACT agree within 1e-4 x max |logit|
#    and all within BOUND (default 5e-2). A rounding decision of the
#    quantization that falls within an ulp of a tie can go either way when
#    the f32 inputs differ in their last bit (the reference computes in
#    double), and one such flip moves these random models' logits by about
#    1e-2; a wrong kernel moves every token.
set -e
ckpt=$1 chunked=$2 decode=$3 prompt=$4 n=$5 min=$6 bound=${7:-5e-2}
here=$(dirname "$0")
out=$chunked.int8
liquid-run "$chunked" --tokens "$prompt" -n "$n" --dump-logits "$out.a" > "$out.a.ids" 2>/dev/null
liquid-run "$decode" --tokens "$prompt" -n "$n" --dump-logits "$out.b" > "$out.b.ids" 2>/dev/null
if ! cmp -s "$out.a.ids" "$out.b.ids"; then
  echo "generated ids differ: chunked $(cat "$out.a.ids"), decode $(cat "$out.b.ids")"
  exit 1
fi
rows=$(( $(echo "$prompt" | tr ',' '\n' | wc -l) + n - 1 ))
vocab=$(( $(wc -c < "$out.a") / 4 / rows ))
printf 'chunked vs decode: '
python3 "$here/compare-logits.py" "$out.a" "$out.b" "$vocab" --tolerance 1e-6

exact=0
for token in 1 2 3 5 8 13 21 34 55 89 144 233; do
  liquid-run "$chunked" --tokens "$token" -n 1 --dump-logits "$out.got" > /dev/null 2>&1
  liquid-reference "$ckpt" --quantize-activations --tokens "$token" -n 1 \
    --dump-logits "$out.want" > /dev/null
  if python3 "$here/compare-logits.py" "$out.got" "$out.want" "$vocab" > "$out.cmp"; then
    exact=$((exact + 1))
  elif ! python3 "$here/compare-logits.py" "$out.got" "$out.want" "$vocab" \
      --tolerance "$bound" > "$out.cmp"; then
    echo "token $token against the reference: $(cat "$out.cmp")"
    exit 1
  fi
done
echo "against the reference: $exact of 12 tokens within 1e-4, all within $bound"
if [ "$exact" -lt "$min" ]; then
  echo "fewer than $min tokens agree exactly"
  exit 1
fi
echo "ids $(cat "$out.a.ids")"
