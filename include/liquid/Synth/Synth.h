//===- Synth.h - Write random-weight LFM2 checkpoints -----------*- C++ -*-===//
//
// SPDX-License-Identifier: Apache-2.0
//
// The entry point of liquid-synth: write a preset's checkpoint with random
// weights (Weights.h) as an HF directory (config.json, model.safetensors or
// shards + index, tokenizer.json, tokenizer_config.json) or as one GGUF v3
// file following llama.cpp's lfm2 / lfm2moe conventions. Output appears
// atomically: everything is written under a temporary name next to the
// target and renamed into place at the end; on error nothing is left.
// Same options give the same bytes.
//
//===----------------------------------------------------------------------===//

#ifndef LIQUID_SYNTH_SYNTH_H
#define LIQUID_SYNTH_SYNTH_H

#include "liquid/Import/Checkpoint.h"
#include "liquid/Synth/Presets.h"
#include "liquid/Synth/Tokenizer.h"
#include "llvm/Support/Error.h"

#include <string>

namespace liquid::synth {

struct SynthOptions {
  const Preset *preset = nullptr;
  CheckpointFormat format = CheckpointFormat::GGUF;
  DType dtype = DType::F32;
  uint64_t seed = 0;
  std::string output;        ///< A directory for HF, a file for GGUF.
  /// HF: most tensor bytes per .safetensors file; above it the checkpoint is
  /// sharded (model-0000K-of-0000N.safetensors + index).
  uint64_t maxShardBytes = uint64_t(2) << 30;
  /// Report progress on stderr for outputs of 256 MiB and more.
  bool progress = true;
  /// A vocabulary to write instead of the built-in one (GGUF only); the
  /// preset's vocabulary size and special token ids must be its.
  const SynthTokenizer *vocabulary = nullptr;
};

/// Writes the checkpoint. Errors read "<file>: <what>: <why>".
llvm::Error writeCheckpoint(const SynthOptions &options);
llvm::Error writeGGUFCheckpoint(const SynthOptions &options);
llvm::Error writeHFCheckpoint(const SynthOptions &options);

/// GGUF general.file_type (llama_ftype) for a checkpoint dtype.
uint32_t ggufFileType(DType t);

} // namespace liquid::synth

#endif // LIQUID_SYNTH_SYNTH_H
