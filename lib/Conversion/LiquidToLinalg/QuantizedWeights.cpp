//===- QuantizedWeights.cpp - Reading block-quantized weights in linalg ---===//
//
// SPDX-License-Identifier: Apache-2.0
//
// This file implements the contractions and gathers over weights stored as
// GGUF Q8_0 / Q4_0 blocks or liquid's int8 / int4 groups: the weight's byte
// view (liquid.bitcast) is read in place and each element is decoded in the
// linalg body from its block's f16 scale and its 8- or 4-bit value.
//
//===----------------------------------------------------------------------===//

#include "LoweringUtils.h"

#include "liquid/Dialect/Liquid/LiquidOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;
using namespace mlir::liquid;
using namespace mlir::liquid::lowering;

namespace {
/// How one element of a block is stored, for the formats lowered here.
struct BlockLayout {
  int64_t block;   ///< Elements per block.
  int64_t bits;    ///< 8 or 4.
  bool offset8;    ///< Q4_0: unsigned nibble minus 8; else two's complement.
  bool splitHalves; ///< Q4_0: element j < 16 in the low nibbles of bytes 0..15,
                    ///< j >= 16 in the high ones; else two nibbles per byte in
                    ///< order, low first.
};
} // namespace

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
bool lowering::isLowerable(Value weight) {
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
Value lowering::buildAnyLinear(OpBuilder &b, Location loc, Value x, Value w,
                            RankedTensorType resultType) {
  if (isFloatTensor(w))
    return buildLinear(b, loc, x, w, resultType);
  return buildQuantizedLinear(b, loc, x, w, resultType);
}

Value lowering::extractWeight(OpBuilder &b, Location loc, Value w, Value bytes,
                              ValueRange lead, Value col) {
  if (!bytes) {
    SmallVector<Value> indices(lead);
    indices.push_back(col);
    return toF32(b, loc, tensor::ExtractOp::create(b, loc, w, indices));
  }
  BlockLayout l =
      *blockLayout(cast<ShapedType>(w.getType()).getElementType());
  auto cIdx = [&](int64_t v) { return arith::ConstantIndexOp::create(b, loc, v); };
  Value kb = arith::DivUIOp::create(b, loc, col, cIdx(l.block));
  Value j = arith::RemUIOp::create(b, loc, col, cIdx(l.block));
  auto byte = [&](Value offset) {
    SmallVector<Value> indices(lead);
    indices.append({kb, offset});
    return tensor::ExtractOp::create(b, loc, bytes, indices);
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

Value lowering::byteView(OpBuilder &b, Location loc, Value w) {
  if (isFloatTensor(w))
    return Value();
  auto type = cast<RankedTensorType>(w.getType());
  return BitcastOp::create(b, loc, BitcastOp::getByteType(type), w);
}
