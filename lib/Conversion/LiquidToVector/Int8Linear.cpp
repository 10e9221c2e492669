//===- Int8Linear.cpp - The int8 matrix micro-kernel ----------------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// This file implements the lowering of an int8 liquid.linear
// (!liquid.q8_act input [T, K], !liquid.panels weight [N, K]) to a
// register-tiled loop nest of vector code:
//
//   for each tile of P slices (L rows each, one per 32-bit vector lane)
//     for each tile of M tokens (M x P accumulators of L lanes)
//       for each block b of 32 columns, for each slice of the tile
//         load the slice's value groups for the block once
//         for each group g of 4 columns, for each token m:
//           acc_i[m][p][g % S] = dot4(..., values[g], x[m] columns 4g..4g+3)
//         acc[m][p] += float(sum of acc_i[m][p]) * scales[p] * d_x[m, b]
//       write the M x P results
//
// A panel of R rows (the weight's type) holds R / L slices side by side, so
// a tile of slices within one panel reads one contiguous stream of weights.
// acc_i starts at -zero_point * sum_x[m, b], which removes the constant the
// stored value bytes carry (PanelLayout::zeroPoint). Prefill tiles tokens
// (M up to 8, one slice): each value load feeds M dot products. Decode (one
// token) tiles slices (P = 4) and splits each slice's eight dot products
// over S = 2 chains, so eight independent chains hide the dot product's
// latency and four slices' loads are in flight. L is the target's lanes;
// M, P and S are chosen to fit its vector registers.
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

namespace {
/// The register tile: M tokens x P panels, each with S dot product chains.
struct Tile {
  int64_t tokens = 1, panels = 1, chains = 1;
};
} // namespace

/// The tile for `tokens` tokens over slices of which `slices` lie side by
/// side (in one panel, or panels of one slice) on `target`: the most tokens
/// (a divisor of `tokens`, up to kMaxTokens) whose f32 and i32
/// accumulators, a block's value vectors and a few temporaries fit the
/// vector registers; with fewer than 4 tokens, up to 4 slices (a divisor of
/// `slices`) and two chains each, for independent work.
static Tile chooseTile(int64_t tokens, int64_t slices, TargetAttr target) {
  int64_t registers = target.getVectorRegisters();
  Tile tile;
  int64_t limit = std::max<int64_t>(
      1, std::min(kMaxTokens, (registers - kGroups - 4) / 2));
  for (int64_t m = limit; m >= 1; --m)
    if (tokens % m == 0) {
      tile.tokens = m;
      break;
    }
  if (tile.tokens >= 4)
    return tile;
  for (int64_t p : {4, 2})
    if (slices % p == 0 && tile.tokens * p * 3 + kGroups <= registers) {
      tile.panels = p;
      break;
    }
  tile.chains = 2;
  return tile;
}

namespace {
/// Builds the body of the block loop.
struct BlockStep {
  OpBuilder &b;
  Location loc;
  const PanelLayout &layout;
  Tile tile;
  int64_t lanesPerSlice;
  Value x, w, blk;        // Activation bytes, weight bytes, block.
  ArrayRef<Value> panels; // Per slice of the tile: its panel,
  ArrayRef<Value> lanes_; // and its first row in the panel.
  ArrayRef<Value> rows;   // The tile's token indices.

  Value add(Value a, Value c) { return arith::AddIOp::create(b, loc, a, c); }
  Value mul(Value a, int64_t c) {
    return arith::MulIOp::create(b, loc, a, index(b, loc, c));
  }
  VectorType lanes(Type element) {
    return VectorType::get({lanesPerSlice}, element);
  }

  /// The block's scales in slice `i` of the tile, one f32 per row.
  Value scales(int64_t i) {
    int64_t R = layout.rows(), L = lanesPerSlice;
    Value at = add(add(index(b, loc, layout.scaleOffset(0)), mul(blk, 2 * R)),
                   mul(lanes_[i], 2));
    Value raw = readBytes(b, loc, w, ValueRange{panels[i], at}, 2 * L);
    Value halves = vector::BitCastOp::create(b, loc, lanes(b.getF16Type()), raw);
    return arith::ExtFOp::create(b, loc, lanes(b.getF32Type()), halves);
  }

