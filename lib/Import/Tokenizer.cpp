//===- Tokenizer.cpp - Read a GGUF tokenizer; checks for both formats -----===//
//
// SPDX-License-Identifier: Apache-2.0
//
// This file implements readGGUFTokenizer (the tokenizer.* keys llama.cpp's
// converter writes), the byte-level decoding of token texts, and the checks
// both readers' results go through.
//
//===----------------------------------------------------------------------===//

#include "liquid/Import/Tokenizer.h"

#include "ReaderSupport.h"
#include "liquid/Import/GGUFReader.h"

#include "Template/Template.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/ConvertUTF.h"

using namespace liquid;
using detail::readerError;
using llvm::Error;
using llvm::Expected;
using llvm::StringRef;
using llvm::Twine;

/// GPT-2's bytes_to_unicode keeps these bytes as their own code points and
/// moves the other 68, in byte order, to U+0100 onwards.
static bool printableByte(unsigned b) {
  return (b >= 0x21 && b <= 0x7e) || (b >= 0xa1 && b <= 0xac) ||
         (b >= 0xae && b <= 0xff);
}

std::optional<std::string> liquid::decodeByteLevel(StringRef text) {
  static const auto moved = [] {
    std::array<uint8_t, 68> bytes{};
    unsigned n = 0;
    for (unsigned b = 0; b < 256; ++b)
      if (!printableByte(b))
        bytes[n++] = static_cast<uint8_t>(b);
    return bytes;
  }();
  std::string out;
  const char *p = text.begin();
  while (p != text.end()) {
    llvm::UTF32 cp = 0;
    const llvm::UTF8 *src = reinterpret_cast<const llvm::UTF8 *>(p);
    llvm::UTF32 *dst = &cp;
    unsigned len = llvm::getNumBytesForUTF8(*src);
    if (len > static_cast<unsigned>(text.end() - p) ||
        llvm::ConvertUTF8toUTF32(&src, src + len, &dst, dst + 1,
                                 llvm::strictConversion) != llvm::conversionOK)
      return std::nullopt;
    p += len;
    if (cp < 256 && printableByte(cp))
      out += static_cast<char>(cp);
    else if (cp >= 256 && cp < 256 + moved.size())
      out += static_cast<char>(moved[cp - 256]);
    else
      return std::nullopt;
  }
  return out;
}

/// Token texts that end a turn in the chat formats llama.cpp knows.
static const char *const kEndOfTurnTexts[] = {
    "<|im_end|>", "<|endoftext|>", "<|eot_id|>",      "<|eom_id|>",
    "<|end|>",    "<end_of_turn>", "<|end_of_text|>",
};

Error liquid::validateTokenizer(Tokenizer &tok, StringRef file,
                                int64_t vocabSize) {
  size_t n = tok.tokens.size();
  if (n == 0)
    return readerError(file, "tokenizer: the vocabulary is empty");
  if (static_cast<int64_t>(n) > vocabSize)
    return readerError(file, "tokenizer: " + Twine(n) +
                                 " tokens, more than the model's vocabulary "
                                 "of " +
                                 Twine(vocabSize));
  if (tok.kinds.empty())
    tok.kinds.assign(n, gguf::TokenType::Normal);
  if (tok.kinds.size() != n)
    return readerError(file, "tokenizer: " + Twine(tok.kinds.size()) +
                                 " token types for " + Twine(n) + " tokens");
  for (size_t i = 0; i < n; ++i) {
    auto k = static_cast<int32_t>(tok.kinds[i]);
    if (k < 1 || k > 6)
      return readerError(file, "tokenizer: token " + Twine(i) +
                                   " has unknown type " + Twine(k));
    if (tok.tokens[i].empty())
      return readerError(file, "tokenizer: token " + Twine(i) + " is empty");
  }
  for (auto [name, id] :
       {std::pair{"BOS", tok.bosId}, std::pair{"EOS", tok.eosId},
        std::pair{"padding", tok.padId}})
    if (id < -1 || id >= static_cast<int64_t>(n))
      return readerError(file, Twine("tokenizer: ") + name + " token id " +
                                   Twine(id) + " is out of range [0, " +
                                   Twine(n) + ")");
  for (int64_t id : tok.endIds)
    if (id < 0 || id >= static_cast<int64_t>(n))
      return readerError(file, "tokenizer: end-of-turn token id " + Twine(id) +
                                   " is out of range [0, " + Twine(n) + ")");
  // The end of a turn: EOS, the ids given, and the usual end-of-turn texts.
  if (tok.eosId >= 0)
    tok.endIds.push_back(tok.eosId);
  for (size_t i = 0; i < n; ++i)
    if (llvm::is_contained(kEndOfTurnTexts, StringRef(tok.tokens[i])))
      tok.endIds.push_back(static_cast<int64_t>(i));
  llvm::sort(tok.endIds);
  tok.endIds.erase(std::unique(tok.endIds.begin(), tok.endIds.end()),
                   tok.endIds.end());
  return Error::success();
}

