//===- ModelConfig.h - Hyperparameters of an LFM2 / LFM2-MoE model -*- C++ -*-===//
//
// SPDX-License-Identifier: Apache-2.0
//
// The model description every importer produces and every later stage reads:
// dimensions, which layers are attention and which are short convolutions,
// which feed-forwards are mixtures of experts, and the special tokens. The
// rules that turn a config.json or GGUF metadata into these numbers (LFM2.md
// §1.6, §1.8, §2.1) live in the readers; this struct holds only the result.
//
//===----------------------------------------------------------------------===//

#ifndef LIQUID_IMPORT_MODELCONFIG_H
#define LIQUID_IMPORT_MODELCONFIG_H

#include <cstdint>
#include <string>
#include <vector>

namespace liquid {

/// The two model families Liquid imports.
enum class Architecture { LFM2, LFM2MoE };

/// Operator of one decoder layer.
enum class LayerKind { Conv, Attention };

struct ModelConfig {
  Architecture arch = Architecture::LFM2;
  int64_t vocabSize = 0;
  int64_t hiddenSize = 0;
  int64_t numHeads = 0;
  int64_t numKVHeads = 0;
  int64_t headDim = 0;          ///< hiddenSize / numHeads.
  int64_t ffnSize = 0;          ///< Effective dense SwiGLU size (after §1.6).
  int64_t convL = 3;            ///< Short-convolution length (conv_L_cache).
  int64_t maxPositions = 0;     ///< max_position_embeddings / context_length.
  double normEps = 1e-5;
  double ropeTheta = 1e6;
  bool tiedEmbeddings = true;   ///< Output head reuses the embedding table.
  std::vector<LayerKind> layers;

  // Mixture of experts (LFM2MoE only).
  int64_t numExperts = 0;
  int64_t expertsPerToken = 0;
  int64_t moeFfnSize = 0;
  int64_t numDenseLayers = 0;   ///< Leading layers with a dense FFN.
  bool normTopKProb = true;
  bool useExpertBias = true;
  double routedScalingFactor = 1.0;

  // Special tokens.
  int64_t bosTokenId = 1;
  int64_t eosTokenId = 7;
  int64_t padTokenId = 0;

  int64_t numLayers() const { return static_cast<int64_t>(layers.size()); }
  bool isMoE() const { return arch == Architecture::LFM2MoE; }
  /// True when layer `i` uses the routed-expert feed-forward.
  bool isMoELayer(int64_t i) const { return isMoE() && i >= numDenseLayers; }
  /// "lfm2" or "lfm2moe", the GGUF architecture name.
  const char *archName() const { return isMoE() ? "lfm2moe" : "lfm2"; }
};

/// Effective dense FFN size from a config's intermediate size and the
/// block_* auto-adjust settings (LFM2.md §1.6); `multiplier` < 0 means absent.
/// -1 when the multiplier takes it past 2^62.
int64_t effectiveFFNSize(int64_t intermediate, bool autoAdjust,
                         double multiplier, int64_t multipleOf);

} // namespace liquid

#endif // LIQUID_IMPORT_MODELCONFIG_H
