//===- Tokenize.h - Text to ids in one lq_tokenize call ---------*- C++ -*-===//
//
// SPDX-License-Identifier: Apache-2.0
//
// The tools' way to tokenize: one call into a buffer sized by the bound
// lq_tokenize documents (3 ids per byte, for invalid bytes read as U+FFFD,
// plus BOS and EOS), instead of a call for the count and a second one.
//
//===----------------------------------------------------------------------===//

#ifndef LIQUID_TOOLS_COMMON_TOKENIZE_H
#define LIQUID_TOOLS_COMMON_TOKENIZE_H

#include "liquid/runtime.h"

#include <string_view>
#include <vector>

namespace liquid::tools {

inline lq_status tokenize(const lq_model *model, std::string_view text,
                          uint32_t flags, std::vector<int32_t> &ids) {
  ids.resize(3 * text.size() + 2);
  size_t count = 0;
  lq_status status = lq_tokenize(model, text.data(), text.size(), flags,
                                 ids.data(), ids.size(), &count);
  ids.resize(status == LQ_OK ? count : 0);
  return status;
}

} // namespace liquid::tools

#endif // LIQUID_TOOLS_COMMON_TOKENIZE_H
