//===- CheckpointTest.cpp - Tests of the HF reader and shared pieces ------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// Tests the effective FFN rule, the storage-type table, readCheckpoint's
// dispatch (which must not read a GGUF file twice), the safetensors parser
// (including its size limits) and the Hugging Face reader: valid tiny dense
// and MoE directories load with the right config and tensor table, and each
// kind of bad input gives an error naming the file and the key or tensor at
// fault. The config.json rules alone are in HFConfigTest.cpp.
//
//===----------------------------------------------------------------------===//

#include "Builders.h"

#include "AllocationTracker.h"

#include "liquid/Import/HFConfig.h"
#include "liquid/Import/Safetensors.h"

#include <cmath>
#include <random>

using namespace liquid;
using namespace liquid::test;
namespace json = llvm::json;

namespace {

TEST(ModelConfigTest, EffectiveFFNSize) {
  EXPECT_EQ(effectiveFFNSize(6656, true, 1.0, 256), 4608);
  EXPECT_EQ(effectiveFFNSize(10240, true, 1.0, 256), 6912);
  EXPECT_EQ(effectiveFFNSize(12288, true, 1.0, 256), 8192);
  EXPECT_EQ(effectiveFFNSize(10752, false, 1.0, 256), 10752);
  EXPECT_EQ(effectiveFFNSize(2560, false, 1.0, 256), 2560);
  // No multiplier: still rounded up (early modular_lfm2 / llama.cpp rule).
  EXPECT_EQ(effectiveFFNSize(6656, true, -1.0, 256), 4608);
  EXPECT_EQ(effectiveFFNSize(90, true, -1.0, 64), 64);
  EXPECT_EQ(effectiveFFNSize(300, true, 1.5, 100), 300);
  // A multiplier past any size (found by the hf fuzz target: the cast to
  // int64 was undefined behaviour).
  EXPECT_EQ(effectiveFFNSize(6656, true, 9.85e66, 256), -1);
  EXPECT_EQ(effectiveFFNSize(6656, true, HUGE_VAL, 256), -1);
}

TEST(ModelConfigTest, DTypeTable) {
  EXPECT_EQ(dtypeName(DType::BF16), "bf16");
  EXPECT_EQ(dtypeName(DType::Q4_0), "q4_0");
  EXPECT_EQ(dtypeBlockSize(DType::F16), 1);
  EXPECT_EQ(dtypeBlockSize(DType::Q8_0), 32);
  EXPECT_EQ(dtypeStorageBytes(DType::F32, 10), 40u);
  EXPECT_EQ(dtypeStorageBytes(DType::Q8_0, 64), 68u);
  EXPECT_EQ(dtypeStorageBytes(DType::Q4_0, 64), 36u);
  TensorInfo t;
  t.shape = {3, 1, 5};
  EXPECT_EQ(t.numElements(), 15);
}

/// The HF tensors of a config, experts as separate parts.
std::vector<SafetensorsBuilder::Tensor> hfTensors(const ModelConfig &c,
                                                  const std::string &dtype) {
  std::vector<SafetensorsBuilder::Tensor> out;
  for (const TensorSpec &s : modelTensors(c, CheckpointFormat::HF)) {
    bool stacked = s.role == TensorRole::ExpertsGate ||
                   s.role == TensorRole::ExpertsUp ||
                   s.role == TensorRole::ExpertsDown;
    if (!stacked) {
      out.push_back({s.name, dtype, s.shape, std::nullopt});
      continue;
    }
    std::vector<int64_t> part(s.shape.begin() + 1, s.shape.end());
    for (int64_t e = 0; e < c.numExperts; ++e)
      out.push_back({hfExpertPartName(s.layer, e, s.role), dtype, part,
                     std::nullopt});
  }
  return out;
}

class HFReaderTest : public ImportTest {
protected:
  /// Writes dir/config.json and dir/model.safetensors; returns the dir.
  std::string writeHF(const json::Object &config,
                      const std::vector<SafetensorsBuilder::Tensor> &tensors,
                      const std::string &dir = "ckpt") {
    write(dir + "/config.json", toText(config));
    SafetensorsBuilder st;
    st.tensors = tensors;
    write(dir + "/model.safetensors", st.build());
    return path(dir);
  }
  std::string dense() {
    return writeHF(denseConfig(), hfTensors(tinyDense(), "BF16"));
  }
};

TEST_F(HFReaderTest, LoadsDenseLegacyConfig) {
  auto ckpt = readHFCheckpoint(dense());
  ASSERT_TRUE(static_cast<bool>(ckpt)) << llvm::toString(ckpt.takeError());
  const Checkpoint &c = **ckpt;
  EXPECT_EQ(c.format, CheckpointFormat::HF);
  expectSameConfig(c.config, tinyDense());

  std::vector<TensorSpec> specs = modelTensors(c.config, CheckpointFormat::HF);
  ASSERT_EQ(c.tensorOrder.size(), specs.size());
  for (size_t i = 0; i < specs.size(); ++i)
    EXPECT_EQ(c.tensorOrder[i], specs[i].name);
  const TensorInfo *conv = c.lookup("model.layers.0.conv.conv.weight");
  ASSERT_TRUE(conv);
  EXPECT_EQ(conv->dtype, DType::BF16);
  EXPECT_EQ(conv->shape, (std::vector<int64_t>{64, 1, 3}));
  ASSERT_EQ(conv->segments.size(), 1u);
  EXPECT_EQ(c.bytes(conv->segments[0]).size(), 64u * 3 * 2);
  EXPECT_FALSE(c.lookup("lm_head.weight"));
}

TEST_F(HFReaderTest, LayoutRules) {
  // layer_types wins over full_attn_idxs.
  json::Object cfg = denseConfig();
  cfg["layer_types"] = json::Array{"full_attention", "conv", "conv"};
  ModelConfig expected = tinyDense();
  expected.layers = {LayerKind::Attention, LayerKind::Conv, LayerKind::Conv};
  auto ckpt = readHFCheckpoint(writeHF(cfg, hfTensors(expected, "F32"), "a"));
  ASSERT_TRUE(static_cast<bool>(ckpt)) << llvm::toString(ckpt.takeError());
  EXPECT_EQ((*ckpt)->config.layers, expected.layers);

  // Neither key: every layer is attention.
  cfg = denseConfig();
  cfg.erase("full_attn_idxs");
  expected.layers.assign(3, LayerKind::Attention);
  ckpt = readHFCheckpoint(writeHF(cfg, hfTensors(expected, "F32"), "b"));
  ASSERT_TRUE(static_cast<bool>(ckpt)) << llvm::toString(ckpt.takeError());
  EXPECT_EQ((*ckpt)->config.layers, expected.layers);
}

TEST_F(HFReaderTest, StoredOutputHeadUnties) {
  ModelConfig untied = tinyDense();
  untied.tiedEmbeddings = false;
  auto ckpt = readHFCheckpoint(writeHF(denseConfig(), hfTensors(untied, "F32")));
  ASSERT_TRUE(static_cast<bool>(ckpt)) << llvm::toString(ckpt.takeError());
  EXPECT_FALSE((*ckpt)->config.tiedEmbeddings);
  EXPECT_EQ((*ckpt)->tensorOrder.back(), "lm_head.weight");

  // Config says untied but the file has no head.
  json::Object cfg = denseConfig();
  cfg["tie_embedding"] = false;
  expectError(readHFCheckpoint(writeHF(cfg, hfTensors(tinyDense(), "F32"), "b")),
              {"model.safetensors: missing tensor 'lm_head.weight'"});
}

TEST_F(HFReaderTest, LoadsMoEAndStacksExperts) {
  ModelConfig expected = tinyMoE();
  auto ckpt = readHFCheckpoint(writeHF(moeConfig(), hfTensors(expected, "F32")));
  ASSERT_TRUE(static_cast<bool>(ckpt)) << llvm::toString(ckpt.takeError());
  const Checkpoint &c = **ckpt;
  expectSameConfig(c.config, expected);
  EXPECT_FALSE(c.config.isMoELayer(0));
  EXPECT_TRUE(c.config.isMoELayer(1));
  EXPECT_TRUE(c.lookup("model.layers.0.feed_forward.w1.weight"));
  EXPECT_TRUE(c.lookup("model.layers.1.feed_forward.expert_bias"));
  EXPECT_FALSE(c.lookup("model.layers.1.feed_forward.experts.0.w1.weight"));

  const TensorInfo *down =
      c.lookup("model.layers.1.feed_forward.experts.w2.weight");
  ASSERT_TRUE(down);
  EXPECT_EQ(down->shape, (std::vector<int64_t>{4, 64, 32}));
  ASSERT_EQ(down->segments.size(), 4u);
  // The parts are laid out in file order, expert by expert.
  for (unsigned e = 0; e < 4; ++e) {
    EXPECT_EQ(down->segments[e].size, 64u * 32 * 4);
    if (e) {
      EXPECT_GT(down->segments[e].offset, down->segments[e - 1].offset);
    }
  }
  EXPECT_EQ(c.tensorOrder.size(),
            modelTensors(c.config, CheckpointFormat::HF).size());
}

TEST_F(HFReaderTest, MoEExpertErrors) {
  auto tensors = hfTensors(tinyMoE(), "F32");
  auto drop = tensors;
  llvm::erase_if(drop, [](const SafetensorsBuilder::Tensor &t) {
    return t.name == "model.layers.1.feed_forward.experts.2.w3.weight";
  });
  expectError(readHFCheckpoint(writeHF(moeConfig(), drop, "a")),
              {"model.safetensors: missing tensor "
               "'model.layers.1.feed_forward.experts.2.w3.weight'"});

  auto mixed = tensors;
  for (auto &t : mixed)
    if (t.name == "model.layers.1.feed_forward.experts.1.w1.weight")
      t.dtype = "BF16";
  expectError(readHFCheckpoint(writeHF(moeConfig(), mixed, "b")),
              {"experts.1.w1.weight", "differs from expert 0"});

  auto extra = tensors;
  extra.push_back({"model.layers.1.feed_forward.experts.4.w1.weight", "F32",
                   {32, 64}, std::nullopt});
  expectError(readHFCheckpoint(writeHF(moeConfig(), extra, "c")),
              {"unexpected tensor 'model.layers.1.feed_forward.experts.4."});

  // use_expert_bias false, but the checkpoint has the bias.
  json::Object noBias = moeConfig();
  noBias["use_expert_bias"] = false;
  expectError(readHFCheckpoint(writeHF(noBias, tensors, "d")),
              {"unexpected tensor 'model.layers.1.feed_forward.expert_bias'"});
}

TEST_F(HFReaderTest, TensorTableErrors) {
  auto tensors = hfTensors(tinyDense(), "F32");
  auto missing = tensors;
  missing.erase(missing.begin() + 3);
  expectError(readHFCheckpoint(writeHF(denseConfig(), missing, "a")),
              {"a/model.safetensors: missing tensor '" + tensors[3].name + "'"});

  auto shape = tensors;
  shape[1].shape = {64, 2};
  expectError(readHFCheckpoint(writeHF(denseConfig(), shape, "b")),
              {"b/model.safetensors: tensor '" + tensors[1].name +
               "': shape [64, 2] does not match the config's [64]"});

  auto extra = tensors;
  extra.push_back({"model.layers.0.conv.in_proj.bias", "F32", {192},
                   std::nullopt});
  expectError(readHFCheckpoint(writeHF(denseConfig(), extra, "c")),
              {"c/model.safetensors: unexpected tensor "
               "'model.layers.0.conv.in_proj.bias'"});

  auto ints = tensors;
  ints[0].dtype = "I64";
  expectError(readHFCheckpoint(writeHF(denseConfig(), ints, "d")),
              {"d/model.safetensors: tensor 'model.embed_tokens.weight'",
               "unsupported dtype 'I64'"});

  json::Object bias = denseConfig();
  bias["conv_bias"] = true;
  expectError(readHFCheckpoint(writeHF(bias, tensors, "e")),
              {"e/config.json: key 'conv_bias': unsupported value true"});

  write("f/config.json", "{ not json");
  expectError(readHFCheckpoint(path("f")), {"f/config.json: invalid JSON"});

  write("g/config.json", toText(denseConfig()));
  expectError(readHFCheckpoint(path("g")),
              {"no model.safetensors or model.safetensors.index.json"});
  expectError(readHFCheckpoint(path("nowhere")), {"nowhere: not a directory"});
}

TEST_F(HFReaderTest, Sharded) {
  auto tensors = hfTensors(tinyMoE(), "F16");
  SafetensorsBuilder a, b;
  json::Object map;
  for (size_t i = 0; i < tensors.size(); ++i) {
    (i % 2 ? b : a).tensors.push_back(tensors[i]);
    map[tensors[i].name] = i % 2 ? "model-00002-of-00002.safetensors"
                                 : "model-00001-of-00002.safetensors";
  }
  write("s/config.json", toText(moeConfig()));
  write("s/model-00001-of-00002.safetensors", a.build());
  write("s/model-00002-of-00002.safetensors", b.build());
  json::Object index{{"metadata", json::Object{{"total_size", 0}}},
                     {"weight_map", json::Object(map)}};
  write("s/model.safetensors.index.json", toText(index));
  auto ckpt = readHFCheckpoint(path("s"));
  ASSERT_TRUE(static_cast<bool>(ckpt)) << llvm::toString(ckpt.takeError());
  EXPECT_EQ((*ckpt)->files.size(), 2u);
  // Experts alternate between shards: the stacked tensor spans both files.
  const TensorInfo *gate =
      (*ckpt)->lookup("model.layers.1.feed_forward.experts.w1.weight");
  ASSERT_TRUE(gate);
  EXPECT_EQ(gate->dtype, DType::F16);
  EXPECT_NE(gate->segments[0].file, gate->segments[1].file);

  // A weight_map entry that points at the wrong shard.
  map[tensors[0].name] = "model-00002-of-00002.safetensors";
  index["weight_map"] = json::Object(map);
  write("s/model.safetensors.index.json", toText(index));
  expectError(readHFCheckpoint(path("s")),
              {"model.safetensors.index.json: tensor '" + tensors[0].name +
               "' is mapped to model-00002-of-00002.safetensors"});
  write("s/model.safetensors.index.json", "{\"weight_map\": 3}");
  expectError(readHFCheckpoint(path("s")),
              {"model.safetensors.index.json: missing key 'weight_map'"});
}

// 50,000 nested arrays overflowed the stack inside llvm::json::parse; every
// JSON the readers parse (config, safetensors header, shard index) is now
// refused past 512 levels, brackets inside strings not counted.
TEST_F(HFReaderTest, DeepJSONNesting) {
  std::string deep = std::string(50000, '[') + std::string(50000, ']');
  std::string deepObject = "{\"a\": " + deep + "}";
  write("d/config.json", deepObject);
  expectError(readHFCheckpoint(path("d")),
              {"config.json: invalid JSON: arrays and objects nest deeper "
               "than 512 levels at byte 517"});
  std::string quoted = "{\"model_type\": \"" + std::string(600, '[') + "\"}";
  expectError(parseHFConfig(quoted, "q/config.json"),
              {"q/config.json: key 'model_type': unknown architecture"});

  write("s/config.json", toText(moeConfig()));
  write("s/model.safetensors.index.json", deepObject);
  expectError(readHFCheckpoint(path("s")),
              {"model.safetensors.index.json: invalid JSON: arrays and "
               "objects nest deeper than 512 levels"});

  std::string header = "{\"a\": " + deep + "}";
  std::string file(8, '\0');
  for (int i = 0; i < 8; ++i)
    file[i] = char(uint64_t(header.size()) >> (8 * i));
  expectError(readSafetensors(write("deep.safetensors", file + header)),
              {"deep.safetensors: invalid JSON header: arrays and objects "
               "nest deeper than 512 levels"});
}

TEST_F(ImportTest, SafetensorsErrors) {
  SafetensorsBuilder st;
  st.tensors = {{"a", "F32", {2, 3}, std::nullopt},
                {"b", "BF16", {4}, std::nullopt}};
  std::string good = st.build();
  auto file = readSafetensors(write("good.safetensors", good));
  ASSERT_TRUE(static_cast<bool>(file)) << llvm::toString(file.takeError());
  ASSERT_EQ(file->tensors.size(), 2u);
  EXPECT_EQ(file->tensors[0].name, "a");
  EXPECT_EQ(file->tensors[1].offset, good.size() - 8);
  EXPECT_EQ(file->metadata["format"], "pt");

  // Every truncation is an error naming the file.
  for (size_t cut : {size_t(0), size_t(5), size_t(8), size_t(20),
                     good.size() - 33, good.size() - 1}) {
    std::string p = write("cut.safetensors", good.substr(0, cut));
    expectError(readSafetensors(p), {p + ": "});
  }
  std::string huge = good;
  huge[7] = '\x7f';
  expectError(readSafetensors(write("h.safetensors", huge)),
              {"h.safetensors: header length", "exceeds the format's limit"});
  std::string longer = good;
  longer[1] = '\x7f'; // Under the limit, but past the end of the file.
  expectError(readSafetensors(write("h.safetensors", longer)),
              {"h.safetensors: truncated: header length"});
  std::string badJson = good;
  badJson[8] = '[';
  expectError(readSafetensors(write("j.safetensors", badJson)),
              {"j.safetensors: invalid JSON header"});

  SafetensorsBuilder out = st;
  out.tensors[1].offsets = std::make_pair(uint64_t(24), uint64_t(1000));
  expectError(readSafetensors(write("o.safetensors", out.build())),
              {"o.safetensors: tensor 'b': data_offsets [24, 1000]"});
  SafetensorsBuilder size = st;
  size.tensors[1].offsets = std::make_pair(uint64_t(24), uint64_t(30));
  expectError(readSafetensors(write("s.safetensors", size.build())),
              {"s.safetensors: tensor 'b'", "needs 8"});
}

TEST_F(ImportTest, SafetensorsSizeLimits) {
  // 2^62 f32 elements fit in int64 but need 2^64 bytes: the byte count
  // wraps to 0 and would match empty data_offsets.
  SafetensorsBuilder wrap;
  wrap.tensors = {{"w", "F32", {int64_t(1) << 62},
                   std::make_pair(uint64_t(0), uint64_t(0))}};
  expectError(readSafetensors(write("w.safetensors", wrap.build())),
              {"w.safetensors: tensor 'w': shape [4611686018427387904] of "
               "F32 needs more than 2^64 bytes"});
  wrap.tensors = {{"w", "BF16", {int64_t(1) << 62, 4},
                   std::make_pair(uint64_t(0), uint64_t(0))}};
  expectError(readSafetensors(write("w.safetensors", wrap.build())),
              {"w.safetensors: tensor 'w': shape [4611686018427387904, 4] "
               "is too large"});

  // A header longer than the format's 100 MB limit is rejected before its
  // length is compared with the file.
  Bytes limit;
  limit.u64(100'000'001);
  limit.s += "{}";
  expectError(readSafetensors(write("l.safetensors", limit.s)),
              {"l.safetensors: header length 100000001 exceeds the format's "
               "limit of 100000000 bytes"});
  Bytes atLimit;
  atLimit.u64(100'000'000);
  atLimit.s += "{}";
  expectError(readSafetensors(write("l.safetensors", atLimit.s)),
              {"l.safetensors: truncated: header length 100000000"});
}

TEST_F(ImportTest, SafetensorsSurvivesCorruption) {
  SafetensorsBuilder st;
  st.tensors = {{"a", "F32", {2, 3}, std::nullopt},
                {"b", "BF16", {4}, std::nullopt}};
  std::string good = st.build();
  std::mt19937 rng(7);
  for (int i = 0; i < 300; ++i) {
    std::string bad = good;
    bad[rng() % bad.size()] = static_cast<char>(rng());
    auto buffer = llvm::MemoryBuffer::getMemBufferCopy(bad, "fuzz");
    auto file = parseSafetensors(std::move(buffer), "fuzz");
    if (!file)
      llvm::consumeError(file.takeError());
  }
}

TEST_F(ImportTest, ReadCheckpointDispatch) {
  expectError(readCheckpoint(path("missing")), {path("missing") + ": "});
  std::string junk = write("model.bin", "not a model");
  expectError(readCheckpoint(junk), {junk + ": not a checkpoint"});
  std::string tiny = write("t.gguf", "GG");
  expectError(readCheckpoint(tiny), {tiny + ": not a checkpoint"});
  std::string st = write("x.safetensors", "12345678");
  expectError(readCheckpoint(st), {st + ": not a checkpoint", "directory"});
  // A directory goes to the HF reader.
  write("d/config.json", toText(denseConfig()));
  expectError(readCheckpoint(path("d")), {"no model.safetensors"});
  llvm::sys::fs::create_directories(path("empty"));
  expectError(readCheckpoint(path("empty")),
              {path("empty") + ": not a checkpoint: no config.json"});
}

TEST_F(ImportTest, ReadCheckpointReadsAGGUFFileOnce) {
  if (!AllocationScope::supported())
    GTEST_SKIP() << "heap requests cannot be watched in this build";
  // A small GGUF file (small files are read into the heap, not mapped) with
  // an unknown architecture: the GGUF reader fails after reading it whole.
  // Sniffing the magic must not read it a second time.
  Bytes b;
  b.u32(0x46554747);
  b.u32(3);
  b.u64(0); // tensors
  b.u64(2); // keys
  b.str("general.architecture");
  b.u32(8);
  b.str("llama");
  b.str("x.padding");
  b.u32(8);
  b.str(std::string(8000, 'p'));
  std::string p = write("small.gguf", b.s);
  size_t fileSize = b.s.size();
  size_t copies = 0;
  std::string message;
  {
    AllocationScope scope(fileSize);
    auto ckpt = readCheckpoint(p);
    copies = scope.numLarge();
    message = ckpt ? "no error" : llvm::toString(ckpt.takeError());
  }
  EXPECT_EQ(message, p + ": key 'general.architecture': unknown "
                         "architecture 'llama' (supported: lfm2, lfm2moe)");
  EXPECT_EQ(copies, 1u) << "allocations of the file's size (" << fileSize
                        << " bytes)";
}

} // namespace
