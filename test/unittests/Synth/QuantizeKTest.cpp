//===- QuantizeKTest.cpp - Tests of the K-quant super-block codecs --------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// Decoding: hand-written Q4_K / Q5_K / Q6_K super-blocks whose element
// values are worked out by hand from the layout in GGUFFormat.h (and
// ggml's dequantize_row_q*_K formulas). The decoders were also compared
// bit for bit with ggml's on random super-blocks when they were written;
// test/tools/liquid-synth/llama-cpp.sh checks whole files against
// llama.cpp. Quantizing: every value of a random row must come back within
// the bound the scheme allows (half a step, plus what rounding the 6-bit
// sub-block scales and the f16 super-block scales adds).
//
//===----------------------------------------------------------------------===//

#include "liquid/Import/GGUFFormat.h"
#include "liquid/Synth/Quantize.h"

#include "gtest/gtest.h"

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

using namespace liquid;
using namespace liquid::synth;

namespace {

void putHalf(std::vector<uint8_t> &b, size_t at, uint16_t h) {
  b[at] = h & 0xff;
  b[at + 1] = h >> 8;
}

std::vector<float> decode(DType t, const std::vector<uint8_t> &bytes) {
  std::vector<float> y(gguf::kKBlock, -999.0f);
  decodeValues(t, bytes.data(), gguf::kKBlock, y.data());
  return y;
}

/// d = 0.5, dmin = 0.25; sub-block (scale, min): 0 (1, 5), 1 (2, 6),
/// 2 (3, 7), 3 (4, 8), 4 (17, 2), 5 (3, 20), 6 (53, 6), 7 (7, 40).
std::vector<uint8_t> scaleMinHead(int64_t bytes) {
  std::vector<uint8_t> b(bytes, 0);
  putHalf(b, 0, 0x3800);
  putHalf(b, 2, 0x3400);
  const uint8_t packed[12] = {0x41, 0x02, 0xC3, 0x04, 0x05, 0x46,
                              0x07, 0x88, 0x21, 0x43, 0x65, 0x87};
  std::copy(packed, packed + 12, b.begin() + 4);
  return b;
}

TEST(QuantizeKTest, Q4_KDecodesByHand) {
  std::vector<uint8_t> b = scaleMinHead(gguf::kQ4_KBytes);
  uint8_t *qs = &b[16];
  qs[0] = 0x9A;       // Element 0: 10; element 32: 9.
  qs[64 + 5] = 0x7C;  // Element 133: 12; element 165: 7.
  qs[96 + 31] = 0xF1; // Element 223: 1; element 255: 15.
  std::vector<float> y = decode(DType::Q4_K, b);
  EXPECT_EQ(y[0], 0.5f * 1 * 10 - 0.25f * 5);
  EXPECT_EQ(y[1], -0.25f * 5);
  EXPECT_EQ(y[32], 0.5f * 2 * 9 - 0.25f * 6);
  EXPECT_EQ(y[133], 0.5f * 17 * 12 - 0.25f * 2);
  EXPECT_EQ(y[165], 0.5f * 3 * 7 - 0.25f * 20);
  EXPECT_EQ(y[223], 0.5f * 53 * 1 - 0.25f * 6);
  EXPECT_EQ(y[224], -0.25f * 40);
  EXPECT_EQ(y[255], 0.5f * 7 * 15 - 0.25f * 40);
}

TEST(QuantizeKTest, Q5_KDecodesByHand) {
  std::vector<uint8_t> b = scaleMinHead(gguf::kQ5_KBytes);
  uint8_t *high = &b[16], *qs = &b[48];
  qs[0] = 0x9A;
  qs[64 + 5] = 0x7C;
  qs[96 + 31] = 0xF1;
  high[0] = 0x03;  // Fifth bits of elements 0 and 32.
  high[31] = 0xC0; // Of elements 223 and 255.
  std::vector<float> y = decode(DType::Q5_K, b);
  EXPECT_EQ(y[0], 0.5f * 1 * 26 - 0.25f * 5);
  EXPECT_EQ(y[32], 0.5f * 2 * 25 - 0.25f * 6);
  EXPECT_EQ(y[133], 0.5f * 17 * 12 - 0.25f * 2);
  EXPECT_EQ(y[165], 0.5f * 3 * 7 - 0.25f * 20);
  EXPECT_EQ(y[223], 0.5f * 53 * 17 - 0.25f * 6);
  EXPECT_EQ(y[255], 0.5f * 7 * 31 - 0.25f * 40);
}

TEST(QuantizeKTest, Q6_KDecodesByHand) {
  std::vector<uint8_t> b(gguf::kQ6_KBytes, 0);
  uint8_t *ql = &b[0], *qh = &b[128];
  int8_t *scale = reinterpret_cast<int8_t *>(&b[192]);
  std::fill(scale, scale + 16, 1);
  scale[0] = 2;
  scale[3] = -3;
  scale[8] = 5;
  scale[15] = -1;
  putHalf(b, 208, 0x3800); // d = 0.5.
  ql[0] = 0x0F;   // Element 0's low nibble (element 64's high nibble 0).
  qh[0] = 0x02;   // Element 0's top bits: 2.
  ql[52] = 0x03;  // Element 52 (i = 1, l = 20).
  qh[20] = 0x0C;  // Its top bits (bits 2-3): 3.
  ql[69] = 0xA0;  // High nibble: element 197 (h = 1, i = 2, l = 5).
  qh[37] = 0x10;  // Its top bits (bits 4-5): 1.
  ql[127] = 0xF0; // High nibble: element 255 (h = 1, i = 3, l = 31).
  qh[63] = 0xC0;
  std::vector<float> y = decode(DType::Q6_K, b);
  EXPECT_EQ(y[0], 0.5f * 2 * (47 - 32));
  EXPECT_EQ(y[64], 0.5f * 1 * (0 - 32));
  EXPECT_EQ(y[52], 0.5f * -3 * (51 - 32));
  EXPECT_EQ(y[116], 0.5f * 1 * (0 - 32));
  EXPECT_EQ(y[133], 0.5f * 5 * (0 - 32));
  EXPECT_EQ(y[197], 0.5f * 1 * (26 - 32));
  EXPECT_EQ(y[255], 0.5f * -1 * (63 - 32));
}

/// A row of 16 super-blocks: N(0, 0.02) with an outlier, a constant
/// sub-block, an all-negative and an all-positive one.
std::vector<float> testRow() {
  std::mt19937 rng(99);
  std::normal_distribution<float> normal(0.0f, 0.02f);
  std::vector<float> x(16 * gguf::kKBlock);
  for (float &v : x)
    v = normal(rng);
  x[5] = 0.5f;
  std::fill(x.begin() + 512, x.begin() + 544, 0.0f);
  for (int i = 0; i < 32; ++i) {
    x[1024 + i] = -0.01f - std::fabs(x[1024 + i]);
    x[1056 + i] = 0.01f + std::fabs(x[1056 + i]);
  }
  return x;
}

/// Q4_K / Q5_K with `levels` + 1 levels per sub-block of 32: a sub-block
/// spanning [lo, hi] (lo <= 0) has step (hi - lo) / levels; its 6-bit
/// scale is off by at most d / 2 (d = largest step / 63), its min by
/// dmin / 2, and a value lands within half a step or, clamped at an end,
/// within what those errors add.
void checkScaleMinRoundTrip(DType t, int levels) {
  std::vector<float> x = testRow(), y(x.size());
  std::vector<uint8_t> bytes(dtypeStorageBytes(t, x.size()));
  encodeValues(t, x.data(), x.size(), bytes.data());
  decodeValues(t, bytes.data(), x.size(), y.data());
  for (size_t b = 0; b < x.size() / gguf::kKBlock; ++b) {
    float step[8], maxStep = 0, maxOffset = 0;
    for (int j = 0; j < 8; ++j) {
      const float *xs = &x[b * 256 + 32 * j];
      float lo = std::min(0.0f, *std::min_element(xs, xs + 32));
      float hi = *std::max_element(xs, xs + 32);
      step[j] = (std::max(hi, lo) - lo) / levels;
      maxStep = std::max(maxStep, step[j]);
      maxOffset = std::max(maxOffset, -lo);
    }
    float d = maxStep / 63 * 1.001f, dmin = maxOffset / 63 * 1.001f;
    for (int i = 0; i < 256; ++i) {
      size_t e = b * 256 + i;
      float bound = (step[i / 32] + d / 2) / 2 + levels * d / 2 + dmin / 2;
      ASSERT_LE(std::fabs(y[e] - x[e]), bound * 1.001f + 1e-7f)
          << dtypeName(t).str() << " element " << e;
    }
  }
}

TEST(QuantizeKTest, Q4_KRoundTripWithinBound) {
  checkScaleMinRoundTrip(DType::Q4_K, 15);
}

TEST(QuantizeKTest, Q5_KRoundTripWithinBound) {
  checkScaleMinRoundTrip(DType::Q5_K, 31);
}

/// Q6_K: a sub-block of 16 whose value of largest magnitude is p has step
/// |p| / 32; its i8 scale is off by at most d / 2 (d = largest step /
/// 127), which moves the end levels by up to 32 d / 2; a value lands
/// within a step of that.
TEST(QuantizeKTest, Q6_KRoundTripWithinBound) {
  std::vector<float> x = testRow(), y(x.size());
  std::vector<uint8_t> bytes(dtypeStorageBytes(DType::Q6_K, x.size()));
  encodeValues(DType::Q6_K, x.data(), x.size(), bytes.data());
  decodeValues(DType::Q6_K, bytes.data(), x.size(), y.data());
  for (size_t b = 0; b < x.size() / gguf::kKBlock; ++b) {
    float step[16], maxStep = 0;
    for (int j = 0; j < 16; ++j) {
      float peak = 0;
      for (int i = 0; i < 16; ++i)
        peak = std::max(peak, std::fabs(x[b * 256 + 16 * j + i]));
      step[j] = peak / 32;
      maxStep = std::max(maxStep, step[j]);
    }
    float d = maxStep / 127 * 1.001f;
    for (int i = 0; i < 256; ++i) {
      size_t e = b * 256 + i;
      float bound = step[i / 16] + d / 2 + 16 * d;
      ASSERT_LE(std::fabs(y[e] - x[e]), bound * 1.001f + 1e-7f)
          << "element " << e;
    }
  }
}

/// A NaN among the inputs spoils its own super-block only (and is no
/// undefined float-to-int conversion: the sanitized suite runs this).
TEST(QuantizeKTest, NaNStaysInItsSuperBlock) {
  for (DType t : {DType::Q4_K, DType::Q5_K, DType::Q6_K}) {
    std::vector<float> x(512, 0.01f), y(512);
    x[3] = std::nanf("");
    x[300] = -0.02f;
    std::vector<uint8_t> bytes(dtypeStorageBytes(t, x.size()));
    encodeValues(t, x.data(), x.size(), bytes.data());
    decodeValues(t, bytes.data(), x.size(), y.data());
    for (size_t i = 256; i < 512; ++i)
      ASSERT_NEAR(y[i], x[i], 0.002f) << dtypeName(t).str() << " " << i;
  }
}

TEST(QuantizeKTest, StorageAndNames) {
  EXPECT_EQ(dtypeStorageBytes(DType::Q4_K, 512), 288u);
  EXPECT_EQ(dtypeStorageBytes(DType::Q5_K, 256), 176u);
  EXPECT_EQ(dtypeStorageBytes(DType::Q6_K, 768), 630u);
  for (DType t : {DType::Q4_K, DType::Q5_K, DType::Q6_K}) {
    EXPECT_EQ(dtypeBlockSize(t), 256);
    EXPECT_EQ(parseDType(dtypeName(t)), t);
  }
  EXPECT_EQ(dtypeName(DType::Q4_K), "q4_K"); // ggml's spelling
  EXPECT_EQ(parseDType("Q6_K"), DType::Q6_K);
  EXPECT_EQ(parseDType("q6_k"), DType::Q6_K);
}

} // namespace
