//===- LowerVectorTransfers.cpp - Vector transfers become loads and stores ===//
//
// SPDX-License-Identifier: Apache-2.0
//
// This file implements liquid-lower-vector-transfers: on buffers, a
// transfer_read/transfer_write pair of the same loop-invariant element in a
// loop (a reduction's accumulator) is hoisted out, so the value stays in a
// register across the loop; then vector transfers whose permutation map broadcasts or drops dimensions are
// rewritten as minor-identity transfers plus broadcasts/transposes, and
// in-bounds minor-identity transfers of rank at most one (0-D included)
// become plain vector or memref loads and stores, which the LLVM lowering
// handles; so do 0-D reads of one element.
//
//===----------------------------------------------------------------------===//

#include "liquid/Dialect/Liquid/Passes.h"

#include "mlir/Dialect/Linalg/Transforms/Hoisting.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Dialect/Vector/Transforms/LoweringPatterns.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::liquid {
#define GEN_PASS_DEF_LOWERVECTORTRANSFERSPASS
#include "liquid/Dialect/Liquid/Passes.h.inc"
} // namespace mlir::liquid

using namespace mlir;

namespace {
/// A 0-D read of a buffer element, `vector.transfer_read %m[...] :
/// memref<...>, vector<T>`, becomes `memref.load` and a 0-D broadcast. (The
/// upstream transfer patterns leave 0-D reads without `in_bounds` alone.)
struct ZeroDReadToLoad : OpRewritePattern<vector::TransferReadOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(vector::TransferReadOp op,
                                PatternRewriter &rewriter) const override {
    if (op.getVectorType().getRank() != 0 || op.getMask() ||
        !isa<MemRefType>(op.getBase().getType()))
      return failure();
    Value element = memref::LoadOp::create(rewriter, op.getLoc(), op.getBase(),
                                           op.getIndices());
    rewriter.replaceOpWithNewOp<vector::BroadcastOp>(op, op.getVectorType(),
                                                     element);
    return success();
  }
};

struct LowerVectorTransfersPass
    : liquid::impl::LowerVectorTransfersPassBase<LowerVectorTransfersPass> {
  void runOnOperation() override {
    linalg::hoistRedundantVectorTransfers(getOperation());
    RewritePatternSet patterns(&getContext());
    patterns.add<ZeroDReadToLoad>(&getContext());
    vector::populateVectorTransferPermutationMapLoweringPatterns(patterns);
    vector::populateVectorTransferLoweringPatterns(patterns,
                                                   /*maxTransferRank=*/1);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
  }
};
} // namespace
