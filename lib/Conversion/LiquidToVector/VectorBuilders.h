//===- VectorBuilders.h - Byte-view reads and writes for the kernels -*- C++ -*-===//
//
// SPDX-License-Identifier: Apache-2.0
//
// Small builders the convert-liquid-to-vector patterns share: vector reads
// and writes of bytes, and little-endian scalars inside those bytes.
// Private to this directory.
//
//===----------------------------------------------------------------------===//

#ifndef LIQUID_LIB_CONVERSION_LIQUIDTOVECTOR_VECTORBUILDERS_H
#define LIQUID_LIB_CONVERSION_LIQUIDTOVECTOR_VECTORBUILDERS_H

#include "mlir/IR/Builders.h"
#include "mlir/IR/PatternMatch.h"

namespace mlir::liquid::vectorize {

/// An index constant.
Value index(OpBuilder &b, Location loc, int64_t value);

/// `n` consecutive bytes of `bytes` starting at `indices`.
Value readBytes(OpBuilder &b, Location loc, Value bytes, ValueRange indices,
                int64_t n);
/// A 4-byte little-endian scalar of `type` (i32 or f32) at `indices`.
Value readScalar(OpBuilder &b, Location loc, Value bytes, ValueRange indices,
                 Type type);
/// `vector` written into `dest` at `indices`; returns the new tensor.
Value write(OpBuilder &b, Location loc, Value vector, Value dest,
            ValueRange indices);
/// A 4-byte scalar written as bytes into `dest` at `indices`.
Value writeScalar(OpBuilder &b, Location loc, Value scalar, Value dest,
                  ValueRange indices);

/// `rows` [T, heads, d] written into `cache` [heads, capacity, d] at rows
/// [position, position + T) of every head; returns the new cache.
Value appendRows(OpBuilder &b, Location loc, Value rows, Value cache,
                 Value position);

/// A vector of `n` copies of the scalar constant `value` of `type`.
Value splat(OpBuilder &b, Location loc, Type type, int64_t n, double value);

} // namespace mlir::liquid::vectorize

#endif // LIQUID_LIB_CONVERSION_LIQUIDTOVECTOR_VECTORBUILDERS_H
