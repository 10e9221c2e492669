//===- LiquidToLinalg.cpp - The convert-liquid-to-linalg pass -------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// This file implements convert-liquid-to-linalg: each liquid op becomes
// linalg.generic ops on tensors whose bodies spell out the op's math
// (dialects/Liquid/*Ops.td); the patterns live beside this file, one file per
// ODS theme. Weights are widened or dequantized inside the bodies, never
// materialized. Ops without a lowering yet stay legal, so the pass runs on
// whole models.
//
//===----------------------------------------------------------------------===//

#include "liquid/Conversion/LiquidToLinalg.h"

#include "LoweringUtils.h"

#include "liquid/Dialect/Liquid/LiquidOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Transforms/DialectConversion.h"

namespace mlir::liquid {
#define GEN_PASS_DEF_CONVERTLIQUIDTOLINALGPASS
#include "liquid/Dialect/Liquid/Passes.h.inc"
} // namespace mlir::liquid

using namespace mlir;
using namespace mlir::liquid;
using namespace mlir::liquid::lowering;

namespace {
struct ConvertLiquidToLinalgPass
    : liquid::impl::ConvertLiquidToLinalgPassBase<ConvertLiquidToLinalgPass> {
  void runOnOperation() override {
    MLIRContext *ctx = &getContext();
    ConversionTarget target(*ctx);
    target.addLegalDialect<arith::ArithDialect, func::FuncDialect,
                           linalg::LinalgDialect, math::MathDialect,
                           scf::SCFDialect, tensor::TensorDialect,
                           LiquidDialect>();
    target.addIllegalOp<AttentionOp, CfCOp, LTCOp, MoERouterOp, RMSNormOp,
                        RoPEOp, ShortConvOp, SwiGLUOp>();
    target.addDynamicallyLegalOp<MoEExpertsOp>([](MoEExpertsOp op) {
      return !allLowerable({op.getGate(), op.getUp(), op.getDown()});
    });
    target.addDynamicallyLegalOp<LinearOp>(
        [](LinearOp op) { return !isLowerable(op.getWeight()); });
    target.addDynamicallyLegalOp<EmbedOp>(
        [](EmbedOp op) { return !isLowerable(op.getTable()); });
    target.addDynamicallyLegalOp<FFNOp>([](FFNOp op) {
      return !allLowerable({op.getGate(), op.getUp(), op.getDown()});
    });
    RewritePatternSet patterns(ctx);
    populateLiquidToLinalgPatterns(patterns);
    if (failed(applyPartialConversion(getOperation(), target,
                                      std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace

void mlir::liquid::populateLiquidToLinalgPatterns(RewritePatternSet &patterns) {
  populateCellOpPatterns(patterns);
  populateModelOpPatterns(patterns);
  populateMoEOpPatterns(patterns);
  populateRecurrenceOpPatterns(patterns);
}
