//===- MoEOps.cpp - Lowering mixture-of-experts routing and experts -------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// This file implements the convert-liquid-to-linalg patterns of the ops in
// dialects/Liquid/MoEOps.td. The router becomes sigmoid scores and k rounds
// of a masked arg-max; the experts become contractions that gather each
// token's selected experts' weights by id, so only those weights are read.
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
/// p = sigmoid(x · gate^T)                  [T, E]
/// s = p + bias                              (selection only)
/// for r in 0..k: ids[:, r] = argmax_e s over experts not yet picked
///                (strictly greater wins: ties go to the lower id)
/// w[t, r] = p[t, ids[t, r]];  w /= max(sum_r w, 2^-14) if normalize;
/// w *= scaling
/// ```
struct MoERouterLowering : OpRewritePattern<MoERouterOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(MoERouterOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = op.getContext();
    Value x = op.getInput();
    auto xType = cast<RankedTensorType>(x.getType());
    int64_t experts = op.getNumExperts(), k = op.getTopK();
    Type f32 = rewriter.getF32Type(), i32 = rewriter.getI32Type();
    auto scoresType = RankedTensorType::get({xType.getDimSize(0), experts}, f32);
    auto par = utils::IteratorType::parallel;
    auto red = utils::IteratorType::reduction;

    Value logits = buildAnyLinear(rewriter, loc, x, op.getGate(), scoresType);
    Value probs = buildElementwise(
        rewriter, loc, {logits}, scoresType,
        [](OpBuilder &b, Location l, ValueRange args) {
          return sigmoid(b, l, args[0]);
        });
    Value select = probs;
    if (Value bias = op.getBias()) {
      AffineMap id = rewriter.getMultiDimIdentityMap(2);
      AffineMap col = AffineMap::get(2, 0, getAffineDimExpr(1, ctx), ctx);
      Value init = emptyTensor(rewriter, loc, scoresType, x, {0, 0});
      select = linalg::GenericOp::create(
                   rewriter, loc, scoresType, ValueRange{probs, bias}, init,
                   ArrayRef<AffineMap>{id, col, id}, {par, par},
                   [](OpBuilder &b, Location l, ValueRange args) {
                     linalg::YieldOp::create(
                         b, l,
                         {arith::AddFOp::create(b, l, args[0],
                                                toF32(b, l, args[1]))});
                   })
                   .getResult(0);
    }

    // k rounds of a masked arg-max over experts, each a [T] tensor of ids.
    auto rowF32 = RankedTensorType::get({xType.getDimSize(0)}, f32);
    auto rowI32 = RankedTensorType::get({xType.getDimSize(0)}, i32);
    AffineMap id2 = rewriter.getMultiDimIdentityMap(2);
    AffineMap row2 = id2.getMajorSubMap(1);
    SmallVector<Value> picks;
    for (int64_t round = 0; round < k; ++round) {
      Value bestInit = linalg::FillOp::create(
                           rewriter, loc,
                           f32Const(rewriter, loc,
                                    -std::numeric_limits<float>::infinity()),
                           emptyTensor(rewriter, loc, rowF32, x, {0}))
                           .getResult(0);
      Value zeroId = arith::ConstantOp::create(rewriter, loc,
                                               rewriter.getI32IntegerAttr(0));
      Value idInit = linalg::FillOp::create(
                         rewriter, loc, zeroId,
                         emptyTensor(rewriter, loc, rowI32, x, {0}))
                         .getResult(0);
      SmallVector<Value> inputs = {select};
      inputs.append(picks.begin(), picks.end());
      SmallVector<AffineMap> maps = {id2};
      maps.append(picks.size(), row2);
      maps.append({row2, row2});
      size_t taken = picks.size();
      auto argmax = linalg::GenericOp::create(
          rewriter, loc, TypeRange{rowF32, rowI32}, inputs,
          ValueRange{bestInit, idInit}, maps, {par, red},
          [&](OpBuilder &b, Location l, ValueRange args) {
            Value e = arith::IndexCastOp::create(
                b, l, i32, linalg::IndexOp::create(b, l, 1));
            Value score = args[0];
            Value best = args[1 + taken], bestId = args[2 + taken];
            Value better = arith::CmpFOp::create(
                b, l, arith::CmpFPredicate::OGT, score, best);
            for (size_t i = 0; i < taken; ++i)
              better = arith::AndIOp::create(
                  b, l, better,
                  arith::CmpIOp::create(b, l, arith::CmpIPredicate::ne, e,
                                        args[1 + i]));
            linalg::YieldOp::create(
                b, l,
                {arith::SelectOp::create(b, l, better, score, best),
                 arith::SelectOp::create(b, l, better, e, bestId)});
          });
      picks.push_back(argmax.getResult(1));
    }

    // ids[t, r] = picks[r][t]; w[t, r] = p[t, ids[t, r]].
    auto idsType = cast<RankedTensorType>(op.getExpertIds().getType());
    auto weightsType = cast<RankedTensorType>(op.getExpertWeights().getType());
    SmallVector<AffineMap> gatherMaps(picks.size(), row2);
    gatherMaps.append({id2, id2});
    auto gathered = linalg::GenericOp::create(
        rewriter, loc, TypeRange{idsType, weightsType}, picks,
        ValueRange{emptyTensor(rewriter, loc, idsType, x, {0, 0}),
                   emptyTensor(rewriter, loc, weightsType, x, {0, 0})},
        gatherMaps, {par, par},
        [&](OpBuilder &b, Location l, ValueRange args) {
          Value t = linalg::IndexOp::create(b, l, 0);
          Value r = linalg::IndexOp::create(b, l, 1);
          Value chosen = args[0];
          for (int64_t i = 1; i < k; ++i) {
            Value isRound = arith::CmpIOp::create(
                b, l, arith::CmpIPredicate::eq, r,
                arith::ConstantIndexOp::create(b, l, i));
            chosen = arith::SelectOp::create(b, l, isRound, args[i], chosen);
          }
          Value e = arith::IndexCastOp::create(b, l, b.getIndexType(), chosen);
          Value p = tensor::ExtractOp::create(b, l, probs, ValueRange{t, e});
          linalg::YieldOp::create(b, l, {chosen, p});
        });
    Value ids = gathered.getResult(0), weights = gathered.getResult(1);

    double scaling = op.getScaling().convertToDouble();
    if (op.getNormalize()) {
      Value sumInit = linalg::FillOp::create(
                          rewriter, loc, f32Const(rewriter, loc, 0.0),
                          emptyTensor(rewriter, loc, rowF32, x, {0}))
                          .getResult(0);
      Value sum =
          linalg::GenericOp::create(
              rewriter, loc, rowF32, weights, sumInit,
              ArrayRef<AffineMap>{id2, row2}, {par, red},
              [](OpBuilder &b, Location l, ValueRange args) {
                linalg::YieldOp::create(
                    b, l, {arith::AddFOp::create(b, l, args[1], args[0])});
              })
              .getResult(0);
      weights =
          linalg::GenericOp::create(
              rewriter, loc, weightsType, ValueRange{weights, sum},
              emptyTensor(rewriter, loc, weightsType, x, {0, 0}),
              ArrayRef<AffineMap>{id2, row2, id2}, {par, par},
              [&](OpBuilder &b, Location l, ValueRange args) {
                Value floor = f32Const(b, l, 6.103515625e-05);
                Value denom = arith::MaximumFOp::create(b, l, args[1], floor);
                Value w = arith::DivFOp::create(b, l, args[0], denom);
                if (scaling != 1.0)
                  w = arith::MulFOp::create(b, l, w, f32Const(b, l, scaling));
                linalg::YieldOp::create(b, l, {w});
              })
              .getResult(0);
    } else if (scaling != 1.0) {
      weights = buildElementwise(
          rewriter, loc, {weights}, weightsType,
          [&](OpBuilder &b, Location l, ValueRange args) -> Value {
            return arith::MulFOp::create(b, l, args[0],
                                         f32Const(b, l, scaling));
          });
    }
    rewriter.replaceOp(op, {ids, weights});
    return success();
  }
};

