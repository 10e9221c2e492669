//===- Quantize.cpp - Float rounding and GGUF block quantizers ------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// f16 / bf16 conversions use integer bit manipulation with round to nearest
// even, as ggml, PyTorch and F16C hardware do. The Q8_0 and Q4_0 quantizers
// transcribe ggml's reference row quantizers operation by operation (same
// float divisions, same rounding), which is what llama.cpp's converter and
// llama-quantize use when writing files.
//
//===----------------------------------------------------------------------===//

#include "liquid/Synth/Quantize.h"

#include "liquid/Import/GGUFFormat.h"
#include "llvm/Support/ErrorHandling.h"

#include <cassert>
#include <cmath>
#include <cstring>

using namespace liquid;
using namespace liquid::synth;

static uint32_t bitsOf(float f) {
  uint32_t u;
  std::memcpy(&u, &f, 4);
  return u;
}

static float floatOf(uint32_t u) {
  float f;
  std::memcpy(&f, &u, 4);
  return f;
}

uint16_t liquid::synth::floatToHalf(float f) {
  uint32_t x = bitsOf(f);
  uint16_t sign = static_cast<uint16_t>((x >> 16) & 0x8000);
  x &= 0x7fffffff;
  if (x >= 0x7f800000) // Inf stays Inf, NaN becomes a quiet NaN.
    return sign | (x > 0x7f800000 ? 0x7e00 : 0x7c00);
  if (x < 0x38800000) { // Below 2^-14: a subnormal half or zero.
    if (x < 0x33000000) // At most 2^-25: rounds to (even) zero.
      return sign;
    uint32_t exp = x >> 23;
    uint32_t mant = (x & 0x7fffff) | 0x800000;
    uint32_t shift = 126 - exp; // 14..24.
    uint32_t q = mant >> shift;
    uint32_t rem = mant & ((1u << shift) - 1);
    uint32_t half = 1u << (shift - 1);
    if (rem > half || (rem == half && (q & 1)))
      ++q; // May carry into the smallest normal, which is right.
    return sign | static_cast<uint16_t>(q);
  }
  // Normal range; a carry out of the mantissa bumps the exponent and values
  // of 65520 and above round to Inf, as IEEE requires.
  uint32_t h = (x >> 13) - (112u << 10);
  uint32_t rem = x & 0x1fff;
  if (rem > 0x1000 || (rem == 0x1000 && (h & 1)))
    ++h;
  if (h >= 0x7c00)
    h = 0x7c00;
  return sign | static_cast<uint16_t>(h);
}

float liquid::synth::halfToFloat(uint16_t h) {
  uint32_t sign = static_cast<uint32_t>(h & 0x8000) << 16;
  uint32_t exp = (h >> 10) & 0x1f;
  uint32_t mant = h & 0x3ff;
  if (exp == 0x1f)
    return floatOf(sign | 0x7f800000 | (mant << 13));
  if (exp != 0)
    return floatOf(sign | ((exp + 112) << 23) | (mant << 13));
  if (mant == 0)
    return floatOf(sign);
  // Subnormal: normalise into an f32 normal.
  int e = 113;
  while (!(mant & 0x400)) {
    mant <<= 1;
    --e;
  }
  return floatOf(sign | (static_cast<uint32_t>(e) << 23) |
                 ((mant & 0x3ff) << 13));
}

uint16_t liquid::synth::floatToBF16(float f) {
  uint32_t x = bitsOf(f);
  if ((x & 0x7fffffff) > 0x7f800000) // NaN: keep it a quiet NaN.
    return static_cast<uint16_t>((x >> 16) | 0x40);
  return static_cast<uint16_t>((x + 0x7fff + ((x >> 16) & 1)) >> 16);
}

float liquid::synth::bf16ToFloat(uint16_t b) {
  return floatOf(static_cast<uint32_t>(b) << 16);
}

float liquid::synth::roundToPrecision(DType t, float f) {
  switch (t) {
  case DType::F16:
    return halfToFloat(floatToHalf(f));
  case DType::BF16:
    return bf16ToFloat(floatToBF16(f));
  default:
    return f;
  }
}

static void storeHalf(uint8_t *p, uint16_t h) {
  p[0] = static_cast<uint8_t>(h);
  p[1] = static_cast<uint8_t>(h >> 8);
}

static uint16_t loadHalf(const uint8_t *p) {
  return static_cast<uint16_t>(p[0] | (p[1] << 8));
}

void liquid::synth::quantizeRowQ8_0(const float *x, uint8_t *out, int64_t n) {
  assert(n % gguf::kQBlock == 0 && "row is not a whole number of blocks");
  for (int64_t b = 0; b < n / gguf::kQBlock; ++b) {
    const float *xb = x + b * gguf::kQBlock;
    uint8_t *yb = out + b * gguf::kQ8_0Bytes;
    float amax = 0.0f;
    for (int j = 0; j < gguf::kQBlock; ++j)
      amax = std::max(amax, std::fabs(xb[j]));
    const float d = amax / ((1 << 7) - 1);
    const float id = d != 0.0f ? 1.0f / d : 0.0f;
    storeHalf(yb, floatToHalf(d));
    for (int j = 0; j < gguf::kQBlock; ++j)
      yb[2 + j] = static_cast<uint8_t>(static_cast<int8_t>(std::roundf(xb[j] * id)));
  }
}

