//===- Tokenizer.h - A synthetic byte-level BPE tokenizer -------*- C++ -*-===//
//
// SPDX-License-Identifier: Apache-2.0
//
// A deterministic GPT-2 style byte-level BPE vocabulary of any size >= 300:
// LFM2's special tokens first (<|pad|> = 0, <|startoftext|> = 1,
// <|im_end|> = 7, ...), then the 256 byte tokens in byte order spelled with
// GPT-2's byte-to-unicode mapping, then tokens made by merges. Every merge
// "a b" joins two tokens already in the vocabulary into a new one: first the
// words of a small built-in English list ("Ġthe", "Ġand", "Hello", ...),
// then letter-by-letter extensions of earlier tokens, breadth first. The
// same tables feed the GGUF tokenizer.ggml.* keys and the HF tokenizer.json.
//
//===----------------------------------------------------------------------===//

#ifndef LIQUID_SYNTH_TOKENIZER_H
#define LIQUID_SYNTH_TOKENIZER_H

#include "liquid/Import/ModelConfig.h"

#include <cstdint>
#include <string>
#include <vector>

namespace liquid::synth {

struct SynthTokenizer {
  std::vector<std::string> tokens;  ///< UTF-8, by id.
  std::vector<int32_t> tokenTypes;  ///< gguf::TokenType values, by id.
  std::vector<std::string> merges;  ///< "a b", by rank.
  int64_t numSpecial = 0;           ///< Ids [0, numSpecial) are control.
};

/// A chat template in LFM2's format (tokenizer.chat_template): ChatML
/// turns, tools listed in the system turn between <|tool_list_start|> and
/// <|tool_list_end|>, tool results between <|tool_response_start|> and
/// <|tool_response_end|>.
extern const char *const kChatTemplate;

/// The vocabulary of exactly `vocabSize` tokens (at least 300).
SynthTokenizer buildTokenizer(int64_t vocabSize);

/// HF tokenizer.json (tokenizers format 1.0, BPE, ByteLevel).
std::string tokenizerJSON(const SynthTokenizer &tok);
/// HF tokenizer_config.json (special tokens, chat template).
std::string tokenizerConfigJSON(const SynthTokenizer &tok,
                                const ModelConfig &config);

} // namespace liquid::synth

#endif // LIQUID_SYNTH_TOKENIZER_H