/// ```
/// G[t, r, f] = sum_k x[t, k] * gate[ids[t, r], f, k]     (gathered by id)
/// U[t, r, f] = sum_k x[t, k] * up[ids[t, r], f, k]
/// H = silu(G) * U
/// y[t, n] = sum_r sum_f w[t, r] * H[t, r, f] * down[ids[t, r], n, f]
/// ```
struct MoEExpertsLowering : OpRewritePattern<MoEExpertsOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(MoEExpertsOp op,
                                PatternRewriter &rewriter) const override {
    if (!allLowerable({op.getGate(), op.getUp(), op.getDown()}))
      return rewriter.notifyMatchFailure(op, "unknown weight storage");
    Location loc = op.getLoc();
    MLIRContext *ctx = op.getContext();
    Value x = op.getInput(), ids = op.getExpertIds();
    auto xType = cast<RankedTensorType>(x.getType());
    auto idsType = cast<RankedTensorType>(ids.getType());
    int64_t ffn = cast<RankedTensorType>(op.getGate().getType()).getDimSize(1);
    auto par = utils::IteratorType::parallel;
    auto red = utils::IteratorType::reduction;
    AffineExpr d0 = getAffineDimExpr(0, ctx), d1 = getAffineDimExpr(1, ctx);
    AffineExpr d2 = getAffineDimExpr(2, ctx), d3 = getAffineDimExpr(3, ctx);
    auto map4 = [&](ArrayRef<AffineExpr> e) {
      return AffineMap::get(4, 0, e, ctx);
    };
    auto hiddenType = RankedTensorType::get(
        {xType.getDimSize(0), idsType.getDimSize(1), ffn}, rewriter.getF32Type());

    // Loops (t, r, f, k) over x[t, k], ids[t, r] -> out[t, r, f].
    auto project = [&](Value weight) -> Value {
      Value bytes = byteView(rewriter, loc, weight);
      Value init = zeroTensor(rewriter, loc, hiddenType, x, {0, 0, 0});
      return linalg::GenericOp::create(
                 rewriter, loc, hiddenType, ValueRange{x, ids}, init,
                 ArrayRef<AffineMap>{map4({d0, d3}), map4({d0, d1}),
                                     map4({d0, d1, d2})},
                 {par, par, par, red},
                 [&](OpBuilder &b, Location l, ValueRange args) {
                   Value e = arith::IndexCastOp::create(b, l, b.getIndexType(),
                                                        args[1]);
                   Value f = linalg::IndexOp::create(b, l, 2);
                   Value kk = linalg::IndexOp::create(b, l, 3);
                   Value w = extractWeight(b, l, weight, bytes, {e, f}, kk);
                   Value prod = arith::MulFOp::create(b, l, args[0], w);
                   linalg::YieldOp::create(
                       b, l, {arith::AddFOp::create(b, l, args[2], prod)});
                 })
          .getResult(0);
    };
    Value gate = project(op.getGate());
    Value up = project(op.getUp());
    Value hidden = SwiGLUOp::create(rewriter, loc, gate.getType(), gate, up);

    // Loops (t, n, r, f) over H[t, r, f], w[t, r], ids[t, r] -> y[t, n].
    Value down = op.getDown();
    Value downBytes = byteView(rewriter, loc, down);
    Value init = zeroTensor(rewriter, loc, xType, x, {0, 1});
    Value y =
        linalg::GenericOp::create(
            rewriter, loc, xType,
            ValueRange{hidden, op.getExpertWeights(), ids}, init,
            ArrayRef<AffineMap>{map4({d0, d2, d3}), map4({d0, d2}),
                                map4({d0, d2}), map4({d0, d1})},
            {par, par, red, red},
            [&](OpBuilder &b, Location l, ValueRange args) {
              Value e = arith::IndexCastOp::create(b, l, b.getIndexType(),
                                                   args[2]);
              Value n = linalg::IndexOp::create(b, l, 1);
              Value f = linalg::IndexOp::create(b, l, 3);
              Value w = extractWeight(b, l, down, downBytes, {e, n}, f);
              Value scaled = arith::MulFOp::create(b, l, args[0], args[1]);
              Value prod = arith::MulFOp::create(b, l, scaled, w);
              linalg::YieldOp::create(
                  b, l, {arith::AddFOp::create(b, l, args[3], prod)});
            })
            .getResult(0);
    rewriter.replaceOp(op, y);
    return success();
  }
};

} // namespace

void lowering::populateMoEOpPatterns(RewritePatternSet &patterns) {
  patterns.add<MoEExpertsLowering, MoERouterLowering>(patterns.getContext());
}
