//===- HFConfigTest.cpp - Tests of the config.json rules ------------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// Tests parseHFConfig on its own: the legacy key aliases and which of two
// keys wins (FFN size, RoPE theta, tied embeddings), the keys lfm2_moe does
// not read, and an error of the form "<file>: key '<key>': <why>" for every
// value the readers reject, including those the liquid dialect's verifier
// would otherwise reject only after the IR is built.
//
//===----------------------------------------------------------------------===//

#include "Builders.h"

#include "liquid/Import/HFConfig.h"

using namespace liquid;
using namespace liquid::test;
namespace json = llvm::json;

namespace {

/// Parses `o`, failing the test on an error.
ModelConfig parse(const json::Object &o) {
  auto c = parseHFConfig(toText(o), "config.json");
  EXPECT_TRUE(static_cast<bool>(c)) << (c ? "" : llvm::toString(c.takeError()));
  return c ? *c : ModelConfig();
}

/// Expects parsing `cfg` to fail with a message containing every part.
void check(const json::Object &cfg, std::initializer_list<std::string> parts) {
  expectError(parseHFConfig(toText(cfg), "dir/config.json"), parts);
}

/// denseConfig() (or `base`) with `key` set to `v`.
json::Object with(const char *key, json::Value v,
                  json::Object base = denseConfig()) {
  base[key] = std::move(v);
  return base;
}

TEST(HFConfigTest, KeyPrecedence) {
  json::Object cfg = denseConfig();
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
  check(with("hidden_size", "64"),
        {"key 'hidden_size'", "expected an integer"});
  check(with("num_attention_heads", 5),
        {"key 'num_attention_heads'", "not divisible"});
  check(with("num_key_value_heads", 3), {"key 'num_key_value_heads'"});
  check(with("num_hidden_layers", 2000000000),
        {"key 'num_hidden_layers': value 2000000000 is out of range"});
  check(with("vocab_size", 0), {"key 'vocab_size': value 0 is out of range"});
  check(with("block_ffn_dim_multiplier", 9.85e66),
        {"effective feed-forward size beyond 2^62 is out of range"});
  check(with("vocab_size", 1000000),
        {"key 'vocab_size': value 1000000 exceeds the limit of 524288 tokens"});
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

// LFM2.md §1.3. Highest first: rope_parameters.rope_theta, theta,
// rope_theta, 1e6. Lfm2Config computes kwargs.get("theta",
// kwargs.get("rope_theta", 1e6)); the newest transformers then keeps
// rope_parameters["rope_theta"] over that value when it is given.
TEST(HFConfigTest, RopeThetaPrecedence) {
  json::Object cfg = denseConfig();
  cfg.erase("rope_theta");
  EXPECT_DOUBLE_EQ(parse(cfg).ropeTheta, 1e6);
  cfg["rope_theta"] = 1.0;
  EXPECT_DOUBLE_EQ(parse(cfg).ropeTheta, 1.0);
  cfg["theta"] = 2.0; // Legacy theta wins over rope_theta.
  EXPECT_DOUBLE_EQ(parse(cfg).ropeTheta, 2.0);
  // rope_parameters without a theta: the flat keys still decide.
  cfg["rope_parameters"] = json::Object{{"rope_type", "default"}};
  EXPECT_DOUBLE_EQ(parse(cfg).ropeTheta, 2.0);
  // rope_parameters.rope_theta wins over both theta and rope_theta.
  cfg["rope_parameters"] =
      json::Object{{"rope_type", "default"}, {"rope_theta", 3.0}};
  EXPECT_DOUBLE_EQ(parse(cfg).ropeTheta, 3.0);
  cfg.erase("theta");
  EXPECT_DOUBLE_EQ(parse(cfg).ropeTheta, 3.0);
  cfg.erase("rope_theta");
  cfg["theta"] = 4.0;
  EXPECT_DOUBLE_EQ(parse(cfg).ropeTheta, 3.0);
  // Only rope_parameters.
  cfg.erase("theta");
  EXPECT_DOUBLE_EQ(parse(cfg).ropeTheta, 3.0);
  // A null rope_parameters.rope_theta falls back to the flat keys.
  cfg["rope_theta"] = 5.0;
  cfg["rope_parameters"] =
      json::Object{{"rope_type", "default"}, {"rope_theta", nullptr}};
  EXPECT_DOUBLE_EQ(parse(cfg).ropeTheta, 5.0);

  check(with("rope_parameters", json::Object{{"rope_theta", "big"}}),
        {"dir/config.json: key 'rope_parameters': 'rope_theta' must be a "
         "number"});
  check(with("theta", -1.0), {"dir/config.json: key 'theta': RoPE theta must "
                              "be positive"});
  // The key that supplied the bad value is named.
  json::Object bad = with("theta", -1.0);
  bad["rope_parameters"] = json::Object{{"rope_type", "default"}};
  check(bad, {"dir/config.json: key 'theta': RoPE theta must be positive"});
  bad["rope_parameters"] = json::Object{{"rope_theta", 0.0}};
  check(bad, {"dir/config.json: key 'rope_parameters': RoPE theta must be "
              "positive"});
}

// transformers: tie_word_embeddings = kwargs.get("tie_embedding",
// tie_word_embeddings), so the legacy key wins when both are present.
TEST(HFConfigTest, TieEmbeddingWinsOverTieWordEmbeddings) {
  for (json::Object base : {denseConfig(), moeConfig()}) {
    json::Object cfg = base;
    cfg["tie_embedding"] = false;
    cfg["tie_word_embeddings"] = true;
    EXPECT_FALSE(parse(cfg).tiedEmbeddings);
    cfg["tie_embedding"] = true;
    cfg["tie_word_embeddings"] = false;
    EXPECT_TRUE(parse(cfg).tiedEmbeddings);
    // Either key alone.
    cfg.erase("tie_embedding");
    EXPECT_FALSE(parse(cfg).tiedEmbeddings);
    cfg.erase("tie_word_embeddings");
    cfg["tie_embedding"] = false;
    EXPECT_FALSE(parse(cfg).tiedEmbeddings);
    cfg.erase("tie_embedding");
    EXPECT_TRUE(parse(cfg).tiedEmbeddings);
    // A bad value is reported against the key that wins.
    cfg["tie_word_embeddings"] = true;
    cfg["tie_embedding"] = "no";
    check(cfg, {"dir/config.json: key 'tie_embedding': expected true or "
                "false"});
  }
}

// Lfm2MoeConfig has no block_ff_dim alias: dense layers use
// intermediate_size as is (LFM2.md §2.1).
TEST(HFConfigTest, MoEIgnoresBlockFFDim) {
  json::Object cfg = moeConfig();
  cfg["block_ff_dim"] = 999;
  EXPECT_EQ(parse(cfg).ffnSize, 48);
  cfg["block_ff_dim"] = "not even a number";
  EXPECT_EQ(parse(cfg).ffnSize, 48);
  cfg.erase("intermediate_size");
  check(cfg, {"dir/config.json: missing key 'intermediate_size'"});
}

// Values the liquid dialect's verifier would reject, caught in the reader
// with the key that holds them.
TEST(HFConfigTest, ValuesTheDialectRejects) {
  json::Object moe = moeConfig();
  check(with("routed_scaling_factor", 0.0, moe),
        {"dir/config.json: key 'routed_scaling_factor': value 0",
         "not positive"});
  check(with("routed_scaling_factor", -2.5, moe),
        {"dir/config.json: key 'routed_scaling_factor': value -2.5",
         "not positive"});
  EXPECT_DOUBLE_EQ(
      parse(with("routed_scaling_factor", 2.5, moe)).routedScalingFactor, 2.5);
  check(with("conv_L_cache", 1),
        {"dir/config.json: key 'conv_L_cache': value 1 is too small"});
  check(with("conv_L_cache", 0),
        {"dir/config.json: key 'conv_L_cache': value 0 is out of range"});
  EXPECT_EQ(parse(with("conv_L_cache", 2)).convL, 2);
  // 60 / 4 = 15: divisible, but RoPE needs an even head size.
  check(
      with("hidden_size", 60),
      {"dir/config.json: key 'num_attention_heads': head size", "= 15 is odd"});
  check(with("num_experts_per_tok", 0, moe),
        {"dir/config.json: key 'num_experts_per_tok': value 0 is out of "
         "range"});
  check(with("num_experts_per_tok", 5, moe),
        {"dir/config.json: key 'num_experts_per_tok': 5 exceeds num_experts "
         "4"});
  for (const char *key : {"vocab_size", "hidden_size", "num_attention_heads",
                          "num_key_value_heads"}) {
    check(with(key, 0), {"dir/config.json: key '" + std::string(key) +
                         "': value 0 is out of range"});
    check(with(key, -4), {"dir/config.json: key '" + std::string(key) +
                          "': value -4 is out of range"});
  }
  check(with("num_key_value_heads", 3),
        {"dir/config.json: key 'num_key_value_heads': 4 attention heads are "
         "not a multiple of 3 key/value heads"});
}

} // namespace