  /// The eight value vectors of the block in slice `i` of the tile: group g
  /// holds every row's columns 4g .. 4g + 3 as unsigned bytes.
  SmallVector<Value> values(int64_t i) {
    int64_t R = layout.rows(), L = lanesPerSlice;
    SmallVector<Value> out(kGroups);
    Value base = add(mul(blk, layout.groups() * 4 * R), mul(lanes_[i], 4));
    for (int64_t g = 0; g < layout.groups(); ++g) {
      Value at = add(base, index(b, loc, layout.groupOffset(0, g)));
      Value raw = readBytes(b, loc, w, ValueRange{panels[i], at}, 4 * L);
      if (!layout.isNibbles()) {
        out[g] = raw;
        continue;
      }
      Value low = splat(b, loc, b.getI8Type(), 4 * L, 0x0F);
      Value four = splat(b, loc, b.getI8Type(), 4 * L, 4);
      out[g] = arith::AndIOp::create(b, loc, raw, low);
      out[g + 4] = arith::AndIOp::create(
          b, loc, arith::ShRUIOp::create(b, loc, raw, four), low);
    }
    return out;
  }

  /// Token `t`'s columns 4g .. 4g + 3 of the block, repeated for every row.
  Value broadcastGroup(Value t, int64_t g) {
    int64_t L = lanesPerSlice;
    Value word = readScalar(b, loc, x, ValueRange{t, blk, index(b, loc, 4 * g)},
                            b.getI32Type());
    Value repeated =
        vector::BroadcastOp::create(b, loc, lanes(b.getI32Type()), word);
    return vector::BitCastOp::create(
        b, loc, VectorType::get({4 * L}, b.getI8Type()), repeated);
  }

