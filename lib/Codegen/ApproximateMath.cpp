//===- ApproximateMath.cpp - Vectorizable exponentials ---------------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// This file implements liquid-approximate-math: math.exp (the SwiGLU gate's
// sigmoid, the softmax, the MoE router) becomes MLIR's polynomial
// approximation, plain arithmetic that stays in vector registers. Left to
// the LLVM lowering, an exp of a vector becomes one call of libm's expf per
// lane.
//
//===----------------------------------------------------------------------===//

#include "liquid/Dialect/Liquid/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Math/Transforms/Passes.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::liquid {
#define GEN_PASS_DEF_APPROXIMATEMATHPASS
#include "liquid/Dialect/Liquid/Passes.h.inc"
} // namespace mlir::liquid

using namespace mlir;

namespace {
struct ApproximateMathPass
    : liquid::impl::ApproximateMathPassBase<ApproximateMathPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    populateMathPolynomialApproximationPatterns(
        patterns, [](StringRef name) { return name == math::ExpOp::getOperationName(); });
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace
