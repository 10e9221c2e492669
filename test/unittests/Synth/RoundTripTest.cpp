//===- RoundTripTest.cpp - Synthesized checkpoints read back --------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// tiny and tiny-moe are written as HF and as GGUF with one seed and read
// back with readCheckpoint. For f32 / f16 / bf16 both readers must give the
// preset's config, every tensor of the table with its shape and storage
// type, and identical values: the generator's values rounded to the dtype.
// For q8_0 / q4_0 GGUF files the values are drawn at bf16 (Weights.h): the
// float-only tensors hold what the HF bf16 file holds, every other tensor is
// exactly the ggml blocks of those bf16 values, and decodes to within the
// quantization error of the HF f32 file's values.
//
//===----------------------------------------------------------------------===//

#include "SynthTestSupport.h"

#include "liquid/Synth/Weights.h"

#include <cmath>
#include <tuple>

using namespace liquid;
using namespace liquid::test;

namespace {

constexpr uint64_t kSeed = 42;
constexpr CheckpointFormat kHF = CheckpointFormat::HF;
constexpr CheckpointFormat kGGUF = CheckpointFormat::GGUF;

bool isStackedExperts(TensorRole role) {
  return role == TensorRole::ExpertsGate || role == TensorRole::ExpertsUp ||
         role == TensorRole::ExpertsDown;
}

/// The largest |dequantized - x| ggml's quantizer allows for the 32-value
/// block `x`: half a step d (q8_0) or a whole step (q4_0, whose top value
/// clamps), plus what storing d as f16 adds (|q| <= 127 resp. 8).
float quantError(DType t, const float *x) {
  float amax = 0, max = 0;
  for (int j = 0; j < 32; ++j)
    if (std::fabs(x[j]) > amax) {
      amax = std::fabs(x[j]);
      max = x[j];
    }
  float d = std::fabs(t == DType::Q8_0 ? amax / 127 : max / -8);
  float scaleError = std::fabs(synth::roundToPrecision(DType::F16, d) - d);
  return t == DType::Q8_0 ? 0.5f * d * (1 + 1e-4f) + 127 * scaleError
                          : d * (1 + 1e-4f) + 8 * scaleError;
}

using Param = std::tuple<const char *, DType>;

std::string paramName(const ::testing::TestParamInfo<Param> &info) {
  std::string name = std::get<0>(info.param);
  std::replace(name.begin(), name.end(), '-', '_');
  return name + "_" + liquid::dtypeName(std::get<1>(info.param)).str();
}

class FloatRoundTrip : public SynthTest,
                       public ::testing::WithParamInterface<Param> {};

TEST_P(FloatRoundTrip, HFAndGGUFHoldTheSameValues) {
  auto [name, dtype] = GetParam();
  const ModelConfig &config = synth::findPreset(name)->config;
  auto hf = read(synthesize("hf", name, kHF, dtype, kSeed));
  auto gguf = read(synthesize("model.gguf", name, kGGUF, dtype, kSeed));
  ASSERT_TRUE(hf && gguf);
  EXPECT_EQ(hf->format, kHF);
  EXPECT_EQ(gguf->format, kGGUF);
  {
    SCOPED_TRACE("HF config");
    expectConfig(hf->config, config, /*f32Floats=*/false);
  }
  {
    SCOPED_TRACE("GGUF config");
    expectConfig(gguf->config, config, /*f32Floats=*/true);
  }

  std::vector<TensorSpec> hfSpecs = modelTensors(config, kHF);
  std::vector<TensorSpec> ggufSpecs = modelTensors(config, kGGUF);
  ASSERT_EQ(hfSpecs.size(), ggufSpecs.size());
  EXPECT_EQ(hf->tensors.size(), hfSpecs.size());
  EXPECT_EQ(gguf->tensors.size(), ggufSpecs.size());
  for (size_t i = 0; i < hfSpecs.size(); ++i) {
    const TensorSpec &hs = hfSpecs[i], &gs = ggufSpecs[i];
    SCOPED_TRACE(hs.name + " / " + gs.name);
    ASSERT_EQ(hs.role, gs.role);
    ASSERT_EQ(hs.layer, gs.layer);
    const TensorInfo *h = hf->lookup(hs.name), *g = gguf->lookup(gs.name);
    ASSERT_TRUE(h && g);
    EXPECT_EQ(h->shape, hs.shape);
    EXPECT_EQ(g->shape, gs.shape);
    // HF keeps the expert bias in f32; GGUF all the float-only roles.
    EXPECT_EQ(h->dtype, hs.role == TensorRole::ExpertBias ? DType::F32 : dtype);
    EXPECT_EQ(g->dtype, isFloatOnlyRole(gs.role) ? DType::F32 : dtype);
    if (isStackedExperts(hs.role)) {
      EXPECT_EQ(h->segments.size(), static_cast<size_t>(config.numExperts));
    }

    std::vector<float> hv = tensorValues(*hf, *h), gv = tensorValues(*gguf, *g);
    EXPECT_EQ(firstDifference(hv, gv), -1);
    std::vector<float> want(hv.size());
    synth::generateValues(kSeed, hs.role, hs.layer, 0, want.size(),
                          want.data());
    for (float &v : want)
      v = synth::roundToPrecision(dtype, v);
    EXPECT_EQ(firstDifference(hv, want), -1);
  }
}

INSTANTIATE_TEST_SUITE_P(
    Presets, FloatRoundTrip,
    ::testing::Combine(::testing::Values("tiny", "tiny-moe"),
                       ::testing::Values(DType::F32, DType::F16, DType::BF16)),
    paramName);

class QuantizedRoundTrip : public SynthTest,
                           public ::testing::WithParamInterface<Param> {};

TEST_P(QuantizedRoundTrip, BlocksOfTheBF16Values) {
  auto [name, dtype] = GetParam();
  const ModelConfig &config = synth::findPreset(name)->config;
  auto gguf = read(synthesize("model.gguf", name, kGGUF, dtype, kSeed));
  auto bf16 = read(synthesize("bf16", name, kHF, DType::BF16, kSeed));
  auto f32 = read(synthesize("f32", name, kHF, DType::F32, kSeed));
  ASSERT_TRUE(gguf && bf16 && f32);
  expectConfig(gguf->config, config, /*f32Floats=*/true);

  std::vector<TensorSpec> hfSpecs = modelTensors(config, kHF);
  std::vector<TensorSpec> ggufSpecs = modelTensors(config, kGGUF);
  ASSERT_EQ(hfSpecs.size(), ggufSpecs.size());
  EXPECT_EQ(gguf->tensors.size(), ggufSpecs.size());
  for (size_t i = 0; i < hfSpecs.size(); ++i) {
    const TensorSpec &hs = hfSpecs[i], &gs = ggufSpecs[i];
    SCOPED_TRACE(gs.name);
    const TensorInfo *g = gguf->lookup(gs.name);
    const TensorInfo *b = bf16->lookup(hs.name), *f = f32->lookup(hs.name);
    ASSERT_TRUE(g && b && f);
    EXPECT_EQ(g->shape, gs.shape);
    std::vector<float> rounded = tensorValues(*bf16, *b);
    std::vector<float> exact = tensorValues(*f32, *f);
    if (isFloatOnlyRole(gs.role)) {
      EXPECT_EQ(g->dtype, DType::F32);
      EXPECT_EQ(firstDifference(tensorValues(*gguf, *g), rounded), -1);
      continue;
    }
    ASSERT_EQ(g->dtype, dtype);
    int64_t n = g->numElements();
    std::vector<uint8_t> want(liquid::dtypeStorageBytes(dtype, n));
    synth::encodeValues(dtype, rounded.data(), n, want.data());
    EXPECT_TRUE(tensorBytes(*gguf, *g) == want) << "not ggml's blocks";

    if (dtypeBlockSize(dtype) != 32)
      continue; // K-quants: QuantizeKTest bounds their error.
    std::vector<float> got = tensorValues(*gguf, *g);
    int64_t outside = 0;
    for (int64_t blk = 0; blk < n / 32; ++blk) {
      float bound = quantError(dtype, &rounded[blk * 32]);
      for (int64_t k = blk * 32; k < blk * 32 + 32; ++k)
        if (std::fabs(got[k] - exact[k]) >
            bound + std::fabs(rounded[k] - exact[k]))
          ++outside;
    }
    EXPECT_EQ(outside, 0) << "values outside the quantization error";
  }
}

INSTANTIATE_TEST_SUITE_P(
    Presets, QuantizedRoundTrip,
    ::testing::Combine(::testing::Values("tiny", "tiny-moe"),
                       ::testing::Values(DType::Q8_0, DType::Q4_0)),
    paramName);

// tiny-moe's expert rows (128) are not whole K-quant super-blocks.
INSTANTIATE_TEST_SUITE_P(
    KQuants, QuantizedRoundTrip,
    ::testing::Combine(::testing::Values("tiny"),
                       ::testing::Values(DType::Q4_K, DType::Q5_K,
                                         DType::Q6_K)),
    paramName);

} // namespace
