#!/bin/sh
# make-seeds.sh BIN DATA CORPUS
#
# Writes what the fuzz targets start from, with the project's own tools in
# BIN (nothing binary is stored in git): into DATA the files the targets
# read (a compiled tiny model, a sharded Hugging Face checkpoint), into
# CORPUS/<target>/ the seed inputs. Run by the build (fuzz/CMakeLists.txt).
set -eu
bin=$1 data=$2 corpus=$3
here=$(cd "$(dirname "$0")" && pwd)
cut() { python3 "$here/seeds.py" "$@"; }
rm -rf "$data" "$corpus"
mkdir -p "$data"
for t in gguf hf artifact session tokenizer template snapshot; do
  mkdir -p "$corpus/$t"
done

# GGUF: each type and both architectures, cut at their tensor data.
for spec in "tiny q8_0" "tiny q4_0" "tiny q4_K" "tiny f32" "tiny-moe q4_0" \
            "tiny-moe f16"; do
  set -- $spec
  "$bin/liquid-synth" --preset "$1" --format gguf --dtype "$2" --quiet \
    -o "$data/$1-$2.gguf"
  cut gguf-head "$data/$1-$2.gguf" > "$corpus/gguf/$1-$2"
done

# The model the runtime targets run: its table is the artifact and session
# seed; liquid-run's session files give the snapshots.
"$bin/liquidc" "$data/tiny-q8_0.gguf" --max-context=64 --prefill-chunk=8 \
  -o "$data/tiny.lqm" 2> /dev/null
cut lqm-table "$data/tiny.lqm" > "$corpus/artifact/tiny"
cp "$corpus/artifact/tiny" "$corpus/session/tiny"
for n in 1 12 40; do
  "$bin/liquid-run" "$data/tiny.lqm" -p "The liquid model" -n "$n" \
    --session "$data/s$n.session" > /dev/null 2>&1
  cut snapshot "$data/s$n.session" > "$corpus/snapshot/after-$n"
done

# Hugging Face: two shards, an index, the tokenizer files. A seed is the
# number of the file it replaces (hf.cpp) and its contents.
"$bin/liquid-synth" --preset tiny --format hf --max-shard-size=12000000 \
  --quiet -o "$data/hf"
i=0
for f in config.json model-00001-of-00002.safetensors \
         model.safetensors.index.json tokenizer.json tokenizer_config.json; do
  {
    printf "\\$(printf %03o $i)"
    case $f in
      *.safetensors) cut safetensors-head "$data/hf/$f" ;;
      *) cat "$data/hf/$f" ;;
    esac
  } > "$corpus/hf/$f"
  i=$((i + 1))
done

# Texts: the first byte is lq_tokenize's flags.
printf '\000The liquid model runs 123 tokens/s.' > "$corpus/tokenizer/plain"
printf '\002<|im_start|>user\nhi<|im_end|>\n' > "$corpus/tokenizer/special"
printf '\003  leading spaces, tabs\tand\r\nnewlines\n\n' > "$corpus/tokenizer/spaces"
printf '\000caf\303\251 \344\270\255\346\226\207 \360\237\230\200 \377 bad' > "$corpus/tokenizer/unicode"
printf "\\000I'm can't we'll 1234567 3.14 ---" > "$corpus/tokenizer/numbers"

# Templates: liquid-synth's (LFM2's format), and small ones.
cut json-string "$data/hf/tokenizer_config.json" chat_template \
  > "$corpus/template/liquid-synth"
printf '%s' '{% for m in messages %}<|im_start|>{{ m.role }}
{{ m.content }}<|im_end|>
{% endfor %}{% if add_generation_prompt %}<|im_start|>assistant
{% endif %}' > "$corpus/template/chatml"
printf '%s' '{{ tools | tojson(indent=2) }}{% set ns = namespace(n=0) %}{% for t in tools %}{% set ns.n = ns.n + 1 %}{% endfor %}{{ ns.n }}{{ messages[-1].content | trim | upper }}{{ "%s" | format(bos_token) }}' > "$corpus/template/filters"
printf '%s' '{% macro f(x, y=2) %}{{ x ~ y }}{% endmacro %}{{ f(1) }}{% if messages|length > 2 and not false %}{{ messages[1:3]|map(attribute="role")|join(",") }}{% elif true %}no{% else %}{{ raise_exception("x") }}{% endif %}' > "$corpus/template/macros"
echo "make-seeds: $(ls "$corpus"/* | grep -vc ':$') seeds in $corpus"
