//===- RecurrenceOps.cpp - Lowering the short convolution -----------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// This file implements the convert-liquid-to-linalg patterns of the ops in
// dialects/Liquid/RecurrenceOps.td: the gated short convolution becomes an
// input gate, a concatenation with the window state, a depthwise causal
// convolution, an output gate and a slice for the new state; attention
// becomes cache updates, scores over the filled part of the cache, a causal
// mask, a softmax and the weighted sum of values.
//
//===----------------------------------------------------------------------===//

#include "LoweringUtils.h"

#include "liquid/Dialect/Liquid/LiquidOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

#include <limits>

using namespace mlir;
using namespace mlir::liquid;
using namespace mlir::liquid::lowering;

namespace {

/// ```
/// B, C, x      = input[:, 0:H], input[:, H:2H], input[:, 2H:3H]
/// bx[t, c]     = B[t, c] * x[t, c]
/// window       = concat(state, bx)                        [L-1+T, H]
/// conv[t, c]   = sum_k window[t + k, c] * kernel[c, k]
/// result[t, c] = C[t, c] * conv[t, c]
/// new_state    = window[T : T + L-1]
/// ```
struct ShortConvLowering : OpRewritePattern<ShortConvOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(ShortConvOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = op.getContext();
    Value input = op.getInput(), kernel = op.getKernel(), state = op.getState();
    auto resultType = cast<RankedTensorType>(op.getResult().getType());
    auto kernelType = cast<RankedTensorType>(kernel.getType());
    int64_t hidden = kernelType.getDimSize(0), length = kernelType.getDimSize(1);
    AffineExpr t = getAffineDimExpr(0, ctx);

    // The three [T, H] channel groups of in_proj's output: B, C, x.
    OpFoldResult tokens =
        resultType.isDynamicDim(0)
            ? OpFoldResult(tensor::DimOp::create(rewriter, loc, input, 0)
                               .getResult())
            : OpFoldResult(rewriter.getIndexAttr(resultType.getDimSize(0)));
    auto group = [&](int64_t index) -> Value {
      return tensor::ExtractSliceOp::create(
          rewriter, loc, resultType, input,
          ArrayRef<OpFoldResult>{rewriter.getIndexAttr(0),
                                 rewriter.getIndexAttr(index * hidden)},
          ArrayRef<OpFoldResult>{tokens, rewriter.getIndexAttr(hidden)},
          ArrayRef<OpFoldResult>{rewriter.getIndexAttr(1),
                                 rewriter.getIndexAttr(1)});
    };
    Value gateB = group(0), gateC = group(1), x = group(2);
    auto multiply = [&](Value a, Value b) {
      return buildElementwise(rewriter, loc, {a, b}, resultType,
                              [](OpBuilder &nb, Location l, ValueRange args) {
                                return arith::MulFOp::create(nb, l, args[0],
                                                             args[1])
                                    .getResult();
                              });
    };

    // bx = B * x.
    Value bx = multiply(gateB, x);

    // The window: the previous L-1 gated inputs, then this chunk's.
    Value window = tensor::ConcatOp::create(rewriter, loc, 0,
                                            ValueRange{state, bx});

    // conv[t, c] = sum_k window[t + k, c] * kernel[c, k], over loops
    // (t, k, c): channels innermost, the contiguous dimension of the window
    // and the result, so a tile is a vector of channels.
    AffineExpr k = getAffineDimExpr(1, ctx), ch = getAffineDimExpr(2, ctx);
    Value convInit = zeroTensor(rewriter, loc, resultType, input, {0, 0});
    Value conv =
        linalg::GenericOp::create(
            rewriter, loc, resultType, ValueRange{window, kernel}, convInit,
            ArrayRef<AffineMap>{AffineMap::get(3, 0, {t + k, ch}, ctx),
                                AffineMap::get(3, 0, {ch, k}, ctx),
                                AffineMap::get(3, 0, {t, ch}, ctx)},
            {utils::IteratorType::parallel, utils::IteratorType::reduction,
             utils::IteratorType::parallel},
            [](OpBuilder &b, Location l, ValueRange args) {
              Value prod = arith::MulFOp::create(b, l, args[0],
                                                 toF32(b, l, args[1]));
              linalg::YieldOp::create(
                  b, l, {arith::AddFOp::create(b, l, args[2], prod)});
            })
            .getResult(0);

    // result = C * conv.
    Value result = multiply(gateC, conv);

    // new_state = window[T : T + L-1]: the last L-1 gated inputs.
    Value newState = tensor::ExtractSliceOp::create(
        rewriter, loc, cast<RankedTensorType>(state.getType()), window,
        ArrayRef<OpFoldResult>{tokens, rewriter.getIndexAttr(0)},
        ArrayRef<OpFoldResult>{rewriter.getIndexAttr(length - 1),
                               rewriter.getIndexAttr(hidden)},
        ArrayRef<OpFoldResult>{rewriter.getIndexAttr(1),
                               rewriter.getIndexAttr(1)});
    rewriter.replaceOp(op, {result, newState});
    return success();
  }
};


