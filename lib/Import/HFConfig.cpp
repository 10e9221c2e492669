//===- HFConfig.cpp - LFM2 config.json to ModelConfig ---------------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// This file implements parseHFConfig. It follows transformers' Lfm2Config and
// Lfm2MoeConfig: legacy aliases (block_ff_dim, tie_embedding, theta,
// full_attn_idxs) with the precedence those classes give them, the §1.6 FFN
// rule for dense models only, and explicit errors for anything that would
// change the model's math without Liquid implementing it. Dimension keys
// must be present; keys the math does not use are ignored.
//
//===----------------------------------------------------------------------===//

#include "liquid/Import/HFConfig.h"

#include "ReaderSupport.h"

#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"

using namespace liquid;
using detail::readerError;
using llvm::Error;
using llvm::Expected;
using llvm::StringRef;
using llvm::Twine;

namespace json = llvm::json;

/// Dimensions above this are rejected so that shape arithmetic cannot
/// overflow.
static constexpr int64_t kMaxDim = int64_t(1) << 31;

namespace {
/// Typed, error-reporting access to the keys of config.json. A key whose
/// value is null counts as absent. Optional getters leave `out` unchanged
/// when the key is absent.
class ConfigReader {
public:
  ConfigReader(const json::Object &obj, StringRef file)
      : obj(obj), file(file) {}

  const json::Value *get(StringRef key) const {
    const json::Value *v = obj.get(key);
    return v && v->kind() != json::Value::Null ? v : nullptr;
  }
  bool has(StringRef key) const { return get(key) != nullptr; }

  Error error(StringRef key, const Twine &why) const {
    return readerError(file, "key '" + key + "': " + why);
  }
  Error unsupported(StringRef key, const json::Value &v,
                    StringRef why) const {
    return error(key, "unsupported value " + describe(v) + " (" + why + ")");
  }
  static std::string describe(const json::Value &v) {
    std::string s = llvm::formatv("{0}", v).str();
    return s.size() > 60 ? s.substr(0, 57) + "..." : s;
  }

  Error getInt(StringRef key, int64_t &out, bool required) const {
    const json::Value *v = get(key);
    if (!v)
      return required ? readerError(file, "missing key '" + key + "'")
                      : Error::success();
    std::optional<int64_t> i = v->getAsInteger();
    if (!i)
      return error(key, "expected an integer, found " + describe(*v));
    out = *i;
    return Error::success();
  }
  /// An integer in [min, 2^31).
  Error getDim(StringRef key, int64_t &out, bool required,
               int64_t min = 1) const {
    int64_t value = out;
    if (Error err = getInt(key, value, required))
      return err;
    if (has(key) && (value < min || value >= kMaxDim))
      return error(key, "value " + Twine(value) + " is out of range");
    out = value;
    return Error::success();
  }
  Error getFloat(StringRef key, double &out) const {
    const json::Value *v = get(key);
    if (!v)
      return Error::success();
    std::optional<double> d = v->getAsNumber();
    if (!d)
      return error(key, "expected a number, found " + describe(*v));
    out = *d;
    return Error::success();
  }
  Error getBool(StringRef key, bool &out) const {
    const json::Value *v = get(key);
    if (!v)
      return Error::success();
    std::optional<bool> b = v->getAsBoolean();
    if (!b)
      return error(key, "expected true or false, found " + describe(*v));
    out = *b;
    return Error::success();
  }

  const json::Object &obj;
  StringRef file;
};
} // namespace

/// 'name' for a string, else the JSON text of `v`.
static std::string quoted(std::optional<StringRef> name, const json::Value &v) {
  return name ? "'" + name->str() + "'" : ConfigReader::describe(v);
}

static Error readArchitecture(const ConfigReader &r, ModelConfig &c) {
  if (const json::Value *v = r.get("model_type")) {
    std::optional<StringRef> type = v->getAsString();
    if (type == "lfm2")
      c.arch = Architecture::LFM2;
    else if (type == "lfm2_moe")
      c.arch = Architecture::LFM2MoE;
    else
      return r.error("model_type", "unknown architecture " +
                                       quoted(type, *v) +
                                       " (supported: lfm2, lfm2_moe)");
    return Error::success();
  }
  const json::Value *v = r.get("architectures");
  if (!v)
    return readerError(r.file, "missing key 'model_type'");
  const json::Array *list = v->getAsArray();
  std::optional<StringRef> name;
  if (list && !list->empty())
    name = list->front().getAsString();
  if (name == "Lfm2ForCausalLM" || name == "LFM2ForCausalLM")
    c.arch = Architecture::LFM2;
  else if (name == "Lfm2MoeForCausalLM")
    c.arch = Architecture::LFM2MoE;
  else
    return r.error("architectures",
                   "unknown architecture " + quoted(name, *v) +
                       " (supported: Lfm2ForCausalLM, Lfm2MoeForCausalLM)");
  return Error::success();
}

