//===- Text.h - UTF-8 and whitespace helpers for templates ------*- C++ -*-===//
//
// SPDX-License-Identifier: Apache-2.0
//
// Byte-level helpers over UTF-8 text. Whitespace is JavaScript's `\s` (the
// set String.prototype.trim and the reference renderer's lexer use): ASCII
// \t \n \v \f \r and space, plus U+00A0, U+1680, U+2000-U+200A, U+2028,
// U+2029, U+202F, U+205F, U+3000 and U+FEFF. Case mapping is ASCII only.
// Every function tolerates invalid UTF-8 (a bad byte counts as one
// character) so a caller-built value can never make them read out of bounds.
//
//===----------------------------------------------------------------------===//

#ifndef LIQUID_RUNTIME_TEMPLATE_TEXT_H
#define LIQUID_RUNTIME_TEMPLATE_TEXT_H

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace liquid::runtime::tmpl::text {

/// Decodes the character at `s[i]` into `cp`; returns its length in bytes
/// (1-4), or 0 when the bytes there are not valid UTF-8 (`cp` is then the
/// byte itself).
size_t decode(std::string_view s, size_t i, uint32_t &cp);

/// Returns true when `s` is valid UTF-8; otherwise sets `bad` to the offset
/// of the first invalid byte.
bool isValid(std::string_view s, size_t &bad);

/// Appends `cp` as UTF-8; surrogates and values past U+10FFFF become U+FFFD.
void append(std::string &out, uint32_t cp);

/// Length in bytes of the whitespace character at `s[i]`, 0 if none.
size_t spaceAt(std::string_view s, size_t i);
/// Length in bytes of the whitespace character that ends at `s[end - 1]`.
size_t spaceBefore(std::string_view s, size_t end);

/// JavaScript's trimStart / trimEnd / trim.
std::string_view trimLeft(std::string_view s);
std::string_view trimRight(std::string_view s);
inline std::string_view trim(std::string_view s) {
  return trimLeft(trimRight(s));
}

/// Number of characters (code points) in `s`.
size_t length(std::string_view s);
/// Byte offset of character `index` in `s` (s.size() past the end).
size_t offsetOf(std::string_view s, size_t index);
/// Byte length of the character at `s[i]` (1 for an invalid byte).
size_t charLength(std::string_view s, size_t i);

/// `[A-Za-z0-9_]`, the reference lexer's identifier characters.
inline bool isWord(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         (c >= '0' && c <= '9') || c == '_';
}
inline bool isDigit(char c) { return c >= '0' && c <= '9'; }

/// ASCII case mapping of every byte.
std::string upper(std::string_view s);
std::string lower(std::string_view s);
/// The reference's title (each letter after a non-word character upper
/// case, the rest kept) and capitalize (the first letter upper case).
std::string title(std::string_view s);
std::string capitalize(std::string_view s);

/// Python's str.replace into `out`: the first `count` occurrences of `from`
/// (all when count < 0); an empty `from` matches before every character and
/// at the end. False, with `out` unset, when the result would pass `limit`
/// bytes.
bool replace(std::string_view s, std::string_view from, std::string_view to,
             int64_t count, size_t limit, std::string &out);

/// The characters of `s` in reverse order.
std::string reverse(std::string_view s);
/// The byte offset where the character that ends at `end` starts, agreeing
/// with charLength on invalid bytes.
size_t previous(std::string_view s, size_t end);

} // namespace liquid::runtime::tmpl::text

#endif // LIQUID_RUNTIME_TEMPLATE_TEXT_H
