//===- Int8Linear.cpp - The int8 matrix micro-kernel ----------------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// This file implements the lowering of an int8 liquid.linear
// (!liquid.q8_act input [T, K], !liquid.panels weight [N, K]) to a
// register-tiled loop nest of vector code:
//
//   for each panel p (R rows, one per 32-bit lane)
//     for each tile of M tokens (M accumulators of R lanes)
//       for each block b of 32 columns
//         load the block's R scales and its value groups once
//         for each group g of 4 columns, for each token m:
//           acc_i[m] = dot4(acc_i[m], values[g], x[m] columns 4g..4g+3)
//         acc[m] += float(acc_i[m]) * scales * d_x[m, b]
//       write the M rows of R results
//
// acc_i[m] starts at -zero_point * sum_x[m, b], which removes the constant
// the stored value bytes carry (PanelLayout::zeroPoint). R comes from the
// panel type (the target's lanes); M is the largest divisor of T whose
// accumulators and value vectors fit the target's registers.
//
//===----------------------------------------------------------------------===//

#include "LiquidToVectorPatterns.h"
#include "VectorBuilders.h"

#include "liquid/Dialect/Liquid/LiquidOps.h"
#include "liquid/Dialect/Liquid/PanelLayout.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

using namespace mlir;
using namespace mlir::liquid;
using namespace mlir::liquid::vectorize;

/// Column groups of four in a block of 32.
static constexpr int64_t kGroups = 8;
/// At most this many tokens share one load of a block's values.
static constexpr int64_t kMaxTokens = 8;

/// Tokens per register tile: the largest divisor of `tokens` up to
/// kMaxTokens such that the tile's f32 and i32 accumulators, the block's
/// value vectors and a few temporaries fit the target's vector registers.
static int64_t tokenTile(int64_t tokens, TargetAttr target) {
  int64_t budget = (int64_t(target.getVectorRegisters()) - kGroups - 4) / 2;
  int64_t limit = std::max<int64_t>(1, std::min(kMaxTokens, budget));
  for (int64_t m = limit; m > 1; --m)
    if (tokens % m == 0)
      return m;
  return 1;
}

namespace {
/// Builds the body of the block loop.
struct BlockStep {
  OpBuilder &b;
  Location loc;
  const PanelLayout &layout;
  Value x, w, p, blk;   // Activation bytes, weight bytes, panel, block.
  ArrayRef<Value> rows; // The tile's token indices.

  Value add(Value a, Value c) { return arith::AddIOp::create(b, loc, a, c); }
  Value mul(Value a, int64_t c) {
    return arith::MulIOp::create(b, loc, a, index(b, loc, c));
  }

  /// The block's scales, one f32 per row of the panel.
  Value scales() {
    int64_t R = layout.rows();
    Value at = add(index(b, loc, layout.scaleOffset(0)), mul(blk, 2 * R));
    Value raw = readBytes(b, loc, w, ValueRange{p, at}, 2 * R);
    Value halves = vector::BitCastOp::create(
        b, loc, VectorType::get({R}, b.getF16Type()), raw);
    return arith::ExtFOp::create(b, loc, VectorType::get({R}, b.getF32Type()),
                                 halves);
  }

  /// The eight value vectors of the block: group g holds every row's
  /// columns 4g .. 4g + 3 as unsigned bytes.
  SmallVector<Value> values() {
    int64_t R = layout.rows();
    SmallVector<Value> out(kGroups);
    Value base = mul(blk, layout.groups() * 4 * R);
    for (int64_t g = 0; g < layout.groups(); ++g) {
      Value at = add(base, index(b, loc, layout.groupOffset(0, g)));
      Value raw = readBytes(b, loc, w, ValueRange{p, at}, 4 * R);
      if (!layout.isNibbles()) {
        out[g] = raw;
        continue;
      }
      Value low = splat(b, loc, b.getI8Type(), 4 * R, 0x0F);
      Value four = splat(b, loc, b.getI8Type(), 4 * R, 4);
      out[g] = arith::AndIOp::create(b, loc, raw, low);
      out[g + 4] = arith::AndIOp::create(
          b, loc, arith::ShRUIOp::create(b, loc, raw, four), low);
    }
    return out;
  }

  /// Token `t`'s columns 4g .. 4g + 3 of the block, repeated for every row.
  Value broadcastGroup(Value t, int64_t g) {
    int64_t R = layout.rows();
    Value word = readScalar(b, loc, x, ValueRange{t, blk, index(b, loc, 4 * g)},
                            b.getI32Type());
    Value lanes = vector::BroadcastOp::create(
        b, loc, VectorType::get({R}, b.getI32Type()), word);
    return vector::BitCastOp::create(
        b, loc, VectorType::get({4 * R}, b.getI8Type()), lanes);
  }

