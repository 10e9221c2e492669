//===- GGUFReaderTest.cpp - Tests of the GGUF reader ----------------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// Tests the GGUF container reader and readGGUFCheckpoint on files built byte
// by byte: the typed metadata getters, logical shapes, quantized sizes and
// alignment; the lfm2 / lfm2moe metadata rules; and errors for truncation at
// every cut point, bad magic, corrupt counts and offsets, unsupported tensor
// types, unknown architectures, missing keys and tensor table mismatches.
//
//===----------------------------------------------------------------------===//

#include "Builders.h"

#include "liquid/Import/GGUFReader.h"

#include <random>

using namespace liquid;
using namespace liquid::test;

namespace {

/// A GGUF file of `c` as llama.cpp's converter writes it, every tensor f32.
GGUFBuilder ggufModel(const ModelConfig &c) {
  GGUFBuilder b;
  std::string a = c.archName();
  b.str("general.architecture", a);
  b.str("general.name", "tiny");
  b.u32(a + ".block_count", c.numLayers());
  b.u32(a + ".context_length", c.maxPositions);
  b.u32(a + ".embedding_length", c.hiddenSize);
  b.u32(a + ".feed_forward_length", c.ffnSize);
  b.u32(a + ".attention.head_count", c.numHeads);
  std::vector<int32_t> kv;
  for (LayerKind k : c.layers)
    kv.push_back(k == LayerKind::Attention ? c.numKVHeads : 0);
  b.arrI32(a + ".attention.head_count_kv", kv);
  b.f32(a + ".rope.freq_base", c.ropeTheta);
  b.f32(a + ".attention.layer_norm_rms_epsilon", c.normEps);
  b.u32(a + ".vocab_size", c.vocabSize);
  b.u32(a + ".shortconv.l_cache", c.convL);
  if (c.isMoE()) {
    b.u32(a + ".expert_count", c.numExperts);
    b.u32(a + ".expert_used_count", c.expertsPerToken);
    b.u32(a + ".expert_feed_forward_length", c.moeFfnSize);
    b.u32(a + ".leading_dense_block_count", c.numDenseLayers);
    b.u32(a + ".expert_gating_func", 2);
  }
  b.u32("tokenizer.ggml.bos_token_id", c.bosTokenId);
  b.u32("tokenizer.ggml.eos_token_id", c.eosTokenId);
  b.u32("tokenizer.ggml.padding_token_id", c.padTokenId);
  for (const TensorSpec &s : modelTensors(c, CheckpointFormat::GGUF))
    b.tensors.push_back({s.name, 0, s.shape, std::nullopt});
  return b;
}

class GGUFReaderTest : public ImportTest {
protected:
  llvm::Expected<std::unique_ptr<Checkpoint>> load(const GGUFBuilder &b) {
    return readGGUFCheckpoint(write("m.gguf", b.build()));
  }
  std::string file() const { return path("m.gguf"); }
};

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

TEST_F(GGUFReaderTest, ContainerAndGetters) {
  GGUFBuilder b = ggufModel(tinyDense());
  b.arrStr("tokenizer.ggml.tokens", {"<pad>", "a", "bc"});
  b.boolean("x.flag", true);
  auto parsed = GGUFFile::open(write("m.gguf", b.build()));
  ASSERT_TRUE(static_cast<bool>(parsed)) << llvm::toString(parsed.takeError());
  const GGUFFile &f = **parsed;
  EXPECT_EQ(f.version(), 3u);
  EXPECT_EQ(f.alignment(), 32u);
  EXPECT_EQ(f.dataOffset() % 32, 0u);
  EXPECT_EQ(f.keys().front(), "general.architecture");
  EXPECT_EQ(*f.getString("general.architecture"), "lfm2");
  EXPECT_EQ(*f.getUInt("lfm2.block_count"), 3u);
  EXPECT_EQ(*f.getInt("lfm2.block_count"), 3);
  EXPECT_DOUBLE_EQ(*f.getFloat("lfm2.rope.freq_base"), 1e6);
  EXPECT_TRUE(*f.getBool("x.flag"));
  EXPECT_FALSE(*f.getBool("x.other", false));
  EXPECT_EQ(*f.getUInt("x.absent", 9), 9u);
  EXPECT_EQ(*f.getIntArray("lfm2.attention.head_count_kv"),
            (std::vector<int64_t>{0, 2, 0}));
  EXPECT_EQ(*f.getArrayLength("tokenizer.ggml.tokens"), 3u);
  auto tokens = f.getStringArray("tokenizer.ggml.tokens");
  ASSERT_TRUE(static_cast<bool>(tokens));
  EXPECT_EQ((*tokens)[2], "bc");
  expectError(f.getUInt("general.architecture"),
              {file() + ": key 'general.architecture': expected a "
                        "non-negative integer, found string"});
  expectError(f.getIntArray("tokenizer.ggml.tokens"),
              {"expected an array of integers, found array of string"});
  expectError(f.getString("lfm2.nothing"),
              {file() + ": missing key 'lfm2.nothing'"});

  const GGUFTensor *embd = f.findTensor("token_embd.weight");
  ASSERT_TRUE(embd);
  EXPECT_EQ(embd->ne, (std::vector<int64_t>{64, 32}));
  EXPECT_EQ(embd->shape, (std::vector<int64_t>{32, 64}));

  // Vocabulary from the token list, then from the embedding's rows.
  b.remove("lfm2.vocab_size");
  auto ckpt = load(b);
  ASSERT_FALSE(static_cast<bool>(ckpt));
  expectError(std::move(ckpt), {"token_embd.weight", "shape [32, 64]",
                                "does not match the config's [3, 64]"});
  b.remove("tokenizer.ggml.tokens");
  ckpt = load(b);
  ASSERT_TRUE(static_cast<bool>(ckpt)) << llvm::toString(ckpt.takeError());
  EXPECT_EQ((*ckpt)->config.vocabSize, 32);
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

TEST_F(GGUFReaderTest, TensorErrors) {
  GGUFBuilder base = ggufModel(tinyDense());
  GGUFBuilder b = base;
  b.tensor("blk.0.attn_norm.weight")->type = 12;
  expectError(load(b), {file() + ": tensor 'blk.0.attn_norm.weight': "
                                 "unsupported tensor type 12 (q4_K"});
  b = base;
  b.tensor("blk.0.attn_norm.weight")->type = 3;
  expectError(load(b), {"unsupported tensor type 3 (q4_1"});
  b = base;
  b.tensor("blk.0.attn_norm.weight")->type = 8; // norms must stay float
  expectError(load(b), {"tensor 'blk.0.attn_norm.weight': storage type q8_0"});
  b = base;
  b.tensor("blk.0.shortconv.conv.weight")->type = 8; // row of 3
  expectError(load(b), {"row length 3 is not a multiple"});
  b = base;
  b.tensor("token_embd_norm.weight")->offsetOverride = 1u << 30;
  expectError(load(b), {file() + ": tensor 'token_embd_norm.weight': data",
                        "runs past the end of the file"});
  b = base;
  b.tensor("token_embd_norm.weight")->offsetOverride = ~uint64_t(0) << 5;
  expectError(load(b), {"tensor 'token_embd_norm.weight'"});
  b = base;
  b.tensor("token_embd_norm.weight")->offsetOverride = 4;
  expectError(load(b), {"not a multiple of the alignment 32"});
  b = base;
  b.removeTensor("blk.1.attn_k_norm.weight");
  expectError(load(b), {file() + ": missing tensor 'blk.1.attn_k_norm.weight'"});
  b = base;
  b.tensor("blk.1.attn_k.weight")->shape = {64, 64};
  expectError(load(b), {file() + ": tensor 'blk.1.attn_k.weight': shape "
                                 "[64, 64] does not match the config's "
                                 "[32, 64]"});
  b = base;
  b.tensors.push_back({"dense_2.weight", 0, {64, 64}, std::nullopt});
  expectError(load(b), {file() + ": unexpected tensor 'dense_2.weight'"});
  b = base;
  b.tensors.push_back({"dense_2.weight", 0, {4, 4, 4, 4, 4}, std::nullopt});
  expectError(load(b), {"tensor 'dense_2.weight': 5 dimensions"});
  b = base;
  b.tensors.push_back(b.tensors.front());
  expectError(load(b), {"duplicate tensor 'token_embd.weight'"});
}

TEST_F(GGUFReaderTest, HeaderErrors) {
  GGUFBuilder b = ggufModel(tinyDense());
  b.magic = 0x46554746;
  expectError(load(b), {file() + ": not a GGUF file: bad magic"});
  b = ggufModel(tinyDense());
  b.version = 1;
  expectError(load(b), {"unsupported GGUF version 1"});

  // Corrupt counts are caught before anything is allocated for them.
  std::string good = ggufModel(tinyDense()).build();
  auto patch64 = [&](size_t at, uint64_t v) {
    std::string s = good;
    for (int i = 0; i < 8; ++i)
      s[at + i] = static_cast<char>(v >> (8 * i));
    return write("m.gguf", s);
  };
  expectError(readGGUFCheckpoint(patch64(8, ~uint64_t(0) >> 1)),
              {file() + ": truncated: tensor info count"});
  expectError(readGGUFCheckpoint(patch64(16, ~uint64_t(0))),
              {file() + ": truncated: metadata count"});
  // The first key's length.
  expectError(readGGUFCheckpoint(patch64(24, uint64_t(1) << 62)),
              {file() + ": truncated: key 0"});
  // The architecture string's length (after "general.architecture", type).
  expectError(readGGUFCheckpoint(patch64(24 + 8 + 20 + 4, uint64_t(1) << 40)),
              {"truncated: value of key 'general.architecture'"});

  GGUFBuilder arr = ggufModel(tinyDense());
  Bytes big;
  big.u32(4);
  big.u64(uint64_t(1) << 61);
  arr.raw("x.array", 9, big);
  expectError(load(arr), {"truncated: value of key 'x.array' count"});
  Bytes nested;
  nested.u32(9);
  nested.u64(0);
  arr.raw("x.array", 9, nested);
  expectError(load(arr), {"key 'x.array': nested arrays are not supported"});
  arr.raw("x.array", 77, Bytes());
  expectError(load(arr), {"key 'x.array': unknown value type 77"});
}

TEST_F(GGUFReaderTest, TruncatedAtEveryCut) {
  std::string good = ggufModel(tinyMoE()).build();
  auto parsed = GGUFFile::open(write("m.gguf", good));
  ASSERT_TRUE(static_cast<bool>(parsed));
  size_t header = (*parsed)->dataOffset();
  std::vector<size_t> cuts;
  for (size_t cut = 0; cut < header; ++cut)
    cuts.push_back(cut);
  for (size_t cut = header; cut < good.size(); cut += good.size() / 97)
    cuts.push_back(cut);
  cuts.push_back(good.size() - 1);
  for (size_t cut : cuts) {
    auto ckpt = readGGUFCheckpoint(write("m.gguf", good.substr(0, cut)));
    ASSERT_FALSE(static_cast<bool>(ckpt)) << "cut at " << cut;
    std::string message = llvm::toString(ckpt.takeError());
    EXPECT_EQ(message.rfind(file() + ": ", 0), 0u) << message;
    // Cuts inside the header are truncation errors; cuts in the data section
    // leave some tensor's data outside the file. (The last 32 bytes before
    // the data may be either: the infos end somewhere in there.)
    if (cut < header - 32) {
      EXPECT_NE(message.find("truncated"), std::string::npos) << message;
    } else if (cut >= header) {
      EXPECT_NE(message.find("runs past the end"), std::string::npos)
          << message;
    }
  }
}

TEST_F(GGUFReaderTest, SurvivesCorruption) {
  std::string good = ggufModel(tinyMoE()).build();
  auto parsed = GGUFFile::open(write("m.gguf", good));
  ASSERT_TRUE(static_cast<bool>(parsed));
  size_t header = (*parsed)->dataOffset();
  std::mt19937 rng(11);
  for (int i = 0; i < 2000; ++i) {
    std::string bad = good;
    for (int k = 0; k < 3; ++k)
      bad[rng() % header] = static_cast<char>(rng());
    auto file = GGUFFile::parse(
        llvm::MemoryBuffer::getMemBufferCopy(bad, "fuzz"), "fuzz");
    if (!file) {
      llvm::consumeError(file.takeError());
      continue;
    }
    auto config = configFromGGUF(**file);
    if (!config)
      llvm::consumeError(config.takeError());
  }
}

} // namespace
