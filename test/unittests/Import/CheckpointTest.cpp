//===- CheckpointTest.cpp - Tests of the HF reader and shared pieces ------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// Tests the effective FFN rule, the storage-type table, readCheckpoint's
// dispatch, the safetensors parser and the Hugging Face reader: valid tiny
// dense and MoE directories load with the right config and tensor table, and
// each kind of bad input gives an error naming the file and the key or
// tensor at fault.
//
//===----------------------------------------------------------------------===//

#include "Builders.h"

#include "liquid/Import/HFConfig.h"
#include "liquid/Import/Safetensors.h"

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

/// config.json of the tiny dense model in the legacy style (full_attn_idxs,
/// block_* keys; block_ff_dim 90 -> 60 -> rounded up to 64).
json::Object denseConfig() {
  return json::Object{
      {"architectures", json::Array{"Lfm2ForCausalLM"}},
      {"model_type", "lfm2"},
      {"vocab_size", 32},
      {"hidden_size", 64},
      {"num_hidden_layers", 3},
      {"num_attention_heads", 4},
      {"num_key_value_heads", 2},
      {"block_ff_dim", 90},
      {"intermediate_size", 999}, // block_ff_dim takes precedence.
      {"block_auto_adjust_ff_dim", true},
      {"block_ffn_dim_multiplier", 1.0},
      {"block_multiple_of", 64},
      {"full_attn_idxs", json::Array{1}},
      {"conv_L_cache", 3},
      {"conv_bias", false},
      {"norm_eps", 1e-5},
      {"rope_theta", 1000000.0},
      {"max_position_embeddings", 128},
      {"tie_embedding", true},
      {"bos_token_id", 1},
      {"eos_token_id", 7},
      {"pad_token_id", 0},
      {"rope_scaling", nullptr},
      {"sliding_window", nullptr},
  };
}

