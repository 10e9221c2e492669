//===- KernelBuilders.cpp - Pieces of kernel bodies -----------------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// This file implements KernelBuilders.h.
//
//===----------------------------------------------------------------------===//

#include "KernelBuilders.h"

#include "liquid/Dialect/Liquid/LiquidOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/TypeUtilities.h"

using namespace mlir;
using namespace mlir::liquid;

/// Entries [offset, offset + count) along the leading dimension of a weight
/// ([rows, ...] or stacked experts [E, ...]); `dropLeading` (count 1) drops
/// that dimension. A quantized weight is sliced as bytes (whole blocks) and
/// viewed back.
Value kernels::sliceLeading(OpBuilder &b, Location loc, Value w, Value offset,
                            int64_t count, bool dropLeading) {
  Value source = w;
  if (auto view = w.getDefiningOp<BitcastOp>())
    source = view.getSource();
  auto type = cast<RankedTensorType>(source.getType());
  auto logical = cast<RankedTensorType>(w.getType());
  // Leading entries per byte-view entry: a panel of rows is one entry of
  // the byte view of a [rows, columns] weight in panels.
  int64_t per = logical.getDimSize(0) / type.getDimSize(0);
  if (per != 1)
    offset = arith::DivUIOp::create(
        b, loc, offset, arith::ConstantIndexOp::create(b, loc, per));
  SmallVector<OpFoldResult> offsets(type.getRank(), b.getIndexAttr(0));
  SmallVector<OpFoldResult> sizes = {b.getIndexAttr(count / per)},
                            strides(type.getRank(), b.getIndexAttr(1));
  offsets[0] = offset;
  for (int64_t d : type.getShape().drop_front())
    sizes.push_back(b.getIndexAttr(d));
  auto shapeOf = [&](RankedTensorType t, int64_t leading) {
    SmallVector<int64_t> shape(t.getShape());
    if (dropLeading)
      shape.erase(shape.begin());
    else
      shape[0] = leading;
    return RankedTensorType::get(shape, t.getElementType());
  };
  Value slice = tensor::ExtractSliceOp::create(
      b, loc, shapeOf(type, count / per), source, offsets, sizes, strides);
  if (source == w)
    return slice;
  return BitcastOp::create(b, loc, shapeOf(logical, count), slice);
}

/// Rows [row, row + count) of a weight [N, K].
Value kernels::sliceRows(OpBuilder &b, Location loc, Value w, Value row,
                         int64_t count) {
  return sliceLeading(b, loc, w, row, count, /*dropLeading=*/false);
}

/// Expert `e` of stacked expert weights [E, rows, cols]: its [rows, cols].
Value kernels::sliceExpert(OpBuilder &b, Location loc, Value w, Value e) {
  return sliceLeading(b, loc, w, e, 1, /*dropLeading=*/true);
}

/// `part` [T, r] written into columns [col, col + r) of `dest` [T, N]. Int8
/// activation blocks are written as bytes: blocks [col / 32, (col + r) / 32)
/// of the byte view `[T, N / 32, bytes]`.
Value kernels::insertColumns(OpBuilder &b, Location loc, Value part, Value dest,
                             Value col) {
  if (auto q = dyn_cast<QuantizedTypeInterface>(getElementTypeOrSelf(part))) {
    part = BitcastOp::viewAsBytes(b, loc, part);
    dest = BitcastOp::viewAsBytes(b, loc, dest);
    col = arith::DivUIOp::create(
        b, loc, col, arith::ConstantIndexOp::create(b, loc, q.getBlockSize()));
  }
  auto type = cast<RankedTensorType>(part.getType());
  SmallVector<OpFoldResult> offsets(type.getRank(), b.getIndexAttr(0));
  offsets[1] = col;
  SmallVector<OpFoldResult> sizes, strides(type.getRank(), b.getIndexAttr(1));
  for (int64_t d : type.getShape())
    sizes.push_back(b.getIndexAttr(d));
  return tensor::InsertSliceOp::create(b, loc, part, dest, offsets, sizes,
                                       strides);
}

/// Row `t` of `x` [T, H] as [1, H]; int8 activation blocks are sliced as
/// bytes and viewed back.
Value kernels::sliceTokenRow(OpBuilder &b, Location loc, Value x, Value t) {
  auto logical = cast<RankedTensorType>(x.getType());
  Value source = x;
  if (isa<QuantizedTypeInterface>(logical.getElementType()))
    source = BitcastOp::viewAsBytes(b, loc, x);
  auto type = cast<RankedTensorType>(source.getType());
  SmallVector<OpFoldResult> offsets(type.getRank(), b.getIndexAttr(0));
  offsets[0] = t;
  SmallVector<OpFoldResult> sizes = {b.getIndexAttr(1)},
                            strides(type.getRank(), b.getIndexAttr(1));
  for (int64_t d : type.getShape().drop_front())
    sizes.push_back(b.getIndexAttr(d));
  SmallVector<int64_t> shape(type.getShape());
  shape[0] = 1;
  Value row = tensor::ExtractSliceOp::create(
      b, loc, RankedTensorType::get(shape, type.getElementType()), source,
      offsets, sizes, strides);
  if (source == x)
    return row;
  return BitcastOp::create(b, loc,
                           RankedTensorType::get({1, logical.getDimSize(1)},
                                                 logical.getElementType()),
                           row);
}

