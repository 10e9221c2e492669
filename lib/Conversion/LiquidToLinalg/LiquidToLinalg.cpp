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

/// True when `v` is a tensor of f32, f16 or bf16.
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

//===----------------------------------------------------------------------===//
// Block-quantized weights
//===----------------------------------------------------------------------===//

/// How one element of a block is stored, for the formats lowered here.
struct BlockLayout {
  int64_t block;   ///< Elements per block.
  int64_t bits;    ///< 8 or 4.
  bool offset8;    ///< Q4_0: unsigned nibble minus 8; else two's complement.
  bool splitHalves; ///< Q4_0: element j < 16 in the low nibbles of bytes 0..15,
                    ///< j >= 16 in the high ones; else two nibbles per byte in
                    ///< order, low first.
};

static std::optional<BlockLayout> blockLayout(Type element) {
  if (isa<Q8_0Type>(element))
    return BlockLayout{32, 8, false, false};
  if (isa<Q4_0Type>(element))
    return BlockLayout{32, 4, true, true};
  if (auto g = dyn_cast<GroupQuantType>(element))
    return BlockLayout{g.getGroup(), g.getBits(), false, false};
  return std::nullopt;
}

/// True when the weight's storage type has a lowering here.
static bool isLowerable(Value weight) {
  Type element = cast<ShapedType>(weight.getType()).getElementType();
  return isa<FloatType>(element) || blockLayout(element).has_value();
}

/// The byte holding element `j` of a block (after the 2 scale bytes).
static AffineExpr valueByte(const BlockLayout &l, AffineExpr j) {
  if (l.bits == 8)
    return j + 2;
  return l.splitHalves ? j % (l.block / 2) + 2 : j.floorDiv(2) + 2;
}

/// The f16 scale of a block from its two little-endian bytes, as f32.
static Value decodeScale(OpBuilder &b, Location loc, Value lo, Value hi) {
  Type i16 = b.getI16Type();
  Value l16 = arith::ExtUIOp::create(b, loc, i16, lo);
  Value h16 = arith::ExtUIOp::create(b, loc, i16, hi);
  Value shifted = arith::ShLIOp::create(
      b, loc, h16, arith::ConstantOp::create(b, loc, b.getI16IntegerAttr(8)));
  Value bits = arith::OrIOp::create(b, loc, l16, shifted);
  Value half = arith::BitcastOp::create(b, loc, b.getF16Type(), bits);
  return toF32(b, loc, half);
}

/// The signed integer value of element `j` (an index) stored in `byte`.
static Value decodeValue(OpBuilder &b, Location loc, const BlockLayout &l,
                         Value byte, Value j) {
  Type i8 = b.getI8Type();
  if (l.bits == 8)
    return arith::SIToFPOp::create(b, loc, b.getF32Type(), byte);
  auto c8 = [&](int64_t v) {
    return arith::ConstantOp::create(b, loc, b.getIntegerAttr(i8, v));
  };
  auto cIdx = [&](int64_t v) { return arith::ConstantIndexOp::create(b, loc, v); };
  // Low nibble for the first half (Q4_0) or even elements, high otherwise.
  Value low = l.splitHalves
                  ? arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, j,
                                          cIdx(l.block / 2))
                  : arith::CmpIOp::create(
                        b, loc, arith::CmpIPredicate::eq,
                        arith::RemUIOp::create(b, loc, j, cIdx(2)), cIdx(0));
  Value nibble = arith::SelectOp::create(
      b, loc, low, arith::AndIOp::create(b, loc, byte, c8(15)),
      arith::ShRUIOp::create(b, loc, byte, c8(4)));
  Value value =
      l.offset8
          ? Value(arith::SubIOp::create(b, loc, nibble, c8(8)))
          : Value(arith::ShRSIOp::create(
                b, loc, arith::ShLIOp::create(b, loc, nibble, c8(4)), c8(4)));
  return arith::SIToFPOp::create(b, loc, b.getF32Type(), value);
}