Error liquid::checkChatTemplate(StringRef source, StringRef file,
                                StringRef key) {
  liquid::runtime::tmpl::Template parsed;
  std::string why;
  if (!liquid::runtime::tmpl::parse(
          std::string_view(source.data(), source.size()), parsed, why))
    return readerError(file, "key '" + key +
                                 "': the chat template is outside the subset "
                                 "the runtime renders: " +
                                 why);
  return Error::success();
}

/// Pre-tokenizers that split text as Llama-3's regex does.
static const char *const kLlama3Family[] = {"lfm2", "llama-bpe", "llama3",
                                            "llama-v3"};

Expected<std::optional<Tokenizer>>
liquid::readGGUFTokenizer(const GGUFFile &f, int64_t vocabSize) {
  if (!f.has("tokenizer.ggml.tokens"))
    return std::nullopt;
  StringRef file = f.path();
  Expected<StringRef> model = f.getString("tokenizer.ggml.model");
  if (!model)
    return model.takeError();
  if (*model != "gpt2")
    return readerError(file, "key 'tokenizer.ggml.model': tokenizer '" +
                                 *model +
                                 "' is not supported (expected 'gpt2', "
                                 "byte-level BPE)");
  Expected<StringRef> pre = f.has("tokenizer.ggml.pre")
                                ? f.getString("tokenizer.ggml.pre")
                                : Expected<StringRef>(StringRef("default"));
  if (!pre)
    return pre.takeError();
  if (!llvm::is_contained(kLlama3Family, *pre))
    return readerError(file, "key 'tokenizer.ggml.pre': pre-tokenizer '" +
                                 *pre +
                                 "' is not supported (expected one of lfm2, "
                                 "llama-bpe, llama3, llama-v3)");

  Tokenizer tok;
  Expected<std::vector<StringRef>> tokens =
      f.getStringArray("tokenizer.ggml.tokens");
  if (!tokens)
    return tokens.takeError();
  for (StringRef t : *tokens)
    tok.tokens.push_back(t.str());
  if (f.has("tokenizer.ggml.token_type")) {
    Expected<std::vector<int64_t>> types =
        f.getIntArray("tokenizer.ggml.token_type");
    if (!types)
      return types.takeError();
    for (int64_t t : *types)
      tok.kinds.push_back(static_cast<gguf::TokenType>(
          t >= 0 && t <= 6 ? t : 0)); // 0 (undefined) fails validation
  }
  if (f.has("tokenizer.ggml.merges")) {
    Expected<std::vector<StringRef>> merges =
        f.getStringArray("tokenizer.ggml.merges");
    if (!merges)
      return merges.takeError();
    for (size_t i = 0; i < merges->size(); ++i) {
      // "left right", split at the first space past the first character.
      StringRef m = (*merges)[i];
      size_t space = m.find(' ', 1);
      if (space == StringRef::npos)
        return readerError(file, "key 'tokenizer.ggml.merges': merge " +
                                     Twine(i) + " ('" + m +
                                     "') is not two texts separated by a "
                                     "space");
      tok.merges.emplace_back(m.take_front(space).str(),
                              m.drop_front(space + 1).str());
    }
  }
  for (auto [key, id] :
       {std::pair{"tokenizer.ggml.bos_token_id", &tok.bosId},
        std::pair{"tokenizer.ggml.eos_token_id", &tok.eosId},
        std::pair{"tokenizer.ggml.padding_token_id", &tok.padId}}) {
    Expected<int64_t> v = f.getInt(key, -1);
    if (!v)
      return v.takeError();
    *id = *v;
  }
  for (const char *key :
       {"tokenizer.ggml.eot_token_id", "tokenizer.ggml.eom_token_id"}) {
    if (!f.has(key))
      continue;
    Expected<int64_t> v = f.getInt(key);
    if (!v)
      return v.takeError();
    tok.endIds.push_back(*v);
  }
  // llama.cpp adds BOS for this pre-tokenizer unless the file says not to.
  Expected<bool> addBos = f.getBool("tokenizer.ggml.add_bos_token", true);
  Expected<bool> addEos = f.getBool("tokenizer.ggml.add_eos_token", false);
  if (!addBos)
    return addBos.takeError();
  if (!addEos)
    return addEos.takeError();
  tok.addBos = *addBos;
  tok.addEos = *addEos;
  if (f.has("tokenizer.chat_template")) {
    Expected<StringRef> tmpl = f.getString("tokenizer.chat_template");
    if (!tmpl)
      return tmpl.takeError();
    tok.chatTemplate = tmpl->str();
    if (Error err = checkChatTemplate(*tmpl, file, "tokenizer.chat_template"))
      return std::move(err);
  }
  if (Error err = validateTokenizer(tok, file, vocabSize))
    return std::move(err);
  return tok;
}
