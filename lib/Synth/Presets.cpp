//===- Presets.cpp - Model shapes liquid-synth can write ------------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// The preset table and the config.json writer. Values follow LFM2.md §3;
// the effective FFN size is computed here from the raw setting with the
// rule of §1.6 on its own (not through the importer's code), so a reader
// bug cannot hide behind a shared helper.
//
//===----------------------------------------------------------------------===//

#include "liquid/Synth/Presets.h"

#include "liquid/Import/TensorNames.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <cstdlib>

using namespace liquid;
using namespace liquid::synth;

/// LFM2.md §1.6 with the published settings (multiplier 1.0, multiple 256).
static int64_t adjustedFF(int64_t raw, bool autoAdjust) {
  if (!autoAdjust)
    return raw;
  int64_t i = 2 * raw / 3;
  return 256 * ((i + 255) / 256);
}

static std::vector<LayerKind> layout(int64_t numLayers,
                                     std::initializer_list<int64_t> attn) {
  std::vector<LayerKind> kinds(numLayers, LayerKind::Conv);
  for (int64_t i : attn)
    kinds[i] = LayerKind::Attention;
  return kinds;
}

static Preset dense(const char *name, const char *modelName,
                    const char *description, ConfigStyle style, int64_t vocab,
                    int64_t hidden, int64_t heads, int64_t kvHeads,
                    int64_t rawFF, bool autoAdjust,
                    std::vector<LayerKind> layers) {
  Preset p;
  p.name = name;
  p.modelName = modelName;
  p.description = description;
  p.style = style;
  p.rawFFSize = rawFF;
  p.autoAdjustFF = autoAdjust;
  ModelConfig &c = p.config;
  c.arch = Architecture::LFM2;
  c.vocabSize = vocab;
  c.hiddenSize = hidden;
  c.numHeads = heads;
  c.numKVHeads = kvHeads;
  c.headDim = hidden / heads;
  c.ffnSize = adjustedFF(rawFF, autoAdjust);
  c.convL = 3;
  c.maxPositions = 128000;
  c.normEps = 1e-5;
  c.ropeTheta = 1e6;
  c.tiedEmbeddings = true;
  c.layers = std::move(layers);
  return p;
}

static Preset moe(const char *name, const char *modelName,
                  const char *description, int64_t vocab, int64_t hidden,
                  int64_t heads, int64_t kvHeads, int64_t ff, int64_t moeFF,
                  int64_t experts, int64_t topK, int64_t numDense,
                  std::vector<LayerKind> layers) {
  Preset p = dense(name, modelName, description, ConfigStyle::MoE, vocab,
                   hidden, heads, kvHeads, ff, false, std::move(layers));
  ModelConfig &c = p.config;
  c.arch = Architecture::LFM2MoE;
  c.numExperts = experts;
  c.expertsPerToken = topK;
  c.moeFfnSize = moeFF;
  c.numDenseLayers = numDense;
  c.normTopKProb = true;
  c.useExpertBias = true;
  c.routedScalingFactor = 1.0;
  return p;
}

llvm::ArrayRef<Preset> liquid::synth::allPresets() {
  static const std::vector<Preset> presets = [] {
    auto p16 = [] { return layout(16, {2, 5, 8, 10, 12, 14}); };
    std::vector<Preset> v;
    v.push_back(dense("tiny", "LFM2-tiny",
                      "dense test model: hidden 256, 6 layers, vocab 1024",
                      ConfigStyle::Legacy, 1024, 256, 4, 2, 1024, true,
                      layout(6, {2, 5})));
    v.push_back(moe("tiny-moe", "LFM2-MoE-tiny",
                    "MoE test model: hidden 256, 6 layers, 8 experts top-2",
                    1024, 256, 4, 2, 768, 128, 8, 2, 2, layout(6, {2, 5})));
    v.push_back(dense("350m", "LFM2-350M", "LFM2-350M shapes",
                      ConfigStyle::Legacy, 65536, 1024, 16, 8, 6656, true,
                      p16()));
    v.push_back(dense("700m", "LFM2-700M", "LFM2-700M shapes",
                      ConfigStyle::Legacy, 65536, 1536, 24, 8, 10240, true,
                      p16()));
    v.push_back(dense("1.2b", "LFM2-1.2B", "LFM2-1.2B shapes",
                      ConfigStyle::Legacy, 65536, 2048, 32, 8, 12288, true,
                      p16()));
    v.push_back(dense("2.6b", "LFM2-2.6B", "LFM2-2.6B shapes",
                      ConfigStyle::LayerTypes, 65536, 2048, 32, 8, 10752,
                      false, layout(30, {2, 5, 9, 13, 17, 21, 24, 27})));
    v.push_back(moe("8b-a1b", "LFM2-8B-A1B",
                    "LFM2-8B-A1B shapes (MoE, 32 experts top-4)", 65536, 2048,
                    32, 8, 7168, 1792, 32, 4, 2,
                    layout(24, {2, 6, 10, 14, 18, 21})));
    return v;
  }();
  return presets;
}

const Preset *liquid::synth::findPreset(llvm::StringRef name) {
  for (const Preset &p : allPresets())
    if (p.name == name)
      return &p;
  return nullptr;
}

int64_t liquid::synth::parameterCount(const ModelConfig &config) {
  int64_t n = 0;
  for (const TensorSpec &spec : modelTensors(config, CheckpointFormat::HF)) {
    int64_t e = 1;
    for (int64_t d : spec.shape)
      e *= d;
    n += e;
  }
  return n;
}

