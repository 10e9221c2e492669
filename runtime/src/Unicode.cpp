//===- Unicode.cpp - UTF-8 and the code point classes the split needs -----===//
//
// SPDX-License-Identifier: Apache-2.0
//
// This file implements Unicode.h. Sequences that decode above U+10FFFF
// (lead bytes F4-F7 with large payloads) count as invalid here, where
// llama.cpp's tokenizer throws on them.
//
//===----------------------------------------------------------------------===//

#include "Unicode.h"

#include <algorithm>
#include <iterator>

using namespace liquid::runtime;

namespace {
struct CodePointRange {
  uint32_t first, last;
};
#include "UnicodeTables.inc"

template <size_t N>
bool inRanges(const CodePointRange (&ranges)[N], uint32_t cp) {
  const CodePointRange *it = std::upper_bound(
      std::begin(ranges), std::end(ranges), cp,
      [](uint32_t c, const CodePointRange &r) { return c < r.first; });
  return it != std::begin(ranges) && cp <= std::prev(it)->last;
}

/// Unicode's White_Space property.
bool isWhitespace(uint32_t cp) {
  if ((cp >= 0x9 && cp <= 0xD) || (cp >= 0x2000 && cp <= 0x200A))
    return true;
  switch (cp) {
  case 0x20:
  case 0x85:
  case 0xA0:
  case 0x1680:
  case 0x2028:
  case 0x2029:
  case 0x202F:
  case 0x205F:
  case 0x3000:
    return true;
  default:
    return false;
  }
}
} // namespace

std::vector<uint32_t> liquid::runtime::decodeUTF8(std::string_view text) {
  std::vector<uint32_t> out;
  out.reserve(text.size());
  const auto *p = reinterpret_cast<const uint8_t *>(text.data());
  size_t n = text.size();
  for (size_t i = 0; i < n;) {
    uint8_t b = p[i];
    size_t len = b < 0x80   ? 1
                 : b < 0xC0 ? 0
                 : b < 0xE0 ? 2
                 : b < 0xF0 ? 3
                 : b < 0xF8 ? 4
                            : 0;
    uint32_t cp = len == 1   ? b
                  : len == 2 ? b & 0x1F
                  : len == 3 ? b & 0x0F
                             : b & 0x07;
    bool ok = len != 0 && i + len <= n;
    for (size_t k = 1; ok && k < len; ++k) {
      ok = (p[i + k] & 0xC0) == 0x80;
      cp = (cp << 6) | (p[i + k] & 0x3F);
    }
    if (ok && cp <= 0x10FFFF) {
      out.push_back(cp);
      i += len;
    } else {
      out.push_back(0xFFFD);
      i += 1;
    }
  }
  return out;
}

void liquid::runtime::appendUTF8(std::string &out, uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

CodePointClass liquid::runtime::classify(uint32_t cp) {
  CodePointClass c;
  if (cp == kNoCodePoint) {
    c.none = true;
    return c;
  }
  c.whitespace = isWhitespace(cp);
  if (!c.whitespace) {
    c.letter = inRanges(kLetterRanges, cp);
    c.number = !c.letter && inRanges(kNumberRanges, cp);
  }
  return c;
}
