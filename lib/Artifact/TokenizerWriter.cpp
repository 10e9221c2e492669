//===- TokenizerWriter.cpp - The artifact's Tokenizer table ---------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// This file implements writeTokenizer. BPE works on token ids at run time:
// a word's bytes are looked up whole, else split into single-byte symbols
// that merge pairwise by rank. So a token is in the lookup table when its
// text is byte-level text (its key is the decoded bytes; llama.cpp matches
// the same words by their byte-level text), and a merge rule is kept when
// both halves and the result are such tokens; rules naming other texts
// could never produce a token. Where two tokens have the same key the later
// one wins and where a pair is listed twice the first rank wins, as in
// llama.cpp.
//
//===----------------------------------------------------------------------===//

#include "TokenizerWriter.h"

#include "liquid/format.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/MathExtras.h"

using namespace liquid;
using gguf::TokenType;

namespace {
/// An open-addressing table of index + 1 per slot, at most half full.
class SlotTable {
public:
  explicit SlotTable(size_t entries)
      : slots(llvm::PowerOf2Ceil(std::max<size_t>(2 * entries, 16)), 0) {}

  /// Puts `index` at the first empty slot from `hash`, or over the slot
  /// whose index `same` accepts.
  template <typename Same> void put(uint32_t hash, uint32_t index, Same same) {
    size_t mask = slots.size() - 1;
    for (size_t i = hash & mask;; i = (i + 1) & mask) {
      if (slots[i] == 0 || same(slots[i] - 1)) {
        slots[i] = index + 1;
        return;
      }
    }
  }

  std::vector<uint32_t> slots;
};
} // namespace

/// The bytes a token stands for when printed.
static std::string pieceOf(const Tokenizer &tok, size_t i) {
  switch (tok.kinds[i]) {
  case TokenType::Normal:
  case TokenType::Byte:
    if (std::optional<std::string> bytes = decodeByteLevel(tok.tokens[i]))
      return *bytes;
    return tok.tokens[i];
  case TokenType::Unused:
    return "";
  default:
    return tok.tokens[i];
  }
}

flatbuffers::Offset<lqm::Tokenizer>
liquid::writeTokenizer(flatbuffers::FlatBufferBuilder &fbb,
                       const Tokenizer &tok) {
  size_t n = tok.tokens.size();
  std::vector<uint8_t> kinds, pieces;
  std::vector<uint32_t> offsets = {0};
  for (size_t i = 0; i < n; ++i) {
    kinds.push_back(static_cast<uint8_t>(tok.kinds[i]));
    std::string piece = pieceOf(tok, i);
    pieces.insert(pieces.end(), piece.begin(), piece.end());
    offsets.push_back(static_cast<uint32_t>(pieces.size()));
  }
  auto pieceOfId = [&](uint32_t id) {
    return llvm::StringRef(reinterpret_cast<const char *>(pieces.data()) +
                               offsets[id],
                           offsets[id + 1] - offsets[id]);
  };

  // Tokens by key; a token is its own key when its piece is its key.
  SlotTable tokenTable(n);
  llvm::StringMap<uint32_t> idOfText;
  for (size_t i = 0; i < n; ++i) {
    std::optional<std::string> key = decodeByteLevel(tok.tokens[i]);
    if (!key || *key != pieceOfId(i))
      continue;
    uint32_t id = static_cast<uint32_t>(i);
    tokenTable.put(lqm_hash_bytes(key->data(), key->size()), id,
                   [&](uint32_t other) { return pieceOfId(other) == *key; });
    idOfText[tok.tokens[i]] = id;
  }

  std::vector<lqm::MergeRule> merges;
  llvm::DenseMap<std::pair<uint32_t, uint32_t>, uint32_t> seen;
  for (const auto &[left, right] : tok.merges) {
    auto l = idOfText.find(left), r = idOfText.find(right),
         m = idOfText.find(left + right);
    if (l == idOfText.end() || r == idOfText.end() || m == idOfText.end())
      continue;
    if (seen.try_emplace({l->second, r->second}, merges.size()).second)
      merges.emplace_back(l->second, r->second, m->second);
  }
  SlotTable mergeTable(merges.size());
  for (size_t i = 0; i < merges.size(); ++i)
    mergeTable.put(lqm_hash_pair(merges[i].left(), merges[i].right()),
                   static_cast<uint32_t>(i), [](uint32_t) { return false; });

  // Matched before splitting, longest first; ties in id order.
  std::vector<uint32_t> special;
  for (size_t i = 0; i < n; ++i)
    if (tok.kinds[i] == TokenType::Control ||
        tok.kinds[i] == TokenType::UserDefined ||
        tok.kinds[i] == TokenType::Unknown)
      special.push_back(static_cast<uint32_t>(i));
  // Longest first; among equal lengths, lower ids first.
  std::sort(special.begin(), special.end(), [&](uint32_t a, uint32_t b) {
    size_t la = pieceOfId(a).size(), lb = pieceOfId(b).size();
    return la != lb ? la > lb : a < b;
  });

  std::vector<uint32_t> endIds(tok.endIds.begin(), tok.endIds.end());
  return lqm::CreateTokenizer(
      fbb, lqm::PreTokenizer_Llama3, fbb.CreateVector(kinds),
      fbb.CreateVector(pieces), fbb.CreateVector(offsets),
      fbb.CreateVector(tokenTable.slots), fbb.CreateVectorOfStructs(merges),
      fbb.CreateVector(mergeTable.slots), fbb.CreateVector(special),
      static_cast<int32_t>(tok.bosId), static_cast<int32_t>(tok.eosId),
      fbb.CreateVector(endIds), tok.addBos, tok.addEos);
}
