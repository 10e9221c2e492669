//===- GGUFConfigTest.cpp - Tests of the lfm2 / lfm2moe GGUF metadata ----===//
//
// SPDX-License-Identifier: Apache-2.0
//
// Tests configFromGGUF and readGGUFCheckpoint on tiny lfm2 and lfm2moe files
// as llama.cpp's converter writes them: the config each yields, the
// per-layer head_count_kv layout, and an error of the form
// "<file>: key '<key>': <why>" for metadata that is missing, malformed,
// changes the math in a way Liquid does not implement, or would be rejected
// by the liquid dialect's verifier only after the IR is built.
//
//===----------------------------------------------------------------------===//

#include "Builders.h"

#include "liquid/Import/GGUFReader.h"

using namespace liquid;
using namespace liquid::test;

namespace {

TEST_F(GGUFReaderTest, LoadsDense) {
  GGUFBuilder b = ggufModel(tinyDense());
  b.u32("general.alignment", 64);
  b.alignment = 64;
  b.tensor("blk.0.ffn_up.weight")->type = 8;    // q8_0
  b.tensor("blk.1.attn_q.weight")->type = 2;    // q4_0
  b.tensor("blk.2.ffn_down.weight")->type = 30; // bf16
  auto ckpt = load(b);
  ASSERT_TRUE(static_cast<bool>(ckpt)) << llvm::toString(ckpt.takeError());
  const Checkpoint &c = **ckpt;
  EXPECT_EQ(c.format, CheckpointFormat::GGUF);
  ModelConfig expected = tinyDense();
  expectSameConfig(c.config, expected);

  std::vector<TensorSpec> specs =
      modelTensors(c.config, CheckpointFormat::GGUF);
  ASSERT_EQ(c.tensorOrder.size(), specs.size());
  for (size_t i = 0; i < specs.size(); ++i)
    EXPECT_EQ(c.tensorOrder[i], specs[i].name);

  const TensorInfo *up = c.lookup("blk.0.ffn_up.weight");
  ASSERT_TRUE(up);
  EXPECT_EQ(up->dtype, DType::Q8_0);
  EXPECT_EQ(up->shape, (std::vector<int64_t>{64, 64}));
  EXPECT_EQ(up->segments[0].size, 64u * 64 / 32 * 34);
  EXPECT_EQ(up->segments[0].offset % 64, 0u);
  EXPECT_EQ(c.lookup("blk.1.attn_q.weight")->segments[0].size,
            64u * 64 / 32 * 18);
  EXPECT_EQ(c.lookup("blk.2.ffn_down.weight")->dtype, DType::BF16);
  const TensorInfo *kernel = c.lookup("blk.0.shortconv.conv.weight");
  ASSERT_TRUE(kernel);
  EXPECT_EQ(kernel->shape, (std::vector<int64_t>{64, 3}));
  EXPECT_EQ(c.bytes(kernel->segments[0]).size(), 64u * 3 * 4);
}

TEST_F(GGUFReaderTest, LoadsMoE) {
  ModelConfig expected = tinyMoE();
  GGUFBuilder b = ggufModel(expected);
  b.f32("lfm2moe.expert_weights_scale", 2.5f);
  auto ckpt = load(b);
  ASSERT_TRUE(static_cast<bool>(ckpt)) << llvm::toString(ckpt.takeError());
  expected.routedScalingFactor = 2.5;
  expectSameConfig((*ckpt)->config, expected);
  const TensorInfo *gate = (*ckpt)->lookup("blk.1.ffn_gate_exps.weight");
  ASSERT_TRUE(gate);
  EXPECT_EQ(gate->shape, (std::vector<int64_t>{4, 32, 64}));
  EXPECT_EQ(gate->segments.size(), 1u);
  EXPECT_TRUE((*ckpt)->lookup("blk.0.ffn_gate.weight"));

  // No router bias stored: the model has none.
  b.removeTensor("blk.1.exp_probs_b.bias");
  ckpt = load(b);
  ASSERT_TRUE(static_cast<bool>(ckpt)) << llvm::toString(ckpt.takeError());
  EXPECT_FALSE((*ckpt)->config.useExpertBias);

  // A stored output head unties the embedding.
  b.tensors.push_back({"output.weight", 0, {32, 64}, std::nullopt});
  ckpt = load(b);
  ASSERT_TRUE(static_cast<bool>(ckpt)) << llvm::toString(ckpt.takeError());
  EXPECT_FALSE((*ckpt)->config.tiedEmbeddings);
  EXPECT_EQ((*ckpt)->tensorOrder.back(), "output.weight");

  b.u32("lfm2moe.expert_gating_func", 1);
  expectError(load(b), {file() + ": key 'lfm2moe.expert_gating_func': "
                                 "unsupported value 1"});
}

TEST_F(GGUFReaderTest, ScalarHeadCountKVMeansAllAttention) {
  ModelConfig c = tinyDense();
  c.layers.assign(3, LayerKind::Attention);
  GGUFBuilder b = ggufModel(c);
  b.u32("lfm2.attention.head_count_kv", 2);
  auto ckpt = load(b);
  ASSERT_TRUE(static_cast<bool>(ckpt)) << llvm::toString(ckpt.takeError());
  EXPECT_EQ((*ckpt)->config.layers, c.layers);
  EXPECT_EQ((*ckpt)->config.numKVHeads, 2);
}

TEST_F(GGUFReaderTest, MetadataErrors) {
  GGUFBuilder base = ggufModel(tinyDense());
  GGUFBuilder b = base;
  b.str("general.architecture", "llama");
  expectError(load(b), {file() + ": ", "unknown architecture 'llama'"});
  b = base;
  b.remove("lfm2.block_count");
  expectError(load(b), {file() + ": missing key 'lfm2.block_count'"});
  b = base;
  b.str("lfm2.block_count", "three");
  expectError(load(b), {"key 'lfm2.block_count'", "found string"});
  b = base;
  b.u32("lfm2.block_count", 2000000000); // Nothing allocated per layer.
  b.u32("lfm2.attention.head_count_kv", 2);
  expectError(load(b), {"key 'lfm2.block_count': value 2000000000 is out "
                        "of range"});
  b = base;
  b.arrI32("lfm2.attention.head_count_kv", {0, 2});
  expectError(load(b), {"key 'lfm2.attention.head_count_kv'", "2 entries"});
  b = base;
  b.arrI32("lfm2.attention.head_count_kv", {1, 2, 0});
  expectError(load(b), {"key 'lfm2.attention.head_count_kv'", "entry 1"});
  b = base;
  b.u32("lfm2.attention.head_count", 5);
  expectError(load(b), {"key 'lfm2.attention.head_count'", "not divisible"});
  b = base;
  b.u32("lfm2.attention.sliding_window", 512);
  expectError(load(b), {"key 'lfm2.attention.sliding_window': unsupported"});
  b = base;
  b.u32("general.alignment", 48);
  expectError(load(b), {"key 'general.alignment'", "power of two"});
}

// Values the liquid dialect's verifier would reject, caught in the reader
// with the key that holds them.
TEST_F(GGUFReaderTest, ValuesTheDialectRejects) {
  GGUFBuilder base = ggufModel(tinyDense());
  GGUFBuilder b = base;
  b.u32("lfm2.shortconv.l_cache", 1);
  expectError(load(b), {file() + ": key 'lfm2.shortconv.l_cache': value 1 is "
                                 "too small"});
  b.u32("lfm2.shortconv.l_cache", 0);
  expectError(load(b), {file() + ": key 'lfm2.shortconv.l_cache': value 0 is "
                                 "out of range"});
  // 60 / 4 = 15: divisible, but RoPE needs an even head size.
  b = base;
  b.u32("lfm2.embedding_length", 60);
  expectError(load(b), {file() + ": key 'lfm2.attention.head_count': head "
                                 "size",
                        "= 15 is odd"});
  for (const char *key : {"lfm2.embedding_length", "lfm2.attention.head_count",
                          "lfm2.vocab_size"}) {
    b = base;
    b.u32(key, 0);
    expectError(load(b),
                {file() + ": key '" + key + "': value 0 is out of range"});
  }
  // A million-token vocabulary: refused naming the limit, before anything
  // is sized by it.
  b = base;
  b.u32("lfm2.vocab_size", 1000000);
  expectError(load(b), {file() + ": vocabulary size 1000000 is out of range "
                                 "[1, 524288]"});
  b = base;
  b.arrI32("lfm2.attention.head_count_kv", {0, -2, 0});
  expectError(load(b), {file() + ": key 'lfm2.attention.head_count_kv': "
                                 "entry 1 is -2"});
  b = base;
  b.arrI32("lfm2.attention.head_count_kv", {0, 3, 0});
  expectError(load(b), {file() + ": key 'lfm2.attention.head_count_kv': 4 "
                                 "attention heads are not a multiple of 3 "
                                 "key/value heads"});
  b = base;
  b.u32("lfm2.attention.head_count_kv", 3);
  expectError(load(b), {file() + ": key 'lfm2.attention.head_count_kv': 4 "
                                 "attention heads are not a multiple of 3"});
  // A per-layer array longer or shorter than block_count.
  b = base;
  b.arrI32("lfm2.attention.head_count_kv", {0, 2, 0, 2});
  expectError(load(b), {file() + ": key 'lfm2.attention.head_count_kv': has "
                                 "4 entries but block_count is 3"});
  b.arrI32("lfm2.attention.head_count_kv", {});
  expectError(load(b), {file() + ": key 'lfm2.attention.head_count_kv': has "
                                 "0 entries but block_count is 3"});

  GGUFBuilder moe = ggufModel(tinyMoE());
  b = moe;
  b.u32("lfm2moe.expert_used_count", 0);
  expectError(load(b), {file() + ": key 'lfm2moe.expert_used_count': value 0 "
                                 "is out of range"});
  b.u32("lfm2moe.expert_used_count", 5);
  expectError(load(b), {file() + ": key 'lfm2moe.expert_used_count': 5 "
                                 "exceeds expert_count 4"});
  b = moe;
  b.f32("lfm2moe.expert_weights_scale", -1.0f);
  expectError(load(b), {file() + ": key 'lfm2moe.expert_weights_scale': "
                                 "value -1 is invalid"});
  // 0 means 1, as in llama.cpp.
  b.f32("lfm2moe.expert_weights_scale", 0.0f);
  auto ckpt = load(b);
  ASSERT_TRUE(static_cast<bool>(ckpt)) << llvm::toString(ckpt.takeError());
  EXPECT_DOUBLE_EQ((*ckpt)->config.routedScalingFactor, 1.0);
}

// llama.cpp's lfm2moe always normalises the selected expert weights and
// ignores expert_weights_norm; a file asking for anything else is refused.
TEST_F(GGUFReaderTest, ExpertWeightsNormMustNotBeFalse) {
  GGUFBuilder b = ggufModel(tinyMoE());
  b.boolean("lfm2moe.expert_weights_norm", false);
  expectError(load(b), {file() + ": key 'lfm2moe.expert_weights_norm': "
                                 "unsupported value false"});
  b.boolean("lfm2moe.expert_weights_norm", true);
  auto ckpt = load(b);
  ASSERT_TRUE(static_cast<bool>(ckpt)) << llvm::toString(ckpt.takeError());
  EXPECT_TRUE((*ckpt)->config.normTopKProb);
  b.remove("lfm2moe.expert_weights_norm");
  ckpt = load(b);
  ASSERT_TRUE(static_cast<bool>(ckpt)) << llvm::toString(ckpt.takeError());
  EXPECT_TRUE((*ckpt)->config.normTopKProb);
  b.u32("lfm2moe.expert_weights_norm", 0);
  expectError(load(b), {file() + ": key 'lfm2moe.expert_weights_norm': "
                                 "expected a bool, found u32"});
}

TEST_F(GGUFReaderTest, ExpertGatingFuncRequired) {
  GGUFBuilder b = ggufModel(tinyMoE());
  b.remove("lfm2moe.expert_gating_func");
  expectError(load(b), {file() + ": missing key 'lfm2moe.expert_gating_func'"});
  b.u32("lfm2moe.expert_gating_func", 0);
  expectError(load(b), {file() + ": key 'lfm2moe.expert_gating_func': "
                                 "unsupported value 0 (only 2, sigmoid, is "
                                 "supported)"});
}

} // namespace
