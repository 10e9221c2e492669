//===- VectorBuilders.cpp - Byte-view reads and writes for the kernels ----===//
//
// SPDX-License-Identifier: Apache-2.0
//
// This file implements VectorBuilders.h.
//
//===----------------------------------------------------------------------===//

#include "VectorBuilders.h"

#include "liquid/Dialect/Liquid/LiquidOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

using namespace mlir;
using namespace mlir::liquid;

Value vectorize::index(OpBuilder &b, Location loc, int64_t value) {
  return arith::ConstantIndexOp::create(b, loc, value);
}

Value vectorize::readBytes(OpBuilder &b, Location loc, Value bytes,
                           ValueRange indices, int64_t n) {
  auto type = VectorType::get({n}, b.getI8Type());
  Value zero = arith::ConstantIntOp::create(b, loc, b.getI8Type(), 0);
  return vector::TransferReadOp::create(b, loc, type, bytes, indices, zero,
                                        ArrayRef<bool>{true});
}

Value vectorize::readScalar(OpBuilder &b, Location loc, Value bytes,
                            ValueRange indices, Type type) {
  Value raw = readBytes(b, loc, bytes, indices, 4);
  Value one = vector::BitCastOp::create(b, loc, VectorType::get({1}, type), raw);
  return vector::ExtractOp::create(b, loc, one, ArrayRef<int64_t>{0});
}

Value vectorize::write(OpBuilder &b, Location loc, Value vector, Value dest,
                       ValueRange indices) {
  return vector::TransferWriteOp::create(b, loc, vector, dest, indices,
                                         ArrayRef<bool>{true})
      .getResult();
}

Value vectorize::writeScalar(OpBuilder &b, Location loc, Value scalar,
                             Value dest, ValueRange indices) {
  Value one = vector::BroadcastOp::create(
      b, loc, VectorType::get({1}, scalar.getType()), scalar);
  Value raw = vector::BitCastOp::create(
      b, loc, VectorType::get({4}, b.getI8Type()), one);
  return write(b, loc, raw, dest, indices);
}

Value vectorize::splat(OpBuilder &b, Location loc, Type type, int64_t n,
                       double value) {
  auto vectorType = VectorType::get({n}, type);
  TypedAttr element = isa<FloatType>(type)
                          ? TypedAttr(b.getFloatAttr(type, value))
                          : TypedAttr(b.getIntegerAttr(type, int64_t(value)));
  return arith::ConstantOp::create(
      b, loc, DenseElementsAttr::get(vectorType, element));
}
