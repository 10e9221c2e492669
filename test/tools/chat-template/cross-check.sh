#!/usr/bin/env bash
# Cross-checks the runtime's chat-template interpreter (runtime/src/Template,
# driven by template-render) against the reference renderer Hugging Face
# publishes on npm, @huggingface/jinja (render-reference.mjs), byte for byte.
#
# The templates are the LFM2 ones llama.cpp ships (models/templates/
# LFM2-8B-A1B.jinja, LFM2.5-8B-A1B.jinja, LFM2.5-Instruct.jinja), taken from
# the llama.cpp git bundle inside the npm package node-llama-cpp, plus a
# one-line ChatML template, plus the ones in templates/ here (indentation
# that trim_blocks / lstrip_blocks must remove, and a tour of the supported
# subset). Each is rendered with each conversations/*.json; any difference
# fails with a diff. Installs both npm packages into WORK_DIR/npm on first
# use; exits 77 (ctest: skipped) when Node.js 20+, npm, git or the npm
# registry is missing.
#
#   cross-check.sh BIN_DIR WORK_DIR
set -euo pipefail
bin=$1
work=$2
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../npm-env.sh"
npm_setup "$work"
modules="$work/npm/node_modules"

[ -x "$bin/template-render" ] || { echo "FAIL: $bin/template-render is not built"; exit 1; }

llama="$work/llama.cpp"
llama_cpp_checkout "$work" models/templates

templates="$work/templates"
rm -rf "$templates"
mkdir -p "$templates"
for name in LFM2-8B-A1B LFM2.5-8B-A1B LFM2.5-Instruct; do
  cp "$llama/models/templates/$name.jinja" "$templates/"
done
printf '%s' "{{bos_token}}{% for message in messages %}{{'<|im_start|>' + message['role'] + '\n' + message['content'] + '<|im_end|>\n'}}{% endfor %}{% if add_generation_prompt %}{{'<|im_start|>assistant\n'}}{% endif %}" \
  >"$templates/ChatML-simple.jinja"
cp "$here"/templates/*.jinja "$templates/"

out="$work/out"
mkdir -p "$out"
pairs=0 same=0 failed=0
for template in "$templates"/*.jinja; do
  for conversation in "$here"/conversations/*.json; do
    pair="$(basename "$template" .jinja) x $(basename "$conversation" .json)"
    pairs=$((pairs + 1))
    ref_status=0 our_status=0
    node "$here/render-reference.mjs" --node-modules "$modules" \
      "$template" "$conversation" >"$out/reference.txt" 2>"$out/reference.err" \
      || ref_status=$?
    "$bin/template-render" "$template" "$conversation" \
      >"$out/liquid.txt" 2>"$out/liquid.err" || our_status=$?
    if [ "$ref_status" -ne 0 ] || [ "$our_status" -ne 0 ]; then
      echo "FAIL: $pair: exit status: reference $ref_status, template-render $our_status"
      cat "$out/reference.err" "$out/liquid.err"
      failed=$((failed + 1))
    elif ! cmp -s "$out/reference.txt" "$out/liquid.txt"; then
      echo "FAIL: $pair: the rendered text differs (- reference, + template-render):"
      diff -u --label reference --label template-render \
        "$out/reference.txt" "$out/liquid.txt" || true
      failed=$((failed + 1))
    else
      same=$((same + 1))
    fi
  done
done
echo "chat-template cross-check: $same of $pairs template x conversation pairs render identically"
[ "$failed" -eq 0 ]
