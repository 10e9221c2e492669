//===- Builders.h - Tiny checkpoints for the importer tests -----*- C++ -*-===//
//
// SPDX-License-Identifier: Apache-2.0
//
// Byte-level builders of the inputs the importer tests feed the readers: a
// GGUF v3 file (metadata of any type, tensor infos, aligned zero data, with
// hooks to corrupt offsets), a safetensors file, an HF directory, and the two
// tiny models every test starts from, as ModelConfigs, as config.json and as
// the GGUF file llama.cpp's converter would write. Deliberately independent
// of the project's writers (liquid-synth), so the readers are checked against
// the formats, not against another piece of this code base.
//
//===----------------------------------------------------------------------===//

#ifndef LIQUID_TEST_UNITTESTS_IMPORT_BUILDERS_H
#define LIQUID_TEST_UNITTESTS_IMPORT_BUILDERS_H

#include "liquid/Import/Checkpoint.h"
#include "liquid/Import/TensorNames.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include "gtest/gtest.h"

#include <cstring>
#include <optional>
#include <string>
#include <vector>

namespace liquid::test {

/// Little-endian byte sink.
struct Bytes {
  std::string s;
  void u8(uint8_t v) { s.push_back(static_cast<char>(v)); }
  void u32(uint32_t v) {
    for (int i = 0; i < 4; ++i)
      u8(static_cast<uint8_t>(v >> (8 * i)));
  }
  void u64(uint64_t v) {
    for (int i = 0; i < 8; ++i)
      u8(static_cast<uint8_t>(v >> (8 * i)));
  }
  void f32(float f) {
    uint32_t v;
    std::memcpy(&v, &f, 4);
    u32(v);
  }
  void str(const std::string &v) {
    u64(v.size());
    s += v;
  }
};

/// GGUF v3 writer. Metadata values are stored pre-encoded.
struct GGUFBuilder {
  struct KV {
    std::string key;
    uint32_t type;
    std::string payload;
  };
  struct Tensor {
    std::string name;
    uint32_t type;
    std::vector<int64_t> shape;            ///< Logical, outermost first.
    std::optional<uint64_t> offsetOverride; ///< Corrupt the stored offset.
  };
  uint32_t magic = 0x46554747, version = 3;
  uint64_t alignment = 32;
  std::vector<KV> kvs;
  std::vector<Tensor> tensors;

  void raw(const std::string &key, uint32_t type, const Bytes &b) {
    remove(key);
    kvs.push_back({key, type, b.s});
  }
  void u32(const std::string &key, uint32_t v) {
    Bytes b;
    b.u32(v);
    raw(key, 4, b);
  }
  void f32(const std::string &key, float v) {
    Bytes b;
    b.f32(v);
    raw(key, 6, b);
  }
  void boolean(const std::string &key, bool v) {
    Bytes b;
    b.u8(v);
    raw(key, 7, b);
  }
  void str(const std::string &key, const std::string &v) {
    Bytes b;
    b.str(v);
    raw(key, 8, b);
  }
  void arrI32(const std::string &key, const std::vector<int32_t> &v) {
    Bytes b;
    b.u32(5);
    b.u64(v.size());
    for (int32_t x : v)
      b.u32(static_cast<uint32_t>(x));
    raw(key, 9, b);
  }
  void arrStr(const std::string &key, const std::vector<std::string> &v) {
    Bytes b;
    b.u32(8);
    b.u64(v.size());
    for (const std::string &x : v)
      b.str(x);
    raw(key, 9, b);
  }
  void remove(const std::string &key) {
    for (size_t i = 0; i < kvs.size(); ++i)
      if (kvs[i].key == key) {
        kvs.erase(kvs.begin() + i);
        return;
      }
  }
  Tensor *tensor(const std::string &name) {
    for (Tensor &t : tensors)
      if (t.name == name)
        return &t;
    return nullptr;
  }
  void removeTensor(const std::string &name) {
    for (size_t i = 0; i < tensors.size(); ++i)
      if (tensors[i].name == name) {
        tensors.erase(tensors.begin() + i);
        return;
      }
  }

  static uint64_t byteSize(uint32_t type, const std::vector<int64_t> &shape) {
    uint64_t n = 1;
    for (int64_t d : shape)
      n *= static_cast<uint64_t>(d);
    switch (type) {
    case 0:
      return 4 * n;
    case 1:
    case 30:
      return 2 * n;
    case 8:
      return n / 32 * 34;
    case 2:
      return n / 32 * 18;
    default:
      return n; // Types the reader rejects: any size.
    }
  }

