//===- Attention.cpp - Attention as blocks of keys with an online softmax -===//
//
// SPDX-License-Identifier: Apache-2.0
//
// This file implements the vector lowering of liquid.attention. After the
// new keys and values are written into the caches, each query token t and
// head h walks the keys it may see, [0, position + t], in blocks of L (the
// target's f32 lanes), keeping a running maximum m, a running sum l and the
// output accumulators o (head_dim / L vectors):
//
//   s[j]  = dot(q * scale, K[j])                 one vector of L scores
//   s[j]  = -inf where j > position + t          (the causal mask)
//   m'    = max(m, max_j s[j]);  c = exp(m - m')
//   p     = exp(s - m')                          (a vector exponential)
//   l     = l * c + sum_j p[j]
//   o     = o * c + sum_j p[j] * V[j]
//
// and writes o / l. Keys and values stream through once per query, in the
// cache's own layout; nothing is materialized but the vectors. The result
// equals the max-subtracted softmax of the whole row.
//
//===----------------------------------------------------------------------===//

#include "LiquidToVectorPatterns.h"
#include "VectorBuilders.h"

#include "liquid/Dialect/Liquid/LiquidOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

#include <limits>

using namespace mlir;
using namespace mlir::liquid;
using namespace mlir::liquid::vectorize;

namespace {
/// The key-block loop of one query row.
struct KeyBlocks {
  OpBuilder &b;
  Location loc;
  int64_t lanes, chunks, capacity;
  Value keys, values;   // The updated caches [capacity, kv_heads, head_dim].
  Value kvHead, last;   // The key/value head; the last visible key.
  ArrayRef<Value> query; // The query row, scaled, in `chunks` vectors.

  VectorType vec() { return VectorType::get({lanes}, b.getF32Type()); }
  Value f32(double v) {
    return arith::ConstantOp::create(b, loc, b.getF32FloatAttr(float(v)));
  }
  Value read(Value cache, Value row, int64_t chunk) {
    Value zero = f32(0);
    return vector::TransferReadOp::create(
        b, loc, vec(), cache, ValueRange{row, kvHead, index(b, loc, chunk * lanes)},
        zero, ArrayRef<bool>{true});
  }