/// `h` ready to be the input of a projection over `weight`: quantized to
/// int8 blocks when the weight is in panels.
Value kernels::projectionInput(OpBuilder &b, Location loc, Value h,
                               Value weight) {
  if (!isa<PanelsType>(getElementTypeOrSelf(weight)))
    return h;
  auto type = cast<RankedTensorType>(h.getType());
  return QuantizeOp::create(
      b, loc,
      RankedTensorType::get(type.getShape(), Q8ActType::get(b.getContext())),
      h);
}

/// The (token, slot) pairs of `ids` [T, S] routed to expert `e`, in order,
/// as t * S + s in the leading entries of `list` [T] i32 (a token selects an
/// expert at most once); returns the list and the number of pairs.
std::pair<Value, Value> kernels::routedPairs(OpBuilder &b, Location loc,
                                             Value ids, Value e, Value list) {
  auto type = cast<RankedTensorType>(ids.getType());
  int64_t tokens = type.getDimSize(0), slots = type.getDimSize(1);
  auto index = [&](OpBuilder &ib, int64_t v) -> Value {
    return arith::ConstantIndexOp::create(ib, loc, v);
  };
  Value c0 = index(b, 0), c1 = index(b, 1);
  auto tLoop = scf::ForOp::create(b, loc, c0, index(b, tokens), c1,
                                  ValueRange{list, c0});
  OpBuilder tb = OpBuilder::atBlockBegin(tLoop.getBody());
  Value t = tLoop.getInductionVar();
  auto sLoop = scf::ForOp::create(tb, loc, c0, index(tb, slots), c1,
                                  tLoop.getRegionIterArgs());
  scf::YieldOp::create(tb, loc, sLoop.getResults());
  OpBuilder sb = OpBuilder::atBlockBegin(sLoop.getBody());
  Value s = sLoop.getInductionVar();
  Value id = tensor::ExtractOp::create(sb, loc, ids, ValueRange{t, s});
  Value routed = arith::CmpIOp::create(
      sb, loc, arith::CmpIPredicate::eq, e,
      arith::IndexCastOp::create(sb, loc, sb.getIndexType(), id));
  auto ifOp = scf::IfOp::create(sb, loc, sLoop.getResultTypes(), routed,
                                /*withElseRegion=*/true);
  scf::YieldOp::create(sb, loc, ifOp.getResults());
  OpBuilder eb = ifOp.getElseBodyBuilder();
  scf::YieldOp::create(eb, loc, sLoop.getRegionIterArgs());
  OpBuilder ib = ifOp.getThenBodyBuilder();
  Value count = sLoop.getRegionIterArg(1);
  Value pair = arith::AddIOp::create(
      ib, loc, arith::MulIOp::create(ib, loc, t, index(ib, slots)), s);
  Value stored = tensor::InsertOp::create(
      ib, loc, arith::IndexCastOp::create(ib, loc, ib.getI32Type(), pair),
      sLoop.getRegionIterArg(0), ValueRange{count});
  scf::YieldOp::create(
      ib, loc,
      ValueRange{stored, arith::AddIOp::create(ib, loc, count, index(ib, 1))});
  return {tLoop.getResult(0), tLoop.getResult(1)};
}

/// Rows x[t] of the pairs list[at .. at + rows) into `dest` [rows, H]; past
/// the `count` pairs, the last pair's row again (computed, never written
/// back). Int8 activation blocks are copied as bytes (the loop carries the
/// byte view).
Value kernels::gatherRows(OpBuilder &b, Location loc, Value x, Value list,
                          Value at, Value count, int64_t slots, Value dest) {
  auto rowsType = cast<RankedTensorType>(dest.getType());
  bool bytes = isa<QuantizedTypeInterface>(rowsType.getElementType());
  if (bytes)
    dest = BitcastOp::viewAsBytes(b, loc, dest);
  Value c0 = arith::ConstantIndexOp::create(b, loc, 0);
  Value c1 = arith::ConstantIndexOp::create(b, loc, 1);
  Value last = arith::SubIOp::create(b, loc, count, c1);
  auto loop = scf::ForOp::create(
      b, loc, c0,
      arith::ConstantIndexOp::create(b, loc, rowsType.getDimSize(0)), c1,
      ValueRange{dest});
  OpBuilder lb = OpBuilder::atBlockBegin(loop.getBody());
  Value i = loop.getInductionVar();
  Value j = arith::MinUIOp::create(lb, loc,
                                   arith::AddIOp::create(lb, loc, at, i), last);
  Value pair = arith::IndexCastOp::create(
      lb, loc, lb.getIndexType(),
      tensor::ExtractOp::create(lb, loc, list, ValueRange{j}));
  Value t = arith::DivUIOp::create(
      lb, loc, pair, arith::ConstantIndexOp::create(lb, loc, slots));
  Value row = sliceTokenRow(lb, loc, x, t);
  if (bytes)
    row = BitcastOp::viewAsBytes(lb, loc, row);
  auto type = cast<RankedTensorType>(row.getType());
  SmallVector<OpFoldResult> offsets(type.getRank(), lb.getIndexAttr(0)), sizes,
      strides(type.getRank(), lb.getIndexAttr(1));
  offsets[0] = i;
  for (int64_t d : type.getShape())
    sizes.push_back(lb.getIndexAttr(d));
  scf::YieldOp::create(lb, loc,
                       tensor::InsertSliceOp::create(lb, loc, row,
                                                     loop.getRegionIterArg(0),
                                                     offsets, sizes, strides)
                           .getResult());
  if (!bytes)
    return loop.getResult(0);
  return BitcastOp::create(b, loc, rowsType, loop.getResult(0));
}

