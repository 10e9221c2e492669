//===- PreTokenizerTest.cpp - UTF-8 decoding and the Llama-3 split --------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// The words LFM2's split regex makes of short texts (each case written out
// from the regex by hand), and the lax UTF-8 decoding the split sees.
//
//===----------------------------------------------------------------------===//

#include "PreTokenizer.h"
#include "Unicode.h"

#include <gtest/gtest.h>

using namespace liquid::runtime;

namespace {

std::vector<std::string> words(const std::string &text) {
  std::vector<uint32_t> cps = decodeUTF8(text);
  std::vector<size_t> ends;
  splitLlama3(cps, ends);
  std::vector<std::string> out;
  size_t start = 0;
  for (size_t end : ends) {
    std::string w;
    for (size_t i = start; i < end; ++i)
      appendUTF8(w, cps[i]);
    out.push_back(w);
    start = end;
  }
  return out;
}

using Words = std::vector<std::string>;

TEST(PreTokenizer, WordsTakeOneLeadingNonLetter) {
  EXPECT_EQ(words("Hello world"), (Words{"Hello", " world"}));
  EXPECT_EQ(words("(hello) \"x\""), (Words{"(hello", ")", " \"", "x", "\""}));
  EXPECT_EQ(words("café Ångström"), (Words{"café", " Ångström"}));
}

TEST(PreTokenizer, ContractionsInAnyCase) {
  EXPECT_EQ(words("it's we'LL I'D"),
            (Words{"it", "'s", " we", "'LL", " I", "'D"}));
  EXPECT_EQ(words("'x"), (Words{"'x"}));
}

TEST(PreTokenizer, NumbersInThrees) {
  EXPECT_EQ(words("1234567"), (Words{"123", "456", "7"}));
  EXPECT_EQ(words("a 12"), (Words{"a", " ", "12"}));
  EXPECT_EQ(words("٣١٤"), (Words{"٣١٤"})); // Arabic-Indic digits are \p{N}
}

TEST(PreTokenizer, PunctuationRunsKeepTrailingLineBreaks) {
  EXPECT_EQ(words("a!!! ...\n\nb"), (Words{"a", "!!!", " ...\n\n", "b"}));
  EXPECT_EQ(words("🦙🦙 x"), (Words{"🦙🦙", " x"}));
}

TEST(PreTokenizer, Whitespace) {
  // A run before a word leaves its last space to the word.
  EXPECT_EQ(words("a   b"), (Words{"a", "  ", " b"}));
  // Line breaks end a run at the last break.
  EXPECT_EQ(words("a \n \n  b"), (Words{"a", " \n \n", " ", " b"}));
  // Trailing whitespace is one word; a lone space before a digit too.
  EXPECT_EQ(words("x   "), (Words{"x", "   "}));
  EXPECT_EQ(words("\t\t1"), (Words{"\t", "\t", "1"}));
  // U+3000 is White_Space.
  EXPECT_EQ(words("a\u3000\u3000b"), (Words{"a", "\u3000", "\u3000b"}));
}

TEST(PreTokenizer, EmptyText) { EXPECT_TRUE(words("").empty()); }

TEST(Unicode, LaxDecoding) {
  // Invalid bytes are U+FFFD one by one; overlong forms and surrogates
  // decode to their code points.
  EXPECT_EQ(decodeUTF8("a\x80"
                       "b"),
            (std::vector<uint32_t>{'a', 0xFFFD, 'b'}));
  EXPECT_EQ(decodeUTF8("\xE6\x97"), (std::vector<uint32_t>{0xFFFD, 0xFFFD}));
  EXPECT_EQ(decodeUTF8("\xC0\xAF"), (std::vector<uint32_t>{0x2F}));
  EXPECT_EQ(decodeUTF8("\xED\xA0\x80"), (std::vector<uint32_t>{0xD800}));
  EXPECT_EQ(decodeUTF8("\xF8\x88"), (std::vector<uint32_t>{0xFFFD, 0xFFFD}));
  EXPECT_EQ(decodeUTF8("\xF4\x90\x80\x80").size(), 4u); // above U+10FFFF
  EXPECT_EQ(decodeUTF8("\xF0\x9F\xA6\x99"), (std::vector<uint32_t>{0x1F999}));
}

TEST(Unicode, Classes) {
  EXPECT_TRUE(classify('a').letter);
  EXPECT_TRUE(classify(0x4E00).letter);  // CJK
  EXPECT_TRUE(classify(0x2EBF0).letter); // CJK Extension I (Unicode 15.1)
  EXPECT_TRUE(classify(0x0663).number);
  EXPECT_TRUE(classify(0x2154).number); // ⅔
  EXPECT_TRUE(classify(0x85).whitespace);
  EXPECT_FALSE(classify(0x1F999).letter);
  EXPECT_FALSE(classify(0x200B).whitespace); // zero width space is not
  EXPECT_TRUE(classify(kNoCodePoint).none);
}

} // namespace