/// layer_types, else full_attn_idxs, else every layer attention (§1.8).
static Error readLayers(const ConfigReader &r, int64_t numLayers,
                        ModelConfig &c) {
  c.layers.assign(numLayers, LayerKind::Attention);
  if (const json::Value *v = r.get("layer_types")) {
    const json::Array *list = v->getAsArray();
    if (!list)
      return r.error("layer_types", "expected a list of layer types");
    if (static_cast<int64_t>(list->size()) != numLayers)
      return r.error("layer_types", "has " + Twine(list->size()) +
                                        " entries but num_hidden_layers is " +
                                        Twine(numLayers));
    for (size_t i = 0; i < list->size(); ++i) {
      std::optional<StringRef> kind = (*list)[i].getAsString();
      if (kind == "full_attention")
        c.layers[i] = LayerKind::Attention;
      else if (kind == "conv")
        c.layers[i] = LayerKind::Conv;
      else
        return r.error("layer_types",
                       "unknown layer type " +
                           ConfigReader::describe((*list)[i]) + " at index " +
                           Twine(i) + " (expected \"full_attention\" or "
                                      "\"conv\")");
    }
    return Error::success();
  }
  if (const json::Value *v = r.get("full_attn_idxs")) {
    const json::Array *list = v->getAsArray();
    if (!list)
      return r.error("full_attn_idxs", "expected a list of layer indices");
    c.layers.assign(numLayers, LayerKind::Conv);
    for (const json::Value &e : *list) {
      std::optional<int64_t> i = e.getAsInteger();
      if (!i || *i < 0 || *i >= numLayers)
        return r.error("full_attn_idxs",
                       "entry " + ConfigReader::describe(e) +
                           " is not a layer index below " + Twine(numLayers));
      c.layers[*i] = LayerKind::Attention;
    }
  }
  return Error::success();
}

/// Rejects settings that change the math (LFM2.md §0) and reads RoPE theta.
static Error readAttentionSettings(const ConfigReader &r, ModelConfig &c) {
  if (const json::Value *v = r.get("conv_bias")) {
    std::optional<bool> b = v->getAsBoolean();
    if (!b || *b)
      return r.unsupported("conv_bias", *v,
                           "a bias in the short convolution is not supported");
  }
  bool useSliding = true;
  if (Error err = r.getBool("use_sliding_window", useSliding))
    return err;
  if (const json::Value *v = r.get("use_sliding_window"); v && useSliding)
    return r.unsupported("use_sliding_window", *v,
                         "sliding-window attention is not supported");
  if (const json::Value *v = r.get("sliding_window")) {
    std::optional<int64_t> w = v->getAsInteger();
    if (useSliding && (!w || *w > 0))
      return r.unsupported("sliding_window", *v,
                           "sliding-window attention is not supported");
  }
  auto isDefaultRope = [](const json::Object &o) {
    std::optional<StringRef> type = o.getString("rope_type");
    if (!type)
      type = o.getString("type");
    return !type || *type == "default";
  };
  if (const json::Value *v = r.get("rope_scaling")) {
    const json::Object *o = v->getAsObject();
    if (!o || !isDefaultRope(*o))
      return r.unsupported("rope_scaling", *v, "RoPE scaling is not supported");
  }
  // Precedence (LFM2.md §1.3), highest first: rope_parameters.rope_theta,
  // then theta, then rope_theta, then 1e6. This is the newest transformers:
  // Lfm2Config still computes kwargs.get("theta", kwargs.get("rope_theta",
  // 1e6)) as the legacy version did, then standardize_rope_params keeps
  // rope_parameters["rope_theta"] over that value when it is set (a null
  // one falls back). The legacy version never reads rope_parameters, so on
  // configs without it the two agree.
  c.ropeTheta = 1e6;
  StringRef thetaKey = r.has("theta") ? "theta" : "rope_theta";
  if (Error err = r.getFloat("rope_theta", c.ropeTheta))
    return err;
  if (Error err = r.getFloat("theta", c.ropeTheta))
    return err;
  if (const json::Value *v = r.get("rope_parameters")) {
    const json::Object *o = v->getAsObject();
    if (!o)
      return r.error("rope_parameters", "expected an object");
    if (!isDefaultRope(*o))
      return r.unsupported("rope_parameters", *v,
                           "RoPE scaling is not supported");
    const json::Value *t = o->get("rope_theta");
    if (t && t->kind() != json::Value::Null) {
      std::optional<double> theta = t->getAsNumber();
      if (!theta)
        return r.error("rope_parameters", "'rope_theta' must be a number");
      c.ropeTheta = *theta;
      thetaKey = "rope_parameters";
    }
  }
  if (!(c.ropeTheta > 0))
    return r.error(thetaKey, "RoPE theta must be positive");
  return Error::success();
}

