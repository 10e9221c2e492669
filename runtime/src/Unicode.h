//===- Unicode.h - UTF-8 and the code point classes -------------*- C++ -*-===//
//
// SPDX-License-Identifier: Apache-2.0
//
// The pre-tokenizer's view of text: code points decoded from UTF-8 the way
// llama.cpp decodes them (so both split alike, invalid input included), and
// three classes, letters (\p{L}), numbers (\p{N}) and White_Space, from
// compact range tables (UnicodeTables.inc) instead of ICU.
//
//===----------------------------------------------------------------------===//

#ifndef LIQUID_RUNTIME_UNICODE_H
#define LIQUID_RUNTIME_UNICODE_H

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace liquid::runtime {

/// A code point that is none: past the end of a word, or an invalid
/// sequence that decoded above U+10FFFF.
constexpr uint32_t kNoCodePoint = 0xFFFFFFFF;

/// Decodes `text`. A lead byte announces the sequence's length and the
/// continuation bytes are checked, but overlong forms and surrogates are
/// accepted as they decode; a byte that starts no valid sequence becomes
/// U+FFFD and decoding goes on at the next byte.
std::vector<uint32_t> decodeUTF8(std::string_view text);

/// Appends the UTF-8 form of `cp` (<= U+10FFFF).
void appendUTF8(std::string &out, uint32_t cp);

/// The classes of one code point. `none` is set only for kNoCodePoint.
struct CodePointClass {
  bool letter = false, number = false, whitespace = false, none = false;
};
CodePointClass classify(uint32_t cp);

} // namespace liquid::runtime

#endif // LIQUID_RUNTIME_UNICODE_H
