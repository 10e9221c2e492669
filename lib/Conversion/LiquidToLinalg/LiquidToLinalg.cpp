//===- LiquidToLinalg.cpp - Lowering liquid to linalg on tensors ----------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// This file implements convert-liquid-to-linalg: each liquid op with float
// weights becomes linalg.generic ops on tensors whose bodies spell out the
// op's math (dialects/Liquid/*Ops.td). Weights are widened to f32 inside the
// bodies, never materialized as f32 copies. Ops without a lowering yet stay
// legal, so the pass runs on whole models.
//
//===----------------------------------------------------------------------===//

#include "liquid/Conversion/LiquidToLinalg.h"

#include "liquid/Dialect/Liquid/LiquidOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Transforms/DialectConversion.h"

namespace mlir::liquid {
#define GEN_PASS_DEF_CONVERTLIQUIDTOLINALGPASS
#include "liquid/Dialect/Liquid/Passes.h.inc"
} // namespace mlir::liquid

using namespace mlir;
using namespace mlir::liquid;

//===----------------------------------------------------------------------===//
// Building blocks
//===----------------------------------------------------------------------===//

/// True when `v` is a tensor of f32, f16 or bf16: the weights lowered here.
static bool isFloatTensor(Value v) {
  return isa<FloatType>(cast<ShapedType>(v.getType()).getElementType());
}

/// Widens a scalar float to f32.
static Value toF32(OpBuilder &b, Location loc, Value v) {
  if (v.getType().isF32())
    return v;
  return arith::ExtFOp::create(b, loc, b.getF32Type(), v);
}

static Value f32Const(OpBuilder &b, Location loc, double value) {
  return arith::ConstantOp::create(b, loc, b.getF32FloatAttr(value));
}

/// An uninitialized tensor of `type`; its dynamic sizes are taken from the
/// same dimensions of `like` (dims[i] names the dimension of `like`).
static Value emptyTensor(OpBuilder &b, Location loc, RankedTensorType type,
                         Value like, ArrayRef<int64_t> dims) {
  SmallVector<Value> dynamic;
  for (int64_t i = 0; i < type.getRank(); ++i)
    if (type.isDynamicDim(i))
      dynamic.push_back(tensor::DimOp::create(b, loc, like, dims[i]));
  return tensor::EmptyOp::create(b, loc, type, dynamic);
}

/// A tensor of `type` filled with zeros.
static Value zeroTensor(OpBuilder &b, Location loc, RankedTensorType type,
                        Value like, ArrayRef<int64_t> dims) {
  Value empty = emptyTensor(b, loc, type, like, dims);
  return linalg::FillOp::create(b, loc, f32Const(b, loc, 0.0), empty)
      .getResult(0);
}

static SmallVector<int64_t> iota(int64_t n) {
  SmallVector<int64_t> v(n);
  for (int64_t i = 0; i < n; ++i)
    v[i] = i;
  return v;
}

/// `result[..., n] = sum_k x[..., k] * widen(w[n, k])` over loops
/// (d_0 .. d_{r-2}, n, k).
static Value buildLinear(OpBuilder &b, Location loc, Value x, Value w,
                         RankedTensorType resultType) {
  MLIRContext *ctx = b.getContext();
  int64_t rank = resultType.getRank(), loops = rank + 1;
  SmallVector<AffineExpr> lead;
  for (int64_t i = 0; i < rank - 1; ++i)
    lead.push_back(getAffineDimExpr(i, ctx));
  AffineExpr n = getAffineDimExpr(rank - 1, ctx), k = getAffineDimExpr(rank, ctx);
  auto map = [&](ArrayRef<AffineExpr> tail, bool withLead) {
    SmallVector<AffineExpr> exprs = withLead ? lead : SmallVector<AffineExpr>();
    exprs.append(tail.begin(), tail.end());
    return AffineMap::get(loops, 0, exprs, ctx);
  };
  SmallVector<AffineMap> maps = {map({k}, true), map({n, k}, false),
                                 map({n}, true)};
  SmallVector<utils::IteratorType> iterators(loops,
                                             utils::IteratorType::parallel);
  iterators.back() = utils::IteratorType::reduction;
  Value init = zeroTensor(b, loc, resultType, x, iota(rank));
  return linalg::GenericOp::create(
             b, loc, resultType, ValueRange{x, w}, init, maps, iterators,
             [](OpBuilder &nb, Location nl, ValueRange args) {
               Value prod = arith::MulFOp::create(nb, nl, args[0],
                                                  toF32(nb, nl, args[1]));
               linalg::YieldOp::create(
                   nb, nl, {arith::AddFOp::create(nb, nl, args[2], prod)});
             })
      .getResult(0);
}