/// The dense FFN size (§1.6; the MoE config has no auto-adjust) and the
/// mixture-of-experts settings (§2.1).
static Error readFeedForward(const ConfigReader &r, ModelConfig &c) {
  // block_ff_dim is an Lfm2Config alias only; Lfm2MoeConfig never reads it.
  StringRef ffKey = !c.isMoE() && r.has("block_ff_dim") ? "block_ff_dim"
                                                        : "intermediate_size";
  int64_t ff = 0;
  if (Error err = r.getDim(ffKey, ff, /*required=*/true))
    return err;
  c.ffnSize = ff;
  if (!c.isMoE()) {
    bool autoAdjust = true;
    double multiplier = 1.0;
    int64_t multipleOf = 256;
    if (Error err = r.getBool("block_auto_adjust_ff_dim", autoAdjust))
      return err;
    if (r.obj.get("block_ffn_dim_multiplier") &&
        !r.has("block_ffn_dim_multiplier"))
      multiplier = -1; // Explicit null: Python's None.
    if (Error err = r.getFloat("block_ffn_dim_multiplier", multiplier))
      return err;
    if (r.has("block_ffn_dim_multiplier") && multiplier < 0)
      return r.error("block_ffn_dim_multiplier", "must not be negative");
    if (Error err = r.getDim("block_multiple_of", multipleOf, false))
      return err;
    c.ffnSize = effectiveFFNSize(ff, autoAdjust, multiplier, multipleOf);
    if (c.ffnSize < 1 || c.ffnSize >= kMaxDim)
      return r.error(ffKey, "effective feed-forward size " +
                                (c.ffnSize < 0 ? std::string("beyond 2^62")
                                               : std::to_string(c.ffnSize)) +
                                " is out of range");
    return Error::success();
  }

  if (Error err = r.getDim("num_experts", c.numExperts, true))
    return err;
  if (Error err = r.getDim("num_experts_per_tok", c.expertsPerToken, true))
    return err;
  if (c.expertsPerToken > c.numExperts)
    return r.error("num_experts_per_tok",
                   Twine(c.expertsPerToken) + " exceeds num_experts " +
                       Twine(c.numExperts));
  if (Error err = r.getDim("moe_intermediate_size", c.moeFfnSize, true))
    return err;
  if (Error err = r.getDim("num_dense_layers", c.numDenseLayers, true, 0))
    return err;
  if (c.numDenseLayers > c.numLayers())
    return r.error("num_dense_layers",
                   Twine(c.numDenseLayers) + " exceeds num_hidden_layers " +
                       Twine(c.numLayers()));
  if (Error err = r.getBool("norm_topk_prob", c.normTopKProb))
    return err;
  if (Error err = r.getBool("use_expert_bias", c.useExpertBias))
    return err;
  if (Error err = r.getFloat("routed_scaling_factor", c.routedScalingFactor))
    return err;
  if (!(c.routedScalingFactor > 0))
    return r.error("routed_scaling_factor",
                   "value " +
                       ConfigReader::describe(*r.get("routed_scaling_factor")) +
                       " is not positive (the expert weights would vanish "
                       "or flip sign)");
  return Error::success();
}

/// A token id: an integer, or a list whose first entry is used.
static Error readTokenId(const ConfigReader &r, StringRef key, int64_t &out) {
  const json::Value *v = r.get(key);
  if (!v)
    return Error::success();
  if (const json::Array *list = v->getAsArray())
    v = list->empty() ? nullptr : &list->front();
  std::optional<int64_t> id = v ? v->getAsInteger() : std::nullopt;
  if (!id)
    return r.error(key, "expected a token id, found " +
                            ConfigReader::describe(*r.get(key)));
  out = *id;
  return Error::success();
}

