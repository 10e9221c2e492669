//===- TensorNames.cpp - Checkpoint tensor names and shapes by role -------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// This file implements the tensor table shared by liquid-synth and the
// importers.
//
//===----------------------------------------------------------------------===//

#include "liquid/Import/TensorNames.h"

#include "llvm/Support/ErrorHandling.h"

using namespace liquid;

namespace {
struct RoleNames {
  const char *hf;   ///< Suffix after "model.layers.N." (or full name).
  const char *gguf; ///< Suffix after "blk.N." (or full name).
};
} // namespace

static RoleNames namesOf(TensorRole role) {
  switch (role) {
  case TensorRole::TokenEmbedding:
    return {"model.embed_tokens.weight", "token_embd.weight"};
  case TensorRole::FinalNorm:
    return {"model.embedding_norm.weight", "token_embd_norm.weight"};
  case TensorRole::Output:
    return {"lm_head.weight", "output.weight"};
  case TensorRole::OperatorNorm:
    return {"operator_norm.weight", "attn_norm.weight"};
  case TensorRole::FFNNorm:
    return {"ffn_norm.weight", "ffn_norm.weight"};
  case TensorRole::FFNGate:
    return {"feed_forward.w1.weight", "ffn_gate.weight"};
  case TensorRole::FFNUp:
    return {"feed_forward.w3.weight", "ffn_up.weight"};
  case TensorRole::FFNDown:
    return {"feed_forward.w2.weight", "ffn_down.weight"};
  case TensorRole::AttnQ:
    return {"self_attn.q_proj.weight", "attn_q.weight"};
  case TensorRole::AttnK:
    return {"self_attn.k_proj.weight", "attn_k.weight"};
  case TensorRole::AttnV:
    return {"self_attn.v_proj.weight", "attn_v.weight"};
  case TensorRole::AttnOut:
    return {"self_attn.out_proj.weight", "attn_output.weight"};
  case TensorRole::AttnQNorm:
    return {"self_attn.q_layernorm.weight", "attn_q_norm.weight"};
  case TensorRole::AttnKNorm:
    return {"self_attn.k_layernorm.weight", "attn_k_norm.weight"};
  case TensorRole::ConvInProj:
    return {"conv.in_proj.weight", "shortconv.in_proj.weight"};
  case TensorRole::ConvKernel:
    return {"conv.conv.weight", "shortconv.conv.weight"};
  case TensorRole::ConvOutProj:
    return {"conv.out_proj.weight", "shortconv.out_proj.weight"};
  case TensorRole::RouterGate:
    return {"feed_forward.gate.weight", "ffn_gate_inp.weight"};
  case TensorRole::ExpertBias:
    return {"feed_forward.expert_bias", "exp_probs_b.bias"};
  case TensorRole::ExpertsGate:
    return {"feed_forward.experts.w1.weight", "ffn_gate_exps.weight"};
  case TensorRole::ExpertsUp:
    return {"feed_forward.experts.w3.weight", "ffn_up_exps.weight"};
  case TensorRole::ExpertsDown:
    return {"feed_forward.experts.w2.weight", "ffn_down_exps.weight"};
  }
  llvm_unreachable("unknown tensor role");
}

std::string liquid::tensorName(CheckpointFormat format, TensorRole role,
                               int64_t layer) {
  RoleNames names = namesOf(role);
  const char *suffix = format == CheckpointFormat::HF ? names.hf : names.gguf;
  if (layer < 0)
    return suffix;
  std::string prefix = format == CheckpointFormat::HF ? "model.layers." : "blk.";
  return prefix + std::to_string(layer) + "." + suffix;
}

std::string liquid::hfExpertPartName(int64_t layer, int64_t expert,
                                     TensorRole role) {
  const char *w = role == TensorRole::ExpertsGate ? "w1"
                  : role == TensorRole::ExpertsUp ? "w3"
                                                  : "w2";
  return "model.layers." + std::to_string(layer) + ".feed_forward.experts." +
         std::to_string(expert) + "." + w + ".weight";
}

