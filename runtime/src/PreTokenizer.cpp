//===- PreTokenizer.cpp - Split text into words before BPE ----------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// This file implements splitLlama3. Each alternative of the regex is one
// step below, tried in the regex's order at the current position; the
// first that matches ends the word. Past the end of the text is "no code
// point", which belongs to no class (so `\s+(?!\S)` takes a whole trailing
// run of spaces).
//
//===----------------------------------------------------------------------===//

#include "PreTokenizer.h"

#include "Unicode.h"

using namespace liquid::runtime;

namespace {

class Splitter {
public:
  explicit Splitter(const std::vector<uint32_t> &cps) : cps(cps) {}

  uint32_t at(size_t i) const { return i < cps.size() ? cps[i] : kNoCodePoint; }
  CodePointClass cls(size_t i) const { return classify(at(i)); }
  static bool lineBreak(uint32_t cp) { return cp == '\r' || cp == '\n'; }
  static bool other(CodePointClass c) {
    return !c.letter && !c.number && !c.whitespace && !c.none;
  }
  static uint32_t lower(uint32_t cp) {
    return cp >= 'A' && cp <= 'Z' ? cp + ('a' - 'A') : cp;
  }

  /// The end of the word starting at `pos` (< cps.size()).
  size_t wordEnd(size_t pos) const {
    uint32_t cp = at(pos);
    CodePointClass c = classify(cp);
    // 's 't 're 've 'm 'll 'd, any case.
    if (cp == '\'') {
      uint32_t a = lower(at(pos + 1)), b = lower(at(pos + 2));
      if (a == 's' || a == 't' || a == 'm' || a == 'd')
        return pos + 2;
      if ((a == 'r' && b == 'e') || (a == 'v' && b == 'e') ||
          (a == 'l' && b == 'l'))
        return pos + 3;
    }
    // [^\r\n\p{L}\p{N}]?\p{L}+
    if (!lineBreak(cp) && !c.number && (c.letter || cls(pos + 1).letter)) {
      size_t end = pos + 1;
      while (cls(end).letter)
        ++end;
      return end;
    }
    // \p{N}{1,3}
    if (c.number) {
      size_t end = pos + 1;
      while (end - pos < 3 && cls(end).number)
        ++end;
      return end;
    }
    // " "?[^\s\p{L}\p{N}]+[\r\n]*
    size_t start = cp == ' ' ? pos + 1 : pos;
    if (other(cls(start)) || (cp == ' ' && cls(start).none)) {
      size_t end = start;
      while (other(cls(end)))
        ++end;
      while (lineBreak(at(end)))
        ++end;
      return end;
    }
    // \s*[\r\n]+, else \s+(?!\S), else \s+.
    size_t end = pos, lastBreak = 0;
    while (cls(end).whitespace) {
      if (lineBreak(at(end)))
        lastBreak = end + 1;
      ++end;
    }
    if (lastBreak)
      return lastBreak;
    if (end - pos > 1 && end < cps.size())
      return end - 1;
    if (end > pos)
      return end;
    return pos + 1;
  }

private:
  const std::vector<uint32_t> &cps;
};

} // namespace

void liquid::runtime::splitLlama3(const std::vector<uint32_t> &cps,
                                  std::vector<size_t> &ends) {
  Splitter s(cps);
  for (size_t pos = 0; pos < cps.size();) {
    pos = s.wordEnd(pos);
    ends.push_back(pos);
  }
}
