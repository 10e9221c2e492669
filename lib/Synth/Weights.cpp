//===- Weights.cpp - Deterministic random weight values -------------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// A splitmix64 counter hash per element, turned into an approximately normal
// value by summing four 16-bit lanes (Irwin-Hall with n = 4). Only integer
// arithmetic, int-to-float conversions and single multiplications are used,
// so no compiler contraction or FPU mode changes the bits. Streaming writes
// chunks of a few hundred KB, the only memory the data of any preset needs.
//
//===----------------------------------------------------------------------===//

#include "liquid/Synth/Weights.h"

#include "liquid/Synth/Quantize.h"

#include <algorithm>
#include <vector>

using namespace liquid;
using namespace liquid::synth;

namespace {
/// How a role's values are distributed.
enum class Kind { Weight, Norm, Bias };
} // namespace

static Kind kindOf(TensorRole role) {
  switch (role) {
  case TensorRole::FinalNorm:
  case TensorRole::OperatorNorm:
  case TensorRole::FFNNorm:
  case TensorRole::AttnQNorm:
  case TensorRole::AttnKNorm:
    return Kind::Norm;
  case TensorRole::ExpertBias:
    return Kind::Bias;
  default:
    return Kind::Weight;
  }
}

static inline uint64_t mix64(uint64_t z) {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

/// Centered sum of four uniform 16-bit lanes: mean 0, standard deviation
/// 65536 / sqrt(3) = 37837.2, range +-131070.
static inline int64_t centeredSum(uint64_t h) {
  int64_t s = static_cast<int64_t>((h & 0xffff) + ((h >> 16) & 0xffff) +
                                   ((h >> 32) & 0xffff) + (h >> 48));
  return s - 131070;
}

static constexpr uint64_t kGolden = 0x9e3779b97f4a7c15ULL;

void liquid::synth::generateValues(uint64_t seed, TensorRole role,
                                   int64_t layer, uint64_t first, uint64_t n,
                                   float *out) {
  uint64_t key = mix64(mix64(seed + kGolden) ^
                       ((static_cast<uint64_t>(role) << 32) +
                        static_cast<uint64_t>(layer + 1)));
  Kind kind = kindOf(role);
  // sigma * sqrt(3) / 65536 for the two plain normal kinds.
  const float weightScale = 0.02f * 1.7320508f / 65536.0f;
  const float biasScale = 0.1f * 1.7320508f / 65536.0f;
  for (uint64_t i = 0; i < n; ++i) {
    int64_t d = centeredSum(mix64(key + (first + i + 1) * kGolden));
    switch (kind) {
    case Kind::Weight:
      out[i] = static_cast<float>(d) * weightScale;
      break;
    case Kind::Bias:
      out[i] = static_cast<float>(d) * biasScale;
      break;
    case Kind::Norm:
      // 1 + N(0, 0.02) as (2^30 + 568 d) * 2^-30: exact integer sum, one
      // rounding int->float, an exact power-of-two scale.
      out[i] = static_cast<float>((int64_t(1) << 30) + 568 * d) *
               (1.0f / 1073741824.0f);
      break;
    }
  }
}

DType liquid::synth::valuePrecision(DType fileDType) {
  return isBlockType(fileDType) ? DType::BF16 : fileDType;
}

void liquid::synth::writeTensorValues(llvm::raw_ostream &os, uint64_t seed,
                                      TensorRole role, int64_t layer,
                                      uint64_t first, uint64_t n,
                                      DType precision, DType storage) {
  constexpr uint64_t kChunk = 64 * 1024; // Elements; a multiple of 32.
  std::vector<float> values(std::min(n, kChunk));
  std::vector<uint8_t> bytes(dtypeStorageBytes(DType::F32, values.size()));
  for (uint64_t done = 0; done < n;) {
    uint64_t count = std::min(kChunk, n - done);
    generateValues(seed, role, layer, first + done, count, values.data());
    if (precision != DType::F32)
      for (uint64_t i = 0; i < count; ++i)
        values[i] = roundToPrecision(precision, values[i]);
    encodeValues(storage, values.data(), count, bytes.data());
    os.write(reinterpret_cast<const char *>(bytes.data()),
             dtypeStorageBytes(storage, count));
    done += count;
  }
}
