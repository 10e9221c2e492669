//===- TensorNames.h - Checkpoint tensor names and shapes by role -*- C++ -*-===//
//
// SPDX-License-Identifier: Apache-2.0
//
// One table of every tensor an LFM2 / LFM2-MoE checkpoint holds, named the
// way Hugging Face and llama.cpp name it (LFM2.md §1.9, §2.3, §4.2), with the
// logical shape the config implies. The synthesizer writes exactly these
// tensors; the importer requires exactly these tensors. HF stores each
// expert's weights separately; the table lists them stacked as one virtual
// tensor `model.layers.N.feed_forward.experts.wK.weight` of shape [E, ...],
// which the HF reader assembles from the parts named by hfExpertPartName.
//
//===----------------------------------------------------------------------===//

#ifndef LIQUID_IMPORT_TENSORNAMES_H
#define LIQUID_IMPORT_TENSORNAMES_H

#include "liquid/Import/Checkpoint.h"

#include <string>
#include <vector>

namespace liquid {

enum class TensorRole {
  // Model level.
  TokenEmbedding, FinalNorm, Output,
  // Every layer.
  OperatorNorm, FFNNorm,
  // Dense SwiGLU feed-forward.
  FFNGate, FFNUp, FFNDown,
  // Attention layers.
  AttnQ, AttnK, AttnV, AttnOut, AttnQNorm, AttnKNorm,
  // Short-convolution layers.
  ConvInProj, ConvKernel, ConvOutProj,
  // Mixture-of-experts feed-forward.
  RouterGate, ExpertBias, ExpertsGate, ExpertsUp, ExpertsDown,
};

struct TensorSpec {
  TensorRole role;
  int64_t layer = -1;            ///< -1 for model-level tensors.
  std::string name;
  std::vector<int64_t> shape;    ///< Logical shape as the file stores it.
};

/// Name of a tensor in a checkpoint of the given format.
std::string tensorName(CheckpointFormat format, TensorRole role,
                       int64_t layer = -1);

/// Shape the file stores for a role. Differs between formats only for the
/// conv kernel: HF [H, 1, L], GGUF [H, L].
std::vector<int64_t> tensorShape(const ModelConfig &config,
                                 CheckpointFormat format, TensorRole role);

/// All tensors of a model in a fixed order: embedding, then layer by layer,
/// then the final norm, and the output head when it is not tied.
std::vector<TensorSpec> modelTensors(const ModelConfig &config,
                                     CheckpointFormat format);

/// The HF name of one expert's part of a stacked expert tensor, e.g.
/// model.layers.3.feed_forward.experts.17.w1.weight.
std::string hfExpertPartName(int64_t layer, int64_t expert, TensorRole role);

/// True for roles whose weights must stay in float (norms, router, bias,
/// conv kernel): quantizers skip them.
bool isFloatOnlyRole(TensorRole role);

} // namespace liquid

#endif // LIQUID_IMPORT_TENSORNAMES_H
