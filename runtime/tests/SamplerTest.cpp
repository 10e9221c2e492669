//===- SamplerTest.cpp - Greedy, top-k, top-p and seeded sampling ---------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// Tests lq_sampler_*: argmax with ties to the lower id, top-k = 1, the
// nucleus cut, determinism for a seed, a rough match of softmax
// frequencies, and the defaults an artifact records.
//
//===----------------------------------------------------------------------===//

#include "TestArtifact.h"
#include "liquid/runtime.h"

#include <gtest/gtest.h>

#include <cmath>
#include <map>

using namespace liquid::runtime::test;

namespace {

lq_sampler *makeSampler(float temperature, uint32_t topK, float topP,
                        uint64_t seed) {
  lq_sampler_params params = {temperature, topK, topP, seed, 0.0f, 1.0f, 64};
  lq_sampler *sampler = nullptr;
  EXPECT_EQ(lq_sampler_create(&params, &sampler), LQ_OK);
  return sampler;
}

std::vector<int32_t> draw(lq_sampler *sampler, const std::vector<float> &logits,
                          int n) {
  std::vector<int32_t> ids;
  for (int i = 0; i < n; ++i)
    ids.push_back(lq_sampler_sample(sampler, logits.data(), logits.size()));
  return ids;
}

} // namespace

// Tests greedy sampling: the highest logit, the lowest id among ties.
TEST(Sampler, GreedyTiesToLowerId) {
  lq_sampler *sampler = makeSampler(0.0f, 0, 1.0f, 1);
  EXPECT_EQ(
      lq_sampler_sample(sampler, std::vector<float>{1, 5, 2, 5}.data(), 4), 1);
  EXPECT_EQ(
      lq_sampler_sample(sampler, std::vector<float>{NAN, -1, -1, -3}.data(), 4),
      1);
  EXPECT_EQ(lq_sampler_sample(sampler, nullptr, 4), -1);
  lq_sampler_destroy(sampler);
}

// Tests that top-k = 1 is argmax at any temperature.
TEST(Sampler, TopKOne) {
  lq_sampler *sampler = makeSampler(5.0f, 1, 1.0f, 3);
  std::vector<float> logits = {0.1f, 0.3f, 0.2f, 0.3f, -1.0f};
  for (int32_t id : draw(sampler, logits, 50))
    EXPECT_EQ(id, 1);
  lq_sampler_destroy(sampler);
}

// Tests that a seed fixes the sequence and that top-k bounds the ids.
TEST(Sampler, SeededDeterminism) {
  std::vector<float> logits(64);
  for (size_t i = 0; i < logits.size(); ++i)
    logits[i] = float(std::sin(double(i)));
  lq_sampler *a = makeSampler(1.0f, 0, 1.0f, 42);
  lq_sampler *b = makeSampler(1.0f, 0, 1.0f, 42);
  lq_sampler *c = makeSampler(1.0f, 0, 1.0f, 43);
  std::vector<int32_t> first = draw(a, logits, 100);
  EXPECT_EQ(first, draw(b, logits, 100));
  EXPECT_NE(first, draw(c, logits, 100));
  for (lq_sampler *s : {a, b, c})
    lq_sampler_destroy(s);

  lq_sampler *topK = makeSampler(1.0f, 3, 1.0f, 9);
  for (int32_t id : draw(topK, {0, 9, 1, 8, 2, 7, 3}, 200))
    EXPECT_TRUE(id == 1 || id == 3 || id == 5) << id;
  lq_sampler_destroy(topK);
}

// Tests the nucleus: the smallest prefix of sorted probabilities reaching p.
TEST(Sampler, TopP) {
  // Probabilities 0.5, 0.3, 0.2 (T = 1).
  std::vector<float> logits = {std::log(0.2f), std::log(0.5f), std::log(0.3f)};
  lq_sampler *half = makeSampler(1.0f, 0, 0.45f, 5);
  for (int32_t id : draw(half, logits, 100))
    EXPECT_EQ(id, 1);
  lq_sampler_destroy(half);
  lq_sampler *most = makeSampler(1.0f, 0, 0.75f, 5);
  std::map<int32_t, int> seen;
  for (int32_t id : draw(most, logits, 400))
    ++seen[id];
  EXPECT_EQ(seen.count(0), 0u);
  EXPECT_GT(seen[1], 150);
  EXPECT_GT(seen[2], 80);
  lq_sampler_destroy(most);
}

