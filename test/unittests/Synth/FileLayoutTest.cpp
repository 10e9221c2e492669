//===- FileLayoutTest.cpp - Sharded HF output and deterministic bytes -----===//
//
// SPDX-License-Identifier: Apache-2.0
//
// A small --max-shard-size splits an HF checkpoint into
// model-0000K-of-0000N.safetensors files plus model.safetensors.index.json,
// each file within the limit unless one tensor alone exceeds it, and the
// sharded directory reads back with the tensors and bytes of the single-file
// form. Two syntheses with the same options write byte-identical files and
// leave nothing else behind; another seed changes every tensor.
//
//===----------------------------------------------------------------------===//

#include "SynthTestSupport.h"

#include <cstdio>
#include <set>

using namespace liquid;
using namespace liquid::test;

namespace {

constexpr CheckpointFormat kHF = CheckpointFormat::HF;
constexpr CheckpointFormat kGGUF = CheckpointFormat::GGUF;
constexpr uint64_t kOneFile = uint64_t(2) << 30;

struct ShardCase {
  const char *preset;
  DType dtype;
  uint64_t maxShardBytes;
};

class ShardedHF : public SynthTest,
                  public ::testing::WithParamInterface<ShardCase> {};

TEST_P(ShardedHF, ReadsBackAsTheSingleFileForm) {
  const ShardCase &p = GetParam();
  std::string dir =
      synthesize("sharded", p.preset, kHF, p.dtype, 3, p.maxShardBytes);
  auto sharded = read(dir);
  auto single = read(synthesize("single", p.preset, kHF, p.dtype, 3));
  ASSERT_TRUE(sharded && single);
  EXPECT_EQ(single->fileNames.size(), 1u);
  size_t numShards = sharded->fileNames.size();
  ASSERT_GT(numShards, 1u);

  std::vector<std::string> files = {"config.json",
                                    "model.safetensors.index.json",
                                    "tokenizer.json", "tokenizer_config.json"};
  for (size_t k = 1; k <= numShards; ++k) {
    char name[64];
    std::snprintf(name, sizeof(name), "model-%05zu-of-%05zu.safetensors", k,
                  numShards);
    files.push_back(name);
  }
  std::sort(files.begin(), files.end());
  EXPECT_EQ(listDir(dir), files);

  // Tensor bytes per file: within the limit unless the file holds one
  // tensor. A stacked expert tensor of an MoE model spans several files.
  std::vector<uint64_t> bytes(numShards), count(numShards);
  bool spansFiles = false;
  for (const auto &entry : sharded->tensors) {
    std::set<unsigned> filesOfTensor;
    for (const TensorSegment &s : entry.second.segments) {
      bytes[s.file] += s.size;
      ++count[s.file];
      filesOfTensor.insert(s.file);
    }
    spansFiles |= filesOfTensor.size() > 1;
  }
  for (size_t k = 0; k < numShards; ++k) {
    EXPECT_GT(count[k], 0u) << sharded->fileNames[k];
    if (count[k] > 1) {
      EXPECT_LE(bytes[k], p.maxShardBytes) << sharded->fileNames[k];
    }
  }
  EXPECT_EQ(spansFiles, sharded->config.isMoE());

  expectConfig(sharded->config, single->config, /*f32Floats=*/false);
  EXPECT_EQ(sharded->tensorOrder, single->tensorOrder);
  EXPECT_EQ(sharded->tensors.size(), single->tensors.size());
  for (const std::string &name : single->tensorOrder) {
    SCOPED_TRACE(name);
    const TensorInfo *s = single->lookup(name), *t = sharded->lookup(name);
    ASSERT_TRUE(s && t);
    EXPECT_EQ(t->shape, s->shape);
    EXPECT_EQ(t->dtype, s->dtype);
    EXPECT_TRUE(tensorBytes(*sharded, *t) == tensorBytes(*single, *s));
  }
}

// tiny f32 tensors are up to 1 MiB, so several share each 3 MiB file; a
// 64 KiB limit puts each tiny-moe bf16 expert (256 x 128) in a file of its
// own and the 512 KiB embedding alone over the limit.
INSTANTIATE_TEST_SUITE_P(
    Presets, ShardedHF,
    ::testing::Values(ShardCase{"tiny", DType::F32, 3 << 20},
                      ShardCase{"tiny-moe", DType::BF16, 64 << 10}),
    [](const ::testing::TestParamInfo<ShardCase> &info) {
      std::string name = info.param.preset;
      std::replace(name.begin(), name.end(), '-', '_');
      return name;
    });

/// Expects the two paths, files or directories, to hold identical bytes.
void expectSameFiles(llvm::StringRef a, llvm::StringRef b) {
  if (!llvm::sys::fs::is_directory(a)) {
    EXPECT_TRUE(slurp(a) == slurp(b)) << a.str() << " differs from " << b.str();
    return;
  }
  std::vector<std::string> names = listDir(a);
  ASSERT_EQ(names, listDir(b));
  for (const std::string &name : names)
    expectSameFiles((a + "/" + name).str(), (b + "/" + name).str());
}

TEST_F(SynthTest, SameOptionsWriteTheSameBytes) {
  struct Case {
    const char *name, *preset;
    CheckpointFormat format;
    DType dtype;
    uint64_t maxShardBytes;
  } cases[] = {
      {"moe-q4_0.gguf", "tiny-moe", kGGUF, DType::Q4_0, kOneFile},
      {"moe-bf16", "tiny-moe", kHF, DType::BF16, 1 << 20},
      {"tiny-f16.gguf", "tiny", kGGUF, DType::F16, kOneFile},
  };
  std::vector<std::string> outputs;
  for (const Case &c : cases) {
    SCOPED_TRACE(c.name);
    std::string a = synthesize(std::string("a-") + c.name, c.preset, c.format,
                               c.dtype, 11, c.maxShardBytes);
    std::string b = synthesize(std::string("b-") + c.name, c.preset, c.format,
                               c.dtype, 11, c.maxShardBytes);
    expectSameFiles(a, b);
    outputs.push_back(std::string("a-") + c.name);
    outputs.push_back(std::string("b-") + c.name);
  }
  // No temporary file or directory is left next to the outputs.
  std::sort(outputs.begin(), outputs.end());
  EXPECT_EQ(listDir(root), outputs);
}

TEST_F(SynthTest, AnotherSeedChangesEveryTensor) {
  for (CheckpointFormat format : {kGGUF, kHF}) {
    const char *ext = format == kGGUF ? ".gguf" : "";
    auto a = read(
        synthesize(std::string("a") + ext, "tiny-moe", format, DType::BF16, 1));
    auto b = read(
        synthesize(std::string("b") + ext, "tiny-moe", format, DType::BF16, 2));
    ASSERT_TRUE(a && b);
    ASSERT_EQ(a->tensorOrder, b->tensorOrder);
    for (const std::string &name : a->tensorOrder)
      EXPECT_FALSE(tensorBytes(*a, *a->lookup(name)) ==
                   tensorBytes(*b, *b->lookup(name)))
          << name;
  }
  // The seed is not in HF's config.json.
  EXPECT_EQ(slurp(path("a/config.json")), slurp(path("b/config.json")));
}

} // namespace