/// ```
/// K' = K_cache with rows [p, p + T) of each head = key;  V' likewise
/// (p = position; caches [kv_heads, capacity, head_dim])
/// n  = p + T rows are filled; attention reads K'[:, 0:n], V'[:, 0:n]
/// s[t, h, j] = scale * sum_d q[t, h, d] * K'[h / g, j, d]
/// s[t, h, j] = -inf where j > p + t                          (causal)
/// w = softmax_j(s)                                           (f32, max-subtracted)
/// out[t, h, d] = sum_j w[t, h, j] * V'[h / g, j, d]
/// ```
struct AttentionLowering : OpRewritePattern<AttentionOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(AttentionOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = op.getContext();
    Value q = op.getQuery(), position = op.getPosition();
    auto qType = cast<RankedTensorType>(q.getType());
    auto kType = cast<RankedTensorType>(op.getKey().getType());
    auto cacheType = cast<RankedTensorType>(op.getKeyCache().getType());
    int64_t heads = qType.getDimSize(1), headDim = qType.getDimSize(2);
    int64_t kvHeads = kType.getDimSize(1), group = heads / kvHeads;
    auto idx = [&](int64_t v) -> OpFoldResult {
      return rewriter.getIndexAttr(v);
    };
    Value tokenCount =
        qType.isDynamicDim(0)
            ? Value(tensor::DimOp::create(rewriter, loc, q, 0))
            : Value(arith::ConstantIndexOp::create(rewriter, loc,
                                                   qType.getDimSize(0)));
    OpFoldResult tokens = qType.isDynamicDim(0)
                              ? OpFoldResult(tokenCount)
                              : idx(qType.getDimSize(0));

    // Write the new keys and values, head-major, at rows
    // [position, position + T) of each head.
    auto append = [&](Value rows, Value cache) -> Value {
      Value empty = qType.isDynamicDim(0)
                        ? tensor::EmptyOp::create(
                              rewriter, loc,
                              ArrayRef<int64_t>{kvHeads, ShapedType::kDynamic,
                                                headDim},
                              rewriter.getF32Type(), ValueRange{tokenCount})
                              .getResult()
                        : tensor::EmptyOp::create(
                              rewriter, loc,
                              ArrayRef<int64_t>{kvHeads, qType.getDimSize(0),
                                                headDim},
                              rewriter.getF32Type())
                              .getResult();
      Value headMajor =
          linalg::TransposeOp::create(rewriter, loc, rows, empty,
                                      ArrayRef<int64_t>{1, 0, 2})
              .getResult()[0];
      return tensor::InsertSliceOp::create(
          rewriter, loc, headMajor, cache,
          ArrayRef<OpFoldResult>{idx(0), position, idx(0)},
          ArrayRef<OpFoldResult>{idx(kvHeads), tokens, idx(headDim)},
          ArrayRef<OpFoldResult>{idx(1), idx(1), idx(1)});
    };
    Value keyCache = append(op.getKey(), op.getKeyCache());
    Value valueCache = append(op.getValue(), op.getValueCache());

    // The filled rows [0, position + T) of every head.
    Value filled = arith::AddIOp::create(rewriter, loc, position, tokenCount);
    auto rowsType = RankedTensorType::get({kvHeads, ShapedType::kDynamic, headDim},
                                          cacheType.getElementType());
    auto filledRows = [&](Value cache) -> Value {
      return tensor::ExtractSliceOp::create(
          rewriter, loc, rowsType, cache,
          ArrayRef<OpFoldResult>{idx(0), idx(0), idx(0)},
          ArrayRef<OpFoldResult>{idx(kvHeads), filled, idx(headDim)},
          ArrayRef<OpFoldResult>{idx(1), idx(1), idx(1)});
    };
    Value keys = filledRows(keyCache), values = filledRows(valueCache);

    // Scores [T, heads, n] over loops (t, h, j, d).
    AffineExpr t = getAffineDimExpr(0, ctx), h = getAffineDimExpr(1, ctx);
    AffineExpr j = getAffineDimExpr(2, ctx), d = getAffineDimExpr(3, ctx);
    auto map4 = [&](ArrayRef<AffineExpr> exprs) {
      return AffineMap::get(4, 0, exprs, ctx);
    };
    auto par = utils::IteratorType::parallel;
    auto red = utils::IteratorType::reduction;
    auto scoresType = RankedTensorType::get(
        {qType.getDimSize(0), heads, ShapedType::kDynamic}, rewriter.getF32Type());
    Value scoresEmpty = tensor::EmptyOp::create(
        rewriter, loc, scoresType,
        qType.isDynamicDim(0) ? ValueRange{tokenCount, filled}
                              : ValueRange{filled});
    Value zero = f32Const(rewriter, loc, 0.0);
    Value scoresInit =
        linalg::FillOp::create(rewriter, loc, zero, scoresEmpty).getResult(0);
    Value dots =
        linalg::GenericOp::create(
            rewriter, loc, scoresType, ValueRange{q, keys}, scoresInit,
            ArrayRef<AffineMap>{map4({t, h, d}), map4({h.floorDiv(group), j, d}),
                                map4({t, h, j})},
            {par, par, par, red},
            yieldMulAdd)
            .getResult(0);

    // Scale and causal mask: key j is visible to token t iff j <= p + t.
    float scale = op.getScaleOrDefault();
    Value masked = buildElementwise(
        rewriter, loc, {dots}, scoresType,
        [&](OpBuilder &b, Location l, ValueRange args) -> Value {
          Value tok = linalg::IndexOp::create(b, l, 0);
          Value key = linalg::IndexOp::create(b, l, 2);
          Value last = arith::AddIOp::create(b, l, position, tok);
          Value visible =
              arith::CmpIOp::create(b, l, arith::CmpIPredicate::ule, key, last);
          Value scaled =
              arith::MulFOp::create(b, l, args[0], f32Const(b, l, scale));
          Value minusInf = f32Const(b, l, -std::numeric_limits<float>::infinity());
          return arith::SelectOp::create(b, l, visible, scaled, minusInf);
        });

    // Softmax over j: max, sum of exp(s - max), then the quotient.
    auto rowType = RankedTensorType::get({qType.getDimSize(0), heads},
                                         rewriter.getF32Type());
    AffineMap all3 = rewriter.getMultiDimIdentityMap(3);
    AffineMap rows3 = all3.getMajorSubMap(2);
    auto reduceRows = [&](Value init, ValueRange inputs,
                          ArrayRef<AffineMap> inputMaps,
                          function_ref<Value(OpBuilder &, Location, ValueRange)>
                              combine) -> Value {
      SmallVector<AffineMap> maps(inputMaps);
      maps.push_back(rows3);
      return linalg::GenericOp::create(
                 rewriter, loc, rowType, inputs, init, maps, {par, par, red},
                 [&](OpBuilder &b, Location l, ValueRange args) {
                   linalg::YieldOp::create(b, l, {combine(b, l, args)});
                 })
          .getResult(0);
    };
    auto rowInit = [&](double value) -> Value {
      Value empty = emptyTensor(rewriter, loc, rowType, q, {0, 1});
      return linalg::FillOp::create(rewriter, loc,
                                    f32Const(rewriter, loc, value), empty)
          .getResult(0);
    };
    Value rowMax = reduceRows(
        rowInit(-std::numeric_limits<float>::infinity()), masked, {all3},
        [](OpBuilder &b, Location l, ValueRange args) -> Value {
          return arith::MaximumFOp::create(b, l, args[0], args[1]);
        });
    auto expShifted = [](OpBuilder &b, Location l, Value s, Value max) {
      return math::ExpOp::create(b, l, arith::SubFOp::create(b, l, s, max));
    };
    Value rowSum = reduceRows(
        rowInit(0.0), {masked, rowMax}, {all3, rows3},
        [&](OpBuilder &b, Location l, ValueRange args) -> Value {
          return arith::AddFOp::create(b, l, args[2],
                                       expShifted(b, l, args[0], args[1]));
        });
    Value probsEmpty = tensor::EmptyOp::create(
        rewriter, loc, scoresType,
        qType.isDynamicDim(0) ? ValueRange{tokenCount, filled}
                              : ValueRange{filled});
    Value probs =
        linalg::GenericOp::create(
            rewriter, loc, scoresType, ValueRange{masked, rowMax, rowSum},
            probsEmpty, ArrayRef<AffineMap>{all3, rows3, rows3, all3},
            {par, par, par},
            [&](OpBuilder &b, Location l, ValueRange args) {
              Value e = expShifted(b, l, args[0], args[1]);
              linalg::YieldOp::create(
                  b, l, {arith::DivFOp::create(b, l, e, args[2])});
            })
            .getResult(0);

    // out[t, h, d] = sum_j probs[t, h, j] * V'[h / g, j, d], loops (t, h, d, j).
    AffineExpr dd = getAffineDimExpr(2, ctx), jj = getAffineDimExpr(3, ctx);
    Value outInit = zeroTensor(rewriter, loc, qType, q, {0, 1, 2});
    Value out =
        linalg::GenericOp::create(
            rewriter, loc, qType, ValueRange{probs, values}, outInit,
            ArrayRef<AffineMap>{map4({t, h, jj}),
                                map4({h.floorDiv(group), jj, dd}),
                                map4({t, h, dd})},
            {par, par, par, red},
            yieldMulAdd)
            .getResult(0);
    rewriter.replaceOp(op, {out, keyCache, valueCache});
    return success();
  }
};

} // namespace

void lowering::populateRecurrenceOpPatterns(RewritePatternSet &patterns) {
  patterns.add<AttentionLowering, ShortConvLowering>(patterns.getContext());
}
