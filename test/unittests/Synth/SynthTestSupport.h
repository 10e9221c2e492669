//===- SynthTestSupport.h - Fixture for checkpoint round trips --*- C++ -*-===//
//
// SPDX-License-Identifier: Apache-2.0
//
// A temporary directory per test, liquid-synth's library writing presets
// into it, the importer reading them back, and helpers to get at a tensor's
// bytes (segments concatenated, as the HF reader's stacked experts are) and
// its values decoded to f32.
//
//===----------------------------------------------------------------------===//

#ifndef LIQUID_TEST_UNITTESTS_SYNTH_SYNTHTESTSUPPORT_H
#define LIQUID_TEST_UNITTESTS_SYNTH_SYNTHTESTSUPPORT_H

#include "liquid/Import/Checkpoint.h"
#include "liquid/Import/TensorNames.h"
#include "liquid/Synth/Quantize.h"
#include "liquid/Synth/Synth.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

#include "gtest/gtest.h"

#include <algorithm>
#include <cstring>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

namespace liquid {
/// Lets GoogleTest print a DType ("bf16") in messages and test parameters.
inline void PrintTo(DType t, std::ostream *os) { *os << dtypeName(t).str(); }
} // namespace liquid

namespace liquid::test {

class SynthTest : public ::testing::Test {
protected:
  void SetUp() override {
    ASSERT_FALSE(
        llvm::sys::fs::createUniqueDirectory("liquid-synth-test", root));
  }
  void TearDown() override { llvm::sys::fs::remove_directories(root); }

  std::string path(llvm::StringRef name) const {
    llvm::SmallString<256> p(root);
    llvm::sys::path::append(p, name);
    return std::string(p);
  }

  /// Writes preset `preset` to `name` in the temporary directory.
  std::string synthesize(llvm::StringRef name, llvm::StringRef preset,
                         CheckpointFormat format, DType dtype, uint64_t seed,
                         uint64_t maxShardBytes = uint64_t(2) << 30) const {
    synth::SynthOptions o;
    o.preset = synth::findPreset(preset);
    EXPECT_NE(o.preset, nullptr) << preset.str();
    o.format = format;
    o.dtype = dtype;
    o.seed = seed;
    o.output = path(name);
    o.maxShardBytes = maxShardBytes;
    o.progress = false;
    if (llvm::Error err = synth::writeCheckpoint(o))
      ADD_FAILURE() << llvm::toString(std::move(err));
    return o.output;
  }

  static std::unique_ptr<Checkpoint> read(llvm::StringRef path) {
    auto ckpt = readCheckpoint(path);
    if (!ckpt) {
      ADD_FAILURE() << llvm::toString(ckpt.takeError());
      return nullptr;
    }
    return std::move(*ckpt);
  }

  llvm::SmallString<256> root;
};

/// Every field of `got` equals `want`. GGUF stores the norm epsilon and
/// RoPE theta as f32, so with `f32Floats` those compare at f32.
inline void expectConfig(const ModelConfig &got, const ModelConfig &want,
                         bool f32Floats) {
  EXPECT_EQ(got.arch, want.arch);
  EXPECT_EQ(got.vocabSize, want.vocabSize);
  EXPECT_EQ(got.hiddenSize, want.hiddenSize);
  EXPECT_EQ(got.numHeads, want.numHeads);
  EXPECT_EQ(got.numKVHeads, want.numKVHeads);
  EXPECT_EQ(got.headDim, want.headDim);
  EXPECT_EQ(got.ffnSize, want.ffnSize);
  EXPECT_EQ(got.convL, want.convL);
  EXPECT_EQ(got.maxPositions, want.maxPositions);
  if (f32Floats) {
    EXPECT_EQ(float(got.normEps), float(want.normEps));
    EXPECT_EQ(float(got.ropeTheta), float(want.ropeTheta));
  } else {
    EXPECT_EQ(got.normEps, want.normEps);
    EXPECT_EQ(got.ropeTheta, want.ropeTheta);
  }
  EXPECT_EQ(got.tiedEmbeddings, want.tiedEmbeddings);
  EXPECT_EQ(got.layers, want.layers);
  EXPECT_EQ(got.numExperts, want.numExperts);
  EXPECT_EQ(got.expertsPerToken, want.expertsPerToken);
  EXPECT_EQ(got.moeFfnSize, want.moeFfnSize);
  EXPECT_EQ(got.numDenseLayers, want.numDenseLayers);
  EXPECT_EQ(got.normTopKProb, want.normTopKProb);
  EXPECT_EQ(got.useExpertBias, want.useExpertBias);
  EXPECT_EQ(got.routedScalingFactor, want.routedScalingFactor);
  EXPECT_EQ(got.bosTokenId, want.bosTokenId);
  EXPECT_EQ(got.eosTokenId, want.eosTokenId);
  EXPECT_EQ(got.padTokenId, want.padTokenId);
}

/// Names in a directory, sorted.
inline std::vector<std::string> listDir(llvm::StringRef dir) {
  std::vector<std::string> names;
  std::error_code ec;
  for (llvm::sys::fs::directory_iterator it(dir, ec), end; it != end && !ec;
       it.increment(ec))
    names.push_back(llvm::sys::path::filename(it->path()).str());
  EXPECT_FALSE(ec) << dir.str();
  std::sort(names.begin(), names.end());
  return names;
}

/// The whole contents of a file.
inline std::string slurp(llvm::StringRef file) {
  auto buffer = llvm::MemoryBuffer::getFile(file);
  EXPECT_TRUE(static_cast<bool>(buffer)) << file.str();
  return buffer ? (*buffer)->getBuffer().str() : std::string();
}

/// A tensor's bytes, its segments concatenated.
inline std::vector<uint8_t> tensorBytes(const Checkpoint &c,
                                        const TensorInfo &t) {
  std::vector<uint8_t> bytes;
  for (const TensorSegment &s : t.segments)
    llvm::append_range(bytes, c.bytes(s));
  return bytes;
}

/// A tensor's values decoded to f32.
inline std::vector<float> tensorValues(const Checkpoint &c,
                                       const TensorInfo &t) {
  std::vector<uint8_t> bytes = tensorBytes(c, t);
  EXPECT_EQ(bytes.size(), liquid::dtypeStorageBytes(t.dtype, t.numElements()))
      << t.name;
  std::vector<float> values(t.numElements());
  if (bytes.size() == liquid::dtypeStorageBytes(t.dtype, t.numElements()))
    synth::decodeValues(t.dtype, bytes.data(), t.numElements(), values.data());
  return values;
}

/// Index of the first element whose bits differ, or -1 if all are equal.
inline int64_t firstDifference(const std::vector<float> &a,
                               const std::vector<float> &b) {
  if (a.size() != b.size())
    return 0;
  for (size_t i = 0; i < a.size(); ++i)
    if (std::memcmp(&a[i], &b[i], 4) != 0)
      return static_cast<int64_t>(i);
  return -1;
}

} // namespace liquid::test

#endif // LIQUID_TEST_UNITTESTS_SYNTH_SYNTHTESTSUPPORT_H
