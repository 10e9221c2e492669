//===- QuantizeK.cpp - GGUF K-quant super-block quantizers ----------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// Q4_K, Q5_K and Q6_K super-blocks (the byte layouts are described in
// liquid/Import/GGUFFormat.h). The dequantizers follow ggml's formulas
// (value = (d * scale) * q - dmin * min, and (d * scale) * (q - 32)), so
// the reference forward pass sees the values llama.cpp sees. The
// quantizers are liquid's own and simpler than llama-quantize's searches:
// each sub-block's scale and offset come from its extremes, the
// super-block scales from the largest of those, and every value rounds to
// the nearest level of the stored (already rounded) scales. Any file they
// write is a valid K-quant file; their error bound is tested, not their
// bits.
//
//===----------------------------------------------------------------------===//

#include "liquid/Synth/Quantize.h"

#include "liquid/Import/GGUFFormat.h"

#include <algorithm>
#include <cassert>
#include <cmath>

using namespace liquid;
using namespace liquid::synth;

namespace {
constexpr int64_t kK = gguf::kKBlock;

void storeHalf(uint8_t *p, uint16_t h) {
  p[0] = static_cast<uint8_t>(h);
  p[1] = static_cast<uint8_t>(h >> 8);
}

float loadHalf(const uint8_t *p) {
  return halfToFloat(static_cast<uint16_t>(p[0] | (p[1] << 8)));
}

/// A value rounded to the nearest integer in [lo, hi] (NaN: lo).
int clampRound(float v, int lo, int hi) {
  float r = std::nearbyint(v);
  if (!(r >= lo))
    return lo;
  return r > hi ? hi : static_cast<int>(r);
}

/// Sub-block j's 6-bit scale and min of a Q4_K / Q5_K super-block from its
/// 12 packed bytes.
void unpackScaleMin(const uint8_t *packed, int j, int &scale, int &min) {
  if (j < 4) {
    scale = packed[j] & 63;
    min = packed[j + 4] & 63;
  } else {
    scale = (packed[j + 4] & 15) | ((packed[j - 4] >> 6) << 4);
    min = (packed[j + 4] >> 4) | ((packed[j] >> 6) << 4);
  }
}

void packScaleMin(const int scale[8], const int min[8], uint8_t *packed) {
  for (int j = 0; j < 4; ++j) {
    packed[j] = static_cast<uint8_t>(scale[j] | ((scale[j + 4] >> 4) << 6));
    packed[j + 4] = static_cast<uint8_t>(min[j] | ((min[j + 4] >> 4) << 6));
    packed[j + 8] =
        static_cast<uint8_t>((scale[j + 4] & 15) | ((min[j + 4] & 15) << 4));
  }
}

/// Quantizes one super-block to levels 0 .. `levels` in eight sub-blocks of
/// 32 (Q4_K: 15, Q5_K: 31): writes d, dmin and the packed scales to `head`
/// (16 bytes) and the levels to `q`.
void quantizeScaleMinBlock(const float *x, int levels, uint8_t *head,
                           uint8_t q[kK]) {
  float step[8], offset[8];
  float maxStep = 0, maxOffset = 0;
  for (int j = 0; j < 8; ++j) {
    const float *xs = x + 32 * j;
    float lo = std::min(0.0f, *std::min_element(xs, xs + 32));
    float hi = std::max(lo, *std::max_element(xs, xs + 32));
    step[j] = (hi - lo) / levels;
    offset[j] = -lo;
    maxStep = std::max(maxStep, step[j]);
    maxOffset = std::max(maxOffset, offset[j]);
  }
  uint16_t dBits = floatToHalf(maxStep / 63),
           dminBits = floatToHalf(maxOffset / 63);
  storeHalf(head, dBits);
  storeHalf(head + 2, dminBits);
  float d = halfToFloat(dBits), dmin = halfToFloat(dminBits);
  int scale[8], min[8];
  for (int j = 0; j < 8; ++j) {
    scale[j] = d > 0 ? clampRound(step[j] / d, 0, 63) : 0;
    min[j] = dmin > 0 ? clampRound(offset[j] / dmin, 0, 63) : 0;
    float s = d * scale[j], o = dmin * min[j];
    for (int i = 0; i < 32; ++i)
      q[32 * j + i] = static_cast<uint8_t>(
          s > 0 ? clampRound((x[32 * j + i] + o) / s, 0, levels) : 0);
  }
  packScaleMin(scale, min, head + 4);
}

/// Dequantizes the levels `q` of one Q4_K / Q5_K super-block whose d, dmin
/// and packed scales are at `head`.
void dequantizeScaleMinBlock(const uint8_t *head, const uint8_t q[kK],
                             float *y) {
  float d = loadHalf(head), dmin = loadHalf(head + 2);
  for (int j = 0; j < 8; ++j) {
    int scale, min;
    unpackScaleMin(head + 4, j, scale, min);
    float s = d * scale, o = dmin * min;
    for (int i = 0; i < 32; ++i)
      y[32 * j + i] = s * q[32 * j + i] - o;
  }
}

/// Q4_K / Q5_K nibbles: elements 64k + l and 64k + 32 + l share byte 32k + l.
void packNibbles(const uint8_t q[kK], uint8_t *nibbles) {
  for (int k = 0; k < 4; ++k)
    for (int l = 0; l < 32; ++l)
      nibbles[32 * k + l] = static_cast<uint8_t>(
          (q[64 * k + l] & 15) | ((q[64 * k + 32 + l] & 15) << 4));
}

void unpackNibbles(const uint8_t *nibbles, uint8_t q[kK]) {
  for (int k = 0; k < 4; ++k)
    for (int l = 0; l < 32; ++l) {
      q[64 * k + l] = nibbles[32 * k + l] & 15;
      q[64 * k + 32 + l] = nibbles[32 * k + l] >> 4;
    }
}

/// Q4_K (`fifthBits` false: levels 0..15, nibbles after the 16-byte head)
/// and Q5_K (levels 0..31: 32 bytes of fifth bits, then the nibbles).
void quantizeScaleMinRow(const float *x, uint8_t *out, int64_t n,
                         bool fifthBits) {
  assert(n % kK == 0 && "row is not a whole number of super-blocks");
  int64_t bytes = fifthBits ? gguf::kQ5_KBytes : gguf::kQ4_KBytes;
  uint8_t q[kK];
  for (int64_t b = 0; b < n / kK; ++b) {
    uint8_t *yb = out + b * bytes;
    quantizeScaleMinBlock(x + b * kK, fifthBits ? 31 : 15, yb, q);
    if (fifthBits) {
      uint8_t *high = yb + 16;
      std::fill(high, high + 32, 0);
      for (int k = 0; k < 4; ++k)
        for (int l = 0; l < 32; ++l)
          high[l] |=
              static_cast<uint8_t>(((q[64 * k + l] >> 4) << (2 * k)) |
                                   ((q[64 * k + 32 + l] >> 4) << (2 * k + 1)));
    }
    packNibbles(q, yb + (fifthBits ? 48 : 16));
  }
}

void dequantizeScaleMinRow(const uint8_t *in, float *y, int64_t n,
                           bool fifthBits) {
  assert(n % kK == 0 && "row is not a whole number of super-blocks");
  int64_t bytes = fifthBits ? gguf::kQ5_KBytes : gguf::kQ4_KBytes;
  uint8_t q[kK];
  for (int64_t b = 0; b < n / kK; ++b) {
    const uint8_t *xb = in + b * bytes;
    unpackNibbles(xb + (fifthBits ? 48 : 16), q);
    if (fifthBits) {
      const uint8_t *high = xb + 16;
      for (int k = 0; k < 4; ++k)
        for (int l = 0; l < 32; ++l) {
          q[64 * k + l] |= ((high[l] >> (2 * k)) & 1) << 4;
          q[64 * k + 32 + l] |= ((high[l] >> (2 * k + 1)) & 1) << 4;
        }
    }
    dequantizeScaleMinBlock(xb, q, y + b * kK);
  }
}
} // namespace

