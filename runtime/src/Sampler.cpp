//===- Sampler.cpp - Greedy, top-k, top-p sampling ------------------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// This file implements lq_sampler_*. First the repetition penalty moves
// the logits of recently accepted tokens. Temperature <= 0 is then greedy:
// the highest logit, the lowest id on ties. Otherwise the candidates are cut
// to the top k (ordered by logit, then id), to those within log(min_p) of
// the best logit, weighted by softmax(logit / T), cut to the smallest prefix
// whose probability reaches top_p, and one is drawn with xoshiro256** seeded
// through splitmix64, so a seed always gives the same tokens. NaN logits
// count as -infinity.
//
//===----------------------------------------------------------------------===//

#include "Model.h"

#include "Status.h"

#include <algorithm>
#include <cmath>
#include <new>
#include <vector>

using namespace liquid::runtime;
namespace lqm = liquid::lqm;

namespace {

struct Candidate {
  float logit;
  int32_t id;
};

/// Higher logit first, then lower id.
bool before(const Candidate &a, const Candidate &b) {
  return a.logit > b.logit || (a.logit == b.logit && a.id < b.id);
}

uint64_t splitmix64(uint64_t &x) {
  uint64_t z = (x += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

} // namespace

struct lq_sampler {
  lq_sampler_params params;
  uint64_t rng[4];
  std::vector<Candidate> candidates;
  /// The last repeat_last_n accepted tokens, oldest first.
  std::vector<int32_t> recent;
  /// The logits with the penalty applied.
  std::vector<float> penalized;

  bool penalizing() const {
    return params.repeat_penalty > 0.0f && params.repeat_penalty != 1.0f &&
           !recent.empty();
  }

  /// xoshiro256**: a uniform double in [0, 1).
  double uniform() {
    uint64_t result = rotl(rng[1] * 5, 7) * 9;
    uint64_t t = rng[1] << 17;
    rng[2] ^= rng[0];
    rng[3] ^= rng[1];
    rng[1] ^= rng[2];
    rng[0] ^= rng[3];
    rng[2] ^= t;
    rng[3] = rotl(rng[3], 45);
    return double(result >> 11) * 0x1.0p-53;
  }
};

extern "C" void lq_sampler_params_default(const lq_model *model,
                                          lq_sampler_params *params) {
  if (!params)
    return;
  *params = {0.0f, 0, 1.0f, 0, 0.0f, 1.0f, 64};
  const lqm::SamplerDefaults *defaults =
      model ? model->view.artifact->sampler() : nullptr;
  if (defaults) {
    params->temperature = defaults->temperature();
    params->top_k = defaults->top_k();
    params->top_p = defaults->top_p();
    params->min_p = defaults->min_p();
    params->repeat_penalty = defaults->repeat_penalty();
  }
}

extern "C" lq_status lq_sampler_create(const lq_sampler_params *params,
                                       lq_sampler **out) {
  if (!out)
    return fail(LQ_ERROR_INVALID_ARGUMENT, "lq_sampler_create: out is null");
  *out = nullptr;
  if (!params)
    return fail(LQ_ERROR_INVALID_ARGUMENT, "lq_sampler_create: params is null");
  if (std::isnan(params->temperature) || std::isnan(params->top_p) ||
      std::isnan(params->min_p) || std::isnan(params->repeat_penalty))
    return fail(LQ_ERROR_INVALID_ARGUMENT,
                "sampler: temperature, top_p, min_p and repeat_penalty must "
                "be numbers");
  auto *sampler = new (std::nothrow) lq_sampler;
  if (!sampler)
    return fail(LQ_ERROR_OUT_OF_MEMORY, "sampler: out of memory");
  sampler->params = *params;
  uint64_t seed = params->seed;
  for (uint64_t &word : sampler->rng)
    word = splitmix64(seed);
  *out = sampler;
  return LQ_OK;
}

extern "C" void lq_sampler_destroy(lq_sampler *sampler) { delete sampler; }

extern "C" void lq_sampler_accept(lq_sampler *sampler, int32_t token) {
  if (!sampler || sampler->params.repeat_last_n == 0)
    return;
  std::vector<int32_t> &recent = sampler->recent;
  if (recent.size() == sampler->params.repeat_last_n)
    recent.erase(recent.begin());
  recent.push_back(token);
}

extern "C" void lq_sampler_reset(lq_sampler *sampler) {
  if (sampler)
    sampler->recent.clear();
}

extern "C" int32_t lq_sampler_sample(lq_sampler *sampler, const float *logits,
                                     size_t vocab_size) {
  if (!sampler || !logits || vocab_size == 0 || vocab_size > INT32_MAX) {
    fail(LQ_ERROR_INVALID_ARGUMENT,
         "lq_sampler_sample: null sampler or logits, or a bad vocab_size");
    return -1;
  }
  const lq_sampler_params &params = sampler->params;
  auto value = [](float logit) {
    return std::isnan(logit) ? -INFINITY : logit;
  };
  if (sampler->penalizing()) {
    // Each distinct recent token once, as llama.cpp's penalty does.
    std::vector<float> &p = sampler->penalized;
    p.assign(logits, logits + vocab_size);
    for (int32_t id : sampler->recent) {
      if (id < 0 || size_t(id) >= vocab_size || std::isnan(p[id]) ||
          p[id] != logits[id])
        continue;
      p[id] = p[id] > 0 ? p[id] / params.repeat_penalty
                        : p[id] * params.repeat_penalty;
    }
    logits = p.data();
  }
  if (!(params.temperature > 0.0f)) {
    size_t best = 0;
    for (size_t i = 1; i < vocab_size; ++i)
      if (value(logits[i]) > value(logits[best]))
        best = i;
    return int32_t(best);
  }

  std::vector<Candidate> &candidates = sampler->candidates;
  candidates.resize(vocab_size);
  for (size_t i = 0; i < vocab_size; ++i)
    candidates[i] = {value(logits[i]), int32_t(i)};
  bool sorted = false;
  if (params.top_k > 0 && params.top_k < vocab_size) {
    std::nth_element(candidates.begin(), candidates.begin() + params.top_k,
                     candidates.end(), before);
    candidates.resize(params.top_k);
    std::sort(candidates.begin(), candidates.end(), before);
    sorted = true;
  }
  if (params.top_p < 1.0f && !sorted) {
    std::sort(candidates.begin(), candidates.end(), before);
    sorted = true;
  }

  float maxLogit = -INFINITY;
  for (const Candidate &c : candidates)
    maxLogit = std::max(maxLogit, c.logit);
  if (maxLogit == -INFINITY)
    return std::min_element(candidates.begin(), candidates.end(),
                            [](const Candidate &a, const Candidate &b) {
                              return a.id < b.id;
                            })
        ->id;
  if (params.min_p > 0.0f) {
    // p / p_max = exp(logit - maxLogit) >= min_p, before temperature.
    float floor = maxLogit + std::log(std::min(params.min_p, 1.0f));
    candidates.erase(
        std::remove_if(candidates.begin(), candidates.end(),
                       [&](const Candidate &c) { return c.logit < floor; }),
        candidates.end());
  }
  // Reuse the logit slot for the unnormalized probability.
  double total = 0.0;
  for (Candidate &c : candidates) {
    c.logit = float(std::exp(double(c.logit - maxLogit) / params.temperature));
    total += c.logit;
  }
  size_t kept = candidates.size();
  if (params.top_p < 1.0f) {
    double threshold = double(params.top_p) * total, sum = 0.0;
    for (kept = 0; kept < candidates.size();) {
      sum += candidates[kept++].logit;
      if (sum >= threshold)
        break;
    }
    total = sum;
  }
  double target = sampler->uniform() * total, sum = 0.0;
  size_t last = 0;
  for (size_t i = 0; i < kept; ++i) {
    if (candidates[i].logit == 0.0f)
      continue;
    sum += candidates[i].logit;
    last = i;
    if (target < sum)
      return candidates[i].id;
  }
  return candidates[last].id; // Rounding left `target` just past the end.
}
