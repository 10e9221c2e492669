//===- Quantize.h - Float rounding and GGUF block quantizers ----*- C++ -*-===//
//
// SPDX-License-Identifier: Apache-2.0
//
// Conversions between f32 and the storage types liquid-synth writes: f16 and
// bf16 with round-to-nearest-even, and GGUF Q8_0 / Q4_0 blocks computed
// exactly as ggml's reference quantizers (quantize_row_q8_0_ref,
// quantize_row_q4_0_ref) compute them, so a file written here is bit-equal
// to one llama.cpp would produce from the same f32 values (K-quants: see
// QuantizeK.cpp, valid files but not llama-quantize's bits). The dequantizers
// are the inverse used by tests and the reference forward pass. All integer
// arithmetic where possible, so results do not depend on the host's FPU
// settings.
//
//===----------------------------------------------------------------------===//

#ifndef LIQUID_SYNTH_QUANTIZE_H
#define LIQUID_SYNTH_QUANTIZE_H

#include "liquid/Import/Checkpoint.h"
#include "llvm/ADT/StringRef.h"

#include <cstdint>
#include <optional>

namespace liquid::synth {

uint16_t floatToHalf(float f);   ///< IEEE binary16, round to nearest even.
float halfToFloat(uint16_t h);
uint16_t floatToBF16(float f);   ///< bfloat16, round to nearest even.
float bf16ToFloat(uint16_t b);

/// `f` rounded to the precision of a float storage type (identity for F32
/// and the block types).
float roundToPrecision(DType t, float f);

/// One row of `n` floats (n a multiple of 32) to n/32 GGUF blocks.
void quantizeRowQ8_0(const float *x, uint8_t *out, int64_t n);
void quantizeRowQ4_0(const float *x, uint8_t *out, int64_t n);
void dequantizeRowQ8_0(const uint8_t *in, float *y, int64_t n);
void dequantizeRowQ4_0(const uint8_t *in, float *y, int64_t n);

/// K-quant super-blocks (QuantizeK.cpp): liquid's own quantizers, ggml's
/// dequantization formulas.
void quantizeRowQ4_K(const float *x, uint8_t *out, int64_t n);
void quantizeRowQ5_K(const float *x, uint8_t *out, int64_t n);
void quantizeRowQ6_K(const float *x, uint8_t *out, int64_t n);
void dequantizeRowQ4_K(const uint8_t *in, float *y, int64_t n);
void dequantizeRowQ5_K(const uint8_t *in, float *y, int64_t n);
void dequantizeRowQ6_K(const uint8_t *in, float *y, int64_t n);

/// Encodes `n` floats as storage type `t` into `out`
/// (dtypeStorageBytes(t, n) bytes); block types need n to be a multiple of
/// dtypeBlockSize(t) (32, or 256 for the K-quants).
void encodeValues(DType t, const float *x, int64_t n, uint8_t *out);
/// The inverse of encodeValues.
void decodeValues(DType t, const uint8_t *in, int64_t n, float *y);

/// The dtype named by dtypeName() ("f32", ..., "q4_0").
std::optional<DType> parseDType(llvm::StringRef name);
/// True for the block-quantized types (Q8_0, Q4_0).
inline bool isBlockType(DType t) { return dtypeBlockSize(t) != 1; }

} // namespace liquid::synth

#endif // LIQUID_SYNTH_QUANTIZE_H
