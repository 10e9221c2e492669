// llama-cpp-tokenize.mjs - tokenize a corpus with llama.cpp and with Liquid
//
// SPDX-License-Identifier: Apache-2.0
//
// For each (GGUF vocabulary, artifact compiled from it) pair, tokenizes
// every text of corpus.mjs (and the .inp test file of a llama.cpp
// vocabulary, when given) with llama.cpp (the prebuilt one in the npm
// package node-llama-cpp) and with liquid-tokenize, with and without
// parsing special tokens, and requires:
// - identical ids;
// - BOS added in front when asked for, as llama.cpp's model.tokens.bos;
// - `liquid-tokenize --decode` of the ids gives back the exact input bytes
//   (invalid UTF-8: the bytes of llama.cpp's replacement characters).
//   llama.cpp's own detokenize is not the reference for bytes: with this
//   pre-tokenizer it cleans up spaces before punctuation (" ..." -> "...").
// Run by cross-check.sh.
//
//   node llama-cpp-tokenize.mjs --node-modules DIR --tokenize BIN
//        [--inp FILE.inp] VOCAB.gguf ART.lqm [VOCAB.gguf ART.lqm ...]

import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { fixedCorpus, laxDecode, randomCorpus } from "./corpus.mjs";

const args = process.argv.slice(2);
let modulesDir = "", tokenizeBin = "";
const inputs = [], inpFiles = [];
for (let i = 0; i < args.length; ++i) {
  if (args[i] === "--node-modules") modulesDir = args[++i];
  else if (args[i] === "--tokenize") tokenizeBin = args[++i];
  else if (args[i] === "--inp") inpFiles.push(args[++i]);
  else inputs.push(args[i]);
}
if (!modulesDir || !tokenizeBin || inputs.length === 0 || inputs.length % 2) {
  console.error("usage: llama-cpp-tokenize.mjs --node-modules DIR --tokenize BIN " +
                "[--inp FILE.inp] VOCAB.gguf ART.lqm...");
  process.exit(2);
}

const require = createRequire(join(modulesDir, "noop.js"));
const { getLlama } = await import(pathToFileURL(require.resolve("node-llama-cpp")).href);
const llama = await getLlama({ gpu: false, build: "never", logLevel: "error" });

const corpus = [...fixedCorpus(), ...randomCorpus(300, 20261206)];
for (const inp of inpFiles)
  readFileSync(inp, "utf8").split("\n__ggml_vocab_test__\n").forEach((t, i) =>
    corpus.push([`inp-${i}`, Buffer.from(t, "utf8")]));

const work = mkdtempSync(join(tmpdir(), "liquid-tokenize-"));
const textFile = join(work, "text");
function liquid(art, extra) {
  return execFileSync(tokenizeBin, [art, ...extra], { maxBuffer: 1 << 26 });
}
function liquidIds(art, buffer, flags) {
  writeFileSync(textFile, buffer);
  const out = liquid(art, ["--ids", "-f", textFile, ...flags]).toString().trim();
  return JSON.parse(out);
}

let failures = 0, checked = 0, skipped = 0;
function fail(what) {
  ++failures;
  if (failures <= 20) console.error(`FAIL: ${what}`);
}
const show = (a) => JSON.stringify(a.length > 40 ? [...a.slice(0, 40), "..."] : a);

for (let p = 0; p < inputs.length; p += 2) {
  const [gguf, art] = [inputs[p], inputs[p + 1]];
  const model = await llama.loadModel({ modelPath: gguf, vocabOnly: true });
  const bos = model.tokens.bos;
  for (const [name, buffer] of corpus) {
    const reference = laxDecode(buffer);
    for (const special of [false, true]) {
      const flags = ["--no-bos", ...(special ? [] : ["--no-parse-special"])];
      const ours = liquidIds(art, buffer, flags);
      const label = `${gguf}: ${name}${special ? " (special)" : ""}`;
      // Our own round trip: the ids give back the bytes llama.cpp reads.
      const expectBytes = reference === null ? buffer : Buffer.from(reference, "utf8");
      const decoded = ours.length ? liquid(art, ["--decode", ours.join(",")]) : Buffer.alloc(0);
      if (!decoded.equals(expectBytes))
        fail(`${label}: --decode gives ${JSON.stringify(decoded.toString("latin1"))}, ` +
             `not the input ${JSON.stringify(expectBytes.toString("latin1"))}`);
      if (reference === null) {
        ++skipped;
        continue;
      }
      const theirs = Array.from(model.tokenize(reference, special));
      ++checked;
      if (JSON.stringify(ours) !== JSON.stringify(theirs))
        fail(`${label}: liquid ${show(ours)} != llama.cpp ${show(theirs)}`);
    }
  }
  // BOS in front when the model adds it.
  const withBos = liquidIds(art, Buffer.from("Hello world"), []);
  const plain = liquidIds(art, Buffer.from("Hello world"), ["--no-bos"]);
  if (JSON.stringify(withBos) !== JSON.stringify(bos == null ? plain : [bos, ...plain]))
    fail(`${gguf}: BOS: ${show(withBos)} for BOS ${bos} then ${show(plain)}`);
  await model.dispose();
  console.log(`${gguf}: ${corpus.length} texts x 2 modes`);
}
rmSync(work, { recursive: true, force: true });
console.log(`${checked} tokenizations identical to llama.cpp's` +
            (skipped ? ` (${skipped} with a surrogate checked by round trip only)` : "") +
            (failures ? `; ${failures} FAILED` : ""));
process.exit(failures ? 1 : 0);
