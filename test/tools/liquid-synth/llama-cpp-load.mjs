// llama-cpp-load.mjs - load liquid-synth GGUF files with llama.cpp
//
// SPDX-License-Identifier: Apache-2.0
//
// Cross-checks liquid-synth's GGUF output with a real llama.cpp: the one
// bundled (prebuilt) in the npm package node-llama-cpp. For each file it
// loads the model, checks the tokenizer (a word of the built-in list is one
// token, BOS/EOS ids), and generates 8 greedy tokens. Not run by lit: node
// and node-llama-cpp are optional (ctest runs it through llama-cpp.sh, which
// installs node-llama-cpp from npm). Without node-llama-cpp it prints SKIP and
// exits 0.
//
// With --reference BIN (liquid-reference), each file is also checked against
// the project's reference forward pass:
// - the 8 greedy tokens must be the reference's (`BIN FILE --tokens PROMPT
//   -n 8`) for f32 / f16 / bf16 / q8_0 dense files and f32 / f16 / bf16 MoE
//   files; for the others a difference is reported, not failed (llama.cpp
//   quantizes the activations of quantized matmuls to 8 bits, which can flip
//   a near-tie, and a flipped expert choice in a random MoE is not a bug);
// - the logits of every prompt position (one batch) and of the 7 decode
//   steps (one token each) must match the reference's --dump-logits rows:
//   max |llama.cpp - reference| <= tolerance * max |reference| per row. The
//   logits come from a second context with an f32 KV cache and no flash
//   attention, so llama.cpp computes attention in f32 like the reference
//   (its default f16 cache, or flash attention, which rounds q and k to
//   f16 on the CPU, moves f32 logits by ~3e-4).
//   The tolerance is 1e-5 for f32 weights; for the other types llama.cpp
//   rounds each matmul's activations to the weights' dot type (f16, bf16,
//   q8_0 blocks for q8_0 / q4_0, q8_K blocks for the K-quants) and the
//   reference does not, so the
//   tolerances are loose there (they still catch a wrong layout, which is
//   off by the logits' whole size).
//
//   mkdir -p /tmp/nlc && cd /tmp/nlc && npm init -y >/dev/null &&
//   NODE_LLAMA_CPP_SKIP_DOWNLOAD=true npm install --omit=optional \
//       --ignore-scripts node-llama-cpp@3.22.1 @node-llama-cpp/linux-x64@3.22.1
//   liquid-synth --preset tiny --dtype q8_0 -o /tmp/tiny.gguf
//   node test/tools/liquid-synth/llama-cpp-load.mjs \
//       --node-modules /tmp/nlc/node_modules /tmp/tiny.gguf

import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const args = process.argv.slice(2);
let modulesDir = process.env.LIQUID_NODE_MODULES ?? "";
let referenceBin = "";
const files = [];
for (let i = 0; i < args.length; ++i) {
  if (args[i] === "--node-modules") modulesDir = args[++i];
  else if (args[i] === "--reference") referenceBin = args[++i];
  else files.push(args[i]);
}
if (files.length === 0) {
  console.error("usage: llama-cpp-load.mjs [--node-modules DIR] " +
                "[--reference LIQUID_REFERENCE] FILE.gguf...");
  process.exit(2);
}

let nlc;
try {
  const base = modulesDir ? join(modulesDir, "..", "x.js") : import.meta.url;
  const resolved = createRequire(base).resolve("node-llama-cpp");
  nlc = await import(pathToFileURL(resolved).href);
} catch (e) {
  console.log(`SKIP: node-llama-cpp not found (${e.code ?? e.message})`);
  process.exit(0);
}

function check(cond, what) {
  if (!cond) throw new Error(what);
}

// general.file_type (llama_ftype) -> [name, logits tolerance, whether the
// greedy tokens must equal the reference's for dense, for MoE files].
const fileTypes = {
  0: ["f32", 1e-5, true, true],
  1: ["f16", 5e-3, true, true],
  32: ["bf16", 3e-2, true, true],
  7: ["q8_0", 8e-2, true, false],
  2: ["q4_0", 8e-2, false, false],
  14: ["q4_K", 8e-2, false, false],
  16: ["q5_K", 8e-2, false, false],
  18: ["q6_K", 8e-2, false, false],
};