json::Object moeConfig() {
  return json::Object{
      {"architectures", json::Array{"Lfm2MoeForCausalLM"}},
      {"model_type", "lfm2_moe"},
      {"vocab_size", 32},
      {"hidden_size", 64},
      {"num_hidden_layers", 2},
      {"num_attention_heads", 4},
      {"num_key_value_heads", 2},
      {"intermediate_size", 48},
      {"block_auto_adjust_ff_dim", true}, // Never applies to lfm2_moe.
      {"moe_intermediate_size", 32},
      {"num_experts", 4},
      {"num_experts_per_tok", 2},
      {"num_dense_layers", 1},
      {"layer_types", json::Array{"conv", "full_attention"}},
      {"norm_topk_prob", true},
      {"use_expert_bias", true},
      {"routed_scaling_factor", 1.0},
      {"rope_parameters", json::Object{{"rope_type", "default"},
                                       {"rope_theta", 1000000.0}}},
      {"max_position_embeddings", 128},
      {"tie_word_embeddings", true},
  };
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

std::string toText(const json::Object &o) {
  std::string s;
  llvm::raw_string_ostream os(s);
  os << json::Value(json::Object(o));
  return os.str();
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

TEST(HFConfigTest, KeyPrecedence) {
  auto parse = [](const json::Object &o) {
    auto c = parseHFConfig(toText(o), "config.json");
    EXPECT_TRUE(static_cast<bool>(c));
    return c ? *c : ModelConfig();
  };
  json::Object cfg = denseConfig();
  cfg.erase("rope_theta");
  EXPECT_DOUBLE_EQ(parse(cfg).ropeTheta, 1e6);
  cfg["rope_theta"] = 1.0;
  EXPECT_DOUBLE_EQ(parse(cfg).ropeTheta, 1.0);
  cfg["theta"] = 2.0; // Legacy theta wins over rope_theta.
  EXPECT_DOUBLE_EQ(parse(cfg).ropeTheta, 2.0);
  cfg["rope_parameters"] = json::Object{{"rope_theta", 3.0}};
  EXPECT_DOUBLE_EQ(parse(cfg).ropeTheta, 3.0);

  cfg = denseConfig();
  cfg["block_auto_adjust_ff_dim"] = false;
  EXPECT_EQ(parse(cfg).ffnSize, 90);
  cfg.erase("block_ff_dim");
  EXPECT_EQ(parse(cfg).ffnSize, 999);
  cfg["block_auto_adjust_ff_dim"] = true;
  cfg["block_multiple_of"] = 256; // 999 -> 666 -> 768
  EXPECT_EQ(parse(cfg).ffnSize, 768);

  cfg = denseConfig();
  cfg.erase("norm_eps");
  cfg["rms_norm_eps"] = 1e-6;
  cfg.erase("tie_embedding");
  cfg["tie_word_embeddings"] = false;
  cfg["eos_token_id"] = json::Array{2, 7};
  ModelConfig c = parse(cfg);
  EXPECT_DOUBLE_EQ(c.normEps, 1e-6);
  EXPECT_FALSE(c.tiedEmbeddings);
  EXPECT_EQ(c.eosTokenId, 2);

  cfg = denseConfig();
  cfg.erase("model_type"); // Falls back to the architectures list.
  EXPECT_EQ(parse(cfg).arch, Architecture::LFM2);
}

TEST(HFConfigTest, Errors) {
  auto check = [](json::Object cfg, std::initializer_list<std::string> parts) {
    expectError(parseHFConfig(toText(cfg), "dir/config.json"), parts);
  };
  auto with = [](const char *key, json::Value v) {
    json::Object cfg = denseConfig();
    cfg[key] = std::move(v);
    return cfg;
  };
  check(with("conv_bias", true),
        {"dir/config.json: key 'conv_bias': unsupported value true"});
  check(with("model_type", "llama"),
        {"dir/config.json: key 'model_type': unknown architecture 'llama'"});
  json::Object noType = denseConfig();
  noType.erase("model_type");
  noType["architectures"] = json::Array{"LlamaForCausalLM"};
  check(noType, {"dir/config.json: key 'architectures': unknown "
                 "architecture 'LlamaForCausalLM'"});
  json::Object noHidden = denseConfig();
  noHidden.erase("hidden_size");
  check(noHidden, {"dir/config.json: missing key 'hidden_size'"});
  check(with("hidden_size", "64"), {"key 'hidden_size'", "expected an integer"});
  check(with("num_attention_heads", 5),
        {"key 'num_attention_heads'", "not divisible"});
  check(with("num_key_value_heads", 3), {"key 'num_key_value_heads'"});
  check(with("num_hidden_layers", 2000000000),
        {"key 'num_hidden_layers': value 2000000000 is out of range"});
  check(with("vocab_size", 0), {"key 'vocab_size': value 0 is out of range"});
  check(with("layer_types", json::Array{"conv", "conv"}),
        {"key 'layer_types'", "has 2 entries", "num_hidden_layers is 3"});
  check(with("layer_types", json::Array{"conv", "sliding_attention", "conv"}),
        {"key 'layer_types'", "sliding_attention", "index 1"});
  check(with("full_attn_idxs", json::Array{3}), {"key 'full_attn_idxs'"});
  check(with("sliding_window", 4096), {"key 'sliding_window'", "unsupported"});
  check(with("use_sliding_window", true), {"key 'use_sliding_window'"});
  check(with("rope_scaling",
             json::Object{{"rope_type", "linear"}, {"factor", 2.0}}),
        {"key 'rope_scaling'", "unsupported value"});
  check(with("rope_parameters", json::Object{{"rope_type", "yarn"}}),
        {"key 'rope_parameters'", "unsupported"});
  check(with("head_dim", 32), {"key 'head_dim'"});
  json::Object moe = moeConfig();
  moe.erase("num_experts");
  check(moe, {"missing key 'num_experts'"});
  moe = moeConfig();
  moe["num_experts_per_tok"] = 5;
  check(moe, {"key 'num_experts_per_tok'", "exceeds"});
  moe = moeConfig();
  moe["num_dense_layers"] = 3;
  check(moe, {"key 'num_dense_layers'"});
  expectError(parseHFConfig("{\"model_type\": ", "dir/config.json"),
              {"dir/config.json: invalid JSON"});
  expectError(parseHFConfig("[1]", "dir/config.json"),
              {"dir/config.json", "not a JSON object"});
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

} // namespace
