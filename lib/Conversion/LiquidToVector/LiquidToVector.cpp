//===- LiquidToVector.cpp - The convert-liquid-to-vector pass -------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// This file implements convert-liquid-to-vector: the int8 kernels'
// liquid ops (liquid.quantize, int8 liquid.linear) become vector code on
// tensors. The patterns live beside this file, one file per op.
//
//===----------------------------------------------------------------------===//

#include "liquid/Conversion/LiquidToVector.h"

#include "LiquidToVectorPatterns.h"

#include "liquid/Dialect/Liquid/LiquidOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/TypeUtilities.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::liquid {
#define GEN_PASS_DEF_CONVERTLIQUIDTOVECTORPASS
#include "liquid/Dialect/Liquid/Passes.h.inc"
} // namespace mlir::liquid

using namespace mlir;
using namespace mlir::liquid;

namespace {
struct ConvertLiquidToVectorPass
    : liquid::impl::ConvertLiquidToVectorPassBase<ConvertLiquidToVectorPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    populateLiquidToVectorPatterns(patterns);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
    WalkResult left = getOperation().walk([](Operation *op) {
      if (isa<QuantizeOp>(op) ||
          (isa<LinearOp>(op) &&
           isa<PanelsType>(getElementTypeOrSelf(op->getOperand(1)))))
        return op->emitOpError("has no vector lowering for these shapes"),
               WalkResult::interrupt();
      return WalkResult::advance();
    });
    if (left.wasInterrupted())
      signalPassFailure();
  }
};
} // namespace

void mlir::liquid::populateLiquidToVectorPatterns(RewritePatternSet &patterns) {
  vectorize::populateAttentionPatterns(patterns);
  vectorize::populateInt8LinearPatterns(patterns);
  vectorize::populateQuantizePatterns(patterns);
}