  /// The new f32 accumulators of the tile after this block, token-major
  /// (accumulators[m * panels + p]).
  SmallVector<Value> run(ValueRange accumulators) {
    Type i32 = b.getI32Type();
    Value zero = splat(b, loc, i32, lanesPerSlice, 0);
    // Token t's chains start at -zero_point * sum: the first chain of each
    // panel carries the correction, the others start at zero.
    SmallVector<Value> broadcasts, starts;
    for (Value t : rows) {
      Value sum = readScalar(b, loc, x, ValueRange{t, blk, index(b, loc, 36)},
                             i32);
      Value start = arith::MulIOp::create(
          b, loc, sum,
          arith::ConstantIntOp::create(b, loc, i32, -layout.zeroPoint()));
      starts.push_back(vector::BroadcastOp::create(b, loc, lanes(i32), start));
    }
    for (Value t : rows)
      for (int64_t g = 0; g < kGroups; ++g)
        broadcasts.push_back(broadcastGroup(t, g));
    int64_t M = tile.tokens, P = tile.panels, S = tile.chains;
    // chains[(m * P + p) * S + s]
    SmallVector<Value> chains;
    for (int64_t m = 0; m < M; ++m)
      for (int64_t p = 0; p < P; ++p)
        for (int64_t c = 0; c < S; ++c)
          chains.push_back(c ? zero : starts[m]);
    SmallVector<Value> weightScales;
    for (int64_t p = 0; p < P; ++p) {
      SmallVector<Value> groups = values(p);
      for (int64_t g = 0; g < kGroups; ++g)
        for (int64_t m = 0; m < M; ++m) {
          Value &chain = chains[(m * P + p) * S + g % S];
          chain = Dot4Op::create(b, loc, chain.getType(), chain, groups[g],
                                 broadcasts[m * kGroups + g],
                                 layout.valueBits());
        }
      weightScales.push_back(scales(p));
    }
    SmallVector<Value> out;
    for (auto [m, t] : llvm::enumerate(rows)) {
      Value d = readScalar(b, loc, x, ValueRange{t, blk, index(b, loc, 32)},
                           b.getF32Type());
      Value dx = vector::BroadcastOp::create(b, loc, lanes(b.getF32Type()), d);
      for (int64_t p = 0; p < P; ++p) {
        Value exact = chains[(m * P + p) * S];
        for (int64_t c = 1; c < S; ++c)
          exact = arith::AddIOp::create(b, loc, exact,
                                        chains[(m * P + p) * S + c]);
        Value scale = arith::MulFOp::create(b, loc, weightScales[p], dx);
        Value exactF = arith::SIToFPOp::create(b, loc, lanes(b.getF32Type()),
                                               exact);
        out.push_back(vector::FMAOp::create(b, loc, exactF, scale,
                                            accumulators[m * P + p]));
      }
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
    int64_t L = std::min<int64_t>(R, TargetAttr::lookup(op).getLanes());
    if (R % L)
      return rewriter.notifyMatchFailure(op, "panel rows not whole vectors");
    int64_t perPanel = R / L, slices = outputs / L;
    Tile tile = chooseTile(tokens, perPanel > 1 ? perPanel : slices,
                           TargetAttr::lookup(op));
    int64_t M = tile.tokens, P = tile.panels;

    Value x = BitcastOp::viewAsBytes(rewriter, loc, op.getInput());
    Value w = BitcastOp::viewAsBytes(rewriter, loc, op.getWeight());
    Value init = tensor::EmptyOp::create(rewriter, loc,
                                         ArrayRef<int64_t>{tokens, outputs},
                                         rewriter.getF32Type());
    Value c0 = index(rewriter, loc, 0), c1 = index(rewriter, loc, 1);

    auto sliceLoop =
        scf::ForOp::create(rewriter, loc, c0, index(rewriter, loc, slices),
                           index(rewriter, loc, P), init);
    OpBuilder pb = OpBuilder::atBlockBegin(sliceLoop.getBody());
    Value s0 = sliceLoop.getInductionVar();
    auto tileLoop =
        scf::ForOp::create(pb, loc, c0, index(pb, loc, tokens),
                           index(pb, loc, M), sliceLoop.getRegionIterArg(0));
    scf::YieldOp::create(pb, loc, tileLoop.getResult(0));

    OpBuilder tb = OpBuilder::atBlockBegin(tileLoop.getBody());
    Value t0 = tileLoop.getInductionVar();
    auto offsets = [&](Value first, int64_t count) {
      SmallVector<Value> out = {first};
      for (int64_t i = 1; i < count; ++i)
        out.push_back(arith::AddIOp::create(tb, loc, first, index(tb, loc, i)));
      return out;
    };
    SmallVector<Value> rows = offsets(t0, M), sliceIds = offsets(s0, P);
    // Slice s is rows [s * L, (s + 1) * L): panel s / (R / L), from row
    // (s mod (R / L)) * L of the panel.
    SmallVector<Value> panelIds, laneIds;
    for (Value slice : sliceIds) {
      Value per = index(tb, loc, perPanel);
      panelIds.push_back(arith::DivUIOp::create(tb, loc, slice, per));
      laneIds.push_back(arith::MulIOp::create(
          tb, loc, arith::RemUIOp::create(tb, loc, slice, per),
          index(tb, loc, L)));
    }
    SmallVector<Value> zeros(M * P, splat(tb, loc, tb.getF32Type(), L, 0));
    auto blockLoop = scf::ForOp::create(
        tb, loc, c0, index(tb, loc, layout.blocks()), c1, zeros);
    {
      OpBuilder bb = OpBuilder::atBlockBegin(blockLoop.getBody());
      BlockStep step{bb,       loc,     layout, tile, L,   x, w,
                     blockLoop.getInductionVar(), panelIds, laneIds, rows};
      scf::YieldOp::create(bb, loc, step.run(blockLoop.getRegionIterArgs()));
    }
    Value y = tileLoop.getRegionIterArg(0);
    for (auto [m, t] : llvm::enumerate(rows))
      for (auto [p, slice] : llvm::enumerate(sliceIds)) {
        Value column = arith::MulIOp::create(tb, loc, slice, index(tb, loc, L));
        y = write(tb, loc, blockLoop.getResult(m * P + p), y,
                  ValueRange{t, column});
      }
    scf::YieldOp::create(tb, loc, y);

    rewriter.replaceOp(op, sliceLoop.getResult(0));
    return success();
  }
};
} // namespace

void mlir::liquid::vectorize::populateInt8LinearPatterns(
    RewritePatternSet &patterns) {
  patterns.add<Int8LinearLowering>(patterns.getContext());
}
