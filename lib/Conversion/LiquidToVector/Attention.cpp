//===- Attention.cpp - Attention as blocks of keys with an online softmax -===//
//
// SPDX-License-Identifier: Apache-2.0
//
// This file implements the vector lowering of liquid.attention. After the
// new keys and values are written into the caches, each query token t and
// key/value head walks the keys its query heads may see, [0, position + t],
// in blocks of L (the target's f32 lanes), loading each block once for all
// the query heads that share the key/value head, and keeping per head a
// running maximum m, a running sum l and the output accumulators o
// (head_dim / L vectors):
//
//   s[j]  = dot(q * scale, K[j])                 one vector of L scores
//   s[j]  = -inf where j > position + t          (the causal mask)
//   m'    = max(m, max_j s[j]);  c = exp(m - m')
//   p     = exp(s - m')                          (a vector exponential)
//   l     = l * c + sum_j p[j]
//   o     = o * c + sum_j p[j] * V[j]
//
// and writes o / l. A block's L scores come from L vectors of partial
// products folded together by a tree of shuffles (no reduction per key).
// Keys and values stream through once per token and key/value head, in the
// cache's own layout; nothing is materialized but the vectors. The result
// equals the max-subtracted softmax of the whole row.
//
//===----------------------------------------------------------------------===//

#include "LiquidToVectorPatterns.h"
#include "VectorBuilders.h"

#include "liquid/Dialect/Liquid/LiquidOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

#include <limits>

using namespace mlir;
using namespace mlir::liquid;
using namespace mlir::liquid::vectorize;

namespace {
/// The key-block loop of one query token over one key/value head, for the
/// `G` query heads that share it: each block's keys and values are loaded
/// once for all of them.
struct KeyBlocks {
  OpBuilder &b;
  Location loc;
  int64_t lanes, chunks, capacity, heads;
  Value keys, values;   // The updated caches [kv_heads, capacity, head_dim].
  Value kvHead, last;   // The key/value head; the last visible key.
  ArrayRef<SmallVector<Value>> query; // Per head, the scaled query row.

  VectorType vec() { return VectorType::get({lanes}, b.getF32Type()); }
  Value f32(double v) {
    return arith::ConstantOp::create(b, loc, b.getF32FloatAttr(float(v)));
  }
  Value read(Value cache, Value row, int64_t chunk) {
    return vector::TransferReadOp::create(
        b, loc, vec(), cache,
        ValueRange{kvHead, row, index(b, loc, chunk * lanes)}, f32(0),
        ArrayRef<bool>{true});
  }

  /// The L sums of L vectors of L lanes, as one vector in order: pairs of
  /// vectors are folded into one by adding their lanes' halves (two
  /// shuffles and an add), until one vector holds one sum per lane.
  Value sums(SmallVector<Value> parts) {
    int64_t width = lanes; // Lanes each part's sum still spans.
    while (parts.size() > 1) {
      int64_t keys = lanes / width; // Sums per vector so far.
      SmallVector<int64_t> low, high;
      for (int64_t side = 0; side < 2; ++side)
        for (int64_t k = 0; k < keys; ++k)
          for (int64_t i = 0; i < width / 2; ++i) {
            low.push_back(side * lanes + k * width + i);
            high.push_back(side * lanes + k * width + width / 2 + i);
          }
      SmallVector<Value> next;
      for (size_t i = 0; i < parts.size(); i += 2) {
        Value a = vector::ShuffleOp::create(b, loc, parts[i], parts[i + 1], low);
        Value c =
            vector::ShuffleOp::create(b, loc, parts[i], parts[i + 1], high);
        next.push_back(arith::AddFOp::create(b, loc, a, c));
      }
      parts = std::move(next);
      width /= 2;
    }
    return parts.front();
  }

