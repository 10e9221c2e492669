//===- QuantizeTest.cpp - Tests of liquid-synth's float and block codecs --===//
//
// SPDX-License-Identifier: Apache-2.0
//
// f32 -> f16 / bf16 must round to nearest even (ties, subnormals, overflow,
// Inf and NaN), checked on hand-picked values and on every midpoint between
// neighbouring storage values. Q8_0 / Q4_0 blocks must hold the bytes ggml's
// reference quantizers produce; the expected bytes below are worked out by
// hand from quantize_row_q8_0_ref / quantize_row_q4_0_ref. Dequantizing a
// quantized row must land within the format's error bound.
//
//===----------------------------------------------------------------------===//

#include "liquid/Synth/Quantize.h"

#include "gtest/gtest.h"

#include <cmath>
#include <cstring>
#include <limits>
#include <random>
#include <vector>

using namespace liquid;
using namespace liquid::synth;

namespace {

float fromBits(uint32_t u) {
  float f;
  std::memcpy(&f, &u, 4);
  return f;
}

float pow2(int e) { return std::ldexp(1.0f, e); }
float up(float f) { return std::nextafter(f, 1e30f); }
float down(float f) { return std::nextafter(f, -1e30f); }
bool isHalfNaN(uint16_t h) { return (h & 0x7c00) == 0x7c00 && (h & 0x3ff); }
bool isBF16NaN(uint16_t b) { return (b & 0x7f80) == 0x7f80 && (b & 0x7f); }

TEST(QuantizeTest, HalfHandPicked) {
  const float inf = std::numeric_limits<float>::infinity();
  struct Case {
    float in;
    uint16_t out;
  };
  // clang-format off
  const Case cases[] = {
      {0.0f, 0x0000}, {-0.0f, 0x8000}, {1.0f, 0x3c00}, {-2.0f, 0xc000},
      {0.5f, 0x3800},
      // Ties between 1 and its neighbours go to the even mantissa.
      {1.0f + pow2(-11), 0x3c00}, {1.0f + 3 * pow2(-11), 0x3c02},
      {up(1.0f + pow2(-11)), 0x3c01}, {down(1.0f + 3 * pow2(-11)), 0x3c01},
      // Overflow: 65520 is the midpoint between 65504 and 2^16 -> Inf.
      {65504.0f, 0x7bff}, {down(65520.0f), 0x7bff}, {65520.0f, 0x7c00},
      {1e9f, 0x7c00}, {-1e9f, 0xfc00}, {inf, 0x7c00}, {-inf, 0xfc00},
      // Subnormal halves (multiples of 2^-24) and the normal boundary.
      {pow2(-24), 0x0001}, {pow2(-25), 0x0000}, {up(pow2(-25)), 0x0001},
      {-pow2(-25), 0x8000}, {3 * pow2(-25), 0x0002}, {5 * pow2(-26), 0x0001},
      {1023 * pow2(-24), 0x03ff}, {1023.5f * pow2(-24), 0x0400},
      {pow2(-14), 0x0400}, {1e-40f, 0x0000},
  };
  // clang-format on
  for (const Case &c : cases)
    EXPECT_EQ(floatToHalf(c.in), c.out) << "input " << c.in;

  // NaN stays NaN (a signalling NaN too, whose payload is in low bits).
  EXPECT_TRUE(isHalfNaN(floatToHalf(fromBits(0x7fc00000))));
  EXPECT_TRUE(isHalfNaN(floatToHalf(fromBits(0x7f800001))));
  EXPECT_EQ(floatToHalf(fromBits(0xffc00000)) & 0x8000, 0x8000);
  EXPECT_TRUE(std::isnan(halfToFloat(0x7e00)));
  EXPECT_EQ(halfToFloat(0x7c00), inf);
  EXPECT_EQ(halfToFloat(0xfc00), -inf);
}

TEST(QuantizeTest, HalfEveryValueAndMidpoint) {
  // Every finite half decodes to its exact value and encodes back to itself.
  auto value = [](uint16_t h) {
    int exp = h >> 10, mant = h & 0x3ff;
    return exp == 0 ? std::ldexp(float(mant), -24)
                    : std::ldexp(float(1024 + mant), exp - 25);
  };
  for (uint32_t h = 0; h < 0x7c00; ++h) {
    ASSERT_EQ(halfToFloat(h), value(h)) << std::hex << h;
    ASSERT_EQ(halfToFloat(h | 0x8000), -value(h)) << std::hex << h;
    ASSERT_EQ(floatToHalf(value(h)), h) << std::hex << h;
    ASSERT_EQ(floatToHalf(-value(h)), h | 0x8000) << std::hex << h;
  }
  // Midpoints are exact in f32: they tie to even; one ulp off, they don't.
  for (uint32_t h = 0; h + 1 < 0x7c00; ++h) {
    float mid = (value(h) + value(h + 1)) / 2;
    ASSERT_EQ(floatToHalf(mid), h % 2 ? h + 1 : h) << std::hex << h;
    ASSERT_EQ(floatToHalf(down(mid)), h) << std::hex << h;
    ASSERT_EQ(floatToHalf(up(mid)), h + 1) << std::hex << h;
  }
}

TEST(QuantizeTest, BF16HandPicked) {
  struct Case {
    uint32_t in;
    uint16_t out;
  };
  // clang-format off
  const Case cases[] = {
      {0x3f800000, 0x3f80}, {0x80000000, 0x8000},
      // Ties to even, and just off the tie.
      {0x3f808000, 0x3f80}, {0x3f818000, 0x3f82}, {0xbf818000, 0xbf82},
      {0x3f808001, 0x3f81}, {0x3f807fff, 0x3f80},
      // Overflow past the largest bf16 rounds to Inf; Inf stays Inf.
      {0x7f7f7fff, 0x7f7f}, {0x7f7f8000, 0x7f80}, {0x7f7fffff, 0x7f80},
      {0xff7fffff, 0xff80}, {0x7f800000, 0x7f80}, {0xff800000, 0xff80},
      // Subnormals round like everything else (no flush to zero).
      {0x00008000, 0x0000}, {0x00018000, 0x0002}, {0x00008001, 0x0001},
      {0x80008000, 0x8000}, {0x007fffff, 0x0080},
  };
  // clang-format on
  for (const Case &c : cases)
    EXPECT_EQ(floatToBF16(fromBits(c.in)), c.out) << std::hex << c.in;

  EXPECT_EQ(floatToBF16(fromBits(0x7fc00000)), 0x7fc0);
  // Truncating this signalling NaN would give Inf.
  EXPECT_TRUE(isBF16NaN(floatToBF16(fromBits(0x7f800001))));
  EXPECT_TRUE(isBF16NaN(floatToBF16(fromBits(0xff80ffff))));
  EXPECT_EQ(bf16ToFloat(0x3f80), 1.0f);
  EXPECT_EQ(bf16ToFloat(0xc0a0), -5.0f);
}

TEST(QuantizeTest, BF16EveryMidpoint) {
  for (uint32_t b = 0; b + 1 < 0x7f80; ++b) {
    uint32_t mid = (b << 16) | 0x8000;
    ASSERT_EQ(floatToBF16(fromBits(b << 16)), b);
    ASSERT_EQ(floatToBF16(fromBits(mid)), b % 2 ? b + 1 : b) << std::hex << b;
    ASSERT_EQ(floatToBF16(fromBits(mid - 1)), b) << std::hex << b;
    ASSERT_EQ(floatToBF16(fromBits(mid + 1)), b + 1) << std::hex << b;
  }
}

TEST(QuantizeTest, Q8_0ReferenceBytes) {
  std::vector<float> x(4 * 32, 0.0f);
  // Block 0: amax 127 -> d = 1; roundf rounds halves away from zero.
  const float b0[] = {127,   -127, 2.5f, -2.5f, 0.5f, -0.5f,
                      0.49f, 1.5f, 3.2f, -3.7f, 0,    100.4f};
  std::copy(std::begin(b0), std::end(b0), x.begin());
  // Block 1: amax 63.5 (negative) -> d = 0.5, q = round(2x).
  const float b1[] = {-63.5f, 1.25f, -0.75f, 0.25f, 10, 63.4f};
  std::copy(std::begin(b1), std::end(b1), x.begin() + 32);
  // Block 2: all zero -> d = 0, id = 0. Block 3: amax 1 -> d = 1/127,
  // stored as the f16 0x2008 (2^-7 * (1 + 8/1024)).
  const float b3[] = {1.0f, 0.3f, -0.25f, -1.0f};
  std::copy(std::begin(b3), std::end(b3), x.begin() + 96);

  std::vector<uint8_t> want(4 * 34, 0);
  auto put = [&](int block, uint16_t d, std::initializer_list<int> qs) {
    uint8_t *p = &want[block * 34];
    p[0] = d & 0xff;
    p[1] = d >> 8;
    int j = 0;
    for (int q : qs)
      p[2 + j++] = static_cast<uint8_t>(static_cast<int8_t>(q));
  };
  put(0, 0x3c00, {127, -127, 3, -3, 1, -1, 0, 2, 3, -4, 0, 100});
  put(1, 0x3800, {-127, 3, -2, 1, 20, 127});
  put(2, 0x0000, {});
  put(3, 0x2008, {127, 38, -32, -127});

  std::vector<uint8_t> got(want.size(), 0xee);
  quantizeRowQ8_0(x.data(), got.data(), 128);
  EXPECT_EQ(got, want);
  std::vector<uint8_t> viaEncode(want.size(), 0xee);
  encodeValues(DType::Q8_0, x.data(), 128, viaEncode.data());
  EXPECT_EQ(viaEncode, want);
}

TEST(QuantizeTest, Q4_0ReferenceBytes) {
  // Byte j of a block packs q(x[j]) in the low and q(x[j + 16]) in the high
  // nibble; q = min(15, (int8)(x / d + 8.5)) with d = max / -8, where max is
  // the first value of the largest magnitude, with its sign.
  std::vector<float> x(3 * 32, 0.0f);
  // Block 0: max -8 -> d = 1. The later +8 does not replace it and clamps.
  const float b0[] = {-8, 7, 8, 0.5f, -0.5f, 0.49f, -3.7f, 2.5f};
  std::copy(std::begin(b0), std::end(b0), x.begin());
  x[16] = 1.0f;
  x[17] = -1.0f;
  // Block 1: max +4 (before the -4) -> d = -0.5, so signs flip.
  const float b1[] = {4, -4, 1, -1.25f};
  std::copy(std::begin(b1), std::end(b1), x.begin() + 32);
  x[48] = 0.25f;
  x[49] = -0.3f;
  // Block 2: all zero -> d = 0 / -8 = -0.0, every q = 8.

  std::vector<uint8_t> want(3 * 18, 0x88);
  auto put = [&](int block, uint16_t d, std::initializer_list<int> qs) {
    uint8_t *p = &want[block * 18];
    p[0] = d & 0xff;
    p[1] = d >> 8;
    int j = 0;
    for (int q : qs)
      p[2 + j++] = static_cast<uint8_t>(q);
  };
  put(0, 0x3c00, {0x90, 0x7f, 0x8f, 0x89, 0x88, 0x88, 0x84, 0x8b});
  put(1, 0xb800, {0x80, 0x9f, 0x86, 0x8b});
  put(2, 0x8000, {});

  std::vector<uint8_t> got(want.size(), 0xee);
  quantizeRowQ4_0(x.data(), got.data(), 96);
  EXPECT_EQ(got, want);
  std::vector<uint8_t> viaEncode(want.size(), 0xee);
  encodeValues(DType::Q4_0, x.data(), 96, viaEncode.data());
  EXPECT_EQ(viaEncode, want);
}

/// Quantizes random rows and checks each value decodes to q * f16(d) and
/// lies within `halfSteps` steps d of the input, plus what rounding d to
/// f16 adds (|q| <= qMax).
void checkDequantError(DType t, float halfSteps, int qMax) {
  const int64_t n = 64 * 32;
  std::mt19937 rng(1234);
  std::normal_distribution<float> normal(0.0f, 0.02f);
  std::vector<float> x(n);
  for (float &v : x)
    v = normal(rng);
  x[5] = 0.5f; // One block with an outlier.
  std::vector<uint8_t> bytes(dtypeStorageBytes(t, n));
  encodeValues(t, x.data(), n, bytes.data());
  std::vector<float> y(n);
  decodeValues(t, bytes.data(), n, y.data());

  const int64_t blockBytes = dtypeStorageBytes(t, 32);
  for (int64_t b = 0; b < n / 32; ++b) {
    const float *xb = &x[b * 32];
    float amax = 0, max = 0;
    for (int j = 0; j < 32; ++j)
      if (std::fabs(xb[j]) > amax) {
        amax = std::fabs(xb[j]);
        max = xb[j];
      }
    float d = t == DType::Q8_0 ? amax / 127 : max / -8;
    const uint8_t *p = &bytes[b * blockBytes];
    float dh = halfToFloat(static_cast<uint16_t>(p[0] | p[1] << 8));
    ASSERT_EQ(dh, roundToPrecision(DType::F16, d)) << "block " << b;
    float bound =
        halfSteps * std::fabs(d) * (1 + 1e-4f) + qMax * std::fabs(dh - d);
    for (int j = 0; j < 32; ++j) {
      int q = t == DType::Q8_0
                  ? static_cast<int8_t>(p[2 + j])
                  : (j < 16 ? p[2 + j] & 0xf : p[2 + j - 16] >> 4) - 8;
      ASSERT_EQ(y[b * 32 + j], q * dh) << "block " << b << " elem " << j;
      ASSERT_LE(std::fabs(y[b * 32 + j] - xb[j]), bound)
          << "block " << b << " elem " << j;
    }
  }
}

TEST(QuantizeTest, Q8_0DequantizeWithinHalfStep) {
  checkDequantError(DType::Q8_0, 0.5f, 127);
}

TEST(QuantizeTest, Q4_0DequantizeWithinOneStep) {
  checkDequantError(DType::Q4_0, 1.0f, 8);
}

TEST(QuantizeTest, StorageTable) {
  EXPECT_EQ(dtypeStorageBytes(DType::F32, 10), 40u);
  EXPECT_EQ(dtypeStorageBytes(DType::BF16, 10), 20u);
  EXPECT_EQ(dtypeStorageBytes(DType::Q8_0, 64), 68u);
  EXPECT_EQ(dtypeStorageBytes(DType::Q4_0, 64), 36u);
  for (DType t :
       {DType::F32, DType::F16, DType::BF16, DType::Q8_0, DType::Q4_0})
    EXPECT_EQ(parseDType(dtypeName(t)), t);
  EXPECT_EQ(parseDType("q5_0"), std::nullopt);
  EXPECT_EQ(roundToPrecision(DType::BF16, 1.0f + pow2(-8)), 1.0f);
  EXPECT_EQ(roundToPrecision(DType::F16, 1.0f + pow2(-11)), 1.0f);
  EXPECT_EQ(roundToPrecision(DType::F32, 1.0f + pow2(-11)), 1.0f + pow2(-11));
}

} // namespace
