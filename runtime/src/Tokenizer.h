//===- Tokenizer.h - Byte-level BPE over the artifact's tables --*- C++ -*-===//
//
// SPDX-License-Identifier: Apache-2.0
//
// Text to token ids and back with the artifact's Tokenizer table, exactly
// as llama.cpp tokenizes the same vocabulary: special tokens are cut out of
// the text first (longest first), each remaining fragment is split into
// words (PreTokenizer.h), and each word is one token when it is in the
// vocabulary, else BPE merges its bytes by rank. Nothing is built at load
// time: the lookups are the artifact's hash tables.
//
//===----------------------------------------------------------------------===//

#ifndef LIQUID_RUNTIME_TOKENIZER_H
#define LIQUID_RUNTIME_TOKENIZER_H

#include "liquid/artifact_generated.h"
#include "liquid/runtime.h"

#include <string_view>
#include <vector>

namespace liquid::runtime {

class Tokenizer {
public:
  /// Checks `table` against itself and the model's vocabulary; `name`
  /// starts each message.
  static lq_status verify(const lqm::Tokenizer &table, uint32_t vocabSize,
                          const char *name);

  Tokenizer() = default;
  /// `table` verified, or null when the artifact has no tokenizer.
  explicit Tokenizer(const lqm::Tokenizer *table);

  bool present() const { return table != nullptr; }
  uint32_t size() const { return table ? table->kinds()->size() : 0; }

  /// Appends the tokens of `text`. `addSpecial`: BOS / EOS as the model
  /// adds them; `parseSpecial`: control tokens written in the text are
  /// those tokens (user-defined ones always are).
  void encode(std::string_view text, bool addSpecial, bool parseSpecial,
              std::vector<int32_t> &out) const;

  /// The bytes `id` (< size()) stands for.
  std::string_view piece(int32_t id) const;
  /// Control and unknown tokens: printed only when asked for.
  bool isControl(int32_t id) const;
  bool isEnd(int32_t id) const;

private:
  int32_t lookup(std::string_view bytes) const;
  /// The rank (index) of the rule merging `left` then `right`, or -1.
  int32_t findMerge(int32_t left, int32_t right) const;
  void encodeFragment(std::string_view text, std::vector<int32_t> &out) const;
  void encodeWord(std::string_view word, std::vector<int32_t> &out) const;

  const lqm::Tokenizer *table = nullptr;
  /// The token of each single byte, -1 where the vocabulary has none.
  int32_t byteTokens[256] = {};
};

} // namespace liquid::runtime

#endif // LIQUID_RUNTIME_TOKENIZER_H
