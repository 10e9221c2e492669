//===- CodegenOps.cpp - Ops the compiler introduces for a target ----------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// This file implements the verifiers of the ops in
// dialects/Liquid/CodegenOps.td.
//
//===----------------------------------------------------------------------===//

#include "ShapeChecks.h"

#include "mlir/IR/BuiltinTypes.h"

using namespace mlir;
using namespace mlir::liquid;
using namespace mlir::liquid::detail;

LogicalResult PackOp::verify() {
  auto source = cast<RankedTensorType>(getSource().getType());
  auto result = cast<RankedTensorType>(getType());
  auto panels = dyn_cast<PanelsType>(result.getElementType());
  if (!panels)
    return emitOpError("result must be a tensor of !liquid.panels");
  if (panels.getBlock() != source.getElementType())
    return emitOpError() << "packs " << source.getElementType()
                         << " weights into panels of " << panels.getBlock();
  if (source.getShape() != result.getShape())
    return emitOpError("result must have the source's shape");
  return expectWholeBlocks(*this, result, "result");
}

LogicalResult QuantizeOp::verify() {
  auto result = cast<RankedTensorType>(getType());
  if (rank(getInput()) < 1)
    return emitOpError("input must have rank >= 1");
  if (cast<RankedTensorType>(getInput().getType()).getShape() !=
      result.getShape())
    return emitOpError("result must have the input's shape");
  return expectWholeBlocks(*this, result, "result");
}

LogicalResult Dot4Op::verify() {
  int64_t lanes = getAcc().getType().getNumElements();
  int64_t bytes = getLhs().getType().getNumElements();
  if (bytes != 4 * lanes)
    return emitOpError() << "needs 4 bytes per accumulator lane: " << bytes
                         << " bytes for " << lanes << " lanes";
  if (getLhsBits() < 1 || getLhsBits() > 8)
    return emitOpError() << "lhs_bits must be in [1, 8], got "
                         << getLhsBits();
  return success();
}
