//===- Tokenizer.h - A checkpoint's tokenizer and chat settings -*- C++ -*-===//
//
// SPDX-License-Identifier: Apache-2.0
//
// What the artifact needs to turn text into tokens and back, and to render a
// conversation, read from either checkpoint format:
// - GGUF: tokenizer.ggml.{model, pre, tokens, token_type, merges,
//   bos/eos/eot/padding_token_id, add_bos_token, add_eos_token} and
//   tokenizer.chat_template;
// - HF: tokenizer.json (BPE model, added tokens, pre-tokenizer),
//   tokenizer_config.json (add_bos_token, chat_template, special tokens),
//   special_tokens_map.json and generation_config.json (end-of-turn ids,
//   sampler defaults).
// Only byte-level BPE with the Llama-3 split (LFM2's "lfm2" pre-tokenizer)
// is accepted; anything else is an error naming the file and the key.
//
//===----------------------------------------------------------------------===//

#ifndef LIQUID_IMPORT_TOKENIZER_H
#define LIQUID_IMPORT_TOKENIZER_H

#include "liquid/Import/GGUFFormat.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <optional>
#include <string>
#include <vector>

namespace liquid {

class GGUFFile;

/// Sampler settings a checkpoint recommends (generation_config.json).
struct SamplerSettings {
  std::optional<double> temperature, topP, minP, repetitionPenalty;
  std::optional<int64_t> topK;
};

struct Tokenizer {
  /// Token texts as the vocabulary spells them: byte-level BPE text (bytes
  /// mapped to code points as GPT-2's bytes_to_unicode does), special tokens
  /// verbatim.
  std::vector<std::string> tokens;
  /// GGUF token types (Normal, Control, UserDefined, ...).
  std::vector<gguf::TokenType> kinds;
  /// Merge rules in rank order, each the two token texts it joins.
  std::vector<std::pair<std::string, std::string>> merges;
  int64_t bosId = -1, eosId = -1, padId = -1;
  /// Further tokens that end a turn (end of turn, end of text).
  std::vector<int64_t> endIds;
  bool addBos = false, addEos = false;
  /// Jinja source; empty when the checkpoint has none.
  std::string chatTemplate;
  SamplerSettings sampler;
};

/// The tokenizer of a GGUF file, or nothing when it has no
/// tokenizer.ggml.tokens. `vocabSize` is the model's (embedding rows): the
/// tokenizer may not have more tokens.
llvm::Expected<std::optional<Tokenizer>> readGGUFTokenizer(const GGUFFile &f,
                                                           int64_t vocabSize);

/// The tokenizer of an HF checkpoint directory, or nothing when it has no
/// tokenizer.json.
llvm::Expected<std::optional<Tokenizer>> readHFTokenizer(llvm::StringRef dir,
                                                         int64_t vocabSize);

/// The bytes a byte-level BPE token text stands for (GPT-2's
/// bytes_to_unicode inverted), or nothing when a character of `text` is
/// not one of the 256 byte characters.
std::optional<std::string> decodeByteLevel(llvm::StringRef text);

/// Parses a chat template with the runtime's interpreter: a template it
/// could not render is an error here, at compile time ("<file>: key
/// '<key>': ...").
llvm::Error checkChatTemplate(llvm::StringRef source, llvm::StringRef file,
                              llvm::StringRef key);

/// Checks what both readers produce (ids in range, kinds known, no more
/// tokens than `vocabSize`) and completes `endIds`. `file` names the source
/// in messages.
llvm::Error validateTokenizer(Tokenizer &tok, llvm::StringRef file,
                              int64_t vocabSize);

} // namespace liquid

#endif // LIQUID_IMPORT_TOKENIZER_H
