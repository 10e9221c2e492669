//===- LoweringUtils.h - Shared builders of convert-liquid-to-linalg -*- C++ -*-===//
//
// SPDX-License-Identifier: Apache-2.0
//
// The pieces the liquid-to-linalg patterns share: scalar helpers, tensor
// initializers, and the linear-layer contractions over float and
// block-quantized weights (QuantizedWeights.cpp). Private to this directory.
//
//===----------------------------------------------------------------------===//

#ifndef LIQUID_LIB_CONVERSION_LIQUIDTOLINALG_LOWERINGUTILS_H
#define LIQUID_LIB_CONVERSION_LIQUIDTOLINALG_LOWERINGUTILS_H

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/PatternMatch.h"

namespace mlir::liquid::lowering {

/// True when `v` is a tensor of f32, f16 or bf16.
bool isFloatTensor(Value v);
/// True when the weight's storage type (float or a block format) is lowered.
bool isLowerable(Value weight);
/// True when every one of `weights` is lowerable.
inline bool allLowerable(ValueRange weights) {
  return llvm::all_of(weights, [](Value w) { return isLowerable(w); });
}

/// Widens a scalar float to f32.
Value toF32(OpBuilder &b, Location loc, Value v);
Value f32Const(OpBuilder &b, Location loc, double value);
/// 1 / (1 + exp(-x)) on an f32 scalar.
Value sigmoid(OpBuilder &b, Location loc, Value x);
/// 0, 1, ..., n-1.
SmallVector<int64_t> iota(int64_t n);

/// The body of a contraction step over (a, b, acc): yields acc + a * b.
void yieldMulAdd(OpBuilder &b, Location loc, ValueRange args);

/// An uninitialized tensor of `type`; its dynamic sizes are taken from the
/// same dimensions of `like` (dims[i] names the dimension of `like`).
Value emptyTensor(OpBuilder &b, Location loc, RankedTensorType type,
                  Value like, ArrayRef<int64_t> dims);
/// A tensor of `type` filled with zeros, sized like emptyTensor.
Value zeroTensor(OpBuilder &b, Location loc, RankedTensorType type, Value like,
                 ArrayRef<int64_t> dims);

/// An element-wise generic over tensors of `type`'s shape; `body` gets one
/// scalar per input and returns the result element.
Value buildElementwise(
    OpBuilder &b, Location loc, ValueRange inputs, RankedTensorType type,
    function_ref<Value(OpBuilder &, Location, ValueRange)> body);

/// `result[..., n] = sum_k x[..., k] * w[n, k]` for any lowered weight type.
Value buildAnyLinear(OpBuilder &b, Location loc, Value x, Value w,
                     RankedTensorType resultType);
/// The same for float weights only.
Value buildLinear(OpBuilder &b, Location loc, Value x, Value w,
                  RankedTensorType resultType);

/// The byte view of a quantized weight (null for float weights).
Value byteView(OpBuilder &b, Location loc, Value w);
/// Element [lead..., col] of a weight, dequantized to f32, read with
/// tensor.extract (gathers by data-dependent indices); `bytes` is
/// byteView(w).
Value extractWeight(OpBuilder &b, Location loc, Value w, Value bytes,
                    ValueRange lead, Value col);

/// Pattern groups, one per ODS theme.
void populateCellOpPatterns(RewritePatternSet &patterns);
void populateModelOpPatterns(RewritePatternSet &patterns);
void populateRecurrenceOpPatterns(RewritePatternSet &patterns);
void populateMoEOpPatterns(RewritePatternSet &patterns);

} // namespace mlir::liquid::lowering

#endif // LIQUID_LIB_CONVERSION_LIQUIDTOLINALG_LOWERINGUTILS_H
