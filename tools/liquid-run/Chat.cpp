//===- Chat.cpp - liquid-run --chat: a conversation on stdin --------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// Each line of stdin is a user turn (a line ending in '\' continues on the
// next). The conversation is rendered with the model's chat template and
// only the text past what the session already evaluated is tokenized and
// prefilled: the convolution windows and the KV cache carry the history.
// The reply streams to stdout until the end-of-turn token; the model's
// pythonic tool calls (<|tool_call_start|>[f(a=1)]<|tool_call_end|>) are
// printed as one JSON line each, a malformed one as text with a warning.
// With --json each message is one JSON line instead (a transcript).
//
//===----------------------------------------------------------------------===//

#include "Run.h"

#include "Template/Value.h"
#include "Tokenize.h"
#include "ToolCalls.h"

#include <unistd.h>

using namespace liquid::run;
using liquid::runtime::ToolCall;
using liquid::runtime::ToolCallScanner;

namespace {

/// `s` as a JSON string, written as the template interpreter writes JSON.
std::string quote(const std::string &s) {
  std::string out, error;
  liquid::runtime::tmpl::writeJson(liquid::runtime::tmpl::Value::string(s),
                                   liquid::runtime::tmpl::JsonStyle(), out,
                                   error);
  return out;
}

class Chat {
public:
  Chat(Runner &runner, const Options &options)
      : runner(runner), options(options), out(stdout) {}

  std::string run();

private:
  std::string render(bool generationPrompt, std::string &text);
  std::string prefillConversation(bool generationPrompt);
  std::string reply();
  void show(const ToolCallScanner::Event &event, std::string &shown,
            std::vector<std::string> &calls);
  bool readTurn(std::string &line);