void liquid::synth::quantizeRowQ4_K(const float *x, uint8_t *out, int64_t n) {
  quantizeScaleMinRow(x, out, n, /*fifthBits=*/false);
}

void liquid::synth::dequantizeRowQ4_K(const uint8_t *in, float *y, int64_t n) {
  dequantizeScaleMinRow(in, y, n, /*fifthBits=*/false);
}

void liquid::synth::quantizeRowQ5_K(const float *x, uint8_t *out, int64_t n) {
  quantizeScaleMinRow(x, out, n, /*fifthBits=*/true);
}

void liquid::synth::dequantizeRowQ5_K(const uint8_t *in, float *y, int64_t n) {
  dequantizeScaleMinRow(in, y, n, /*fifthBits=*/true);
}

void liquid::synth::quantizeRowQ6_K(const float *x, uint8_t *out, int64_t n) {
  assert(n % kK == 0 && "row is not a whole number of super-blocks");
  for (int64_t b = 0; b < n / kK; ++b) {
    const float *xb = x + b * kK;
    uint8_t *yb = out + b * gguf::kQ6_KBytes;
    // Each sub-block of 16 maps its value of largest magnitude to -32.
    float step[16], maxStep = 0;
    for (int j = 0; j < 16; ++j) {
      float peak = 0;
      for (int i = 0; i < 16; ++i)
        if (std::fabs(xb[16 * j + i]) > std::fabs(peak))
          peak = xb[16 * j + i];
      step[j] = peak / -32;
      maxStep = std::max(maxStep, std::fabs(step[j]));
    }
    uint16_t dBits = floatToHalf(maxStep / 127);
    storeHalf(yb + 208, dBits);
    float d = halfToFloat(dBits);
    uint8_t q[kK];
    for (int j = 0; j < 16; ++j) {
      int scale = d > 0 ? clampRound(step[j] / d, -127, 127) : 0;
      yb[192 + j] = static_cast<uint8_t>(static_cast<int8_t>(scale));
      float s = d * scale;
      for (int i = 0; i < 16; ++i)
        q[16 * j + i] = static_cast<uint8_t>(
            (s != 0 ? clampRound(xb[16 * j + i] / s, -32, 31) : 0) + 32);
    }
    for (int h = 0; h < 2; ++h)
      for (int l = 0; l < 32; ++l) {
        // Elements e[0], e[32], e[64] and e[96] share bytes.
        const uint8_t *e = q + 128 * h + l;
        yb[64 * h + l] =
            static_cast<uint8_t>((e[0] & 15) | ((e[64] & 15) << 4));
        yb[64 * h + l + 32] =
            static_cast<uint8_t>((e[32] & 15) | ((e[96] & 15) << 4));
        yb[128 + 32 * h + l] =
            static_cast<uint8_t>((e[0] >> 4) | ((e[32] >> 4) << 2) |
                                 ((e[64] >> 4) << 4) | ((e[96] >> 4) << 6));
      }
  }
}

void liquid::synth::dequantizeRowQ6_K(const uint8_t *in, float *y, int64_t n) {
  assert(n % kK == 0 && "row is not a whole number of super-blocks");
  for (int64_t b = 0; b < n / kK; ++b) {
    const uint8_t *xb = in + b * gguf::kQ6_KBytes;
    float d = loadHalf(xb + 208);
    float *yb = y + b * kK;
    for (int h = 0; h < 2; ++h)
      for (int i = 0; i < 4; ++i)
        for (int l = 0; l < 32; ++l) {
          uint8_t low = xb[64 * h + l + 32 * (i & 1)];
          int nibble = i < 2 ? low & 15 : low >> 4;
          int top = (xb[128 + 32 * h + l] >> (2 * i)) & 3;
          int e = 128 * h + 32 * i + l;
          float scale = d * static_cast<int8_t>(xb[192 + e / 16]);
          yb[e] = scale * ((nibble | (top << 4)) - 32);
        }
  }
}
