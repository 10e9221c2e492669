//===- Text.cpp - UTF-8 and whitespace helpers for templates --------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// This file implements the helpers of Text.h.
//
//===----------------------------------------------------------------------===//

#include "Template/Text.h"

#include <algorithm>

namespace liquid::runtime::tmpl::text {

size_t decode(std::string_view s, size_t i, uint32_t &cp) {
  unsigned char c = static_cast<unsigned char>(s[i]);
  cp = c;
  if (c < 0x80)
    return 1;
  size_t n;
  uint32_t min;
  if ((c & 0xE0) == 0xC0) {
    n = 2, min = 0x80, cp = c & 0x1F;
  } else if ((c & 0xF0) == 0xE0) {
    n = 3, min = 0x800, cp = c & 0x0F;
  } else if ((c & 0xF8) == 0xF0) {
    n = 4, min = 0x10000, cp = c & 0x07;
  } else {
    return 0;
  }
  if (i + n > s.size()) {
    cp = c;
    return 0;
  }
  for (size_t k = 1; k < n; ++k) {
    unsigned char d = static_cast<unsigned char>(s[i + k]);
    if ((d & 0xC0) != 0x80) {
      cp = c;
      return 0;
    }
    cp = (cp << 6) | (d & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
    cp = c;
    return 0;
  }
  return n;
}

bool isValid(std::string_view s, size_t &bad) {
  for (size_t i = 0; i < s.size();) {
    uint32_t cp;
    size_t n = decode(s, i, cp);
    if (n == 0) {
      bad = i;
      return false;
    }
    i += n;
  }
  return true;
}

void append(std::string &out, uint32_t cp) {
  if ((cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF)
    cp = 0xFFFD;
  if (cp < 0x80) {
    out += char(cp);
  } else if (cp < 0x800) {
    out += char(0xC0 | (cp >> 6));
    out += char(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += char(0xE0 | (cp >> 12));
    out += char(0x80 | ((cp >> 6) & 0x3F));
    out += char(0x80 | (cp & 0x3F));
  } else {
    out += char(0xF0 | (cp >> 18));
    out += char(0x80 | ((cp >> 12) & 0x3F));
    out += char(0x80 | ((cp >> 6) & 0x3F));
    out += char(0x80 | (cp & 0x3F));
  }
}

namespace {

bool isSpace(uint32_t cp) {
  if (cp <= 32)
    return cp == 32 || (cp >= 9 && cp <= 13);
  return cp == 0xA0 || cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200A) ||
         cp == 0x2028 || cp == 0x2029 || cp == 0x202F || cp == 0x205F ||
         cp == 0x3000 || cp == 0xFEFF;
}

} // namespace

size_t spaceAt(std::string_view s, size_t i) {
  if (i >= s.size())
    return 0;
  uint32_t cp;
  size_t n = decode(s, i, cp);
  return n != 0 && isSpace(cp) ? n : 0;
}

size_t spaceBefore(std::string_view s, size_t end) {
  if (end == 0)
    return 0;
  if (static_cast<unsigned char>(s[end - 1]) < 0x80)
    return spaceAt(s, end - 1);
  // Step back over at most three continuation bytes to the lead byte.
  size_t start = end - 1;
  while (start > 0 && end - start < 4 &&
         (static_cast<unsigned char>(s[start]) & 0xC0) == 0x80)
    --start;
  size_t n = spaceAt(s, start);
  return start + n == end ? n : 0;
}

std::string_view trimLeft(std::string_view s) {
  size_t i = 0;
  while (size_t n = spaceAt(s, i))
    i += n;
  return s.substr(i);
}

std::string_view trimRight(std::string_view s) {
  size_t end = s.size();
  while (size_t n = spaceBefore(s, end))
    end -= n;
  return s.substr(0, end);
}

size_t charLength(std::string_view s, size_t i) {
  uint32_t cp;
  size_t n = decode(s, i, cp);
  return n == 0 ? 1 : n;
}

size_t length(std::string_view s) {
  size_t count = 0;
  for (size_t i = 0; i < s.size(); i += charLength(s, i))
    ++count;
  return count;
}

size_t offsetOf(std::string_view s, size_t index) {
  size_t i = 0;
  for (; i < s.size() && index > 0; --index)
    i += charLength(s, i);
  return i;
}

std::string upper(std::string_view s) {
  std::string out(s);
  for (char &c : out)
    if (c >= 'a' && c <= 'z')
      c = char(c - 'a' + 'A');
  return out;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char &c : out)
    if (c >= 'A' && c <= 'Z')
      c = char(c - 'A' + 'a');
  return out;
}

std::string title(std::string_view s) {
  std::string out(s);
  for (size_t i = 0; i < out.size(); ++i)
    if (out[i] >= 'a' && out[i] <= 'z' && (i == 0 || !isWord(out[i - 1])))
      out[i] = char(out[i] - 'a' + 'A');
  return out;
}

std::string capitalize(std::string_view s) {
  std::string out(s);
  if (!out.empty() && out[0] >= 'a' && out[0] <= 'z')
    out[0] = char(out[0] - 'a' + 'A');
  return out;
}

bool replace(std::string_view s, std::string_view from, std::string_view to,
             int64_t count, size_t limit, std::string &out) {
  // Count the matches first, so that a huge result is refused unbuilt.
  size_t matches = 0;
  if (from.empty()) {
    matches = length(s) + 1;
  } else {
    for (size_t at = s.find(from); at != std::string_view::npos;
         at = s.find(from, at + from.size()))
      ++matches;
  }
  if (count >= 0 && uint64_t(count) < matches)
    matches = size_t(count);
  if (to.size() > from.size() &&
      matches > (limit - std::min(limit, s.size())) / (to.size() - from.size()))
    return false;
  out.clear();
  size_t i = 0;
  for (size_t k = 0; k < matches; ++k) {
    size_t at = from.empty() ? i : s.find(from, i);
    out.append(s.substr(i, at - i));
    out.append(to);
    i = at + from.size();
    if (from.empty() && i < s.size()) {
      size_t n = charLength(s, i);
      out.append(s.substr(i, n));
      i += n;
    }
  }
  if (i < s.size())
    out.append(s.substr(i));
  return true;
}

size_t previous(std::string_view s, size_t end) {
  size_t start = end - 1;
  while (start > 0 && end - start < 4 &&
         (static_cast<unsigned char>(s[start]) & 0xC0) == 0x80)
    --start;
  return charLength(s, start) == end - start ? start : end - 1;
}

std::string reverse(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t end = s.size(); end > 0;) {
    size_t start = previous(s, end);
    out.append(s.substr(start, end - start));
    end = start;
  }
  return out;
}

} // namespace liquid::runtime::tmpl::text
