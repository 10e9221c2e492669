//===- Run.h - liquid-run's options and generation loop ---------*- C++ -*-===//
//
// SPDX-License-Identifier: Apache-2.0
//
// The pieces of liquid-run: the parsed command line (Options.cpp), a model
// with its session and sampler that evaluates tokens and keeps the speeds
// and the logits dump (Run.cpp), and the UTF-8 stream that prints generated
// pieces as whole characters.
//
//===----------------------------------------------------------------------===//

#ifndef LIQUID_TOOLS_LIQUID_RUN_RUN_H
#define LIQUID_TOOLS_LIQUID_RUN_RUN_H

#include "Utf8Pieces.h"
#include "liquid/Support/OutputFile.h"
#include "liquid/runtime.h"

#include <cstdio>
#include <string>
#include <vector>

namespace liquid::run {

struct Options {
  std::string artifact, tokens, dumpLogits, prompt, promptFile, session;
  /// --chat: the system prompt, and the tools file's JSON text.
  std::string system, toolsFile, toolsJson;
  bool hasTokens = false, hasPrompt = false, displayPrompt = true;
  bool chat = false, json = false;
  unsigned long long n = 16, threads = 0, topK = 0, seed = 0, repeatLastN = 64;
  bool hasN = false, hasThreads = false, hasTemp = false, hasTopK = false,
       hasTopP = false, hasMinP = false, hasRepeatPenalty = false;
  float temp = 0, topP = 1, minP = 0, repeatPenalty = 1;
};

/// Parses argv into `options`; on failure returns the message.
std::string parseArgs(int argc, char **argv, Options &options);
/// "1,2,3" to ids; an error names the bad entry.
std::string parseTokens(const std::string &text, std::vector<int32_t> &ids);
/// The whole of `path`, or an error message. `regularOnly` refuses FIFOs,
/// devices and directories (a session file); a prompt may come from a pipe.
std::string readFile(const std::string &path, std::string &out,
                     bool regularOnly = false);

/// Raw little-endian float32 rows into FILE.tmp, renamed on commit.
class LogitsDump {
public:
  std::string open(const std::string &path);
  bool active() const { return file.fd() >= 0; }
  std::string write(const float *values, size_t count);
  std::string commit();

private:
  std::string flush();

  liquid::OutputFile file;
  std::vector<char> buffer;
};

/// A model, one session and a sampler. Errors are messages ("" for none).
class Runner {
public:
  ~Runner();
  std::string open(const Options &options);

  /// Evaluates `tokens` at the session's position (one prefill) and hands
  /// them to the sampler's repetition penalty.
  std::string evaluate(const std::vector<int32_t> &tokens);
  /// Samples the next token from the last logits and accepts it.
  int32_t sample();
  /// Evaluates one generated token.
  std::string step(int32_t token);
  /// The logits dump's commit and the speeds line on stderr.
  std::string finish();

  /// The bytes of `token` (control tokens only with `special`).
  std::string piece(int32_t token, bool special = false) const;

  /// Puts the session saved in `path` back: its state and the tokens it
  /// evaluated (`history`). An error when the file is not a session of this
  /// artifact, is truncated or damaged.
  std::string loadSession(const std::string &path);
  /// Writes the state and `history` to `path` (through a temporary file
  /// and a rename).
  std::string saveSession(const std::string &path) const;
  /// Back to an empty context.
  void reset();

  /// Every token evaluated so far, in order.
  std::vector<int32_t> history;

  lq_model *model = nullptr;
  lq_session *session = nullptr;
  lq_sampler *sampler = nullptr;
  lq_model_info info = {};
  int threads = 1;

private:
  LogitsDump dump;
  std::vector<float> rows;
  size_t prefilled = 0, decoded = 0;
  double prefillSeconds = 0, decodeSeconds = 0;
};

/// --chat: a conversation read from stdin (Chat.cpp). Returns an error
/// message, "" at the end of input.
std::string runChat(Runner &runner, const Options &options);

/// Writes bytes to a FILE as whole UTF-8 characters: an incomplete
/// sequence at the end waits for the next piece (or flush()).
class Utf8Stream {
public:
  explicit Utf8Stream(FILE *out) : out(out) {}
  void write(const std::string &bytes);
  void flush();

private:
  FILE *out;
  liquid::tools::Utf8Pieces pieces;
};

} // namespace liquid::run

#endif // LIQUID_TOOLS_LIQUID_RUN_RUN_H
