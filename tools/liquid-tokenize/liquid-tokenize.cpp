//===- liquid-tokenize.cpp - Tokenize text with an artifact's tokenizer ---===//
//
// SPDX-License-Identifier: Apache-2.0
//
// Prints the tokens a text becomes, as llama.cpp's llama-tokenize does: one
// "id -> 'piece'" line per token, or with --ids the list "[1, 2, 3]". The
// text is the argument after the artifact, -p TEXT, -f FILE or --stdin.
// Errors read "liquid-tokenize: error: <file>: <what>: <why>" and exit 1.
//
//===----------------------------------------------------------------------===//

#include "CommandLine.h"
#include "Tokenize.h"
#include "liquid/runtime.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

using namespace liquid::tools;

namespace {

const char usage[] =
    "usage: liquid-tokenize ART [TEXT | -p TEXT | -f FILE | --stdin]\n"
    "                       [--ids | --pieces] [--no-bos] "
    "[--no-parse-special]\n"
    "                       [--show-count]\n"
    "       liquid-tokenize ART --decode IDS\n"
    "Prints the tokens TEXT becomes with the artifact's tokenizer, or with\n"
    "--decode the bytes the comma-separated token ids stand for (control\n"
    "tokens included).\n"
    "  --pieces            one 'id -> piece' line per token (default)\n"
    "  --ids               the ids only, as [1, 2, 3]\n"
    "  --no-bos            do not add BOS (and EOS) as the model would\n"
    "  --no-parse-special  control tokens in TEXT (<|im_start|>) are plain\n"
    "                      text\n"
    "  --show-count        print the number of tokens last\n";

int fail(const std::string &message) {
  return reportError("liquid-tokenize", message);
}

bool readAll(FILE *f, std::string &out) {
  char buffer[65536];
  size_t n;
  while ((n = fread(buffer, 1, sizeof buffer, f)) > 0)
    out.append(buffer, n);
  return !ferror(f);
}

/// Appends the bytes of `token` (control tokens' text included).
bool appendPiece(lq_model *model, int32_t token, std::string &out) {
  char buffer[256];
  int32_t n =
      lq_token_to_piece(model, token, buffer, sizeof buffer, LQ_PIECE_SPECIAL);
  if (n < 0)
    return false;
  if (n <= static_cast<int32_t>(sizeof buffer)) {
    out.append(buffer, n);
    return true;
  }
  std::string big(n, '\0');
  lq_token_to_piece(model, token, big.data(), big.size(), LQ_PIECE_SPECIAL);
  out += big;
  return true;
}

int decodeIds(const std::string &artifact, const std::string &list) {
  std::vector<unsigned long long> ids;
  std::string bad;
  if (!parseUnsignedList(list, 0, INT32_MAX, ids, &bad))
    return fail("--decode: invalid token id '" + bad +
                "': expected comma-separated non-negative integers");
  lq_model *model = nullptr;
  if (lq_model_open(artifact.c_str(), &model) != LQ_OK)
    return fail(lq_last_error());
  std::string bytes;
  for (unsigned long long id : ids) {
    if (!appendPiece(model, static_cast<int32_t>(id), bytes)) {
      int code = fail(lq_last_error());
      lq_model_close(model);
      return code;
    }
  }
  lq_model_close(model);
  fwrite(bytes.data(), 1, bytes.size(), stdout);
  return fflush(stdout) == 0 ? 0 : fail("<stdout>: cannot write");
}

} // namespace

int main(int argc, char **argv) {
  std::string artifact, text, file, decode;
  bool haveText = false, useStdin = false, ids = false, addSpecial = true,
       parseSpecial = true, showCount = false;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    auto value = [&](std::string &out) {
      if (i + 1 >= argc)
        return false;
      out = argv[++i];
      return true;
    };
    if (arg == "-h" || arg == "--help") {
      fputs(usage, stdout);
      return 0;
    } else if (arg == "--ids") {
      ids = true;
    } else if (arg == "--pieces") {
      ids = false;
    } else if (arg == "--no-bos") {
      addSpecial = false;
    } else if (arg == "--no-parse-special") {
      parseSpecial = false;
    } else if (arg == "--show-count") {
      showCount = true;
    } else if (arg == "--stdin") {
      useStdin = true;
    } else if (arg == "--decode") {
      if (!value(decode))
        return fail(arg + ": missing value");
    } else if (arg == "-p" || arg == "--prompt") {
      if (!value(text))
        return fail(arg + ": missing value");
      haveText = true;
    } else if (arg == "-f" || arg == "--file") {
      if (!value(file))
        return fail(arg + ": missing value");
    } else if (arg.size() > 1 && arg[0] == '-') {
      return fail("unknown option '" + arg + "' (see --help)");
    } else if (artifact.empty()) {
      artifact = arg;
    } else if (!haveText) {
      text = arg;
      haveText = true;
    } else {
      return fail("unexpected argument '" + arg + "': one text only");
    }
  }
  if (artifact.empty())
    return fail("missing artifact: give a .lqm file (see --help)");
  if (!decode.empty())
    return decodeIds(artifact, decode);
  if (haveText + !file.empty() + useStdin != 1)
    return fail("give the text once: as an argument, -p TEXT, -f FILE or "
                "--stdin");
  if (!file.empty()) {
    FILE *f = fopen(file.c_str(), "rb");
    if (!f)
      return fail(file + ": cannot open: " + strerror(errno));
    bool ok = readAll(f, text);
    fclose(f);
    if (!ok)
      return fail(file + ": cannot read: " + strerror(errno));
  } else if (useStdin && !readAll(stdin, text)) {
    return fail("<stdin>: cannot read: " + std::string(strerror(errno)));
  }

  lq_model *model = nullptr;
  if (lq_model_open(artifact.c_str(), &model) != LQ_OK)
    return fail(lq_last_error());
  uint32_t flags = (addSpecial ? LQ_TOKENIZE_ADD_SPECIAL : 0) |
                   (parseSpecial ? LQ_TOKENIZE_PARSE_SPECIAL : 0);
  std::vector<int32_t> tokens;
  if (tokenize(model, text, flags, tokens) != LQ_OK) {
    int code = fail(lq_last_error());
    lq_model_close(model);
    return code;
  }
  if (ids) {
    fputc('[', stdout);
    for (size_t i = 0; i < tokens.size(); ++i)
      printf(i ? ", %d" : "%d", tokens[i]);
    fputs("]\n", stdout);
  } else {
    for (size_t i = 0; i < tokens.size(); ++i) {
      std::string piece;
      appendPiece(model, tokens[i], piece);
      printf("%6d -> '", tokens[i]);
      fwrite(piece.data(), 1, piece.size(), stdout);
      fputs("'\n", stdout);
    }
  }
  if (showCount)
    printf("Total number of tokens: %zu\n", tokens.size());
  lq_model_close(model);
  return fflush(stdout) == 0 ? 0 : fail("<stdout>: cannot write");
}
