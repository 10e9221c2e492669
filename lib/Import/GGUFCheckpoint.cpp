//===- GGUFCheckpoint.cpp - Read an lfm2 / lfm2moe GGUF checkpoint --------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// This file implements configFromGGUF and readGGUFCheckpoint: the llama.cpp
// metadata keys of the lfm2 and lfm2moe architectures (LFM2.md §4.1, §4.3)
// become a ModelConfig, with the per-layer head_count_kv array giving the
// layer layout (0 = short convolution), and the tensor table is checked
// against the one that config implies.
//
//===----------------------------------------------------------------------===//

#include "liquid/Import/GGUFReader.h"

#include "ReaderSupport.h"
#include "liquid/Import/TensorNames.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/raw_ostream.h"

using namespace liquid;
using detail::readerError;
using llvm::Error;
using llvm::Expected;
using llvm::StringRef;
using llvm::Twine;

namespace {
/// The `{arch}.`-prefixed keys of one file, with range-checked getters.
class ArchKeys {
public:
  ArchKeys(const GGUFFile &file, StringRef arch) : f(file), arch(arch) {}

  std::string key(StringRef name) const { return (arch + "." + name).str(); }

  Error error(StringRef name, const Twine &why) const {
    return readerError(f.path(), "key '" + key(name) + "': " + why);
  }

  /// A dimension in [min, 2^31); required unless `dflt` is given.
  Error getDim(StringRef name, int64_t &out, int64_t min = 1,
               std::optional<uint64_t> dflt = std::nullopt) const {
    Expected<uint64_t> v =
        dflt ? f.getUInt(key(name), *dflt) : f.getUInt(key(name));
    if (!v)
      return v.takeError();
    if (*v < static_cast<uint64_t>(min) || *v >= (uint64_t(1) << 31))
      return error(name, "value " + Twine(*v) + " is out of range");
    out = static_cast<int64_t>(*v);
    return Error::success();
  }

  /// A count that llama.cpp allows per layer: a scalar, or an array whose
  /// entries must all be equal.
  Error getUniformDim(StringRef name, int64_t &out) const {
    const GGUFValue *v = f.lookup(key(name));
    if (!v || v->type != gguf::ValueType::Array)
      return getDim(name, out);
    Expected<std::vector<int64_t>> values = f.getIntArray(key(name));
    if (!values)
      return values.takeError();
    if (values->empty() || llvm::any_of(*values, [&](int64_t x) {
          return x != values->front();
        }))
      return error(name, "per-layer values that differ are not supported");
    if (values->front() < 1 || values->front() >= (int64_t(1) << 31))
      return error(name, "value " + Twine(values->front()) +
                             " is out of range");
    out = values->front();
    return Error::success();
  }

  const GGUFFile &f;
  StringRef arch;
};
} // namespace

/// head_count_kv: per layer (0 = conv), or one scalar for every layer.
static Error readLayers(const ArchKeys &k, int64_t numLayers, ModelConfig &c) {
  const GGUFValue *v = k.f.lookup(k.key("attention.head_count_kv"));
  if (!v)
    return readerError(k.f.path(), "missing key '" +
                                       k.key("attention.head_count_kv") + "'");
  std::vector<int64_t> perLayer;
  if (v->type == gguf::ValueType::Array) {
    auto values = k.f.getIntArray(k.key("attention.head_count_kv"));
    if (!values)
      return values.takeError();
    perLayer = std::move(*values);
    if (static_cast<int64_t>(perLayer.size()) != numLayers)
      return k.error("attention.head_count_kv",
                     "has " + Twine(perLayer.size()) +
                         " entries but block_count is " + Twine(numLayers));
  } else {
    int64_t all = 0;
    if (Error err = k.getDim("attention.head_count_kv", all, 0))
      return err;
    perLayer.assign(numLayers, all);
  }
  c.numKVHeads = 0;
  for (int64_t i = 0; i < numLayers; ++i) {
    int64_t kv = perLayer[i];
    c.layers.push_back(kv == 0 ? LayerKind::Conv : LayerKind::Attention);
    if (kv == 0)
      continue;
    if (kv < 0 || kv >= (int64_t(1) << 31) ||
        (c.numKVHeads && kv != c.numKVHeads))
      return k.error("attention.head_count_kv",
                     "entry " + Twine(i) + " is " + Twine(kv) +
                         "; attention layers must share one positive count");
    c.numKVHeads = kv;
  }
  if (c.numKVHeads && c.numHeads % c.numKVHeads != 0)
    return k.error("attention.head_count_kv",
                   Twine(c.numHeads) + " attention heads are not a multiple "
                                       "of " +
                       Twine(c.numKVHeads) + " key/value heads");
  return Error::success();
}

