//===- HFConfig.h - LFM2 config.json to ModelConfig -------------*- C++ -*-===//
//
// SPDX-License-Identifier: Apache-2.0
//
// The rules that turn a Hugging Face config.json of an lfm2 / lfm2_moe model
// into a ModelConfig (LFM2.md §1.6, §1.8, §2.1): key aliases and their
// precedence, the layer layout from layer_types or full_attn_idxs, the
// effective FFN size, and errors for settings that change the math and are
// not supported (conv bias, sliding window, RoPE scaling). The output head is
// assumed tied as the config says; readHFCheckpoint unties it when the
// checkpoint stores lm_head.weight.
//
//===----------------------------------------------------------------------===//

#ifndef LIQUID_IMPORT_HFCONFIG_H
#define LIQUID_IMPORT_HFCONFIG_H

#include "liquid/Import/ModelConfig.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

namespace liquid {

/// Parses the text of a config.json; `file` names it in error messages,
/// which read "<file>: key 'k': <why>" or "<file>: missing key 'k'".
llvm::Expected<ModelConfig> parseHFConfig(llvm::StringRef jsonText,
                                          llvm::StringRef file);

} // namespace liquid

#endif // LIQUID_IMPORT_HFCONFIG_H
