//===- KernelBuilders.h - Pieces of kernel bodies ---------------*- C++ -*-===//
//
// SPDX-License-Identifier: Apache-2.0
//
// The IR that liquid-form-dispatches builds kernel bodies from: slices of
// weights, token rows and columns (block-quantized values as bytes), the
// int8 input of a projection, and the pieces of an expert's grouped
// matrix products (the pairs routed to it, their gathered rows, its
// SwiGLU, the weighted write-back).
//
//===----------------------------------------------------------------------===//

#ifndef LIQUID_DIALECT_LIQUID_TRANSFORMS_KERNELBUILDERS_H
#define LIQUID_DIALECT_LIQUID_TRANSFORMS_KERNELBUILDERS_H

#include "mlir/IR/Builders.h"

#include <utility>

namespace mlir::liquid::kernels {

/// Entries [offset, offset + count) along the leading dimension of a weight
/// ([rows, ...] or stacked experts [E, ...]); `dropLeading` (count 1) drops
/// that dimension. A quantized weight is sliced as bytes (whole blocks) and
/// viewed back.
Value sliceLeading(OpBuilder &b, Location loc, Value w, Value offset,
                   int64_t count, bool dropLeading);

/// Rows [row, row + count) of a weight [N, K].
Value sliceRows(OpBuilder &b, Location loc, Value w, Value row, int64_t count);

/// Expert `e` of stacked expert weights [E, rows, cols]: its [rows, cols].
Value sliceExpert(OpBuilder &b, Location loc, Value w, Value e);

/// `part` [T, r] written into columns [col, col + r) of `dest` [T, N]. Int8
/// activation blocks are written as bytes: blocks [col / 32, (col + r) / 32)
/// of the byte view `[T, N / 32, bytes]`.
Value insertColumns(OpBuilder &b, Location loc, Value part, Value dest,
                    Value col);

/// Row `t` of `x` [T, H] as [1, H]; int8 activation blocks are sliced as
/// bytes and viewed back.
Value sliceTokenRow(OpBuilder &b, Location loc, Value x, Value t);

/// `h` ready to be the input of a projection over `weight`: quantized to
/// int8 blocks when the weight is in panels.
Value projectionInput(OpBuilder &b, Location loc, Value h, Value weight);

/// The (token, slot) pairs of `ids` [T, S] routed to expert `e`, in order,
/// as t * S + s in the leading entries of `list` [T] i32 (a token selects an
/// expert at most once); returns the list and the number of pairs.
std::pair<Value, Value> routedPairs(OpBuilder &b, Location loc, Value ids,
                                    Value e, Value list);

/// Rows x[t] of the pairs list[at .. at + rows) into `dest` [rows, H]; past
/// the `count` pairs, the last pair's row again (computed, never written
/// back). Int8 activation blocks are copied as bytes (the loop carries the
/// byte view).
Value gatherRows(OpBuilder &b, Location loc, Value x, Value list, Value at,
                 Value count, int64_t slots, Value dest);

/// One expert's SwiGLU over rows `x` [M, H]: down · (silu(gate · x) *
/// (up · x)), [M, H] in f32.
Value expertFFN(OpBuilder &b, Location loc, Value x, Value gate, Value up,
                Value down);

/// Rows i < min(M, count - at) of `y` [M, H], each scaled by the router's
/// weight of its pair list[at + i] = t * S + s, into partial[s, t].
Value scatterRows(OpBuilder &b, Location loc, Value y, Value weights,
                  Value list, Value at, Value count, int64_t slots,
                  Value partial);

} // namespace mlir::liquid::kernels

#endif // LIQUID_DIALECT_LIQUID_TRANSFORMS_KERNELBUILDERS_H
