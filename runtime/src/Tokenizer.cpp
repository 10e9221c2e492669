//===- Tokenizer.cpp - Byte-level BPE over the artifact's tables ----------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// This file implements Tokenizer.h. BPE follows llama.cpp's: symbols start
// as single bytes, the adjacent pair with the lowest merge rank (then the
// leftmost) merges first, and a pair found stale (either side changed since
// it was queued) is dropped.
//
//===----------------------------------------------------------------------===//

#include "Tokenizer.h"

#include "PreTokenizer.h"
#include "Status.h"
#include "Unicode.h"

#include "liquid/format.h"

#include <algorithm>
#include <queue>

using namespace liquid::runtime;
namespace lqm = liquid::lqm;

namespace {
bool powerOfTwo(uint32_t n) { return n && !(n & (n - 1)); }

enum TokenKind : uint8_t {
  Normal = 1,
  Unknown = 2,
  Control = 3,
  UserDefined = 4,
  Unused = 5,
  Byte = 6,
};
} // namespace

lq_status Tokenizer::verify(const lqm::Tokenizer &t, uint32_t vocabSize,
                            const char *name) {
  auto invalid = [&](const char *why) {
    return fail(LQ_ERROR_INVALID_ARTIFACT,
                "%s: invalid artifact: tokenizer: %s", name, why);
  };
  uint32_t n = t.kinds()->size();
  if (n == 0 || n > vocabSize)
    return invalid("its token count is 0 or above the model's vocabulary");
  for (uint8_t kind : *t.kinds())
    if (kind < Normal || kind > Byte)
      return invalid("a token has an unknown type");
  const auto &offsets = *t.piece_offsets();
  if (offsets.size() != n + 1 || offsets[0] != 0 ||
      offsets[n] != t.pieces()->size())
    return invalid("piece offsets do not cover the pieces");
  for (uint32_t i = 0; i < n; ++i)
    if (offsets[i] > offsets[i + 1])
      return invalid("piece offsets decrease");
  if (!powerOfTwo(t.token_table()->size()) ||
      !powerOfTwo(t.merge_table()->size()))
    return invalid("a hash table's size is not a power of two");
  for (uint32_t slot : *t.token_table())
    if (slot > n)
      return invalid("the token table names a token out of range");
  uint32_t merges = t.merges()->size();
  for (uint32_t slot : *t.merge_table())
    if (slot > merges)
      return invalid("the merge table names a merge out of range");
  for (const lqm::MergeRule *m : *t.merges())
    if (m->left() >= n || m->right() >= n || m->merged() >= n)
      return invalid("a merge names a token out of range");
  for (const auto *list : {t.special_tokens(), t.end_ids()})
    if (list)
      for (uint32_t id : *list)
        if (id >= n)
          return invalid("a special or end token is out of range");
  for (int32_t id : {t.bos_id(), t.eos_id()})
    if (id < -1 || id >= static_cast<int64_t>(n))
      return invalid("the BOS or EOS id is out of range");
  if ((t.add_bos() && t.bos_id() < 0) || (t.add_eos() && t.eos_id() < 0))
    return invalid("BOS or EOS is to be added but has no id");
  return LQ_OK;
}

Tokenizer::Tokenizer(const lqm::Tokenizer *table) : table(table) {
  if (!table)
    return;
  for (int b = 0; b < 256; ++b) {
    char c = static_cast<char>(b);
    byteTokens[b] = lookup(std::string_view(&c, 1));
  }
}

std::string_view Tokenizer::piece(int32_t id) const {
  const auto &offsets = *table->piece_offsets();
  return std::string_view(
      reinterpret_cast<const char *>(table->pieces()->data()) + offsets[id],
      offsets[id + 1] - offsets[id]);
}

bool Tokenizer::isControl(int32_t id) const {
  uint8_t kind = table->kinds()->Get(id);
  return kind == Control || kind == Unknown;
}

bool Tokenizer::isEnd(int32_t id) const {
  if (const auto *ends = table->end_ids())
    for (uint32_t e : *ends)
      if (static_cast<int64_t>(e) == id)
        return true;
  return false;
}

int32_t Tokenizer::lookup(std::string_view bytes) const {
  const auto &slots = *table->token_table();
  uint32_t mask = slots.size() - 1;
  uint32_t i = lqm_hash_bytes(bytes.data(), bytes.size()) & mask;
  // At most one pass over the table, however it was filled.
  for (uint32_t probes = 0; probes <= mask; ++probes, i = (i + 1) & mask) {
    uint32_t slot = slots[i];
    if (slot == 0)
      return -1;
    if (piece(static_cast<int32_t>(slot - 1)) == bytes)
      return static_cast<int32_t>(slot - 1);
  }
  return -1;
}