/// Rejects metadata that changes the math (LFM2.md §0).
static Error checkUnsupported(const ArchKeys &k, const ModelConfig &c) {
  Expected<uint64_t> window = k.f.getUInt(k.key("attention.sliding_window"), 0);
  if (!window)
    return window.takeError();
  if (*window > 0)
    return k.error("attention.sliding_window",
                   "unsupported value " + Twine(*window) +
                       " (sliding-window attention is not supported)");
  Expected<bool> causal = k.f.getBool(k.key("attention.causal"), true);
  if (!causal)
    return causal.takeError();
  if (!*causal)
    return k.error("attention.causal", "unsupported value false "
                                       "(bidirectional attention is not "
                                       "supported)");
  if (k.f.has(k.key("rope.scaling.type"))) {
    Expected<StringRef> type = k.f.getString(k.key("rope.scaling.type"));
    if (!type)
      return type.takeError();
    if (*type != "none")
      return k.error("rope.scaling.type",
                     "unsupported value '" + *type +
                         "' (RoPE scaling is not supported)");
  }
  for (StringRef name :
       {"attention.key_length", "attention.value_length", "rope.dimension_count"}) {
    Expected<uint64_t> len = k.f.getUInt(k.key(name), c.headDim);
    if (!len)
      return len.takeError();
    if (*len != static_cast<uint64_t>(c.headDim))
      return k.error(name, "unsupported value " + Twine(*len) +
                               " (must equal the head size " +
                               Twine(c.headDim) + ")");
  }
  return Error::success();
}

static Error readMoE(const ArchKeys &k, ModelConfig &c) {
  if (Error err = k.getDim("expert_count", c.numExperts))
    return err;
  if (Error err = k.getDim("expert_used_count", c.expertsPerToken))
    return err;
  if (c.expertsPerToken > c.numExperts)
    return k.error("expert_used_count",
                   Twine(c.expertsPerToken) + " exceeds expert_count " +
                       Twine(c.numExperts));
  if (Error err = k.getDim("expert_feed_forward_length", c.moeFfnSize))
    return err;
  if (Error err = k.getDim("leading_dense_block_count", c.numDenseLayers, 0,
                           uint64_t(0)))
    return err;
  if (c.numDenseLayers > c.numLayers())
    return k.error("leading_dense_block_count",
                   Twine(c.numDenseLayers) + " exceeds block_count " +
                       Twine(c.numLayers()));
  Expected<uint64_t> gating = k.f.getUInt(k.key("expert_gating_func"));
  if (!gating)
    return gating.takeError();
  if (*gating != 2)
    return k.error("expert_gating_func",
                   "unsupported value " + Twine(*gating) +
                       " (only 2, sigmoid, is supported)");
  Expected<double> scale = k.f.getFloat(k.key("expert_weights_scale"), 0.0);
  if (!scale)
    return scale.takeError();
  if (!(*scale >= 0)) {
    std::string text;
    llvm::raw_string_ostream(text) << llvm::format("%g", *scale);
    return k.error("expert_weights_scale",
                   "value " + text +
                       " is invalid (it must be >= 0, where 0 means 1)");
  }
  // llama.cpp: 0 means "no scaling".
  c.routedScalingFactor = *scale == 0.0 ? 1.0 : *scale;
  // llama.cpp's lfm2moe graph always normalises the top-k weights and never
  // reads this key; a file that asks for no normalisation describes math
  // that neither llama.cpp nor Liquid computes (LFM2.md §0).
  Expected<bool> norm = k.f.getBool(k.key("expert_weights_norm"), true);
  if (!norm)
    return norm.takeError();
  if (!*norm)
    return k.error("expert_weights_norm",
                   "unsupported value false (lfm2moe always normalises the "
                   "selected expert weights)");
  c.normTopKProb = true;
  // The router bias is optional in GGUF: present in every MoE layer or none.
  c.useExpertBias = false;
  for (int64_t i = c.numDenseLayers; i < c.numLayers(); ++i)
    if (k.f.findTensor(
            tensorName(CheckpointFormat::GGUF, TensorRole::ExpertBias, i)))
      c.useExpertBias = true;
  return Error::success();
}

