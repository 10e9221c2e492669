// render-reference.mjs - render a chat template with @huggingface/jinja
//
// SPDX-License-Identifier: Apache-2.0
//
// The reference of the runtime's chat-template interpreter
// (runtime/src/Template): renders TEMPLATE with the variables of the JSON
// object in CONTEXT through @huggingface/jinja's Template class (the renderer
// of transformers.js) and writes the text to stdout exactly, with no newline
// added. On an error it prints `render-reference: error: FILE: <why>` and
// exits 1. cross-check.sh installs the package and compares the two.
//
//   node render-reference.mjs --node-modules DIR TEMPLATE CONTEXT.json

import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join, resolve } from "node:path";

const args = process.argv.slice(2);
let modulesDir = process.env.LIQUID_NODE_MODULES ?? "";
const files = [];
for (let i = 0; i < args.length; ++i) {
  if (args[i] === "--node-modules") modulesDir = args[++i];
  else files.push(args[i]);
}
if (files.length !== 2) {
  console.error("usage: render-reference.mjs [--node-modules DIR] " +
                "TEMPLATE CONTEXT.json");
  process.exit(2);
}
const [templatePath, contextPath] = files;

function fail(file, why) {
  process.stderr.write(`render-reference: error: ${file}: ${why}\n`);
  process.exit(1);
}

let Template;
try {
  const base = modulesDir ? join(resolve(modulesDir), "..", "x.js")
                         : import.meta.url;
  ({ Template } = createRequire(base)("@huggingface/jinja"));
} catch (e) {
  fail("@huggingface/jinja", `cannot load: ${e.message}`);
}

let source, context;
try {
  source = readFileSync(templatePath, "utf8");
} catch (e) {
  fail(templatePath, e.message);
}
try {
  context = JSON.parse(readFileSync(contextPath, "utf8"));
} catch (e) {
  fail(contextPath, e.message);
}

let text;
try {
  text = new Template(source).render(context);
} catch (e) {
  fail(templatePath, e.message);
}
process.stdout.write(text);
