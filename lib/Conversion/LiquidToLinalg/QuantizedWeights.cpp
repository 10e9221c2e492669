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

/// A nibble of `byte` as a signed value (see decodeValue): the low one when
/// `low` is true.
static Value decodeNibble(OpBuilder &b, Location loc, const BlockLayout &l,
                          Value byte, Value low) {
  auto c8 = [&](int64_t v) {
    return arith::ConstantOp::create(b, loc, b.getIntegerAttr(b.getI8Type(), v));
  };
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

/// The signed integer value of element `j` (an index) stored in `byte`.
static Value decodeValue(OpBuilder &b, Location loc, const BlockLayout &l,
                         Value byte, Value j) {
  if (l.bits == 8)
    return arith::SIToFPOp::create(b, loc, b.getF32Type(), byte);
  auto cIdx = [&](int64_t v) { return arith::ConstantIndexOp::create(b, loc, v); };
  // Low nibble for the first half (Q4_0) or even elements, high otherwise.
  Value low = l.splitHalves
                  ? arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, j,
                                          cIdx(l.block / 2))
                  : arith::CmpIOp::create(
                        b, loc, arith::CmpIPredicate::eq,
                        arith::RemUIOp::create(b, loc, j, cIdx(2)), cIdx(0));
  return decodeNibble(b, loc, l, byte, low);
}

/// Bytes [from, from + count) of every block of a weight's byte view
/// [N, blocks, bytes]; rank-reduced to [N, blocks] when `count` is 1.
static Value blockBytes(OpBuilder &b, Location loc, Value bytes, int64_t from,
                        int64_t count) {
  auto type = cast<RankedTensorType>(bytes.getType());
  SmallVector<int64_t> shape = {type.getDimSize(0), type.getDimSize(1)};
  if (count > 1)
    shape.push_back(count);
  SmallVector<OpFoldResult> offsets = {b.getIndexAttr(0), b.getIndexAttr(0),
                                       b.getIndexAttr(from)};
  SmallVector<OpFoldResult> sizes = {b.getIndexAttr(type.getDimSize(0)),
                                     b.getIndexAttr(type.getDimSize(1)),
                                     b.getIndexAttr(count)};
  SmallVector<OpFoldResult> strides(3, b.getIndexAttr(1));
  return tensor::ExtractSliceOp::create(
      b, loc, RankedTensorType::get(shape, type.getElementType()), bytes,
      offsets, sizes, strides);
}

/// `result[..., n] = sum_k x[..., k] * dequant(w)[n, k]`. Every operand is
/// read through a plain projection of the loops, so the vectorizer can load
/// a block's values as one vector: x is viewed as [..., blocks, p, q], the
/// weight as its scale bytes [N, blocks] and value bytes [N, blocks, vb].
/// 8-bit: p = 1 (a unit loop) and q = block, value byte q. Q4_0: p = 2
/// halves, q = 16, value byte q, the low nibble for p = 0. Other 4-bit:
/// p = block / 2 bytes, q = 2 nibbles (low first), value byte p.
static Value buildQuantizedLinear(OpBuilder &b, Location loc, Value x,
                                  Value w, RankedTensorType resultType) {
  MLIRContext *ctx = b.getContext();
  auto wType = cast<RankedTensorType>(w.getType());
  BlockLayout l = *blockLayout(wType.getElementType());
  Value bytes = BitcastOp::create(b, loc, BitcastOp::getByteType(wType), w);
  int64_t valueBytes = l.bits == 8 ? l.block : l.block / 2;
  int64_t p = l.bits == 8 ? 1 : (l.splitHalves ? 2 : l.block / 2);
  int64_t q = l.block / p;

  int64_t rank = resultType.getRank(), loops = rank + 3;
  auto xType = cast<RankedTensorType>(x.getType());
  SmallVector<int64_t> blockedShape(xType.getShape());
  blockedShape.back() /= l.block;
  blockedShape.append({p, q});
  SmallVector<OpFoldResult> blockedSizes;
  for (int64_t i = 0; i < rank - 1; ++i)
    blockedSizes.push_back(
        xType.isDynamicDim(i)
            ? OpFoldResult(tensor::DimOp::create(b, loc, x, i).getResult())
            : OpFoldResult(b.getIndexAttr(xType.getDimSize(i))));
  for (int64_t d : ArrayRef<int64_t>(blockedShape).take_back(3))
    blockedSizes.push_back(b.getIndexAttr(d));
  SmallVector<ReassociationIndices> groups;
  for (int64_t i = 0; i < rank - 1; ++i)
    groups.push_back({i});
  groups.push_back({rank - 1, rank, rank + 1});
  Value blocked = tensor::ExpandShapeOp::create(
      b, loc, RankedTensorType::get(blockedShape, xType.getElementType()), x,
      groups, blockedSizes);

  SmallVector<AffineExpr> lead;
  for (int64_t i = 0; i < rank - 1; ++i)
    lead.push_back(getAffineDimExpr(i, ctx));
  AffineExpr n = getAffineDimExpr(rank - 1, ctx);
  AffineExpr kb = getAffineDimExpr(rank, ctx);
  AffineExpr pe = getAffineDimExpr(rank + 1, ctx);
  AffineExpr qe = getAffineDimExpr(rank + 2, ctx);
  auto withLead = [&](ArrayRef<AffineExpr> tail) {
    SmallVector<AffineExpr> exprs = lead;
    exprs.append(tail.begin(), tail.end());
    return AffineMap::get(loops, 0, exprs, ctx);
  };
  AffineExpr valueByte = (l.bits == 4 && !l.splitHalves) ? pe : qe;
  SmallVector<AffineMap> maps = {
      withLead({kb, pe, qe}), AffineMap::get(loops, 0, {n, kb}, ctx),
      AffineMap::get(loops, 0, {n, kb}, ctx),
      AffineMap::get(loops, 0, {n, kb, valueByte}, ctx), withLead({n})};
  SmallVector<utils::IteratorType> iterators(loops,
                                             utils::IteratorType::parallel);
  for (int64_t i = rank; i < loops; ++i)
    iterators[i] = utils::IteratorType::reduction;
  Value init = zeroTensor(b, loc, resultType, x, iota(rank));
  Value lo = blockBytes(b, loc, bytes, 0, 1);
  Value hi = blockBytes(b, loc, bytes, 1, 1);
  Value values = blockBytes(b, loc, bytes, 2, valueBytes);
  return linalg::GenericOp::create(
             b, loc, resultType, ValueRange{blocked, lo, hi, values}, init,
             maps, iterators,
             [&](OpBuilder &nb, Location nl, ValueRange args) {
               Value scale = decodeScale(nb, nl, args[1], args[2]);
               Value qv;
               if (l.bits == 8) {
                 qv = arith::SIToFPOp::create(nb, nl, nb.getF32Type(), args[3]);
               } else {
                 // Low nibble for the first half (Q4_0) or the first of a
                 // byte's two elements.
                 Value which = linalg::IndexOp::create(
                     nb, nl, l.splitHalves ? rank + 1 : rank + 2);
                 Value low = arith::CmpIOp::create(
                     nb, nl, arith::CmpIPredicate::eq, which,
                     arith::ConstantIndexOp::create(nb, nl, 0));
                 qv = decodeNibble(nb, nl, l, args[3], low);
               }
               Value weight = arith::MulFOp::create(nb, nl, scale, qv);
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