/// An element-wise generic over tensors of `type`'s shape.
static Value buildElementwise(
    OpBuilder &b, Location loc, ValueRange inputs, RankedTensorType type,
    function_ref<Value(OpBuilder &, Location, ValueRange)> body) {
  int64_t rank = type.getRank();
  SmallVector<AffineMap> maps(inputs.size() + 1,
                              b.getMultiDimIdentityMap(rank));
  SmallVector<utils::IteratorType> iterators(rank,
                                             utils::IteratorType::parallel);
  Value init = emptyTensor(b, loc, type, inputs.front(), iota(rank));
  return linalg::GenericOp::create(
             b, loc, type, inputs, init, maps, iterators,
             [&](OpBuilder &nb, Location nl, ValueRange args) {
               linalg::YieldOp::create(nb, nl,
                                       {body(nb, nl, args.drop_back())});
             })
      .getResult(0);
}

//===----------------------------------------------------------------------===//
// Patterns
//===----------------------------------------------------------------------===//

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
    if (!isFloatTensor(op.getWeight()))
      return rewriter.notifyMatchFailure(op, "quantized weights");
    rewriter.replaceOp(op, buildLinear(rewriter, op.getLoc(), op.getInput(),
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
    if (!isFloatTensor(op.getGate()) || !isFloatTensor(op.getUp()) ||
        !isFloatTensor(op.getDown()))
      return rewriter.notifyMatchFailure(op, "quantized weights");
    Location loc = op.getLoc();
    auto xType = cast<RankedTensorType>(op.getType());
    SmallVector<int64_t> shape(xType.getShape());
    shape.back() = cast<RankedTensorType>(op.getGate().getType()).getDimSize(0);
    auto hiddenType = RankedTensorType::get(shape, rewriter.getF32Type());
    Value x = op.getInput();
    Value gate = buildLinear(rewriter, loc, x, op.getGate(), hiddenType);
    Value up = buildLinear(rewriter, loc, x, op.getUp(), hiddenType);
    Value act = buildElementwise(
        rewriter, loc, {gate, up}, hiddenType,
        [](OpBuilder &b, Location l, ValueRange args) -> Value {
          Value neg = arith::NegFOp::create(b, l, args[0]);
          Value den = arith::AddFOp::create(b, l, f32Const(b, l, 1.0),
                                            math::ExpOp::create(b, l, neg));
          Value silu = arith::DivFOp::create(b, l, args[0], den);
          return arith::MulFOp::create(b, l, silu, args[1]);
        });
    rewriter.replaceOp(op, buildLinear(rewriter, loc, act, op.getDown(), xType));
    return success();
  }
};

/// A gather: `result[t, h] = widen(table[ids[t], h])`.
struct EmbedLowering : OpRewritePattern<EmbedOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(EmbedOp op,
                                PatternRewriter &rewriter) const override {
    if (!isFloatTensor(op.getTable()))
      return rewriter.notifyMatchFailure(op, "quantized table");
    Location loc = op.getLoc();
    MLIRContext *ctx = op.getContext();
    auto type = cast<RankedTensorType>(op.getType());
    AffineMap ids = AffineMap::get(2, 0, getAffineDimExpr(0, ctx));
    Value init = emptyTensor(rewriter, loc, type, op.getIds(), {0, 0});
    Value table = op.getTable();
    rewriter.replaceOpWithNewOp<linalg::GenericOp>(
        op, type, op.getIds(), init,
        ArrayRef<AffineMap>{ids, rewriter.getMultiDimIdentityMap(2)},
        SmallVector<utils::IteratorType>(2, utils::IteratorType::parallel),
        [&](OpBuilder &b, Location l, ValueRange args) {
          Value row =
              arith::IndexCastOp::create(b, l, b.getIndexType(), args[0]);
          Value col = linalg::IndexOp::create(b, l, 1);
          Value v = tensor::ExtractOp::create(b, l, table, ValueRange{row, col});
          linalg::YieldOp::create(b, l, {toF32(b, l, v)});
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

struct ConvertLiquidToLinalgPass
    : liquid::impl::ConvertLiquidToLinalgPassBase<ConvertLiquidToLinalgPass> {
  void runOnOperation() override {
    MLIRContext *ctx = &getContext();
    ConversionTarget target(*ctx);
    target.addLegalDialect<arith::ArithDialect, func::FuncDialect,
                           linalg::LinalgDialect, math::MathDialect,
                           tensor::TensorDialect, LiquidDialect>();
    target.addIllegalOp<RMSNormOp, RoPEOp>();
    target.addDynamicallyLegalOp<LinearOp>(
        [](LinearOp op) { return !isFloatTensor(op.getWeight()); });
    target.addDynamicallyLegalOp<EmbedOp>(
        [](EmbedOp op) { return !isFloatTensor(op.getTable()); });
    target.addDynamicallyLegalOp<FFNOp>([](FFNOp op) {
      return !isFloatTensor(op.getGate()) || !isFloatTensor(op.getUp()) ||
             !isFloatTensor(op.getDown());
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
  patterns.add<EmbedLowering, FFNLowering, LinearLowering, RMSNormLowering,
               RoPELowering>(patterns.getContext());
}