  /// Yields the new (m..., l..., o...) of every head for the block starting
  /// at key `first`, given the old ones: m and l one scalar per head, o
  /// `chunks` vectors per head.
  SmallVector<Value> step(Value first, ValueRange state) {
    // Keys past the capacity (a last, partial block) read the last row;
    // the mask drops them.
    Value lastRow = index(b, loc, capacity - 1);
    SmallVector<Value> rows;
    for (int64_t j = 0; j < lanes; ++j) {
      Value key = arith::AddIOp::create(b, loc, first, index(b, loc, j));
      rows.push_back(arith::MinUIOp::create(b, loc, key, lastRow));
    }
    // partials[h][j]: lanes of head h's dot product with key j.
    SmallVector<SmallVector<Value>> partials(heads);
    for (int64_t j = 0; j < lanes; ++j) {
      SmallVector<Value> key;
      for (int64_t c = 0; c < chunks; ++c)
        key.push_back(read(keys, rows[j], c));
      for (int64_t h = 0; h < heads; ++h) {
        Value partial = arith::MulFOp::create(b, loc, query[h][0], key[0]);
        for (int64_t c = 1; c < chunks; ++c)
          partial = vector::FMAOp::create(b, loc, query[h][c], key[c], partial);
        partials[h].push_back(partial);
      }
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

    SmallVector<Value> maxima, totals, weights, corrections;
    for (int64_t h = 0; h < heads; ++h) {
      Value scores = arith::SelectOp::create(b, loc, visible,
                                             sums(partials[h]), minusInf);
      Value m = state[h], l = state[heads + h];
      Value blockMax = vector::ReductionOp::create(
          b, loc, vector::CombiningKind::MAXIMUMF, scores);
      Value newMax = arith::MaximumFOp::create(b, loc, m, blockMax);
      Value correction =
          math::ExpOp::create(b, loc, arith::SubFOp::create(b, loc, m, newMax));
      Value p = math::ExpOp::create(
          b, loc,
          arith::SubFOp::create(
              b, loc, scores,
              vector::BroadcastOp::create(b, loc, vec(), newMax)));
      maxima.push_back(newMax);
      totals.push_back(arith::AddFOp::create(
          b, loc, arith::MulFOp::create(b, loc, l, correction),
          vector::ReductionOp::create(b, loc, vector::CombiningKind::ADD, p)));
      weights.push_back(p);
      corrections.push_back(
          vector::BroadcastOp::create(b, loc, vec(), correction));
    }
    // o = o * correction + sum_j p[j] * V[j], each value row loaded once.
    SmallVector<Value> outputs;
    for (int64_t h = 0; h < heads; ++h)
      for (int64_t c = 0; c < chunks; ++c)
        outputs.push_back(arith::MulFOp::create(
            b, loc, state[2 * heads + h * chunks + c], corrections[h]));
    for (int64_t j = 0; j < lanes; ++j) {
      SmallVector<Value> value;
      for (int64_t c = 0; c < chunks; ++c)
        value.push_back(read(values, rows[j], c));
      for (int64_t h = 0; h < heads; ++h) {
        Value weight = vector::BroadcastOp::create(
            b, loc, vec(),
            vector::ExtractOp::create(b, loc, weights[h], ArrayRef<int64_t>{j}));
        for (int64_t c = 0; c < chunks; ++c) {
          Value &o = outputs[h * chunks + c];
          o = vector::FMAOp::create(b, loc, weight, value[c], o);
        }
      }
    }
    SmallVector<Value> out(maxima);
    out.append(totals);
    out.append(outputs);
    return out;
  }
};

} // namespace

Value vectorize::appendRows(OpBuilder &b, Location loc, Value rows,
                            Value cache, Value position) {
  auto rowsType = cast<RankedTensorType>(rows.getType());
  int64_t tokens = rowsType.getDimSize(0), heads = rowsType.getDimSize(1);
  int64_t headDim = rowsType.getDimSize(2);
  // [T, heads, d] -> [heads, T, d], then into [heads, capacity, d].
  Value empty = tensor::EmptyOp::create(
      b, loc, ArrayRef<int64_t>{heads, tokens, headDim},
      rowsType.getElementType());
  Value headMajor =
      linalg::TransposeOp::create(b, loc, rows, empty,
                                  ArrayRef<int64_t>{1, 0, 2})
          .getResult()[0];
  SmallVector<OpFoldResult> offsets = {b.getIndexAttr(0), position,
                                       b.getIndexAttr(0)};
  SmallVector<OpFoldResult> sizes = {b.getIndexAttr(heads),
                                     b.getIndexAttr(tokens),
                                     b.getIndexAttr(headDim)};
  SmallVector<OpFoldResult> strides(3, b.getIndexAttr(1));
  return tensor::InsertSliceOp::create(b, loc, headMajor, cache, offsets,
                                       sizes, strides);
}

namespace {
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
    int64_t kvHeads = cacheType.getDimSize(0);
    int64_t capacity = cacheType.getDimSize(1);
    int64_t lanes = TargetAttr::lookup(op).getLanes();
    if (headDim % lanes)
      return rewriter.notifyMatchFailure(op, "head_dim not whole vectors");
    int64_t chunks = headDim / lanes, group = heads / kvHeads;
    Value position = op.getPosition();

