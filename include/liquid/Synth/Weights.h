//===- Weights.h - Deterministic random weight values -----------*- C++ -*-===//
//
// SPDX-License-Identifier: Apache-2.0
//
// The values of a synthetic checkpoint, counter based: element k of the
// logical tensor (role, layer) is a pure function of (seed, role, layer, k).
// So an HF directory and a GGUF file written with one seed hold the same
// numbers, any part of a tensor (one HF expert, one chunk) is generated on
// its own, and the order of generation does not matter. Element indices
// follow the logical row-major order of the stacked tensor (experts stacked
// as [E, ...]; the conv kernel as [H, L], which is also the order of HF's
// [H, 1, L]).
//
// Distributions: weights ~ N(0, 0.02), norm weights ~ 1 + N(0, 0.02), the
// MoE expert bias ~ N(0, 0.1) (large enough that it visibly changes which
// experts are picked). "Normal" is the sum of four uniform 16-bit lanes of a
// splitmix64 hash, scaled (bounded at about 3.5 sigma), computed with integer
// arithmetic and single float operations so every host gets the same bits.
//
//===----------------------------------------------------------------------===//

#ifndef LIQUID_SYNTH_WEIGHTS_H
#define LIQUID_SYNTH_WEIGHTS_H

#include "liquid/Import/Checkpoint.h"
#include "liquid/Import/TensorNames.h"
#include "llvm/Support/raw_ostream.h"

#include <cstdint>

namespace liquid::synth {

/// The precision the values of a checkpoint are drawn at: the model dtype
/// for f32 / f16 / bf16; bf16 for the block types (as if quantizing the
/// published bf16 model, which is what llama.cpp's tools do).
DType valuePrecision(DType fileDType);

/// Writes elements [first, first + n) of the tensor (role, layer), drawn at
/// `precision` and encoded as `storage`, to `os` in bounded chunks.
/// Block storage types need `first` and `n` to be multiples of 32.
void writeTensorValues(llvm::raw_ostream &os, uint64_t seed, TensorRole role,
                       int64_t layer, uint64_t first, uint64_t n,
                       DType precision, DType storage);

/// Fills `out[0..n)` with elements [first, first + n) at f32 (before any
/// rounding to the checkpoint precision).
void generateValues(uint64_t seed, TensorRole role, int64_t layer,
                    uint64_t first, uint64_t n, float *out);

} // namespace liquid::synth

#endif // LIQUID_SYNTH_WEIGHTS_H
