//===- ShapeChecks.h - Shape assertions shared by the verifiers -*- C++ -*-===//
//
// SPDX-License-Identifier: Apache-2.0
//
// Small helpers that let each verifier state a shape rule in one line and
// report it with the dimension and both sizes. A dynamic size matches any.
//
//===----------------------------------------------------------------------===//

#ifndef LIQUID_LIB_DIALECT_LIQUID_IR_SHAPECHECKS_H
#define LIQUID_LIB_DIALECT_LIQUID_IR_SHAPECHECKS_H

#include "liquid/Dialect/Liquid/LiquidOps.h"

namespace mlir::liquid::detail {

inline bool sameSize(int64_t a, int64_t b) {
  return ShapedType::isDynamic(a) || ShapedType::isDynamic(b) || a == b;
}

inline int64_t dim(Value v, int64_t i) {
  auto type = cast<ShapedType>(v.getType());
  return type.getDimSize(i < 0 ? type.getRank() + i : i);
}

inline int64_t rank(Value v) { return cast<ShapedType>(v.getType()).getRank(); }

/// Fails with "<what> must have rank <r>" unless `v` has rank `r`.
inline LogicalResult expectRank(Operation *op, Value v, int64_t r,
                                StringRef what) {
  if (rank(v) == r)
    return success();
  return op->emitOpError() << what << " must have rank " << r << ", got "
                           << rank(v);
}

/// Fails with "<a> (<sa>) must equal <b> (<sb>)" when the sizes differ.
inline LogicalResult expectSize(Operation *op, int64_t sa, StringRef a,
                                int64_t sb, StringRef b) {
  if (sameSize(sa, sb))
    return success();
  return op->emitOpError() << a << " (" << sa << ") must equal " << b << " ("
                           << sb << ")";
}

/// A weight with a block-quantized element type needs its innermost
/// dimension to be a whole number of blocks.
inline LogicalResult expectWholeBlocks(Operation *op, Type type,
                                       StringRef what) {
  auto tensor = dyn_cast<RankedTensorType>(type);
  if (!tensor)
    return success();
  auto q = dyn_cast<QuantizedTypeInterface>(tensor.getElementType());
  if (!q)
    return success();
  if (tensor.getRank() == 0)
    return op->emitOpError() << what << " of a quantized type needs rank >= 1";
  int64_t inner = tensor.getShape().back();
  if (inner % q.getBlockSize() != 0)
    return op->emitOpError() << what << " innermost dimension (" << inner
                             << ") must be a multiple of the block size ("
                             << q.getBlockSize() << ")";
  auto panels = dyn_cast<PanelsType>(q);
  if (!panels)
    return success();
  if (tensor.getRank() < 2)
    return op->emitOpError() << what << " in panels needs rank >= 2";
  int64_t rows = tensor.getShape().drop_back().back();
  if (rows % panels.getRows() == 0)
    return success();
  return op->emitOpError() << what << " rows (" << rows
                           << ") must be a multiple of the panel rows ("
                           << panels.getRows() << ")";
}

inline bool isQuantizedActivation(Value v) {
  return isa<Q8ActType>(cast<ShapedType>(v.getType()).getElementType());
}

inline bool isPanels(Value v) {
  return isa<PanelsType>(cast<ShapedType>(v.getType()).getElementType());
}

/// The int8 form of a projection is all or nothing: `!liquid.q8_act` input
/// exactly when the weights are `!liquid.panels`.
inline LogicalResult expectProjectionForm(Operation *op, Value input,
                                          ValueRange weights) {
  for (Value w : weights)
    if (isPanels(w) != isQuantizedActivation(input))
      return op->emitOpError()
             << "takes !liquid.q8_act input exactly when its weights are "
                "!liquid.panels";
  return success();
}

} // namespace mlir::liquid::detail

#endif // LIQUID_LIB_DIALECT_LIQUID_IR_SHAPECHECKS_H
