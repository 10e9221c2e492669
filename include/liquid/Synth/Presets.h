//===- Presets.h - Model shapes liquid-synth can write ----------*- C++ -*-===//
//
// SPDX-License-Identifier: Apache-2.0
//
// The named model configurations of liquid-synth: two tiny test models and
// the published LFM2 / LFM2-MoE shapes of LFM2.md §3. Each preset carries
// the resolved ModelConfig (what an importer must produce) and the raw
// config.json settings it came from, so the HF config.json is written the
// way the published checkpoints write it (legacy block_* keys with
// full_attn_idxs, or layer_types) and the importer has to apply the same
// rules (LFM2.md §1.6, §1.8) to get the ModelConfig back.
//
//===----------------------------------------------------------------------===//

#ifndef LIQUID_SYNTH_PRESETS_H
#define LIQUID_SYNTH_PRESETS_H

#include "liquid/Import/Checkpoint.h"
#include "liquid/Import/ModelConfig.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"

#include <string>

namespace liquid::synth {

/// How config.json spells the layer layout and FFN size.
enum class ConfigStyle {
  Legacy,     ///< full_attn_idxs + block_* keys (LFM2-350M/700M/1.2B).
  LayerTypes, ///< layer_types + block_* keys (LFM2-2.6B).
  MoE,        ///< lfm2_moe keys with layer_types (LFM2-8B-A1B).
};

struct Preset {
  std::string name;        ///< --preset value.
  std::string modelName;   ///< GGUF general.name, e.g. "LFM2-350M".
  std::string description; ///< One line for --list-presets.
  ConfigStyle style = ConfigStyle::Legacy;
  int64_t rawFFSize = 0;   ///< block_ff_dim / intermediate_size as written.
  bool autoAdjustFF = true;
  ModelConfig config;      ///< The resolved config (effective FFN size).
};

/// All presets, in the order --list-presets prints them.
llvm::ArrayRef<Preset> allPresets();
/// The preset of that name, or null.
const Preset *findPreset(llvm::StringRef name);

/// config.json for the preset, as the published checkpoints write it, with
/// torch_dtype naming `dtype` (f32, f16 or bf16).
std::string configJSON(const Preset &preset, DType dtype);

/// Number of parameters (elements of all tensors written).
int64_t parameterCount(const ModelConfig &config);

} // namespace liquid::synth

#endif // LIQUID_SYNTH_PRESETS_H
