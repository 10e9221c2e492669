//===- TileAndVectorize.cpp - Kernels' linalg ops become vector code -----===//
//
// SPDX-License-Identifier: Apache-2.0
//
// This file implements liquid-tile-and-vectorize: every linalg op of a
// kernel is tiled with scf.for so that one tile is a row of its innermost
// loop (a contraction over a chunk of tokens also takes 4 tokens, sharing
// the weight slice; all other loops step by one), and each tile is
// vectorized with
// linalg's vectorizer into vector transfers, element-wise vector math and
// vector reductions. A tile the vectorizer does not handle stays a scalar
// linalg op (correct, just slower).
//
//===----------------------------------------------------------------------===//

#include "liquid/Dialect/Liquid/Passes.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/SCF/Transforms/TileUsingInterface.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Dialect/Vector/Transforms/VectorRewritePatterns.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::liquid {
#define GEN_PASS_DEF_TILEANDVECTORIZEPASS
#include "liquid/Dialect/Liquid/Passes.h.inc"
} // namespace mlir::liquid

using namespace mlir;

/// Lanes of the innermost loop one tile covers: the whole loop up to
/// `kMaxLanes`, else the largest power of two up to it that divides it.
static constexpr int64_t kMaxLanes = 64;

static int64_t innerTile(int64_t extent) {
  if (ShapedType::isDynamic(extent))
    return 1;
  if (extent <= kMaxLanes)
    return extent;
  int64_t lanes = kMaxLanes;
  while (extent % lanes)
    lanes /= 2;
  return lanes;
}

/// Tokens one tile of a contraction covers: a prefill chunk's linear reads
/// each weight row once for `kTokens` tokens (the row is an operand that
/// does not depend on the outermost loop, which walks the tokens).
static constexpr int64_t kTokens = 4;

static int64_t tokenTile(linalg::LinalgOp op, int64_t extent) {
  if (op.getNumReductionLoops() == 0 || ShapedType::isDynamic(extent) ||
      extent % kTokens || !linalg::isParallelIterator(op.getIteratorTypesArray()[0]))
    return 1;
  bool shared = llvm::any_of(op.getDpsInputOperands(), [&](OpOperand *in) {
    AffineMap map = op.getMatchingIndexingMap(in);
    return map.getNumResults() > 0 && !map.isFunctionOfDim(0);
  });
  return shared ? kTokens : 1;
}

/// Tiles `op` to rows of its innermost loop (and, for a contraction over
/// tokens, `kTokens` tokens); returns the tiled op (or `op` itself when it
/// is already one tile or cannot be tiled).
static Operation *tileToRows(RewriterBase &rewriter, linalg::LinalgOp op) {
  SmallVector<int64_t> ranges = op.getStaticLoopRanges();
  if (ranges.empty())
    return op;
  SmallVector<OpFoldResult> sizes;
  bool needed = false;
  for (auto [i, extent] : llvm::enumerate(ranges)) {
    int64_t size = i + 1 == ranges.size() ? innerTile(extent)
                   : i == 0              ? tokenTile(op, extent)
                                         : 1;
    needed |= size != extent;
    sizes.push_back(rewriter.getIndexAttr(size));
  }
  if (!needed)
    return op;
  scf::SCFTilingOptions options;
  options.setTileSizes(sizes);
  rewriter.setInsertionPoint(op);
  auto tiled = scf::tileUsingSCF(
      rewriter, cast<TilingInterface>(op.getOperation()), options);
  if (failed(tiled) || tiled->tiledOps.empty())
    return op;
  rewriter.replaceOp(op, tiled->replacements);
  return tiled->tiledOps.back();
}

namespace {
struct TileAndVectorizePass
    : liquid::impl::TileAndVectorizePassBase<TileAndVectorizePass> {
  void runOnOperation() override {
    SmallVector<linalg::LinalgOp> ops;
    getOperation().walk([&](linalg::LinalgOp op) {
      if (op.hasPureTensorSemantics())
        ops.push_back(op);
    });
    IRRewriter rewriter(&getContext());
    for (linalg::LinalgOp op : ops) {
      Operation *tile = tileToRows(rewriter, op);
      if (failed(linalg::vectorizeOpPrecondition(tile)))
        continue;
      rewriter.setInsertionPoint(tile);
      FailureOr<linalg::VectorizationResult> vectorized =
          linalg::vectorize(rewriter, tile, {}, {}, /*vectorizeNDExtract=*/true);
      if (succeeded(vectorized))
        rewriter.replaceOp(tile, vectorized->replacements);
    }

    // Unit dimensions of the tiles leave vectors like vector<1x1x32xf32>:
    // drop them so that the code works on 1-D vectors.
    RewritePatternSet patterns(&getContext());
    vector::populateCastAwayVectorLeadingOneDimPatterns(patterns);
    vector::populateDropUnitDimWithShapeCastPatterns(patterns);
    vector::populateSinkVectorOpsPatterns(patterns);
    vector::TransferReadOp::getCanonicalizationPatterns(patterns, &getContext());
    vector::TransferWriteOp::getCanonicalizationPatterns(patterns,
                                                         &getContext());
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
  }
};
} // namespace
