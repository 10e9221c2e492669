//===- Options.cpp - liquid-run's command line ----------------------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// This file implements parseArgs and the small readers main needs.
//
//===----------------------------------------------------------------------===//

#include "Run.h"

#include "CommandLine.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

using namespace liquid::run;
using namespace liquid::tools;

namespace {

const char usage[] =
    "usage: liquid-run ART [-p PROMPT | -f FILE | --tokens 1,2,3 |\n"
    "                  --chat [-sys PROMPT] [--tools FILE] [--json]] [-n N]\n"
    "                  [-t THREADS] [--temp T] [--top-k K] [--top-p P]\n"
    "                  [--min-p P] [--repeat-penalty R] [--repeat-last-n N]\n"
    "                  [--seed S] [--no-display-prompt] [--session FILE]\n"
    "                  [--dump-logits FILE]\n"
    "Runs a compiled Liquid artifact. With a text prompt (-p, -f) it prints\n"
    "the prompt and streams the generated text until the end of the reply,\n"
    "N tokens or the full context. With --tokens it evaluates those ids (by\n"
    "default the model's BOS id) and prints N generated ids (default 16).\n"
    "  -p PROMPT           text prompt (special tokens such as <|im_start|>\n"
    "                      are parsed; BOS is added as the model does)\n"
    "  -f FILE             text prompt read from FILE\n"
    "  --tokens IDS        prompt token ids, comma-separated\n"
    "  --chat, -cnv        a conversation: each line of stdin is a user turn\n"
    "                      ('\\' at the end continues it), rendered with the\n"
    "                      model's chat template; replies stream to stdout\n"
    "  -sys PROMPT         --chat: the system prompt\n"
    "  --tools FILE        --chat: a JSON list of tools (OpenAI format) for\n"
    "                      the template; the model's calls print as JSON\n"
    "  --json              --chat: one JSON line per message instead\n"
    "  -n N                tokens to generate at most\n"
    "  -t THREADS          threads per session (default: online CPUs)\n"
    "  --temp T            temperature; <= 0 is greedy (default: artifact's)\n"
    "  --top-k K           keep the K most likely tokens (0: all)\n"
    "  --top-p P           nucleus: keep the smallest set reaching P\n"
    "  --min-p P           drop tokens below P times the likeliest's\n"
    "                      probability (0: off)\n"
    "  --repeat-penalty R  penalize the last --repeat-last-n tokens (1: off)\n"
    "  --repeat-last-n N   tokens the penalty looks back over (default 64)\n"
    "  --seed S            sampler seed (default 0)\n"
    "  --no-display-prompt print only the generated text\n"
    "  --session FILE      restore the state saved in FILE (if it exists)\n"
    "                      and save it there at the end: a prompt that\n"
    "                      continues the saved tokens prefills only the rest\n"
    "  --dump-logits FILE  raw little-endian float32 logits, one row per\n"
    "                      evaluated position\n"
    "Liquid AI recommends --temp 0.3 --min-p 0.15 --repeat-penalty 1.05 for\n"
    "LFM2.\n";

bool parseFloat(const char *text, float &out) {
  if (!*text)
    return false;
  char *end;
  errno = 0;
  out = strtof(text, &end);
  return errno == 0 && *end == '\0' && out == out;
}

} // namespace

std::string liquid::run::parseArgs(int argc, char **argv, Options &options) {
  return parseToolArguments(
      argc, argv, usage,
      {"--tokens",
       "-n",
       "-t",
       "--temp",
       "--top-k",
       "--top-p",
       "--min-p",
       "--repeat-penalty",
       "--repeat-last-n",
       "--seed",
       "-p",
       "-f",
       "--file",
       "--prompt",
       "--dump-logits",
       "--threads",
       "--session",
       "-sys",
       "--system",
       "--tools"},
      {"--no-display-prompt", "--chat", "-cnv", "--json"}, options.artifact,
      [&](const std::string &name, const std::string &value) -> std::string {
        const char *v = value.c_str();
        if (name == "--tokens") {
          options.tokens = value;
          options.hasTokens = true;
        } else if (name == "-p" || name == "--prompt") {
          options.prompt = value;
          options.hasPrompt = true;
        } else if (name == "-f" || name == "--file") {
          options.promptFile = value;
        } else if (name == "--no-display-prompt") {
          options.displayPrompt = false;
        } else if (name == "--chat" || name == "-cnv") {
          options.chat = true;
        } else if (name == "--json") {
          options.json = true;
        } else if (name == "-sys" || name == "--system") {
          options.system = value;
        } else if (name == "--tools") {
          options.toolsFile = value;
        } else if (name == "--session") {
          options.session = value;
        } else if (name == "--dump-logits") {
          options.dumpLogits = value;
        } else if (name == "-n") {
          if (!parseUnsigned(v, options.n) || options.n > UINT32_MAX)
            return "a non-negative integer";
          options.hasN = true;
        } else if (name == "-t" || name == "--threads") {
          if (!parseUnsigned(v, options.threads) || options.threads < 1 ||
              options.threads > 1024)
            return "a thread count in [1, 1024]";
          options.hasThreads = true;
        } else if (name == "--temp") {
          if (!parseFloat(v, options.temp))
            return "a number";
          options.hasTemp = true;
        } else if (name == "--top-k") {
          if (!parseUnsigned(v, options.topK) || options.topK > UINT32_MAX)
            return "a non-negative integer";
          options.hasTopK = true;
        } else if (name == "--top-p") {
          if (!parseFloat(v, options.topP) || options.topP <= 0 ||
              options.topP > 1)
            return "a number in (0, 1]";
          options.hasTopP = true;
        } else if (name == "--min-p") {
          if (!parseFloat(v, options.minP) || options.minP < 0 ||
              options.minP > 1)
            return "a number in [0, 1]";
          options.hasMinP = true;
        } else if (name == "--repeat-penalty") {
          if (!parseFloat(v, options.repeatPenalty) ||
              options.repeatPenalty <= 0)
            return "a positive number";
          options.hasRepeatPenalty = true;
        } else if (name == "--repeat-last-n") {
          if (!parseUnsigned(v, options.repeatLastN) ||
              options.repeatLastN > 1u << 20)
            return "a non-negative integer up to 1048576";
        } else if (name == "--seed") {
          if (!parseUnsigned(v, options.seed))
            return "a non-negative integer";
        }
        return "";
      });
}

std::string liquid::run::parseTokens(const std::string &text,
                                     std::vector<int32_t> &ids) {
  std::vector<unsigned long long> values;
  std::string bad;
  if (!parseUnsignedList(text, 0, INT32_MAX, values, &bad))
    return "--tokens: invalid token id '" + bad +
           "': expected comma-separated non-negative integers";
  for (unsigned long long id : values)
    ids.push_back(int32_t(id));
  return "";
}

std::string liquid::run::readFile(const std::string &path, std::string &out,
                                  bool regularOnly) {
  std::string error;
  int fd = regularOnly ? liquid::openRegularFile(path, error)
                       : ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return regularOnly ? error : path + ": cannot open: " + strerror(errno);
  char buffer[65536];
  ssize_t n;
  while ((n = ::read(fd, buffer, sizeof buffer)) != 0) {
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0) {
      error = path + ": cannot read: " + strerror(errno);
      break;
    }
    out.append(buffer, size_t(n));
  }
  ::close(fd);
  return error;
}