void liquid::synth::quantizeRowQ4_0(const float *x, uint8_t *out, int64_t n) {
  assert(n % gguf::kQBlock == 0 && "row is not a whole number of blocks");
  constexpr int kHalf = gguf::kQBlock / 2;
  for (int64_t b = 0; b < n / gguf::kQBlock; ++b) {
    const float *xb = x + b * gguf::kQBlock;
    uint8_t *yb = out + b * gguf::kQ4_0Bytes;
    float amax = 0.0f, max = 0.0f; // The value of largest magnitude, signed.
    for (int j = 0; j < gguf::kQBlock; ++j) {
      if (amax < std::fabs(xb[j])) {
        amax = std::fabs(xb[j]);
        max = xb[j];
      }
    }
    const float d = max / -8;
    const float id = d != 0.0f ? 1.0f / d : 0.0f;
    storeHalf(yb, floatToHalf(d));
    for (int j = 0; j < kHalf; ++j) {
      const float x0 = xb[j] * id;
      const float x1 = xb[kHalf + j] * id;
      const uint8_t q0 = std::min<int8_t>(15, static_cast<int8_t>(x0 + 8.5f));
      const uint8_t q1 = std::min<int8_t>(15, static_cast<int8_t>(x1 + 8.5f));
      yb[2 + j] = static_cast<uint8_t>(q0 | (q1 << 4));
    }
  }
}

void liquid::synth::dequantizeRowQ8_0(const uint8_t *in, float *y, int64_t n) {
  assert(n % gguf::kQBlock == 0 && "row is not a whole number of blocks");
  for (int64_t b = 0; b < n / gguf::kQBlock; ++b) {
    const uint8_t *xb = in + b * gguf::kQ8_0Bytes;
    const float d = halfToFloat(loadHalf(xb));
    for (int j = 0; j < gguf::kQBlock; ++j)
      y[b * gguf::kQBlock + j] = static_cast<int8_t>(xb[2 + j]) * d;
  }
}

void liquid::synth::dequantizeRowQ4_0(const uint8_t *in, float *y, int64_t n) {
  assert(n % gguf::kQBlock == 0 && "row is not a whole number of blocks");
  constexpr int kHalf = gguf::kQBlock / 2;
  for (int64_t b = 0; b < n / gguf::kQBlock; ++b) {
    const uint8_t *xb = in + b * gguf::kQ4_0Bytes;
    const float d = halfToFloat(loadHalf(xb));
    float *yb = y + b * gguf::kQBlock;
    for (int j = 0; j < kHalf; ++j) {
      yb[j] = ((xb[2 + j] & 0x0f) - 8) * d;
      yb[kHalf + j] = ((xb[2 + j] >> 4) - 8) * d;
    }
  }
}

void liquid::synth::encodeValues(DType t, const float *x, int64_t n,
                                 uint8_t *out) {
  switch (t) {
  case DType::F32:
    std::memcpy(out, x, n * 4); // Little-endian hosts only (as ggml).
    return;
  case DType::F16:
    for (int64_t i = 0; i < n; ++i)
      storeHalf(out + 2 * i, floatToHalf(x[i]));
    return;
  case DType::BF16:
    for (int64_t i = 0; i < n; ++i)
      storeHalf(out + 2 * i, floatToBF16(x[i]));
    return;
  case DType::Q8_0:
    quantizeRowQ8_0(x, out, n);
    return;
  case DType::Q4_0:
    quantizeRowQ4_0(x, out, n);
    return;
  case DType::Q4_K:
    quantizeRowQ4_K(x, out, n);
    return;
  case DType::Q5_K:
    quantizeRowQ5_K(x, out, n);
    return;
  case DType::Q6_K:
    quantizeRowQ6_K(x, out, n);
    return;
  }
  llvm_unreachable("unknown dtype");
}

void liquid::synth::decodeValues(DType t, const uint8_t *in, int64_t n,
                                 float *y) {
  switch (t) {
  case DType::F32:
    std::memcpy(y, in, n * 4);
    return;
  case DType::F16:
    for (int64_t i = 0; i < n; ++i)
      y[i] = halfToFloat(loadHalf(in + 2 * i));
    return;
  case DType::BF16:
    for (int64_t i = 0; i < n; ++i)
      y[i] = bf16ToFloat(loadHalf(in + 2 * i));
    return;
  case DType::Q8_0:
    dequantizeRowQ8_0(in, y, n);
    return;
  case DType::Q4_0:
    dequantizeRowQ4_0(in, y, n);
    return;
  case DType::Q4_K:
    dequantizeRowQ4_K(in, y, n);
    return;
  case DType::Q5_K:
    dequantizeRowQ5_K(in, y, n);
    return;
  case DType::Q6_K:
    dequantizeRowQ6_K(in, y, n);
    return;
  }
  llvm_unreachable("unknown dtype");
}

std::optional<DType> liquid::synth::parseDType(llvm::StringRef name) {
  for (DType t : {DType::F32, DType::F16, DType::BF16, DType::Q8_0,
                  DType::Q4_0, DType::Q4_K, DType::Q5_K, DType::Q6_K})
    if (name.equals_insensitive(dtypeName(t)))
      return t;
  return std::nullopt;
}