Expected<ModelConfig> liquid::configFromGGUF(const GGUFFile &f) {
  Expected<StringRef> arch = f.getString("general.architecture");
  if (!arch)
    return arch.takeError();
  ModelConfig c;
  if (*arch == "lfm2")
    c.arch = Architecture::LFM2;
  else if (*arch == "lfm2moe")
    c.arch = Architecture::LFM2MoE;
  else
    return readerError(f.path(), "key 'general.architecture': unknown "
                                 "architecture '" +
                                     *arch + "' (supported: lfm2, lfm2moe)");
  ArchKeys k(f, *arch);

  int64_t numLayers = 0;
  if (Error err = k.getDim("block_count", numLayers))
    return std::move(err);
  if (numLayers > detail::kMaxLayers)
    return k.error("block_count",
                   "value " + Twine(numLayers) + " is out of range");
  if (Error err = k.getDim("context_length", c.maxPositions))
    return std::move(err);
  if (Error err = k.getDim("embedding_length", c.hiddenSize))
    return std::move(err);
  if (Error err = k.getUniformDim("feed_forward_length", c.ffnSize))
    return std::move(err);
  if (Error err = k.getUniformDim("attention.head_count", c.numHeads))
    return std::move(err);
  if (c.hiddenSize % c.numHeads != 0)
    return k.error("attention.head_count",
                   "embedding_length " + Twine(c.hiddenSize) +
                       " is not divisible by " + Twine(c.numHeads) + " heads");
  c.headDim = c.hiddenSize / c.numHeads;
  if (c.headDim % 2 != 0)
    return k.error(
        "attention.head_count",
        "head size embedding_length / head_count = " + Twine(c.headDim) +
            " is odd (RoPE rotates pairs of channels)");
  if (Error err = readLayers(k, numLayers, c))
    return std::move(err);
  if (Error err = k.getDim("shortconv.l_cache", c.convL))
    return std::move(err);
  if (c.convL < 2)
    return k.error("shortconv.l_cache",
                   "value " + Twine(c.convL) +
                       " is too small (the short convolution needs at least "
                       "2 taps)");

  Expected<double> theta = f.getFloat(k.key("rope.freq_base"));
  if (!theta)
    return theta.takeError();
  if (!(*theta > 0))
    return k.error("rope.freq_base", "must be positive");
  c.ropeTheta = *theta;
  Expected<double> eps = f.getFloat(k.key("attention.layer_norm_rms_epsilon"));
  if (!eps)
    return eps.takeError();
  if (!(*eps > 0))
    return k.error("attention.layer_norm_rms_epsilon", "must be positive");
  c.normEps = *eps;
  if (Error err = checkUnsupported(k, c))
    return std::move(err);

  // Vocabulary: the key, else the token list, else the embedding's rows.
  if (f.has(k.key("vocab_size"))) {
    if (Error err = k.getDim("vocab_size", c.vocabSize))
      return std::move(err);
  } else if (f.has("tokenizer.ggml.tokens")) {
    Expected<uint64_t> n = f.getArrayLength("tokenizer.ggml.tokens");
    if (!n)
      return n.takeError();
    c.vocabSize = static_cast<int64_t>(*n);
  } else if (const GGUFTensor *embd = f.findTensor(tensorName(
                 CheckpointFormat::GGUF, TensorRole::TokenEmbedding))) {
    c.vocabSize = embd->shape.front();
  } else {
    return readerError(f.path(), "missing key '" + k.key("vocab_size") + "'");
  }
  if (c.vocabSize < 1 || c.vocabSize > detail::kMaxVocab)
    return readerError(f.path(), "vocabulary size " + Twine(c.vocabSize) +
                                     " is out of range [1, " +
                                     Twine(detail::kMaxVocab) + "]");

  if (c.isMoE())
    if (Error err = readMoE(k, c))
      return std::move(err);

  for (auto [key, id] :
       {std::pair{"tokenizer.ggml.bos_token_id", &c.bosTokenId},
        std::pair{"tokenizer.ggml.eos_token_id", &c.eosTokenId},
        std::pair{"tokenizer.ggml.padding_token_id", &c.padTokenId}}) {
    Expected<int64_t> v = f.getInt(key, *id);
    if (!v)
      return v.takeError();
    *id = *v;
  }
  return c;
}

Expected<std::unique_ptr<Checkpoint>>
liquid::readGGUFCheckpoint(StringRef path) {
  Expected<std::unique_ptr<GGUFFile>> file = GGUFFile::open(path);
  if (!file)
    return file.takeError();
  Expected<ModelConfig> config = configFromGGUF(**file);
  if (!config)
    return config.takeError();

  auto ckpt = std::make_unique<Checkpoint>();
  ckpt->format = CheckpointFormat::GGUF;
  ckpt->path = path.str();
  ckpt->config = std::move(*config);
  for (const GGUFTensor &t : (*file)->tensors()) {
    TensorInfo info;
    info.name = t.name;
    info.dtype = t.dtype;
    info.shape = t.shape;
    info.segments.push_back({0, t.offset, t.size});
    ckpt->tensorOrder.push_back(t.name);
    ckpt->tensors[t.name] = std::move(info);
  }
  ckpt->fileNames.push_back(path.str());
  ckpt->files.push_back((*file)->takeBuffer());
  if (Error err = detail::validateTensorTable(*ckpt, path))
    return std::move(err);
  // The metadata's strings stay valid: the checkpoint now owns the mapping.
  Expected<std::optional<Tokenizer>> tokenizer =
      readGGUFTokenizer(**file, ckpt->config.vocabSize);
  if (!tokenizer)
    return tokenizer.takeError();
  ckpt->tokenizer = std::move(*tokenizer);
  return std::move(ckpt);
}