  std::string build() const {
    Bytes b;
    b.u32(magic);
    b.u32(version);
    b.u64(tensors.size());
    b.u64(kvs.size());
    for (const KV &kv : kvs) {
      b.str(kv.key);
      b.u32(kv.type);
      b.s += kv.payload;
    }
    uint64_t offset = 0;
    for (const Tensor &t : tensors) {
      b.str(t.name);
      b.u32(static_cast<uint32_t>(t.shape.size()));
      for (auto it = t.shape.rbegin(); it != t.shape.rend(); ++it)
        b.u64(static_cast<uint64_t>(*it));
      b.u32(t.type);
      b.u64(t.offsetOverride ? *t.offsetOverride : offset);
      offset += (byteSize(t.type, t.shape) + alignment - 1) / alignment *
                alignment;
    }
    b.s.resize((b.s.size() + alignment - 1) / alignment * alignment, '\0');
    b.s.resize(b.s.size() + offset, '\0');
    return b.s;
  }
};

/// Safetensors writer: zero data, offsets in order unless overridden.
struct SafetensorsBuilder {
  struct Tensor {
    std::string name;
    std::string dtype;
    std::vector<int64_t> shape;
    std::optional<std::pair<uint64_t, uint64_t>> offsets;
  };
  std::vector<Tensor> tensors;

  static uint64_t elemSize(const std::string &dtype) {
    return dtype == "F32" || dtype == "I32" ? 4
           : dtype == "I64"                 ? 8
                                            : 2;
  }
  std::string build() const {
    llvm::json::Object header;
    header["__metadata__"] = llvm::json::Object{{"format", "pt"}};
    uint64_t offset = 0;
    for (const Tensor &t : tensors) {
      uint64_t n = elemSize(t.dtype);
      for (int64_t d : t.shape)
        n *= static_cast<uint64_t>(d);
      std::pair<uint64_t, uint64_t> range{offset, offset + n};
      offset += n;
      if (t.offsets)
        range = *t.offsets;
      llvm::json::Array shape;
      for (int64_t d : t.shape)
        shape.push_back(d);
      header[t.name] = llvm::json::Object{
          {"dtype", t.dtype},
          {"shape", std::move(shape)},
          {"data_offsets", llvm::json::Array{range.first, range.second}}};
    }
    std::string text;
    llvm::raw_string_ostream os(text);
    os << llvm::json::Value(std::move(header));
    os.flush();
    text.resize((text.size() + 7) / 8 * 8, ' ');
    Bytes b;
    b.u64(text.size());
    b.s += text;
    b.s.resize(b.s.size() + offset, '\0');
    return b.s;
  }
};

/// A fresh temporary directory per test, removed afterwards.
class ImportTest : public ::testing::Test {
protected:
  void SetUp() override {
    ASSERT_FALSE(
        llvm::sys::fs::createUniqueDirectory("liquid-import-test", root));
  }
  void TearDown() override { llvm::sys::fs::remove_directories(root); }

  std::string path(llvm::StringRef name) const {
    llvm::SmallString<256> p(root);
    llvm::sys::path::append(p, name);
    return std::string(p);
  }
  std::string write(llvm::StringRef name, llvm::StringRef data) const {
    std::string p = path(name);
    llvm::SmallString<256> dir(p);
    llvm::sys::path::remove_filename(dir);
    llvm::sys::fs::create_directories(dir);
    std::error_code ec;
    llvm::raw_fd_ostream os(p, ec);
    EXPECT_FALSE(ec) << p;
    os << data;
    return p;
  }