/// `result[..., n] = sum_k x[..., k] * dequant(w)[n, k]` over loops
/// (d_0 .. d_{r-2}, n, kb, j) with k = kb * block + j, reading the scale and
/// value bytes of the weight's byte view in place.
static Value buildQuantizedLinear(OpBuilder &b, Location loc, Value x,
                                  Value w, RankedTensorType resultType) {
  MLIRContext *ctx = b.getContext();
  auto wType = cast<RankedTensorType>(w.getType());
  BlockLayout l = *blockLayout(wType.getElementType());
  Value bytes = BitcastOp::create(b, loc, BitcastOp::getByteType(wType), w);

  // Split x's innermost dimension into [blocks, block] so every loop is a
  // plain dimension of some operand (linalg infers loop bounds from them).
  int64_t rank = resultType.getRank(), loops = rank + 2;
  auto xType = cast<RankedTensorType>(x.getType());
  SmallVector<int64_t> blockedShape(xType.getShape());
  blockedShape.back() /= l.block;
  blockedShape.push_back(l.block);
  SmallVector<OpFoldResult> blockedSizes;
  for (int64_t i = 0; i < rank - 1; ++i)
    blockedSizes.push_back(
        xType.isDynamicDim(i)
            ? OpFoldResult(tensor::DimOp::create(b, loc, x, i).getResult())
            : OpFoldResult(b.getIndexAttr(xType.getDimSize(i))));
  blockedSizes.push_back(b.getIndexAttr(blockedShape[rank - 1]));
  blockedSizes.push_back(b.getIndexAttr(l.block));
  SmallVector<ReassociationIndices> groups;
  for (int64_t i = 0; i < rank - 1; ++i)
    groups.push_back({i});
  groups.push_back({rank - 1, rank});
  Value blocked = tensor::ExpandShapeOp::create(
      b, loc, RankedTensorType::get(blockedShape, xType.getElementType()), x,
      groups, blockedSizes);

  SmallVector<AffineExpr> lead;
  for (int64_t i = 0; i < rank - 1; ++i)
    lead.push_back(getAffineDimExpr(i, ctx));
  AffineExpr n = getAffineDimExpr(rank - 1, ctx);
  AffineExpr kb = getAffineDimExpr(rank, ctx);
  AffineExpr j = getAffineDimExpr(rank + 1, ctx);
  auto withLead = [&](ArrayRef<AffineExpr> tail) {
    SmallVector<AffineExpr> exprs = lead;
    exprs.append(tail.begin(), tail.end());
    return AffineMap::get(loops, 0, exprs, ctx);
  };
  auto byteAt = [&](AffineExpr offset) {
    return AffineMap::get(loops, 0, {n, kb, offset}, ctx);
  };
  SmallVector<AffineMap> maps = {
      withLead({kb, j}), byteAt(getAffineConstantExpr(0, ctx)),
      byteAt(getAffineConstantExpr(1, ctx)), byteAt(valueByte(l, j)),
      withLead({n})};
  SmallVector<utils::IteratorType> iterators(loops,
                                             utils::IteratorType::parallel);
  iterators[rank] = iterators[rank + 1] = utils::IteratorType::reduction;
  Value init = zeroTensor(b, loc, resultType, x, iota(rank));
  return linalg::GenericOp::create(
             b, loc, resultType, ValueRange{blocked, bytes, bytes, bytes}, init,
             maps, iterators,
             [&](OpBuilder &nb, Location nl, ValueRange args) {
               Value scale = decodeScale(nb, nl, args[1], args[2]);
               Value jIdx = linalg::IndexOp::create(nb, nl, rank + 1);
               Value q = decodeValue(nb, nl, l, args[3], jIdx);
               Value weight = arith::MulFOp::create(nb, nl, scale, q);
               Value prod = arith::MulFOp::create(nb, nl, args[0], weight);
               linalg::YieldOp::create(
                   nb, nl, {arith::AddFOp::create(nb, nl, args[4], prod)});
             })
      .getResult(0);
}

/// A linear layer over any weight storage lowered here.
static Value buildAnyLinear(OpBuilder &b, Location loc, Value x, Value w,
                            RankedTensorType resultType) {
  if (isFloatTensor(w))
    return buildLinear(b, loc, x, w, resultType);
  return buildQuantizedLinear(b, loc, x, w, resultType);
}

/// Element `col` of row `row` of a weight, dequantized to f32, read with
/// tensor.extract (for gathers).
static Value extractWeight(OpBuilder &b, Location loc, Value w, Value bytes,
                           Value row, Value col) {
  if (!bytes)
    return toF32(b, loc,
                 tensor::ExtractOp::create(b, loc, w, ValueRange{row, col}));
  BlockLayout l =
      *blockLayout(cast<ShapedType>(w.getType()).getElementType());
  auto cIdx = [&](int64_t v) { return arith::ConstantIndexOp::create(b, loc, v); };
  Value kb = arith::DivUIOp::create(b, loc, col, cIdx(l.block));
  Value j = arith::RemUIOp::create(b, loc, col, cIdx(l.block));
  auto byte = [&](Value offset) {
    return tensor::ExtractOp::create(b, loc, bytes, ValueRange{row, kb, offset});
  };
  Value scale = decodeScale(b, loc, byte(cIdx(0)), byte(cIdx(1)));
  Value offset;
  if (l.bits == 8)
    offset = arith::AddIOp::create(b, loc, j, cIdx(2));
  else if (l.splitHalves)
    offset = arith::AddIOp::create(
        b, loc, arith::RemUIOp::create(b, loc, j, cIdx(l.block / 2)), cIdx(2));
  else
    offset = arith::AddIOp::create(
        b, loc, arith::DivUIOp::create(b, loc, j, cIdx(2)), cIdx(2));
  Value q = decodeValue(b, loc, l, byte(offset), j);
  return arith::MulFOp::create(b, loc, scale, q);
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
    if (!isLowerable(op.getGate()) || !isLowerable(op.getUp()) ||
        !isLowerable(op.getDown()))
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
    auto tableType = cast<RankedTensorType>(table.getType());
    Value bytes;
    if (!isFloatTensor(table))
      bytes = BitcastOp::create(rewriter, loc,
                                BitcastOp::getByteType(tableType), table);
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
        [](LinearOp op) { return !isLowerable(op.getWeight()); });
    target.addDynamicallyLegalOp<EmbedOp>(
        [](EmbedOp op) { return !isLowerable(op.getTable()); });
    target.addDynamicallyLegalOp<FFNOp>([](FFNOp op) {
      return !isLowerable(op.getGate()) || !isLowerable(op.getUp()) ||
             !isLowerable(op.getDown());
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
