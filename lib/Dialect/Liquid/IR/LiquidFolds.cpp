//===- LiquidFolds.cpp - Folders of the liquid dialect --------------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// This file implements the fold() hooks of liquid ops, kept apart from the
// verifiers as CIRCT and IREE do.
//
//===----------------------------------------------------------------------===//

#include "liquid/Dialect/Liquid/LiquidOps.h"

using namespace mlir;
using namespace mlir::liquid;

/// bitcast(bitcast(x : A to B) : B to A) = x.
OpFoldResult BitcastOp::fold(FoldAdaptor) {
  if (auto inner = getSource().getDefiningOp<BitcastOp>())
    if (inner.getSource().getType() == getType())
      return inner.getSource();
  return {};
}