  llvm::SmallString<256> root;
};

/// Expects an error whose message contains every one of `parts`.
template <typename T>
void expectError(llvm::Expected<T> result,
                 std::initializer_list<std::string> parts) {
  ASSERT_FALSE(static_cast<bool>(result)) << "expected an error";
  std::string message = llvm::toString(result.takeError());
  for (const std::string &part : parts)
    EXPECT_NE(message.find(part), std::string::npos)
        << "message: " << message << "\nmissing: " << part;
}

/// Hidden 64, 4 heads (2 KV), 3 layers with attention at 1, vocab 32, FFN 64.
inline ModelConfig tinyDense() {
  ModelConfig c;
  c.arch = Architecture::LFM2;
  c.vocabSize = 32;
  c.hiddenSize = 64;
  c.numHeads = 4;
  c.numKVHeads = 2;
  c.headDim = 16;
  c.ffnSize = 64;
  c.maxPositions = 128;
  c.layers = {LayerKind::Conv, LayerKind::Attention, LayerKind::Conv};
  return c;
}

/// Two layers (conv + dense FFN 48, attention + 4 experts top-2 of 32).
inline ModelConfig tinyMoE() {
  ModelConfig c = tinyDense();
  c.arch = Architecture::LFM2MoE;
  c.ffnSize = 48;
  c.layers = {LayerKind::Conv, LayerKind::Attention};
  c.numExperts = 4;
  c.expertsPerToken = 2;
  c.moeFfnSize = 32;
  c.numDenseLayers = 1;
  return c;
}

/// config.json of the tiny dense model in the legacy style (full_attn_idxs,
/// block_* keys; block_ff_dim 90 -> 60 -> rounded up to 64).
inline llvm::json::Object denseConfig() {
  return llvm::json::Object{
      {"architectures", llvm::json::Array{"Lfm2ForCausalLM"}},
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
      {"full_attn_idxs", llvm::json::Array{1}},
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

inline llvm::json::Object moeConfig() {
  return llvm::json::Object{
      {"architectures", llvm::json::Array{"Lfm2MoeForCausalLM"}},
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
      {"layer_types", llvm::json::Array{"conv", "full_attention"}},
      {"norm_topk_prob", true},
      {"use_expert_bias", true},
      {"routed_scaling_factor", 1.0},
      {"rope_parameters",
       llvm::json::Object{{"rope_type", "default"}, {"rope_theta", 1000000.0}}},
      {"max_position_embeddings", 128},
      {"tie_word_embeddings", true},
  };
}

/// The JSON text of `o`.
inline std::string toText(const llvm::json::Object &o) {
  std::string s;
  llvm::raw_string_ostream os(s);
  os << llvm::json::Value(llvm::json::Object(o));
  return os.str();
}

/// A GGUF file of `c` as llama.cpp's converter writes it, every tensor f32.
inline GGUFBuilder ggufModel(const ModelConfig &c) {
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

/// ImportTest with a GGUF file m.gguf in its directory.
class GGUFReaderTest : public ImportTest {
protected:
  llvm::Expected<std::unique_ptr<Checkpoint>> load(const GGUFBuilder &b) {
    return readGGUFCheckpoint(write("m.gguf", b.build()));
  }
  std::string file() const { return path("m.gguf"); }
};

inline void expectSameConfig(const ModelConfig &a, const ModelConfig &b) {
  EXPECT_EQ(a.arch, b.arch);
  EXPECT_EQ(a.vocabSize, b.vocabSize);
  EXPECT_EQ(a.hiddenSize, b.hiddenSize);
  EXPECT_EQ(a.numHeads, b.numHeads);
  EXPECT_EQ(a.numKVHeads, b.numKVHeads);
  EXPECT_EQ(a.headDim, b.headDim);
  EXPECT_EQ(a.ffnSize, b.ffnSize);
  EXPECT_EQ(a.convL, b.convL);
  EXPECT_EQ(a.maxPositions, b.maxPositions);
  EXPECT_FLOAT_EQ(a.normEps, b.normEps);
  EXPECT_DOUBLE_EQ(a.ropeTheta, b.ropeTheta);
  EXPECT_EQ(a.tiedEmbeddings, b.tiedEmbeddings);
  EXPECT_EQ(a.layers, b.layers);
  EXPECT_EQ(a.numExperts, b.numExperts);
  EXPECT_EQ(a.expertsPerToken, b.expertsPerToken);
  EXPECT_EQ(a.moeFfnSize, b.moeFfnSize);
  EXPECT_EQ(a.numDenseLayers, b.numDenseLayers);
  EXPECT_EQ(a.normTopKProb, b.normTopKProb);
  EXPECT_EQ(a.useExpertBias, b.useExpertBias);
  EXPECT_DOUBLE_EQ(a.routedScalingFactor, b.routedScalingFactor);
  EXPECT_EQ(a.bosTokenId, b.bosTokenId);
  EXPECT_EQ(a.eosTokenId, b.eosTokenId);
  EXPECT_EQ(a.padTokenId, b.padTokenId);
}

} // namespace liquid::test

#endif // LIQUID_TEST_UNITTESTS_IMPORT_BUILDERS_H