int32_t Tokenizer::findMerge(int32_t left, int32_t right) const {
  const auto &slots = *table->merge_table();
  const auto &merges = *table->merges();
  uint32_t mask = slots.size() - 1;
  uint32_t i = lqm_hash_pair(left, right) & mask;
  for (uint32_t probes = 0; probes <= mask; ++probes, i = (i + 1) & mask) {
    uint32_t slot = slots[i];
    if (slot == 0)
      return -1;
    const lqm::MergeRule *m = merges[slot - 1];
    if (static_cast<int32_t>(m->left()) == left &&
        static_cast<int32_t>(m->right()) == right)
      return static_cast<int32_t>(slot - 1);
  }
  return -1;
}

void Tokenizer::encodeWord(std::string_view word,
                           std::vector<int32_t> &out) const {
  int32_t whole = lookup(word);
  if (whole >= 0) {
    out.push_back(whole);
    return;
  }
  struct Symbol {
    uint32_t length;
    int32_t id, prev, next;
  };
  struct Pair {
    uint32_t rank;
    int32_t left, right;
    uint32_t leftLength, rightLength;
    bool operator<(const Pair &o) const { // top(): lowest rank, then left
      return rank > o.rank || (rank == o.rank && left > o.left);
    }
  };
  int32_t n = static_cast<int32_t>(word.size());
  std::vector<Symbol> symbols(n);
  for (int32_t i = 0; i < n; ++i)
    symbols[i] = {1, byteTokens[static_cast<uint8_t>(word[i])], i - 1,
                  i + 1 < n ? i + 1 : -1};
  std::priority_queue<Pair> queue;
  auto consider = [&](int32_t left, int32_t right) {
    if (left < 0 || right < 0 || symbols[left].id < 0 || symbols[right].id < 0)
      return;
    int32_t rank = findMerge(symbols[left].id, symbols[right].id);
    if (rank >= 0)
      queue.push({static_cast<uint32_t>(rank), left, right,
                  symbols[left].length, symbols[right].length});
  };
  for (int32_t i = 1; i < n; ++i)
    consider(i - 1, i);
  while (!queue.empty()) {
    Pair p = queue.top();
    queue.pop();
    Symbol &l = symbols[p.left], &r = symbols[p.right];
    if (l.length != p.leftLength || r.length != p.rightLength || !r.length)
      continue;
    l.length += r.length;
    l.id = static_cast<int32_t>(table->merges()->Get(p.rank)->merged());
    r.length = 0;
    l.next = r.next;
    if (r.next >= 0)
      symbols[r.next].prev = p.left;
    consider(l.prev, p.left);
    consider(p.left, l.next);
  }
  // A byte without a token of its own is dropped, as llama.cpp drops it.
  for (int32_t i = 0; i >= 0 && i < n; i = symbols[i].next)
    if (symbols[i].id >= 0)
      out.push_back(symbols[i].id);
}

void Tokenizer::encodeFragment(std::string_view text,
                               std::vector<int32_t> &out) const {
  std::vector<uint32_t> cps = decodeUTF8(text);
  std::vector<size_t> ends;
  splitLlama3(cps, ends);
  std::string word;
  size_t start = 0;
  for (size_t end : ends) {
    word.clear();
    for (size_t i = start; i < end; ++i)
      appendUTF8(word, cps[i]);
    encodeWord(word, out);
    start = end;
  }
}

void Tokenizer::encode(std::string_view text, bool addSpecial,
                       bool parseSpecial, std::vector<int32_t> &out) const {
  if (addSpecial && table->add_bos())
    out.push_back(table->bos_id());
  // Fragments of text (id -1) and special tokens, cut one special token at
  // a time, longest first.
  struct Fragment {
    int32_t id;
    std::string_view text;
  };
  std::vector<Fragment> fragments = {{-1, text}}, next;
  if (const auto *special = table->special_tokens()) {
    for (uint32_t id : *special) {
      if (!parseSpecial && isControl(id))
        continue;
      std::string_view s = piece(id);
      if (s.empty())
        continue;
      next.clear();
      for (const Fragment &f : fragments) {
        if (f.id >= 0) {
          next.push_back(f);
          continue;
        }
        std::string_view rest = f.text;
        for (size_t at; (at = rest.find(s)) != std::string_view::npos;) {
          if (at)
            next.push_back({-1, rest.substr(0, at)});
          next.push_back({static_cast<int32_t>(id), s});
          rest.remove_prefix(at + s.size());
        }
        if (!rest.empty())
          next.push_back({-1, rest});
      }
      fragments.swap(next);
    }
  }
  for (const Fragment &f : fragments) {
    if (f.id >= 0)
      out.push_back(f.id);
    else
      encodeFragment(f.text, out);
  }
  if (addSpecial && table->add_eos())
    out.push_back(table->eos_id());
}
