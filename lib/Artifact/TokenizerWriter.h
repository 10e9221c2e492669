//===- TokenizerWriter.h - The artifact's Tokenizer table -------*- C++ -*-===//
//
// SPDX-License-Identifier: Apache-2.0
//
// Serializes a checkpoint's tokenizer as the artifact's Tokenizer table
// (runtime/schema/artifact.fbs): token bytes, the hash tables the runtime
// looks tokens and merges up in without building anything at load time, and
// the special tokens in the order they are matched.
//
//===----------------------------------------------------------------------===//

#ifndef LIQUID_LIB_ARTIFACT_TOKENIZERWRITER_H
#define LIQUID_LIB_ARTIFACT_TOKENIZERWRITER_H

#include "liquid/Import/Tokenizer.h"
#include "liquid/artifact_generated.h"

namespace liquid {

flatbuffers::Offset<lqm::Tokenizer>
writeTokenizer(flatbuffers::FlatBufferBuilder &fbb, const Tokenizer &tok);

} // namespace liquid

#endif // LIQUID_LIB_ARTIFACT_TOKENIZERWRITER_H
