//===- CommandLine.h - Command lines of the runtime's tools -----*- C++ -*-===//
//
// SPDX-License-Identifier: Apache-2.0
//
// What liquid-run, liquid-bench and liquid-inspect share on the command
// line: the "<tool>: error: <message>" line with exit code 1, decimal
// numbers and comma-separated lists of them, and the walk over one artifact
// (ART) and options, where a value follows its option (-n 8) or, for a long
// one, joins it after '=' (--seed=5). Header-only, with the C and C++
// standard libraries alone, so the tools stay in the runtime's own build
// scope (runtime/CMakeLists.txt) with no LLVM.
//
//===----------------------------------------------------------------------===//

#ifndef LIQUID_TOOLS_COMMON_COMMANDLINE_H
#define LIQUID_TOOLS_COMMON_COMMANDLINE_H

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <initializer_list>
#include <string>
#include <vector>

namespace liquid::tools {

/// Prints "<tool>: error: <message>" on stderr; returns 1, the exit code.
inline int reportError(const char *tool, const std::string &message) {
  fprintf(stderr, "%s: error: %s\n", tool, message.c_str());
  return 1;
}

/// The whole of `text` as a decimal number: no sign, nothing after it, no
/// overflow.
inline bool parseUnsigned(const char *text, unsigned long long &out) {
  if (!*text || *text == '-' || *text == '+')
    return false;
  char *end;
  errno = 0;
  out = strtoull(text, &end, 10);
  return errno == 0 && *end == '\0';
}

/// "1,2,4" into `out`, each value in [lo, hi]. On failure returns false and,
/// where `bad` is given, puts the entry at fault there ("" for an empty one).
inline bool parseUnsignedList(const std::string &text, unsigned long long lo,
                              unsigned long long hi,
                              std::vector<unsigned long long> &out,
                              std::string *bad = nullptr) {
  out.clear();
  size_t start = 0;
  while (true) {
    size_t comma = text.find(',', start);
    std::string part = text.substr(start, comma - start);
    unsigned long long value;
    if (!parseUnsigned(part.c_str(), value) || value < lo || value > hi) {
      if (bad)
        *bad = part;
      return false;
    }
    out.push_back(value);
    if (comma == std::string::npos)
      return true;
    start = comma + 1;
  }
}

/// Walks the command line of a tool that takes one artifact and options;
/// returns the first error's message, or "" when all of it was taken.
///
///  * -h or --help prints `usage` on stdout and exits 0.
///  * An argument that does not start with '-', or is "-" alone, is the
///    artifact, kept in `artifact`; a second one is an error, and so is none.
///  * A name in `switches`, with no "=value", goes to handle(name, ""),
///    whose answer is not read.
///  * A name in `options` takes the next argument as its value, or, for a
///    "--" name, the text after its first '=' (--seed=5), and goes to
///    handle(name, value). Any other name is an unknown option.
///
/// `handle` returns "" where the value is taken, or else what it should have
/// been ("a non-negative integer"): the message then reads
/// "<name>: invalid value '<value>': expected <that>".
template <typename Handle>
std::string parseToolArguments(int argc, char **argv, const char *usage,
                               std::initializer_list<const char *> options,
                               std::initializer_list<const char *> switches,
                               std::string &artifact, Handle handle) {
  auto isIn = [](const std::string &name,
                 std::initializer_list<const char *> names) {
    for (const char *n : names)
      if (name == n)
        return true;
    return false;
  };
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i], name = arg, value;
    bool inlineValue = false;
    if (arg.rfind("--", 0) == 0 && arg.find('=') != std::string::npos) {
      name = arg.substr(0, arg.find('='));
      value = arg.substr(arg.find('=') + 1);
      inlineValue = true;
    }
    if (name == "-h" || name == "--help") {
      fputs(usage, stdout);
      exit(0);
    }
    if (name.size() < 2 || name[0] != '-') {
      if (!artifact.empty())
        return "unexpected argument '" + arg + "': one artifact only";
      artifact = arg;
      continue;
    }
    if (!inlineValue && isIn(name, switches)) {
      handle(name, value);
      continue;
    }
    if (!isIn(name, options))
      return "unknown option '" + name + "' (see --help)";
    if (!inlineValue) {
      if (i + 1 >= argc)
        return name + ": missing value";
      value = argv[++i];
    }
    std::string expected = handle(name, value);
    if (!expected.empty())
      return name + ": invalid value '" + value + "': expected " + expected;
  }
  if (artifact.empty())
    return "missing artifact: give a .lqm file (see --help)";
  return "";
}

} // namespace liquid::tools

#endif // LIQUID_TOOLS_COMMON_COMMANDLINE_H