  Runner &runner;
  const Options &options;
  Utf8Stream out;
  /// The messages as JSON objects.
  std::vector<std::string> messages;
  /// What the evaluated tokens spell, special tokens included.
  std::string evaluated;
  /// The length of the last rendering.
  size_t rendered = 0;
};

std::string Chat::render(bool generationPrompt, std::string &text) {
  std::string list = "[";
  for (size_t i = 0; i < messages.size(); ++i)
    list += (i ? "," : "") + messages[i];
  list += "]";
  const char *tools =
      options.toolsJson.empty() ? nullptr : options.toolsJson.c_str();
  // Rendered once into room for the last rendering and more; again only
  // when that was too small.
  size_t length = 0;
  text.assign(2 * rendered + 4096, '\0');
  lq_status status =
      lq_chat_render(runner.model, list.c_str(), tools, generationPrompt,
                     text.data(), text.size(), &length);
  if (status == LQ_ERROR_INVALID_ARGUMENT && length >= text.size()) {
    text.assign(length + 1, '\0');
    status = lq_chat_render(runner.model, list.c_str(), tools, generationPrompt,
                            text.data(), text.size(), &length);
  }
  if (status != LQ_OK)
    return lq_last_error();
  text.resize(length);
  rendered = length;
  return "";
}

/// Renders the conversation and prefills what the session has not seen;
/// starts over when the rendering no longer begins with it.
std::string Chat::prefillConversation(bool generationPrompt) {
  std::string text;
  std::string error = render(generationPrompt, text);
  if (!error.empty())
    return error;
  if (text.compare(0, evaluated.size(), evaluated) != 0) {
    runner.reset();
    evaluated.clear();
  }
  std::string delta = text.substr(evaluated.size());
  // The template writes BOS itself; else the tokenizer adds it.
  uint32_t flags = LQ_TOKENIZE_PARSE_SPECIAL;
  std::string bos = runner.info.bos_token_id >= 0
                        ? runner.piece(runner.info.bos_token_id, true)
                        : "";
  if (evaluated.empty() && (bos.empty() || text.rfind(bos, 0) != 0))
    flags |= LQ_TOKENIZE_ADD_SPECIAL;
  std::vector<int32_t> tokens;
  if (liquid::tools::tokenize(runner.model, delta, flags, tokens) != LQ_OK)
    return lq_last_error();
  if (tokens.empty())
    return "";
  if (lq_session_position(runner.session) + tokens.size() >
      runner.info.max_context)
    return options.artifact + ": the conversation no longer fits in the " +
           std::to_string(runner.info.max_context) + "-token context";
  error = runner.evaluate(tokens);
  if (!error.empty())
    return error;
  for (int32_t t : tokens)
    evaluated += runner.piece(t, true);
  return "";
}

void Chat::show(const ToolCallScanner::Event &event, std::string &shown,
                std::vector<std::string> &calls) {
  if (event.kind == ToolCallScanner::Event::Text) {
    shown += event.text;
    if (!options.json)
      out.write(event.text);
    return;
  }
  std::vector<ToolCall> parsed;
  std::string why;
  if (!liquid::runtime::parseToolCalls(event.text, parsed, why)) {
    std::string text = std::string(liquid::runtime::kToolCallStart) +
                       event.text + std::string(liquid::runtime::kToolCallEnd);
    shown += text;
    if (!options.json)
      out.write(text);
    out.flush();
    fprintf(stderr,
            "liquid-run: warning: a malformed tool call is shown as "
            "text: %s\n",
            why.c_str());
    return;
  }
  for (const ToolCall &call : parsed) {
    std::string json = liquid::runtime::toolCallJson(call);
    calls.push_back(json);
    if (!options.json)
      out.write("\n" + json + "\n");
  }
}

/// Generates the assistant's turn and adds it to the conversation.
std::string Chat::reply() {
  ToolCallScanner scanner;
  std::vector<ToolCallScanner::Event> events;
  std::string content, shown;
  std::vector<std::string> calls;
  unsigned long long limit = options.hasN ? options.n : ~0ull;
  for (unsigned long long i = 0; i < limit; ++i) {
    int32_t next = runner.sample();
    if (lq_token_is_end(runner.model, next))
      break;
    std::string special = runner.piece(next, true);
    content += special;
    // Control tokens stay hidden, except the tool-call markers.
    std::string piece = runner.piece(next);
    if (special == liquid::runtime::kToolCallStart ||
        special == liquid::runtime::kToolCallEnd)
      piece = special;
    scanner.feed(piece, events);
    for (const auto &event : events)
      show(event, shown, calls);
    events.clear();
    if (lq_session_position(runner.session) >= runner.info.max_context)
      break;
    std::string error = runner.step(next);
    if (!error.empty())
      return error;
    evaluated += special;
  }
  scanner.finish(events);
  for (const auto &event : events)
    show(event, shown, calls);
  if (!options.json) {
    out.write("\n");
    out.flush();
  }
  messages.push_back("{\"role\":\"assistant\",\"content\":" + quote(content) +
                     "}");
  if (options.json) {
    std::string line = "{\"role\":\"assistant\",\"content\":" + quote(shown);
    if (!calls.empty()) {
      line += ",\"tool_calls\":[";
      for (size_t i = 0; i < calls.size(); ++i)
        line += (i ? "," : "") + calls[i];
      line += "]";
    }
    printf("%s}\n", line.c_str());
    fflush(stdout);
  }
  return "";
}

bool Chat::readTurn(std::string &line) {
  line.clear();
  if (isatty(STDIN_FILENO)) {
    fputs("> ", stderr);
    fflush(stderr);
  }
  char buffer[4096];
  bool any = false;
  while (fgets(buffer, sizeof buffer, stdin)) {
    any = true;
    line += buffer;
    if (line.empty() || line.back() != '\n')
      continue; // a long line, or the last one without a newline
    line.pop_back();
    if (!line.empty() && line.back() == '\\') {
      line.back() = '\n';
      continue;
    }
    return true;
  }
  return any;
}

std::string Chat::run() {
  if (!options.system.empty())
    messages.push_back(
        "{\"role\":\"system\",\"content\":" + quote(options.system) + "}");
  if (!options.session.empty() && access(options.session.c_str(), F_OK) == 0) {
    std::string error = runner.loadSession(options.session);
    if (!error.empty())
      return error;
    for (int32_t t : runner.history)
      evaluated += runner.piece(t, true);
  }
  // The system prompt (and tools) first, before the user types.
  if (!messages.empty() || !options.toolsJson.empty()) {
    std::string error = prefillConversation(false);
    if (!error.empty())
      return error;
  }
  std::string line;
  while (readTurn(line)) {
    if (line.empty())
      continue;
    messages.push_back("{\"role\":\"user\",\"content\":" + quote(line) + "}");
    if (options.json)
      printf("{\"role\":\"user\",\"content\":%s}\n", quote(line).c_str());
    std::string error = prefillConversation(true);
    if (error.empty())
      error = reply();
    if (!error.empty())
      return error;
  }
  if (!options.session.empty())
    return runner.saveSession(options.session);
  return "";
}

} // namespace

std::string liquid::run::runChat(Runner &runner, const Options &options) {
  return Chat(runner, options).run();
}
