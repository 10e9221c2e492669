//===- tokenizer.cpp - Fuzz the tokenizer with arbitrary text -------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// The input's first byte picks the lq_tokenize flags; the rest is the text,
// tokenized with the tiny model's vocabulary (liquid-synth's byte-level
// BPE). Every id must be in range and, for valid UTF-8 without BOS/EOS,
// the pieces must give the text back byte for byte (control tokens by
// their text): a failure traps. Arbitrary vocabularies: artifact.cpp
// tokenizes with whatever tokenizer table passes verification.
//
//===----------------------------------------------------------------------===//

#include "FuzzSupport.h"
#include "liquid/runtime.h"

#include <string>
#include <vector>

namespace {

bool validUtf8(const uint8_t *p, size_t n) {
  for (size_t i = 0; i < n;) {
    uint8_t c = p[i];
    size_t len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3
               : (c >> 3) == 30 ? 4 : 0;
    if (!len || i + len > n)
      return false;
    uint32_t cp = len == 1 ? c : c & (0x7f >> len);
    for (size_t k = 1; k < len; ++k) {
      if ((p[i + k] & 0xc0) != 0x80)
        return false;
      cp = cp << 6 | (p[i + k] & 0x3f);
    }
    static const uint32_t least[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < least[len] || cp > 0x10ffff || (cp >= 0xd800 && cp < 0xe000))
      return false;
    i += len;
  }
  return true;
}

lq_model *openTiny() {
  lq_model *model = nullptr;
  if (lq_model_open(liquid::fuzz::dataFile("tiny.lqm").c_str(), &model) !=
      LQ_OK)
    abort();
  return model;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static lq_model *model = openTiny();
  if (size < 1)
    return 0;
  uint32_t flags = data[0] & 3;
  const char *text = reinterpret_cast<const char *>(data + 1);
  size_t length = size - 1;
  std::vector<int32_t> ids(3 * length + 2);
  size_t count = 0;
  if (lq_tokenize(model, text, length, flags, ids.data(), ids.size(), &count) !=
      LQ_OK)
    __builtin_trap(); // The documented bound must hold.
  lq_model_info info;
  lq_model_get_info(model, &info);
  std::string back;
  char piece[256];
  for (size_t i = 0; i < count; ++i) {
    if (ids[i] < 0 || uint32_t(ids[i]) >= info.vocab_size)
      __builtin_trap();
    int32_t n = lq_token_to_piece(model, ids[i], piece, sizeof piece,
                                  LQ_PIECE_SPECIAL);
    if (n < 0 || size_t(n) > sizeof piece)
      __builtin_trap();
    back.append(piece, size_t(n));
  }
  if (!(flags & LQ_TOKENIZE_ADD_SPECIAL) && validUtf8(data + 1, length) &&
      back != std::string(text, length))
    __builtin_trap();
  return 0;
}