  /// Yields (m', l', o'...) for the block starting at key `first`, given
  /// (m, l, o...).
  SmallVector<Value> step(Value first, ValueRange state) {
    Value m = state[0], l = state[1];
    // Keys past the capacity (a last, partial block) read the last row;
    // the mask drops them.
    Value lastRow = index(b, loc, capacity - 1);
    SmallVector<Value> rows;
    for (int64_t j = 0; j < lanes; ++j) {
      Value key = arith::AddIOp::create(b, loc, first, index(b, loc, j));
      rows.push_back(arith::MinUIOp::create(b, loc, key, lastRow));
    }
    Value scores = splat(b, loc, b.getF32Type(), lanes, 0);
    for (int64_t j = 0; j < lanes; ++j) {
      Value partial;
      for (int64_t c = 0; c < chunks; ++c) {
        Value product = read(keys, rows[j], c);
        partial = partial ? vector::FMAOp::create(b, loc, query[c], product,
                                                  partial)
                                .getResult()
                          : arith::MulFOp::create(b, loc, query[c], product)
                                .getResult();
      }
      Value dot =
          vector::ReductionOp::create(b, loc, vector::CombiningKind::ADD, partial);
      scores = vector::InsertOp::create(b, loc, dot, scores,
                                        ArrayRef<int64_t>{j});
    }
    // Causal mask: key first + j is visible when it is <= last.
    SmallVector<int64_t> iota;
    for (int64_t j = 0; j < lanes; ++j)
      iota.push_back(j);
    auto indexVec = VectorType::get({lanes}, b.getIndexType());
    Value keyIds = arith::AddIOp::create(
        b, loc, vector::BroadcastOp::create(b, loc, indexVec, first),
        arith::ConstantOp::create(b, loc, b.getIndexVectorAttr(iota)));
    Value visible = arith::CmpIOp::create(
        b, loc, arith::CmpIPredicate::ule, keyIds,
        vector::BroadcastOp::create(b, loc, indexVec, last));
    Value minusInf = splat(b, loc, b.getF32Type(), lanes,
                           -std::numeric_limits<float>::infinity());
    scores = arith::SelectOp::create(b, loc, visible, scores, minusInf);

    Value blockMax = vector::ReductionOp::create(
        b, loc, vector::CombiningKind::MAXIMUMF, scores);
    Value newMax = arith::MaximumFOp::create(b, loc, m, blockMax);
    Value correction =
        math::ExpOp::create(b, loc, arith::SubFOp::create(b, loc, m, newMax));
    Value p = math::ExpOp::create(
        b, loc,
        arith::SubFOp::create(
            b, loc, scores, vector::BroadcastOp::create(b, loc, vec(), newMax)));
    Value sum = arith::AddFOp::create(
        b, loc, arith::MulFOp::create(b, loc, l, correction),
        vector::ReductionOp::create(b, loc, vector::CombiningKind::ADD, p));
    SmallVector<Value> out = {newMax, sum};
    Value scale = vector::BroadcastOp::create(b, loc, vec(), correction);
    for (int64_t c = 0; c < chunks; ++c) {
      Value o = arith::MulFOp::create(b, loc, state[2 + c], scale);
      for (int64_t j = 0; j < lanes; ++j) {
        Value weight = vector::BroadcastOp::create(
            b, loc, vec(),
            vector::ExtractOp::create(b, loc, p, ArrayRef<int64_t>{j}));
        o = vector::FMAOp::create(b, loc, weight, read(values, rows[j], c), o);
      }
      out.push_back(o);
    }
    return out;
  }
};

struct AttentionLowering : OpRewritePattern<AttentionOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(AttentionOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto qType = cast<RankedTensorType>(op.getQuery().getType());
    auto cacheType = cast<RankedTensorType>(op.getKeyCache().getType());
    if (!qType.hasStaticShape() || !cacheType.hasStaticShape())
      return rewriter.notifyMatchFailure(op, "static shapes only");
    int64_t tokens = qType.getDimSize(0), heads = qType.getDimSize(1);
    int64_t headDim = qType.getDimSize(2);
    int64_t kvHeads = cacheType.getDimSize(1);
    int64_t capacity = cacheType.getDimSize(0);
    int64_t lanes = TargetAttr::lookup(op).getLanes();
    if (headDim % lanes)
      return rewriter.notifyMatchFailure(op, "head_dim not whole vectors");
    int64_t chunks = headDim / lanes, group = heads / kvHeads;
    Value position = op.getPosition();

    // The new keys and values at rows [position, position + T).
    auto append = [&](Value rows, Value cache) -> Value {
      SmallVector<OpFoldResult> offsets = {position, rewriter.getIndexAttr(0),
                                           rewriter.getIndexAttr(0)};
      SmallVector<OpFoldResult> sizes = {rewriter.getIndexAttr(tokens),
                                         rewriter.getIndexAttr(kvHeads),
                                         rewriter.getIndexAttr(headDim)};
      SmallVector<OpFoldResult> strides(3, rewriter.getIndexAttr(1));
      return tensor::InsertSliceOp::create(rewriter, loc, rows, cache, offsets,
                                           sizes, strides);
    };
    Value keys = append(op.getKey(), op.getKeyCache());
    Value values = append(op.getValue(), op.getValueCache());

    Value init = tensor::EmptyOp::create(rewriter, loc, qType.getShape(),
                                         rewriter.getF32Type());
    Value c0 = index(rewriter, loc, 0), c1 = index(rewriter, loc, 1);
    auto tokenLoop = scf::ForOp::create(rewriter, loc, c0,
                                        index(rewriter, loc, tokens), c1, init);
    OpBuilder tb = OpBuilder::atBlockBegin(tokenLoop.getBody());
    Value t = tokenLoop.getInductionVar();
    auto headLoop = scf::ForOp::create(tb, loc, c0, index(tb, loc, heads), c1,
                                       tokenLoop.getRegionIterArg(0));
    scf::YieldOp::create(tb, loc, headLoop.getResult(0));

    OpBuilder b = OpBuilder::atBlockBegin(headLoop.getBody());
    Value h = headLoop.getInductionVar();
    Value kvHead = arith::DivUIOp::create(b, loc, h, index(b, loc, group));
    auto vec = VectorType::get({lanes}, b.getF32Type());
    Value scale = vector::BroadcastOp::create(
        b, loc, vec,
        arith::ConstantOp::create(
            b, loc, b.getF32FloatAttr(float(op.getScaleOrDefault()))));
    SmallVector<Value> query;
    for (int64_t c = 0; c < chunks; ++c) {
      Value row = vector::TransferReadOp::create(
          b, loc, vec, op.getQuery(), ValueRange{t, h, index(b, loc, c * lanes)},
          arith::ConstantOp::create(b, loc, b.getF32FloatAttr(0)),
          ArrayRef<bool>{true});
      query.push_back(arith::MulFOp::create(b, loc, row, scale));
    }
    // Keys [0, last] are visible: ceil((last + 1) / L) blocks.
    Value last = arith::AddIOp::create(b, loc, position, t);
    Value blocks = arith::DivUIOp::create(
        b, loc, arith::AddIOp::create(b, loc, last, index(b, loc, lanes)),
        index(b, loc, lanes));
    SmallVector<Value> state = {
        arith::ConstantOp::create(
            b, loc, b.getF32FloatAttr(-std::numeric_limits<float>::infinity())),
        arith::ConstantOp::create(b, loc, b.getF32FloatAttr(0))};
    for (int64_t c = 0; c < chunks; ++c)
      state.push_back(splat(b, loc, b.getF32Type(), lanes, 0));
    auto blockLoop = scf::ForOp::create(b, loc, c0, blocks, c1, state);
    {
      OpBuilder kb = OpBuilder::atBlockBegin(blockLoop.getBody());
      Value first = arith::MulIOp::create(kb, loc, blockLoop.getInductionVar(),
                                          index(kb, loc, lanes));
      KeyBlocks step{kb, loc, lanes, chunks, capacity, keys, values, kvHead,
                     last, query};
      scf::YieldOp::create(kb, loc,
                           step.step(first, blockLoop.getRegionIterArgs()));
    }
    Value inverse = vector::BroadcastOp::create(
        b, loc, vec,
        arith::DivFOp::create(
            b, loc, arith::ConstantOp::create(b, loc, b.getF32FloatAttr(1)),
            blockLoop.getResult(1)));
    Value out = headLoop.getRegionIterArg(0);
    for (int64_t c = 0; c < chunks; ++c)
      out = write(b, loc,
                  arith::MulFOp::create(b, loc, blockLoop.getResult(2 + c),
                                        inverse),
                  out, ValueRange{t, h, index(b, loc, c * lanes)});
    scf::YieldOp::create(b, loc, out);

    rewriter.replaceOp(op, {tokenLoop.getResult(0), keys, values});
    return success();
  }
};
} // namespace

void mlir::liquid::vectorize::populateAttentionPatterns(
    RewritePatternSet &patterns) {
  patterns.add<AttentionLowering>(patterns.getContext());
}