Expected<ModelConfig> liquid::parseHFConfig(StringRef text, StringRef file) {
  Expected<json::Value> root = detail::parseJSON(text, file, "invalid JSON");
  if (!root)
    return root.takeError();
  const json::Object *obj = root->getAsObject();
  if (!obj)
    return readerError(file, "invalid config: not a JSON object");
  ConfigReader r(*obj, file);
  ModelConfig c;
  if (Error err = readArchitecture(r, c))
    return std::move(err);

  int64_t numLayers = 0;
  if (Error err = r.getDim("vocab_size", c.vocabSize, true))
    return std::move(err);
  if (c.vocabSize > detail::kMaxVocab)
    return r.error("vocab_size", "value " + Twine(c.vocabSize) +
                                     " exceeds the limit of " +
                                     Twine(detail::kMaxVocab) + " tokens");
  if (Error err = r.getDim("hidden_size", c.hiddenSize, true))
    return std::move(err);
  if (Error err = r.getDim("num_hidden_layers", numLayers, true))
    return std::move(err);
  if (numLayers > detail::kMaxLayers)
    return r.error("num_hidden_layers",
                   "value " + Twine(numLayers) + " is out of range");
  if (Error err = r.getDim("num_attention_heads", c.numHeads, true))
    return std::move(err);
  if (Error err = r.getDim("num_key_value_heads", c.numKVHeads, true))
    return std::move(err);
  if (c.hiddenSize % c.numHeads != 0)
    return r.error("num_attention_heads",
                   "hidden_size " + Twine(c.hiddenSize) +
                       " is not divisible by " + Twine(c.numHeads) + " heads");
  c.headDim = c.hiddenSize / c.numHeads;
  if (c.headDim % 2 != 0)
    return r.error(
        "num_attention_heads",
        "head size hidden_size / num_attention_heads = " + Twine(c.headDim) +
            " is odd (RoPE rotates pairs of channels)");
  if (c.numHeads % c.numKVHeads != 0)
    return r.error("num_key_value_heads",
                   Twine(c.numHeads) + " attention heads are not a multiple "
                                       "of " +
                       Twine(c.numKVHeads) + " key/value heads");
  int64_t headDim = c.headDim;
  if (Error err = r.getInt("head_dim", headDim, false))
    return std::move(err);
  if (headDim != c.headDim)
    return r.error("head_dim", "value " + Twine(headDim) +
                                   " differs from hidden_size / "
                                   "num_attention_heads = " +
                                   Twine(c.headDim));

  c.maxPositions = 128000;
  if (Error err = r.getDim("max_position_embeddings", c.maxPositions, false))
    return std::move(err);
  StringRef epsKey = r.has("norm_eps") ? "norm_eps" : "rms_norm_eps";
  if (Error err = r.getFloat(epsKey, c.normEps))
    return std::move(err);
  if (!(c.normEps > 0))
    return r.error(epsKey, "must be positive");
  if (Error err = r.getDim("conv_L_cache", c.convL, false))
    return std::move(err);
  if (c.convL < 2)
    return r.error("conv_L_cache",
                   "value " + Twine(c.convL) +
                       " is too small (the short convolution needs at least "
                       "2 taps)");

  if (Error err = readLayers(r, numLayers, c))
    return std::move(err);
  if (Error err = readAttentionSettings(r, c))
    return std::move(err);
  if (Error err = readFeedForward(r, c))
    return std::move(err);

  // transformers: tie_word_embeddings = kwargs.get("tie_embedding",
  // tie_word_embeddings), so the legacy key wins when both are present.
  c.tiedEmbeddings = true;
  StringRef tieKey =
      r.has("tie_embedding") ? "tie_embedding" : "tie_word_embeddings";
  if (Error err = r.getBool(tieKey, c.tiedEmbeddings))
    return std::move(err);
  for (auto [key, id] : {std::pair{"bos_token_id", &c.bosTokenId},
                         std::pair{"eos_token_id", &c.eosTokenId},
                         std::pair{"pad_token_id", &c.padTokenId}})
    if (Error err = readTokenId(r, key, *id))
      return std::move(err);
  return c;
}
