//===- ImportModel.h - Checkpoint to liquid IR ------------------*- C++ -*-===//
//
// SPDX-License-Identifier: Apache-2.0
//
// Builds the liquid IR of a loaded LFM2 / LFM2-MoE checkpoint: one
// `liquid.param` per checkpoint tensor, and two entry points sharing them,
//
//   func.func @prefill(%tokens: tensor<Cxi32>, %position: index, state...)
//       -> (tensor<CxVxf32>, state...)
//   func.func @decode(%token: tensor<1xi32>, %position: index, state...)
//       -> (tensor<1xVxf32>, state...)
//
// where the state is each conv layer's window and each attention layer's
// key and value caches (capacity `maxContext`), in layer order, each tagged
// with a `liquid.state` name. The model's dimensions are recorded in the
// module's `liquid.model` attribute (#liquid.model).
//
//===----------------------------------------------------------------------===//

#ifndef LIQUID_IMPORT_IMPORTMODEL_H
#define LIQUID_IMPORT_IMPORTMODEL_H

#include "liquid/Import/Checkpoint.h"

#include <vector>

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"

namespace liquid {

struct ImportOptions {
  /// Rows of every KV cache: the longest sequence a session can hold.
  int64_t maxContext = 4096;
  /// Tokens C of one @prefill call: a compile-time chunk. Longer prompts run
  /// as several chunks; the runtime evaluates a shorter tail with the small
  /// chunks, largest first, then @decode.
  int64_t prefillChunk = 128;
  /// Tokens of the small chunks for prompt tails (@prefill_<n>); a size is
  /// used only when 1 < n < prefillChunk, duplicates once.
  std::vector<int64_t> smallChunks = {16, 4};
};

/// Builds the module; fails (with a message naming the problem) only on
/// options the checkpoint cannot honour.
llvm::Expected<mlir::OwningOpRef<mlir::ModuleOp>>
importModel(mlir::MLIRContext &context, const Checkpoint &checkpoint,
            const ImportOptions &options);

} // namespace liquid

#endif // LIQUID_IMPORT_IMPORTMODEL_H
