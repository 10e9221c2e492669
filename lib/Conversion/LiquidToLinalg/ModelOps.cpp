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

#include <cmath>

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
    Value act = SwiGLUOp::create(rewriter, loc, gate.getType(), gate, up);
    rewriter.replaceOp(op,
                       buildAnyLinear(rewriter, loc, act, op.getDown(), xType));
    return success();
  }
};

/// `silu(g) * u = g / (1 + exp(-g)) * u`, element by element.
struct SwiGLULowering : OpRewritePattern<SwiGLUOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(SwiGLUOp op,
                                PatternRewriter &rewriter) const override {
    auto type = cast<RankedTensorType>(op.getType());
    rewriter.replaceOp(
        op, buildElementwise(
                rewriter, op.getLoc(), {op.getGate(), op.getUp()}, type,
                [](OpBuilder &b, Location l, ValueRange args) -> Value {
                  Value neg = arith::NegFOp::create(b, l, args[0]);
                  Value den = arith::AddFOp::create(
                      b, l, f32Const(b, l, 1.0), math::ExpOp::create(b, l, neg));
                  Value silu = arith::DivFOp::create(b, l, args[0], den);
                  return arith::MulFOp::create(b, l, silu, args[1]);
                }));
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
    int64_t tokens = type.getDimSize(0), heads = type.getDimSize(1);
    int64_t headDim = type.getDimSize(2), half = headDim / 2;
    Value x = op.getInput(), position = op.getPosition();
    Type f32 = rewriter.getF32Type();
    // The token count, static or read from the input.
    OpFoldResult tokenCount =
        ShapedType::isDynamic(tokens)
            ? OpFoldResult(tensor::DimOp::create(rewriter, loc, x, 0).getResult())
            : OpFoldResult(rewriter.getIndexAttr(tokens));
    SmallVector<Value> dynamicTokens;
    if (ShapedType::isDynamic(tokens))
      dynamicTokens.push_back(cast<Value>(tokenCount));

    // inv_freq[j] = 1 / theta^(2j / d), in f32 as transformers computes it:
    // known when compiling, so a constant.
    float base = float(op.getTheta().convertToDouble());
    SmallVector<float> inverse;
    for (int64_t j = 0; j < half; ++j)
      inverse.push_back(
          1.0f / std::pow(base, float(2 * j) / float(headDim)));
    auto halfType = RankedTensorType::get({half}, f32);
    Value invFreq = arith::ConstantOp::create(
        rewriter, loc, DenseElementsAttr::get(halfType, ArrayRef(inverse)));

    // cos and sin of (position + t) * inv_freq[j], once per token and pair
    // (every head shares them).
    auto angleType = RankedTensorType::get({tokens, half}, f32);
    MLIRContext *ctx = op.getContext();
    AffineMap tj = AffineMap::getMultiDimIdentityMap(2, ctx);
    AffineMap j = AffineMap::get(2, 0, {getAffineDimExpr(1, ctx)}, ctx);
    Value empty = tensor::EmptyOp::create(rewriter, loc, angleType, dynamicTokens);
    auto angles = linalg::GenericOp::create(
        rewriter, loc, TypeRange{angleType, angleType}, ValueRange{invFreq},
        ValueRange{empty, empty}, ArrayRef<AffineMap>{j, tj, tj},
        SmallVector<utils::IteratorType>(2, utils::IteratorType::parallel),
        [&](OpBuilder &b, Location l, ValueRange args) {
          Value t = linalg::IndexOp::create(b, l, 0);
          Value at = arith::AddIOp::create(b, l, position, t);
          Value pos = arith::UIToFPOp::create(
              b, l, f32, arith::IndexCastUIOp::create(b, l, b.getI64Type(), at));
          Value angle = arith::MulFOp::create(b, l, pos, args[0]);
          linalg::YieldOp::create(b, l,
                                  ValueRange{math::CosOp::create(b, l, angle),
                                             math::SinOp::create(b, l, angle)});
        });
    Value cos = angles.getResult(0), sin = angles.getResult(1);

    // The two halves of each head: (x1 cos - x2 sin, x2 cos + x1 sin).
    auto halves = RankedTensorType::get({tokens, heads, half}, f32);
    // Half `at` of every head: offsets, sizes and strides of the slice.
    auto offsets = [&](int64_t at) -> SmallVector<OpFoldResult> {
      return {rewriter.getIndexAttr(0), rewriter.getIndexAttr(0),
              rewriter.getIndexAttr(at)};
    };
    SmallVector<OpFoldResult> sizes = {
        tokenCount, rewriter.getIndexAttr(heads), rewriter.getIndexAttr(half)};
    SmallVector<OpFoldResult> strides(3, rewriter.getIndexAttr(1));
    auto slice = [&](Value source, int64_t at) -> Value {
      return tensor::ExtractSliceOp::create(rewriter, loc, halves, source,
                                            offsets(at), sizes, strides);
    };
    Value x1 = slice(x, 0), x2 = slice(x, half);
    AffineMap all = AffineMap::getMultiDimIdentityMap(3, ctx);
    AffineMap perPair = AffineMap::get(
        3, 0, {getAffineDimExpr(0, ctx), getAffineDimExpr(2, ctx)}, ctx);
    Value halfEmpty =
        tensor::EmptyOp::create(rewriter, loc, halves, dynamicTokens);
    auto rotated = linalg::GenericOp::create(
        rewriter, loc, TypeRange{halves, halves}, ValueRange{x1, x2, cos, sin},
        ValueRange{halfEmpty, halfEmpty},
        ArrayRef<AffineMap>{all, all, perPair, perPair, all, all},
        SmallVector<utils::IteratorType>(3, utils::IteratorType::parallel),
        [&](OpBuilder &b, Location l, ValueRange args) {
          Value a = args[0], c = args[1], cs = args[2], sn = args[3];
          Value first = arith::SubFOp::create(
              b, l, arith::MulFOp::create(b, l, a, cs),
              arith::MulFOp::create(b, l, c, sn));
          Value second = arith::AddFOp::create(
              b, l, arith::MulFOp::create(b, l, c, cs),
              arith::MulFOp::create(b, l, a, sn));
          linalg::YieldOp::create(b, l, ValueRange{first, second});
        });
    Value out = tensor::EmptyOp::create(rewriter, loc, type, dynamicTokens);
    auto insert = [&](Value part, Value into, int64_t at) -> Value {
      return tensor::InsertSliceOp::create(rewriter, loc, part, into,
                                           offsets(at), sizes, strides);
    };
    out = insert(rotated.getResult(0), out, 0);
    out = insert(rotated.getResult(1), out, half);
    rewriter.replaceOp(op, out);
    return success();
  }
};

} // namespace

void lowering::populateModelOpPatterns(RewritePatternSet &patterns) {
  patterns.add<EmbedLowering, FFNLowering, LinearLowering, RMSNormLowering,
               RoPELowering, SwiGLULowering>(patterns.getContext());
}
