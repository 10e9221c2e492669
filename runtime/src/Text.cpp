//===- Text.cpp - lq_tokenize, lq_token_to_piece, lq_token_is_end ---------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// This file implements the C API's text calls over the model's Tokenizer.
//
//===----------------------------------------------------------------------===//

#include "Model.h"

#include "Status.h"

#include <cstring>

using namespace liquid::runtime;

static lq_status needTokenizer(const lq_model *model, const char *call) {
  if (!model)
    return fail(LQ_ERROR_INVALID_ARGUMENT, "%s: model is null", call);
  if (!model->tokenizer.present())
    return fail(LQ_ERROR_UNSUPPORTED,
                "%s: no tokenizer: the artifact was compiled from a "
                "checkpoint without one (it runs on token ids)",
                model->path.c_str());
  return LQ_OK;
}

extern "C" lq_status lq_tokenize(const lq_model *model, const char *text,
                                 size_t size, uint32_t flags, int32_t *tokens,
                                 size_t capacity, size_t *count) {
  LQ_RETURN_IF_ERROR(needTokenizer(model, "lq_tokenize"));
  if (!count || (!text && size) || (!tokens && capacity))
    return fail(LQ_ERROR_INVALID_ARGUMENT,
                "lq_tokenize: count, text or tokens is null");
  std::vector<int32_t> ids;
  model->tokenizer.encode(std::string_view(text ? text : "", size),
                          flags & LQ_TOKENIZE_ADD_SPECIAL,
                          flags & LQ_TOKENIZE_PARSE_SPECIAL, ids);
  *count = ids.size();
  if (ids.size() > capacity)
    return fail(LQ_ERROR_INVALID_ARGUMENT,
                "lq_tokenize: %zu tokens do not fit in %zu", ids.size(),
                capacity);
  if (!ids.empty())
    std::memcpy(tokens, ids.data(), ids.size() * sizeof(int32_t));
  return LQ_OK;
}

extern "C" int32_t lq_token_to_piece(const lq_model *model, int32_t token,
                                     char *buffer, size_t capacity,
                                     uint32_t flags) {
  if (needTokenizer(model, "lq_token_to_piece") != LQ_OK)
    return -1;
  const Tokenizer &tok = model->tokenizer;
  if (token < 0 || static_cast<uint32_t>(token) >= tok.size()) {
    fail(LQ_ERROR_INVALID_ARGUMENT, "%s: token %d is out of range [0, %u)",
         model->path.c_str(), token, tok.size());
    return -1;
  }
  if (tok.isControl(token) && !(flags & LQ_PIECE_SPECIAL))
    return 0;
  std::string_view piece = tok.piece(token);
  if (buffer && piece.size() <= capacity)
    std::memcpy(buffer, piece.data(), piece.size());
  return static_cast<int32_t>(piece.size());
}

extern "C" int lq_token_is_end(const lq_model *model, int32_t token) {
  return model && model->tokenizer.present() && token >= 0 &&
         static_cast<uint32_t>(token) < model->tokenizer.size() &&
         model->tokenizer.isEnd(token);
}