// Runs the reference; returns its tokens and its logits rows.
function runReference(file, prompt, n, vocab) {
  const dir = mkdtempSync(join(tmpdir(), "liquid-reference-"));
  try {
    const dump = join(dir, "logits.f32");
    const out = execFileSync(referenceBin, [file, "--tokens", prompt.join(","),
                                            "-n", String(n), "--dump-logits", dump],
                             { encoding: "utf8" });
    const tokens = out.trim().split(",").map(Number);
    const bytes = readFileSync(dump);
    const all = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4);
    check(all.length === (prompt.length + n - 1) * vocab,
          `reference dumped ${all.length} logits, expected ` +
          `${prompt.length + n - 1} rows of ${vocab}`);
    const rows = [];
    for (let r = 0; r < prompt.length + n - 1; ++r)
      rows.push(all.subarray(r * vocab, (r + 1) * vocab));
    return { tokens, rows };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// max |a - ref| / max |ref| over one row; a is a Map token -> logit.
function rowError(a, ref) {
  let maxRef = 0, maxDiff = 0;
  for (let i = 0; i < ref.length; ++i) {
    const l = a.get(i);
    if (l === undefined) return Infinity;
    maxRef = Math.max(maxRef, Math.abs(ref[i]));
    maxDiff = Math.max(maxDiff, Math.abs(l - ref[i]));
  }
  return maxDiff / maxRef;
}

// Compares llama.cpp with the reference on `file`; throws on a mismatch.
async function compareWithReference(model, file, prompt, out, vocab) {
  const meta = model.fileInfo.metadata;
  const type = fileTypes[meta.general.file_type];
  check(type, `general.file_type ${meta.general.file_type} has no tolerance`);
  const [typeName, tolerance, strictDense, strictMoE] = type;
  const moe = meta.general.architecture === "lfm2moe";
  const strict = moe ? strictMoE : strictDense;

  const ref = runReference(file, prompt, out.length, vocab);
  const same = JSON.stringify(ref.tokens) === JSON.stringify(out);
  let tokenLine = same ? "same tokens" :
      `reference tokens ${JSON.stringify(ref.tokens)} differ`;
  if (!same && !strict)
    tokenLine += ` (allowed for ${moe ? "MoE " : ""}${typeName})`;

  // Attention in f32 on llama.cpp's side: f32 KV cache, no flash attention.
  const context = await model.createContext({
    contextSize: 128, flashAttention: false,
    experimentalKvCacheKeyType: "F32", experimentalKvCacheValueType: "F32",
  });
  try {
    const sequence = context.getSequence();
    const withLogits = (t) => [t, { generateNext: { logits: true } }];
    const results = await sequence.controlledEvaluate(prompt.map(withLogits));
    // Decode steps: the reference's own tokens, one evaluation each.
    for (const t of ref.tokens.slice(0, -1))
      results.push(...(await sequence.controlledEvaluate([withLogits(t)])));
    let prefillError = 0, decodeError = 0;
    results.forEach((r, i) => {
      const e = rowError(r.next.logits, ref.rows[i]);
      if (i < prompt.length) prefillError = Math.max(prefillError, e);
      else decodeError = Math.max(decodeError, e);
    });
    console.log(`   reference ${typeName}: ${tokenLine}; logits max relative ` +
                `difference prefill ${prefillError.toExponential(2)}, decode ` +
                `${decodeError.toExponential(2)} (tolerance ${tolerance})`);
    check(same || !strict, `reference gives ${JSON.stringify(ref.tokens)}`);
    check(prefillError <= tolerance && decodeError <= tolerance,
          `logits differ from the reference by more than ${tolerance}`);
  } finally {
    await context.dispose();
  }
}

const llama = await nlc.getLlama({
  gpu: false, build: "never", logLevel: nlc.LlamaLogLevel.warn,
});
console.log(`llama.cpp ${llama.llamaCppRelease.repo} ${llama.llamaCppRelease.release}`);
let failed = 0;
for (const file of files) {
  try {
    const model = await llama.loadModel({ modelPath: file });
    check(model.tokens.bos === 1, `BOS is ${model.tokens.bos}, expected 1`);
    check(model.tokens.eos === 7, `EOS is ${model.tokens.eos}, expected 7`);
    const hello = model.tokenize("Hello", false);
    check(hello.length === 1, `"Hello" is ${hello.length} tokens, expected 1`);
    const vocab = model.fileInfo.metadata.tokenizer.ggml.tokens.length;
    const context = await model.createContext({ contextSize: 128 });
    const prompt = [model.tokens.bos, ...model.tokenize("Hello world, the model", false)];
    const out = [];
    for await (const t of context.getSequence().evaluate(prompt, { temperature: 0 })) {
      check(Number.isInteger(t) && t >= 0 && t < vocab, `token id ${t}`);
      out.push(t);
      if (out.length >= 8) break;
    }
    check(out.length === 8, `generated ${out.length} tokens`);
    console.log(`OK ${file}: prompt ${JSON.stringify(prompt)} -> ${JSON.stringify(out)}`);
    await context.dispose();
    if (referenceBin)
      await compareWithReference(model, file, prompt, out, vocab);
    await model.dispose();
  } catch (e) {
    console.log(`FAIL ${file}: ${e.message}`);
    ++failed;
  }
}
console.log(`${files.length - failed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