/// One expert's SwiGLU over rows `x` [M, H]: down · (silu(gate · x) *
/// (up · x)), [M, H] in f32.
Value kernels::expertFFN(OpBuilder &b, Location loc, Value x, Value gate,
                         Value up, Value down) {
  int64_t rows = cast<RankedTensorType>(x.getType()).getDimSize(0);
  int64_t ffn = cast<RankedTensorType>(gate.getType()).getDimSize(0);
  int64_t hidden = cast<RankedTensorType>(down.getType()).getDimSize(0);
  auto hType = RankedTensorType::get({rows, ffn}, b.getF32Type());
  Value h =
      SwiGLUOp::create(b, loc, hType, LinearOp::create(b, loc, hType, x, gate),
                       LinearOp::create(b, loc, hType, x, up));
  return LinearOp::create(b, loc,
                          RankedTensorType::get({rows, hidden}, b.getF32Type()),
                          projectionInput(b, loc, h, down), down);
}

/// Rows i < min(M, count - at) of `y` [M, H], each scaled by the router's
/// weight of its pair list[at + i] = t * S + s, into partial[s, t].
Value kernels::scatterRows(OpBuilder &b, Location loc, Value y, Value weights,
                           Value list, Value at, Value count, int64_t slots,
                           Value partial) {
  auto yType = cast<RankedTensorType>(y.getType());
  int64_t hidden = yType.getDimSize(1);
  auto rowType = RankedTensorType::get({1, hidden}, b.getF32Type());
  Value c0 = arith::ConstantIndexOp::create(b, loc, 0);
  Value c1 = arith::ConstantIndexOp::create(b, loc, 1);
  Value s = arith::ConstantIndexOp::create(b, loc, slots);
  Value end = arith::MinUIOp::create(
      b, loc, arith::SubIOp::create(b, loc, count, at),
      arith::ConstantIndexOp::create(b, loc, yType.getDimSize(0)));
  auto loop = scf::ForOp::create(b, loc, c0, end, c1, ValueRange{partial});
  OpBuilder lb = OpBuilder::atBlockBegin(loop.getBody());
  Value i = loop.getInductionVar();
  Value pair = arith::IndexCastOp::create(
      lb, loc, lb.getIndexType(),
      tensor::ExtractOp::create(
          lb, loc, list, ValueRange{arith::AddIOp::create(lb, loc, at, i)}));
  Value t = arith::DivUIOp::create(lb, loc, pair, s);
  Value r = arith::RemUIOp::create(lb, loc, pair, s);
  Value weight = tensor::ExtractOp::create(lb, loc, weights, ValueRange{t, r});
  SmallVector<OpFoldResult> strides(2, lb.getIndexAttr(1));
  Value row = tensor::ExtractSliceOp::create(
      lb, loc, rowType, y, ArrayRef<OpFoldResult>{i, lb.getIndexAttr(0)},
      ArrayRef<OpFoldResult>{lb.getIndexAttr(1), lb.getIndexAttr(hidden)},
      strides);
  Value scaled = arith::MulFOp::create(
      lb, loc, row, tensor::SplatOp::create(lb, loc, rowType, weight));
  SmallVector<OpFoldResult> offsets = {r, t, lb.getIndexAttr(0)};
  SmallVector<OpFoldResult> sizes = {lb.getIndexAttr(1), lb.getIndexAttr(1),
                                     lb.getIndexAttr(hidden)};
  Value next = tensor::InsertSliceOp::create(
      lb, loc, scaled, loop.getRegionIterArg(0), offsets, sizes,
      SmallVector<OpFoldResult>(3, lb.getIndexAttr(1)));
  scf::YieldOp::create(lb, loc, next);
  return loop.getResult(0);
}
