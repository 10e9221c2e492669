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
//   mkdir -p /tmp/nlc && cd /tmp/nlc && npm init -y >/dev/null &&
//   NODE_LLAMA_CPP_SKIP_DOWNLOAD=true npm install --omit=optional \
//       --ignore-scripts node-llama-cpp@3.22.1 @node-llama-cpp/linux-x64@3.22.1
//   liquid-synth --preset tiny --dtype q8_0 -o /tmp/tiny.gguf
//   node test/tools/liquid-synth/llama-cpp-load.mjs \
//       --node-modules /tmp/nlc/node_modules /tmp/tiny.gguf

import { createRequire } from "node:module";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const args = process.argv.slice(2);
let modulesDir = process.env.LIQUID_NODE_MODULES ?? "";
const files = [];
for (let i = 0; i < args.length; ++i) {
  if (args[i] === "--node-modules") modulesDir = args[++i];
  else files.push(args[i]);
}
if (files.length === 0) {
  console.error("usage: llama-cpp-load.mjs [--node-modules DIR] FILE.gguf...");
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
    await model.dispose();
  } catch (e) {
    console.log(`FAIL ${file}: ${e.message}`);
    ++failed;
  }
}
console.log(`${files.length - failed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