std::vector<int64_t> liquid::tensorShape(const ModelConfig &c,
                                         CheckpointFormat format,
                                         TensorRole role) {
  int64_t h = c.hiddenSize, hd = c.headDim, e = c.numExperts;
  switch (role) {
  case TensorRole::TokenEmbedding:
  case TensorRole::Output:
    return {c.vocabSize, h};
  case TensorRole::FinalNorm:
  case TensorRole::OperatorNorm:
  case TensorRole::FFNNorm:
    return {h};
  case TensorRole::FFNGate:
  case TensorRole::FFNUp:
    return {c.ffnSize, h};
  case TensorRole::FFNDown:
    return {h, c.ffnSize};
  case TensorRole::AttnQ:
    return {c.numHeads * hd, h};
  case TensorRole::AttnK:
  case TensorRole::AttnV:
    return {c.numKVHeads * hd, h};
  case TensorRole::AttnOut:
    return {h, c.numHeads * hd};
  case TensorRole::AttnQNorm:
  case TensorRole::AttnKNorm:
    return {hd};
  case TensorRole::ConvInProj:
    return {3 * h, h};
  case TensorRole::ConvKernel:
    if (format == CheckpointFormat::HF)
      return {h, 1, c.convL};
    return {h, c.convL};
  case TensorRole::ConvOutProj:
    return {h, h};
  case TensorRole::RouterGate:
    return {e, h};
  case TensorRole::ExpertBias:
    return {e};
  case TensorRole::ExpertsGate:
  case TensorRole::ExpertsUp:
    return {e, c.moeFfnSize, h};
  case TensorRole::ExpertsDown:
    return {e, h, c.moeFfnSize};
  }
  llvm_unreachable("unknown tensor role");
}

std::vector<TensorSpec> liquid::modelTensors(const ModelConfig &c,
                                             CheckpointFormat format) {
  std::vector<TensorSpec> specs;
  auto add = [&](TensorRole role, int64_t layer) {
    specs.push_back({role, layer, tensorName(format, role, layer),
                     tensorShape(c, format, role)});
  };
  add(TensorRole::TokenEmbedding, -1);
  for (int64_t i = 0; i < c.numLayers(); ++i) {
    add(TensorRole::OperatorNorm, i);
    if (c.layers[i] == LayerKind::Attention) {
      for (TensorRole r : {TensorRole::AttnQ, TensorRole::AttnK,
                           TensorRole::AttnV, TensorRole::AttnOut,
                           TensorRole::AttnQNorm, TensorRole::AttnKNorm})
        add(r, i);
    } else {
      for (TensorRole r : {TensorRole::ConvInProj, TensorRole::ConvKernel,
                           TensorRole::ConvOutProj})
        add(r, i);
    }
    add(TensorRole::FFNNorm, i);
    if (c.isMoELayer(i)) {
      add(TensorRole::RouterGate, i);
      if (c.useExpertBias)
        add(TensorRole::ExpertBias, i);
      for (TensorRole r : {TensorRole::ExpertsGate, TensorRole::ExpertsUp,
                           TensorRole::ExpertsDown})
        add(r, i);
    } else {
      for (TensorRole r :
           {TensorRole::FFNGate, TensorRole::FFNUp, TensorRole::FFNDown})
        add(r, i);
    }
  }
  add(TensorRole::FinalNorm, -1);
  if (!c.tiedEmbeddings)
    add(TensorRole::Output, -1);
  return specs;
}

bool liquid::isFloatOnlyRole(TensorRole role) {
  switch (role) {
  case TensorRole::FinalNorm:
  case TensorRole::OperatorNorm:
  case TensorRole::FFNNorm:
  case TensorRole::AttnQNorm:
  case TensorRole::AttnKNorm:
  case TensorRole::ConvKernel:
  case TensorRole::RouterGate:
  case TensorRole::ExpertBias:
    return true;
  default:
    return false;
  }
}