/// A float the way Python's json.dumps writes it (repr): the shortest digits
/// that read back exactly, fixed notation with ".0" for exponents -4..15,
/// scientific otherwise (1e-05, 0.02, 1000000.0).
static void writePyFloat(llvm::json::OStream &j, double v) {
  j.rawValue([v](llvm::raw_ostream &os) {
    char buf[40];
    int digits = 1;
    for (; digits < 17; ++digits) {
      std::snprintf(buf, sizeof(buf), "%.*e", digits - 1, v);
      if (std::strtod(buf, nullptr) == v)
        break;
    }
    std::snprintf(buf, sizeof(buf), "%.*e", digits - 1, v);
    int exp = std::atoi(std::strchr(buf, 'e') + 1);
    if (exp < -4 || exp >= 16) {
      os << buf;
      return;
    }
    std::snprintf(buf, sizeof(buf), "%.*f", std::max(0, digits - 1 - exp), v);
    os << buf;
    if (!std::strchr(buf, '.'))
      os << ".0";
  });
}

static const char *torchDType(DType t) {
  return t == DType::F16 ? "float16" : t == DType::BF16 ? "bfloat16" : "float32";
}

std::string liquid::synth::configJSON(const Preset &p, DType dtype) {
  const ModelConfig &c = p.config;
  std::string text;
  llvm::raw_string_ostream os(text);
  llvm::json::OStream j(os, 2);
  auto pyFloat = [&](llvm::StringRef key, double v) {
    j.attributeBegin(key);
    writePyFloat(j, v);
    j.attributeEnd();
  };
  auto layerTypes = [&] {
    j.attributeArray("layer_types", [&] {
      for (LayerKind k : c.layers)
        j.value(k == LayerKind::Attention ? "full_attention" : "conv");
    });
  };
  // Keys in alphabetical order, as transformers' save_pretrained writes them.
  j.object([&] {
    j.attributeArray("architectures", [&] {
      j.value(c.isMoE() ? "Lfm2MoeForCausalLM" : "Lfm2ForCausalLM");
    });
    if (!c.isMoE()) {
      j.attribute("block_auto_adjust_ff_dim", p.autoAdjustFF);
      j.attribute("block_dim", c.hiddenSize);
      j.attribute("block_ff_dim", p.rawFFSize);
      pyFloat("block_ffn_dim_multiplier", 1.0);
      pyFloat("block_mlp_init_scale", 1.0);
      j.attribute("block_multiple_of", 256);
      pyFloat("block_norm_eps", c.normEps);
      pyFloat("block_out_init_scale", 1.0);
      j.attribute("block_use_swiglu", true);
      j.attribute("block_use_xavier_init", true);
    }
    j.attribute("bos_token_id", c.bosTokenId);
    j.attribute("conv_L_cache", c.convL);
    j.attribute("conv_bias", false);
    if (!c.isMoE()) {
      j.attribute("conv_dim", c.hiddenSize);
      j.attribute("conv_dim_out", c.hiddenSize);
      j.attribute("conv_use_xavier_init", true);
    }
    j.attribute("eos_token_id", c.eosTokenId);
    if (p.style == ConfigStyle::Legacy) {
      j.attributeArray("full_attn_idxs", [&] {
        for (int64_t i = 0; i < c.numLayers(); ++i)
          if (c.layers[i] == LayerKind::Attention)
            j.value(i);
      });
    }
    j.attribute("hidden_size", c.hiddenSize);
    pyFloat("initializer_range", 0.02);
    if (p.style != ConfigStyle::Legacy)
      j.attribute("intermediate_size", p.rawFFSize);
    if (p.style != ConfigStyle::Legacy)
      layerTypes();
    j.attribute("max_position_embeddings", c.maxPositions);
    j.attribute("model_type", c.isMoE() ? "lfm2_moe" : "lfm2");
    if (c.isMoE())
      j.attribute("moe_intermediate_size", c.moeFfnSize);
    pyFloat("norm_eps", c.normEps);
    if (c.isMoE())
      j.attribute("norm_topk_prob", c.normTopKProb);
    j.attribute("num_attention_heads", c.numHeads);
    if (c.isMoE()) {
      j.attribute("num_dense_layers", c.numDenseLayers);
      j.attribute("num_experts", c.numExperts);
      j.attribute("num_experts_per_tok", c.expertsPerToken);
    } else {
      j.attribute("num_heads", c.numHeads);
    }
    j.attribute("num_hidden_layers", c.numLayers());
    j.attribute("num_key_value_heads", c.numKVHeads);
    j.attribute("pad_token_id", c.padTokenId);
    pyFloat("rope_theta", c.ropeTheta);
    if (c.isMoE())
      pyFloat("routed_scaling_factor", c.routedScalingFactor);
    if (p.style == ConfigStyle::LayerTypes)
      pyFloat("theta", c.ropeTheta);
    // The dense checkpoints spell the tie flag the legacy way; the MoE
    // config class uses transformers' standard name. Readers take both.
    if (c.isMoE())
      j.attribute("tie_word_embeddings", c.tiedEmbeddings);
    else
      j.attribute("tie_embedding", c.tiedEmbeddings);
    j.attribute("torch_dtype", torchDType(dtype));
    j.attribute("transformers_version", "4.57.1");
    j.attribute("use_cache", true);
    if (c.isMoE())
      j.attribute("use_expert_bias", c.useExpertBias);
    else
      j.attribute("use_pos_enc", true);
    j.attribute("vocab_size", c.vocabSize);
  });
  os << "\n";
  return text;
}
