//===- LoweringUtils.cpp - Shared builders of convert-liquid-to-linalg ----===//
//
// SPDX-License-Identifier: Apache-2.0
//
// This file implements the float helpers and contractions declared in
// LoweringUtils.h.
//
//===----------------------------------------------------------------------===//

#include "LoweringUtils.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;
using namespace mlir::liquid;
using namespace mlir::liquid::lowering;

/// True when `v` is a tensor of f32, f16 or bf16.
bool lowering::isFloatTensor(Value v) {
  return isa<FloatType>(cast<ShapedType>(v.getType()).getElementType());
}

/// Widens a scalar float to f32.
Value lowering::toF32(OpBuilder &b, Location loc, Value v) {
  if (v.getType().isF32())
    return v;
  return arith::ExtFOp::create(b, loc, b.getF32Type(), v);
}

Value lowering::f32Const(OpBuilder &b, Location loc, double value) {
  return arith::ConstantOp::create(b, loc, b.getF32FloatAttr(value));
}

/// An uninitialized tensor of `type`; its dynamic sizes are taken from the
/// same dimensions of `like` (dims[i] names the dimension of `like`).
void lowering::yieldMulAdd(OpBuilder &b, Location loc, ValueRange args) {
  Value prod = arith::MulFOp::create(b, loc, args[0], args[1]);
  linalg::YieldOp::create(b, loc,
                          {arith::AddFOp::create(b, loc, args[2], prod)});
}

Value lowering::sigmoid(OpBuilder &b, Location loc, Value x) {
  Value e = math::ExpOp::create(b, loc, arith::NegFOp::create(b, loc, x));
  return arith::DivFOp::create(
      b, loc, f32Const(b, loc, 1.0),
      arith::AddFOp::create(b, loc, f32Const(b, loc, 1.0), e));
}

Value lowering::emptyTensor(OpBuilder &b, Location loc, RankedTensorType type,
                         Value like, ArrayRef<int64_t> dims) {
  SmallVector<Value> dynamic;
  for (int64_t i = 0; i < type.getRank(); ++i)
    if (type.isDynamicDim(i))
      dynamic.push_back(tensor::DimOp::create(b, loc, like, dims[i]));
  return tensor::EmptyOp::create(b, loc, type, dynamic);
}

/// A tensor of `type` filled with zeros.
Value lowering::zeroTensor(OpBuilder &b, Location loc, RankedTensorType type,
                        Value like, ArrayRef<int64_t> dims) {
  Value empty = emptyTensor(b, loc, type, like, dims);
  return linalg::FillOp::create(b, loc, f32Const(b, loc, 0.0), empty)
      .getResult(0);
}

SmallVector<int64_t> lowering::iota(int64_t n) {
  SmallVector<int64_t> v(n);
  for (int64_t i = 0; i < n; ++i)
    v[i] = i;
  return v;
}

/// `result[..., n] = sum_k x[..., k] * widen(w[n, k])` over loops
/// (d_0 .. d_{r-2}, n, k).
Value lowering::buildLinear(OpBuilder &b, Location loc, Value x, Value w,
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
Value lowering::buildElementwise(
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
