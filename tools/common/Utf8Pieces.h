//===- Utf8Pieces.h - Whole UTF-8 characters from pieces --------*- C++ -*-===//
//
// SPDX-License-Identifier: Apache-2.0
//
// A token's bytes can end in the middle of a UTF-8 character (byte-level
// BPE splits rare characters over several tokens). Utf8Pieces takes the
// pieces in order and hands back what can be printed now: everything but a
// trailing sequence whose continuation bytes have not come yet. Bytes that
// are not valid UTF-8 pass through (nothing would complete them). Header-
// only, for the runtime's tools.
//
//===----------------------------------------------------------------------===//

#ifndef LIQUID_TOOLS_COMMON_UTF8PIECES_H
#define LIQUID_TOOLS_COMMON_UTF8PIECES_H

#include <string>

namespace liquid::tools {

class Utf8Pieces {
public:
  /// Appends `bytes` and returns the printable prefix of what is held.
  std::string take(const std::string &bytes) {
    pending += bytes;
    size_t keep = 0;
    // The last lead byte within 3 bytes of the end: does its sequence fit?
    for (size_t back = 1; back <= 3 && back <= pending.size(); ++back) {
      auto b = static_cast<unsigned char>(pending[pending.size() - back]);
      if ((b & 0xC0) == 0x80)
        continue; // a continuation byte: look further back
      size_t length = b >= 0xF8   ? 1
                      : b >= 0xF0 ? 4
                      : b >= 0xE0 ? 3
                      : b >= 0xC0 ? 2
                                  : 1;
      if (length > back)
        keep = back;
      break;
    }
    std::string ready = pending.substr(0, pending.size() - keep);
    pending.erase(0, pending.size() - keep);
    return ready;
  }

  /// What is still held (an incomplete sequence at the end of the text).
  std::string rest() {
    std::string out;
    out.swap(pending);
    return out;
  }

private:
  std::string pending;
};

} // namespace liquid::tools

#endif // LIQUID_TOOLS_COMMON_UTF8PIECES_H
