//===- ModelOps.cpp - Lowering norms, linear layers, embedding, RoPE ------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// This file implements the convert-liquid-to-linalg patterns of the ops in
// dialects/Liquid/ModelOps.td.
//
//===----------------------------------------------------------------------===//

#include "LoweringUtils.h"

#include "liquid/Dialect/Liquid/LiquidOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;
using namespace mlir::liquid;
using namespace mlir::liquid::lowering;

namespace {

/// `x * rsqrt(mean(x^2) + eps) * w` as a sum-of-squares reduction over the
/// innermost dimension followed by an element-wise scaling.
struct RMSNormLowering : OpRewritePattern<RMSNormOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(RMSNormOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = op.getContext();
    auto type = cast<RankedTensorType>(op.getType());
    int64_t rank = type.getRank();
    auto sumType = RankedTensorType::get(type.getShape().drop_back(),
                                         rewriter.getF32Type());
    AffineMap all = rewriter.getMultiDimIdentityMap(rank);
    AffineMap outer = all.getMajorSubMap(rank - 1);
    AffineMap inner = AffineMap::get(rank, 0, getAffineDimExpr(rank - 1, ctx));
    SmallVector<utils::IteratorType> iterators(rank,
                                               utils::IteratorType::parallel);

    SmallVector<utils::IteratorType> reduce = iterators;
    reduce.back() = utils::IteratorType::reduction;
    Value zero = zeroTensor(rewriter, loc, sumType, op.getInput(), iota(rank));
    Value sumSq =
        linalg::GenericOp::create(
            rewriter, loc, sumType, op.getInput(), zero,
            ArrayRef<AffineMap>{all, outer}, reduce,
            [](OpBuilder &b, Location l, ValueRange args) {
              Value sq = arith::MulFOp::create(b, l, args[0], args[0]);
              linalg::YieldOp::create(b, l,
                                      {arith::AddFOp::create(b, l, args[1], sq)});
            })
            .getResult(0);

    double size = static_cast<double>(type.getShape().back());
    float eps = op.getEpsilon().convertToFloat();
    Value init = emptyTensor(rewriter, loc, type, op.getInput(), iota(rank));
    rewriter.replaceOpWithNewOp<linalg::GenericOp>(
        op, type, ValueRange{op.getInput(), sumSq, op.getWeight()}, init,
        ArrayRef<AffineMap>{all, outer, inner, all}, iterators,
        [&](OpBuilder &b, Location l, ValueRange args) {
          Value mean = arith::DivFOp::create(b, l, args[1],
                                             f32Const(b, l, size));
          Value scale = math::RsqrtOp::create(
              b, l, arith::AddFOp::create(b, l, mean, f32Const(b, l, eps)));
          Value y = arith::MulFOp::create(b, l, args[0], scale);
          linalg::YieldOp::create(
              b, l, {arith::MulFOp::create(b, l, y, toF32(b, l, args[2]))});
        });
    return success();
  }
};

struct LinearLowering : OpRewritePattern<LinearOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(LinearOp op,
                                PatternRewriter &rewriter) const override {
    if (!isLowerable(op.getWeight()))
      return rewriter.notifyMatchFailure(op, "unknown weight storage");
    rewriter.replaceOp(op, buildAnyLinear(rewriter, op.getLoc(), op.getInput(),
                                          op.getWeight(), op.getType()));
    return success();
  }
};

/// `down(silu(gate x) * up x)`: two contractions, a fused element-wise
/// `silu(g) * u` with `silu(g) = g / (1 + exp(-g))`, and a third contraction.
struct FFNLowering : OpRewritePattern<FFNOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(FFNOp op,
                                PatternRewriter &rewriter) const override {
    if (!allLowerable({op.getGate(), op.getUp(), op.getDown()}))
      return rewriter.notifyMatchFailure(op, "unknown weight storage");
    Location loc = op.getLoc();
    auto xType = cast<RankedTensorType>(op.getType());
    SmallVector<int64_t> shape(xType.getShape());
    shape.back() = cast<RankedTensorType>(op.getGate().getType()).getDimSize(0);
    auto hiddenType = RankedTensorType::get(shape, rewriter.getF32Type());
    Value x = op.getInput();
    Value gate = buildAnyLinear(rewriter, loc, x, op.getGate(), hiddenType);
    Value up = buildAnyLinear(rewriter, loc, x, op.getUp(), hiddenType);
    Value act = buildElementwise(
        rewriter, loc, {gate, up}, hiddenType,
        [](OpBuilder &b, Location l, ValueRange args) -> Value {
          Value neg = arith::NegFOp::create(b, l, args[0]);
          Value den = arith::AddFOp::create(b, l, f32Const(b, l, 1.0),
                                            math::ExpOp::create(b, l, neg));
          Value silu = arith::DivFOp::create(b, l, args[0], den);
          return arith::MulFOp::create(b, l, silu, args[1]);
        });
    rewriter.replaceOp(op,
                       buildAnyLinear(rewriter, loc, act, op.getDown(), xType));
    return success();
  }
};