    // The new keys and values, [T, kv_heads, head_dim], at rows
    // [position, position + T) of each head.
    auto append = [&](Value rows, Value cache) -> Value {
      return appendRows(rewriter, loc, rows, cache, position);
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
    auto kvLoop = scf::ForOp::create(tb, loc, c0, index(tb, loc, kvHeads), c1,
                                     tokenLoop.getRegionIterArg(0));
    scf::YieldOp::create(tb, loc, kvLoop.getResult(0));

    OpBuilder b = OpBuilder::atBlockBegin(kvLoop.getBody());
    Value kvHead = kvLoop.getInductionVar();
    auto vec = VectorType::get({lanes}, b.getF32Type());
    Value scale = vector::BroadcastOp::create(
        b, loc, vec,
        arith::ConstantOp::create(
            b, loc, b.getF32FloatAttr(float(op.getScaleOrDefault()))));
    // The group's query heads kvHead * G + h, h < G.
    SmallVector<Value> headIds;
    SmallVector<SmallVector<Value>> query(group);
    Value firstHead = arith::MulIOp::create(b, loc, kvHead, index(b, loc, group));
    for (int64_t h = 0; h < group; ++h) {
      headIds.push_back(
          h ? arith::AddIOp::create(b, loc, firstHead, index(b, loc, h))
                  .getResult()
            : firstHead);
      for (int64_t c = 0; c < chunks; ++c) {
        Value row = vector::TransferReadOp::create(
            b, loc, vec, op.getQuery(),
            ValueRange{t, headIds[h], index(b, loc, c * lanes)},
            arith::ConstantOp::create(b, loc, b.getF32FloatAttr(0)),
            ArrayRef<bool>{true});
        query[h].push_back(arith::MulFOp::create(b, loc, row, scale));
      }
    }
    // Keys [0, last] are visible: ceil((last + 1) / L) blocks.
    Value last = arith::AddIOp::create(b, loc, position, t);
    Value blocks = arith::DivUIOp::create(
        b, loc, arith::AddIOp::create(b, loc, last, index(b, loc, lanes)),
        index(b, loc, lanes));
    SmallVector<Value> state;
    for (int64_t h = 0; h < group; ++h)
      state.push_back(arith::ConstantOp::create(
          b, loc, b.getF32FloatAttr(-std::numeric_limits<float>::infinity())));
    for (int64_t h = 0; h < group; ++h)
      state.push_back(arith::ConstantOp::create(b, loc, b.getF32FloatAttr(0)));
    for (int64_t i = 0; i < group * chunks; ++i)
      state.push_back(splat(b, loc, b.getF32Type(), lanes, 0));
    auto blockLoop = scf::ForOp::create(b, loc, c0, blocks, c1, state);
    {
      OpBuilder kb = OpBuilder::atBlockBegin(blockLoop.getBody());
      Value first = arith::MulIOp::create(kb, loc, blockLoop.getInductionVar(),
                                          index(kb, loc, lanes));
      KeyBlocks step{kb,   loc,    lanes,  chunks, capacity, group,
                     keys, values, kvHead, last,   query};
      scf::YieldOp::create(kb, loc,
                           step.step(first, blockLoop.getRegionIterArgs()));
    }
    Value out = kvLoop.getRegionIterArg(0);
    for (int64_t h = 0; h < group; ++h) {
      Value inverse = vector::BroadcastOp::create(
          b, loc, vec,
          arith::DivFOp::create(
              b, loc, arith::ConstantOp::create(b, loc, b.getF32FloatAttr(1)),
              blockLoop.getResult(group + h)));
      for (int64_t c = 0; c < chunks; ++c)
        out = write(b, loc,
                    arith::MulFOp::create(
                        b, loc, blockLoop.getResult(2 * group + h * chunks + c),
                        inverse),
                    out, ValueRange{t, headIds[h], index(b, loc, c * lanes)});
    }
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