  /// The new f32 accumulators of the tile after this block.
  SmallVector<Value> run(ValueRange accumulators) {
    int64_t R = layout.rows();
    auto i32s = VectorType::get({R}, b.getI32Type());
    auto f32s = VectorType::get({R}, b.getF32Type());
    SmallVector<Value> sums;
    for (Value t : rows) {
      Value sum = readScalar(b, loc, x, ValueRange{t, blk, index(b, loc, 36)},
                             b.getI32Type());
      Value start = arith::MulIOp::create(
          b, loc, sum,
          arith::ConstantIntOp::create(b, loc, b.getI32Type(),
                                       -layout.zeroPoint()));
      sums.push_back(vector::BroadcastOp::create(b, loc, i32s, start));
    }
    SmallVector<Value> groups = values();
    for (int64_t g = 0; g < kGroups; ++g)
      for (auto [m, t] : llvm::enumerate(rows))
        sums[m] = Dot4Op::create(b, loc, sums[m].getType(), sums[m], groups[g],
                                 broadcastGroup(t, g));
    Value weightScales = scales();
    SmallVector<Value> out;
    for (auto [m, t] : llvm::enumerate(rows)) {
      Value d = readScalar(b, loc, x, ValueRange{t, blk, index(b, loc, 32)},
                           b.getF32Type());
      Value scale = arith::MulFOp::create(
          b, loc, weightScales, vector::BroadcastOp::create(b, loc, f32s, d));
      Value exact = arith::SIToFPOp::create(b, loc, f32s, sums[m]);
      out.push_back(
          vector::FMAOp::create(b, loc, exact, scale, accumulators[m]));
    }
    return out;
  }
};

struct Int8LinearLowering : OpRewritePattern<LinearOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(LinearOp op,
                                PatternRewriter &rewriter) const override {
    auto wType = cast<RankedTensorType>(op.getWeight().getType());
    auto panels = dyn_cast<PanelsType>(wType.getElementType());
    if (!panels)
      return failure();
    auto xType = cast<RankedTensorType>(op.getInput().getType());
    if (xType.getRank() != 2)
      return rewriter.notifyMatchFailure(op, "only [tokens, columns] inputs");
    Location loc = op.getLoc();
    int64_t tokens = xType.getDimSize(0), columns = xType.getDimSize(1);
    int64_t outputs = wType.getDimSize(0);
    PanelLayout layout(panels, columns);
    int64_t R = layout.rows();
    int64_t M = tokenTile(tokens, TargetAttr::lookup(op));

    Value x = BitcastOp::viewAsBytes(rewriter, loc, op.getInput());
    Value w = BitcastOp::viewAsBytes(rewriter, loc, op.getWeight());
    Value init = tensor::EmptyOp::create(rewriter, loc,
                                         ArrayRef<int64_t>{tokens, outputs},
                                         rewriter.getF32Type());
    Value c0 = index(rewriter, loc, 0), c1 = index(rewriter, loc, 1);

    auto panelLoop = scf::ForOp::create(
        rewriter, loc, c0, index(rewriter, loc, outputs / R), c1, init);
    OpBuilder pb = OpBuilder::atBlockBegin(panelLoop.getBody());
    Value p = panelLoop.getInductionVar();
    auto tileLoop =
        scf::ForOp::create(pb, loc, c0, index(pb, loc, tokens),
                           index(pb, loc, M), panelLoop.getRegionIterArg(0));
    scf::YieldOp::create(pb, loc, tileLoop.getResult(0));

    OpBuilder tb = OpBuilder::atBlockBegin(tileLoop.getBody());
    Value t0 = tileLoop.getInductionVar();
    SmallVector<Value> rows;
    for (int64_t m = 0; m < M; ++m)
      rows.push_back(
          m ? arith::AddIOp::create(tb, loc, t0, index(tb, loc, m)).getResult()
            : t0);
    SmallVector<Value> zeros(M, splat(tb, loc, tb.getF32Type(), R, 0));
    auto blockLoop = scf::ForOp::create(
        tb, loc, c0, index(tb, loc, layout.blocks()), c1, zeros);
    {
      OpBuilder bb = OpBuilder::atBlockBegin(blockLoop.getBody());
      BlockStep step{bb,   loc, layout, x, w, p, blockLoop.getInductionVar(),
                     rows};
      scf::YieldOp::create(bb, loc, step.run(blockLoop.getRegionIterArgs()));
    }
    Value y = tileLoop.getRegionIterArg(0);
    Value column = arith::MulIOp::create(tb, loc, p, index(tb, loc, R));
    for (auto [m, t] : llvm::enumerate(rows))
      y = write(tb, loc, blockLoop.getResult(m), y, ValueRange{t, column});
    scf::YieldOp::create(tb, loc, y);

    rewriter.replaceOp(op, panelLoop.getResult(0));
    return success();
  }
};
} // namespace

void mlir::liquid::vectorize::populateInt8LinearPatterns(
    RewritePatternSet &patterns) {
  patterns.add<Int8LinearLowering>(patterns.getContext());
}
