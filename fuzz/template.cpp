//===- template.cpp - Fuzz the chat-template interpreter ------------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// The input is a template. It is parsed, and a template that parses is
// rendered with a conversation (system, user, an assistant turn with a tool
// call, a tool response), a tool list and the special tokens, as
// lq_chat_render passes them. The interpreter's own limits (steps, string
// size, nesting) must stop every runaway. Seeds: the templates liquid-synth
// writes and the runtime's template tests use (make-seeds.sh).
//
//===----------------------------------------------------------------------===//

#include "Template/Template.h"

#include <cstdlib>

using namespace liquid::runtime::tmpl;

namespace {

const char kContext[] = R"({
  "messages": [
    {"role": "system", "content": "You are helpful."},
    {"role": "user", "content": "What is 2+2? ünïcode"},
    {"role": "assistant", "content": "Let me check.",
     "tool_calls": [{"type": "function", "function":
       {"name": "add", "arguments": {"a": 2, "b": 2}}}]},
    {"role": "tool", "content": "4"},
    {"role": "assistant", "content": "<think>easy</think>It is 4."}],
  "tools": [{"type": "function", "function": {"name": "add",
    "description": "Adds", "parameters": {"type": "object",
    "properties": {"a": {"type": "integer"}, "b": {"type": "integer"}}}}}],
  "bos_token": "<|startoftext|>", "eos_token": "<|im_end|>",
  "add_generation_prompt": true})";

Value makeContext() {
  Value context;
  std::string error;
  if (!parseJson(kContext, context, error))
    abort();
  return context;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static const Value context = makeContext();
  Template tmpl;
  std::string error, out;
  if (parse(std::string_view(reinterpret_cast<const char *>(data), size), tmpl,
            error))
    (void)render(tmpl, context, out, error);
  return 0;
}