/// A gather: `result[t, h] = widen(table[ids[t], h])`.
struct EmbedLowering : OpRewritePattern<EmbedOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(EmbedOp op,
                                PatternRewriter &rewriter) const override {
    if (!isLowerable(op.getTable()))
      return rewriter.notifyMatchFailure(op, "unknown table storage");
    Location loc = op.getLoc();
    MLIRContext *ctx = op.getContext();
    auto type = cast<RankedTensorType>(op.getType());
    AffineMap ids = AffineMap::get(2, 0, getAffineDimExpr(0, ctx));
    Value init = emptyTensor(rewriter, loc, type, op.getIds(), {0, 0});
    Value table = op.getTable();
    Value bytes = byteView(rewriter, loc, table);
    rewriter.replaceOpWithNewOp<linalg::GenericOp>(
        op, type, op.getIds(), init,
        ArrayRef<AffineMap>{ids, rewriter.getMultiDimIdentityMap(2)},
        SmallVector<utils::IteratorType>(2, utils::IteratorType::parallel),
        [&](OpBuilder &b, Location l, ValueRange args) {
          Value row =
              arith::IndexCastOp::create(b, l, b.getIndexType(), args[0]);
          Value col = linalg::IndexOp::create(b, l, 1);
          linalg::YieldOp::create(
              b, l, {extractWeight(b, l, table, bytes, row, col)});
        });
    return success();
  }
};

/// Rotates each (i, i + d/2) pair of a head by `(position + t) * inv_freq`,
/// `inv_freq = 1 / theta^(2j / d)` computed in f32 as Hugging Face does.
struct RoPELowering : OpRewritePattern<RoPEOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(RoPEOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto type = cast<RankedTensorType>(op.getType());
    int64_t headDim = type.getDimSize(2), half = headDim / 2;
    float theta = op.getTheta().convertToDouble();
    Value x = op.getInput(), position = op.getPosition();
    Value init = emptyTensor(rewriter, loc, type, x, {0, 1, 2});
    AffineMap id = rewriter.getMultiDimIdentityMap(3);
    rewriter.replaceOpWithNewOp<linalg::GenericOp>(
        op, type, x, init, ArrayRef<AffineMap>{id, id},
        SmallVector<utils::IteratorType>(3, utils::IteratorType::parallel),
        [&](OpBuilder &b, Location l, ValueRange args) {
          auto index = [&](int64_t v) {
            return arith::ConstantIndexOp::create(b, l, v);
          };
          Value t = linalg::IndexOp::create(b, l, 0);
          Value h = linalg::IndexOp::create(b, l, 1);
          Value i = linalg::IndexOp::create(b, l, 2);
          Value first = arith::CmpIOp::create(b, l, arith::CmpIPredicate::ult,
                                              i, index(half));
          Value j = arith::RemUIOp::create(b, l, i, index(half));
          Value partner = arith::SelectOp::create(
              b, l, first, arith::AddIOp::create(b, l, i, index(half)),
              arith::SubIOp::create(b, l, i, index(half)));
          Value other =
              tensor::ExtractOp::create(b, l, x, ValueRange{t, h, partner});
          Value rotated = arith::SelectOp::create(
              b, l, first, arith::NegFOp::create(b, l, other), other);

          auto toFloat = [&](Value idx) -> Value {
            Value i64 = arith::IndexCastUIOp::create(b, l, b.getI64Type(), idx);
            return arith::UIToFPOp::create(b, l, b.getF32Type(), i64);
          };
          Value pos = toFloat(arith::AddIOp::create(b, l, position, t));
          Value twoJ = arith::MulIOp::create(b, l, j, index(2));
          Value exponent = arith::DivFOp::create(
              b, l, toFloat(twoJ), f32Const(b, l, static_cast<double>(headDim)));
          Value power =
              math::PowFOp::create(b, l, f32Const(b, l, theta), exponent);
          Value invFreq =
              arith::DivFOp::create(b, l, f32Const(b, l, 1.0), power);
          Value angle = arith::MulFOp::create(b, l, pos, invFreq);
          Value cos = math::CosOp::create(b, l, angle);
          Value sin = math::SinOp::create(b, l, angle);
          Value out = arith::AddFOp::create(
              b, l, arith::MulFOp::create(b, l, args[0], cos),
              arith::MulFOp::create(b, l, rotated, sin));
          linalg::YieldOp::create(b, l, {out});
        });
    return success();
  }
};

} // namespace

void lowering::populateModelOpPatterns(RewritePatternSet &patterns) {
  patterns.add<EmbedLowering, FFNLowering, LinearLowering, RMSNormLowering,
               RoPELowering>(patterns.getContext());
}
