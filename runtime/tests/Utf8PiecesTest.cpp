//===- Utf8PiecesTest.cpp - Streaming whole UTF-8 characters --------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// liquid-run prints generated pieces through tools/common/Utf8Pieces.h: a
// character split over pieces is held back until it is whole, every other
// byte goes out at once, and nothing is lost or reordered.
//
//===----------------------------------------------------------------------===//

#include "Utf8Pieces.h"

#include <gtest/gtest.h>

using liquid::tools::Utf8Pieces;

namespace {

// Tests characters of 2, 3 and 4 bytes split at every byte.
TEST(Utf8Pieces, HoldsSplitCharacters) {
  for (std::string ch : {"\xC3\xA9", "\xE6\x97\xA5", "\xF0\x9F\xA6\x99"}) {
    Utf8Pieces pieces;
    EXPECT_EQ(pieces.take("a"), "a");
    for (size_t i = 0; i + 1 < ch.size(); ++i)
      EXPECT_EQ(pieces.take(ch.substr(i, 1)), "") << i;
    EXPECT_EQ(pieces.take(ch.substr(ch.size() - 1) + "b"), ch + "b");
    EXPECT_EQ(pieces.rest(), "");
  }
}

// Tests that any way of cutting a text into pieces gives back the text,
// and that no printed prefix ends inside a character.
TEST(Utf8Pieces, AnyCutGivesTheText) {
  const std::string text =
      "caf\xC3\xA9 \xE6\x97\xA5\xE6\x9C\xAC \xF0\x9F\xA6\x99!";
  for (size_t step = 1; step <= 5; ++step) {
    Utf8Pieces pieces;
    std::string out;
    for (size_t i = 0; i < text.size(); i += step) {
      std::string ready = pieces.take(text.substr(i, step));
      out += ready;
      if (!out.empty()) {
        auto last = static_cast<unsigned char>(out.back());
        EXPECT_TRUE(last < 0x80 || (last & 0xC0) == 0x80) << step;
        EXPECT_EQ(text.compare(0, out.size(), out), 0);
      }
    }
    out += pieces.rest();
    EXPECT_EQ(out, text) << step;
  }
}

// Tests that invalid bytes pass through and an unfinished character at the
// end is given by rest().
TEST(Utf8Pieces, InvalidAndUnfinished) {
  Utf8Pieces pieces;
  EXPECT_EQ(pieces.take("x\x80\xFF"), "x\x80\xFF");
  EXPECT_EQ(pieces.take("y\xE6\x97"), "y");
  EXPECT_EQ(pieces.rest(), "\xE6\x97");
  EXPECT_EQ(pieces.rest(), "");
}

} // namespace
