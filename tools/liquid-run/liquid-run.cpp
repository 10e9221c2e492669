//===- liquid-run.cpp - Run a compiled .lqm artifact ----------------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// Command-line front end of the runtime's C API. With a text prompt (-p or
// -f) it tokenizes the prompt, evaluates it with one prefill, then samples
// and streams text: each token's bytes go to stdout as soon as they make
// whole UTF-8 characters, until the model ends its reply (EOS, end of turn),
// -n tokens, or the context is full. With --tokens it evaluates the ids and
// prints -n generated ids on one line, comma-separated (no stop at EOS: for
// scripts and reference comparisons). Speeds go to stderr either way.
// --dump-logits FILE writes raw little-endian float32 logits, one row of
// vocab_size per evaluated position, whole or not at all (an unnamed
// temporary file renamed into place; a device such as /dev/null written in
// place).
// Errors read "liquid-run: error: <file>: <what>: <why>" and exit 1.
//
//===----------------------------------------------------------------------===//

#include "Run.h"

#include "CommandLine.h"
#include "Tokenize.h"

#include <algorithm>
#include <unistd.h>

using namespace liquid::run;

namespace {

int fail(const std::string &message) {
  return liquid::tools::reportError("liquid-run", message);
}

/// --tokens: ids in, ids out.
int runIds(Runner &runner, const Options &options,
           std::vector<int32_t> prompt) {
  if (prompt.empty())
    prompt.push_back(runner.info.bos_token_id >= 0 ? runner.info.bos_token_id
                                                   : 1);
  // The last generated token is not evaluated.
  unsigned long long positions =
      prompt.size() + (options.n > 0 ? options.n - 1 : 0);
  if (positions > runner.info.max_context)
    return fail(options.artifact + ": -n: " + std::to_string(prompt.size()) +
                " prompt tokens and " + std::to_string(options.n) +
                " generated need " + std::to_string(positions) +
                " positions, the artifact's max_context is " +
                std::to_string(runner.info.max_context));
  std::string error = runner.evaluate(prompt);
  if (!error.empty())
    return fail(error);
  std::string line;
  for (unsigned long long i = 0; i < options.n; ++i) {
    int32_t next = runner.sample();
    line += (i ? "," : "") + std::to_string(next);
    if (i + 1 == options.n)
      break;
    error = runner.step(next);
    if (!error.empty())
      return fail(error);
  }
  printf("%s\n", line.c_str());
  error = runner.finish();
  return error.empty() ? 0 : fail(error);
}

/// -p / -f: text in, text streamed out.
int runText(Runner &runner, const Options &options, const std::string &text) {
  std::vector<int32_t> prompt;
  if (liquid::tools::tokenize(
          runner.model, text,
          LQ_TOKENIZE_ADD_SPECIAL | LQ_TOKENIZE_PARSE_SPECIAL, prompt) != LQ_OK)
    return fail(lq_last_error());
  if (prompt.empty())
    return fail(options.artifact + ": the prompt is empty and the model adds "
                                   "no BOS: nothing to continue");
  uint32_t context = runner.info.max_context;
  if (prompt.size() > context)
    return fail(options.artifact + ": the prompt is " +
                std::to_string(prompt.size()) +
                " tokens, more than the artifact's max_context of " +
                std::to_string(context));
  // A saved session whose tokens start the prompt: prefill the rest only.
  size_t reused = 0;
  if (!options.session.empty() && access(options.session.c_str(), F_OK) == 0) {
    std::string error = runner.loadSession(options.session);
    if (!error.empty())
      return fail(error);
    const std::vector<int32_t> &saved = runner.history;
    bool continues =
        saved.size() <= prompt.size() &&
        std::equal(saved.begin(), saved.end(), prompt.begin()) &&
        (saved.size() < prompt.size() || lq_session_logits(runner.session));
    if (continues) {
      reused = saved.size();
    } else {
      fprintf(stderr,
              "liquid-run: %s: the prompt does not continue the "
              "saved session; starting over\n",
              options.session.c_str());
      runner.reset();
    }
  }
  std::string error;
  if (reused < prompt.size()) {
    error = runner.evaluate(
        std::vector<int32_t>(prompt.begin() + reused, prompt.end()));
    if (!error.empty())
      return fail(error);
  }

  Utf8Stream out(stdout);
  if (options.displayPrompt)
    out.write(text);
  // Without -n: until the reply ends or the context is full.
  unsigned long long limit = options.hasN ? options.n : ~0ull;
  bool full = false;
  for (unsigned long long i = 0; i < limit; ++i) {
    int32_t next = runner.sample();
    if (lq_token_is_end(runner.model, next))
      break;
    out.write(runner.piece(next));
    if (i + 1 == limit)
      break;
    if (lq_session_position(runner.session) >= context) {
      full = true;
      break;
    }
    error = runner.step(next);
    if (!error.empty()) {
      out.flush();
      return fail(error);
    }
  }
  out.write("\n");
  out.flush();
  if (full)
    fprintf(stderr, "liquid-run: stopped: the context of %u tokens is full\n",
            context);
  if (!options.session.empty()) {
    error = runner.saveSession(options.session);
    if (!error.empty())
      return fail(error);
  }
  error = runner.finish();
  return error.empty() ? 0 : fail(error);
}

} // namespace

int main(int argc, char **argv) {
  Options options;
  std::string error = parseArgs(argc, argv, options);
  if (!error.empty())
    return fail(error);
  int sources = options.hasTokens + options.hasPrompt +
                !options.promptFile.empty() + options.chat;
  if (sources > 1)
    return fail("give one prompt: -p PROMPT, -f FILE, --tokens IDS or --chat");
  if (!options.session.empty() && !options.hasPrompt &&
      options.promptFile.empty() && !options.chat)
    return fail("--session: needs a text prompt (-p or -f) or --chat");
  if (!options.chat &&
      (!options.system.empty() || !options.toolsFile.empty() || options.json))
    return fail("-sys, --tools and --json go with --chat");
  if (!options.toolsFile.empty()) {
    error = readFile(options.toolsFile, options.toolsJson);
    if (!error.empty())
      return fail(error);
  }
  std::vector<int32_t> ids;
  if (options.hasTokens) {
    error = parseTokens(options.tokens, ids);
    if (!error.empty())
      return fail(error);
  }
  std::string text = options.prompt;
  if (!options.promptFile.empty()) {
    error = readFile(options.promptFile, text);
    if (!error.empty())
      return fail(error);
  }

  Runner runner;
  error = runner.open(options);
  if (!error.empty())
    return fail(error);
  if (options.chat) {
    error = runChat(runner, options);
    if (error.empty())
      error = runner.finish();
    return error.empty() ? 0 : fail(error);
  }
  if (options.hasPrompt || !options.promptFile.empty())
    return runText(runner, options, text);
  return runIds(runner, options, ids);
}