// Tests that frequencies follow softmax(logits / T) roughly.
TEST(Sampler, FollowsSoftmax) {
  std::vector<float> logits = {0.0f, 1.0f, 2.0f};
  lq_sampler *sampler = makeSampler(2.0f, 0, 1.0f, 11);
  int counts[3] = {};
  const int n = 20000;
  for (int32_t id : draw(sampler, logits, n))
    ++counts[id];
  double total = 1 + std::exp(0.5) + std::exp(1.0);
  EXPECT_NEAR(counts[0] / double(n), 1 / total, 0.02);
  EXPECT_NEAR(counts[1] / double(n), std::exp(0.5) / total, 0.02);
  EXPECT_NEAR(counts[2] / double(n), std::exp(1.0) / total, 0.02);
  lq_sampler_destroy(sampler);
}

// Tests parameter checks and the defaults an artifact records.
TEST(Sampler, ParamsAndDefaults) {
  lq_sampler *sampler = nullptr;
  lq_sampler_params params = {NAN, 0, 1.0f, 0, 0.0f, 1.0f, 64};
  EXPECT_EQ(lq_sampler_create(&params, &sampler), LQ_ERROR_INVALID_ARGUMENT);
  EXPECT_EQ(lq_sampler_create(nullptr, &sampler), LQ_ERROR_INVALID_ARGUMENT);

  std::string path = writeTemp("model.lqm", writeArtifact(testModel()));
  lq_model *model = nullptr;
  ASSERT_EQ(lq_model_open(path.c_str(), &model), LQ_OK);
  lq_sampler_params_default(model, &params);
  EXPECT_FLOAT_EQ(params.temperature, 0.5f);
  EXPECT_EQ(params.top_k, 4u);
  EXPECT_FLOAT_EQ(params.top_p, 0.9f);
  EXPECT_EQ(params.seed, 0u);
  lq_model_close(model);
}

// Tests min-p: tokens less likely than min_p times the likeliest (before
// temperature) are never drawn, however hot the temperature.
TEST(Sampler, MinP) {
  lq_sampler_params params = {10.0f, 0, 1.0f, 7, 0.5f, 1.0f, 64};
  lq_sampler *sampler = nullptr;
  ASSERT_EQ(lq_sampler_create(&params, &sampler), LQ_OK);
  // p ratios to the best: 1, e^-0.5 = 0.61, e^-1 = 0.37, e^-3.
  std::vector<float> logits = {2.0f, 1.5f, 1.0f, -1.0f};
  std::map<int32_t, int> seen;
  for (int32_t id : draw(sampler, logits, 400))
    ++seen[id];
  EXPECT_GT(seen[0], 0);
  EXPECT_GT(seen[1], 0);
  EXPECT_EQ(seen.count(2) + seen.count(3), 0u);
  lq_sampler_destroy(sampler);
}

// Tests the repetition penalty: accepted tokens lose to a close rival in
// greedy sampling, positive logits divided and negative ones multiplied,
// only the last repeat_last_n count, and reset forgets them.
TEST(Sampler, RepeatPenalty) {
  lq_sampler_params params = {0.0f, 0, 1.0f, 0, 0.0f, 1.5f, 2};
  lq_sampler *sampler = nullptr;
  ASSERT_EQ(lq_sampler_create(&params, &sampler), LQ_OK);
  std::vector<float> positive = {3.0f, 2.5f, 0.0f};
  EXPECT_EQ(lq_sampler_sample(sampler, positive.data(), 3), 0);
  lq_sampler_accept(sampler, 0);
  lq_sampler_accept(sampler, 0); // counted once: 3 / 1.5 = 2 < 2.5
  EXPECT_EQ(lq_sampler_sample(sampler, positive.data(), 3), 1);
  std::vector<float> negative = {-1.0f, -1.2f, -5.0f};
  EXPECT_EQ(lq_sampler_sample(sampler, negative.data(), 3), 1); // -1.5 < -1.2
  lq_sampler_accept(sampler, 2);
  lq_sampler_accept(sampler, 2); // 0 fell out of the last two
  EXPECT_EQ(lq_sampler_sample(sampler, positive.data(), 3), 0);
  lq_sampler_accept(sampler, 0);
  lq_sampler_reset(sampler);
  EXPECT_EQ(lq_sampler_sample(sampler, positive.data(), 3), 0);
  lq_sampler_destroy(sampler);
}
