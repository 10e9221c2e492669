//===- SynthGGUF.cpp - Write a random-weight LFM2 GGUF file ---------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// The GGUF form of a preset, as llama.cpp's convert_hf_to_gguf.py writes
// lfm2 / lfm2moe (LFM2.md §4.1, §4.2): the same metadata keys and value
// types (attention.head_count_kv an INT32 array with 0 for conv layers),
// tensor names from tensorName(GGUF), ne = reversed logical shape, experts
// stacked [E, ...], conv kernel [H, L]. Norms, the conv kernel, the router
// and the expert bias stay F32 as the converter keeps them; every other
// weight matrix (token_embd included) is in the requested type.
//
//===----------------------------------------------------------------------===//

#include "liquid/Synth/GGUFWriter.h"
#include "liquid/Synth/Output.h"
#include "liquid/Synth/Quantize.h"
#include "liquid/Synth/Synth.h"
#include "liquid/Synth/Tokenizer.h"
#include "liquid/Synth/Weights.h"

#include "liquid/Import/TensorNames.h"
#include "llvm/Support/ErrorHandling.h"

using namespace liquid;
using namespace liquid::synth;

uint32_t liquid::synth::ggufFileType(DType t) {
  switch (t) {
  case DType::F32:
    return 0; // LLAMA_FTYPE_ALL_F32
  case DType::F16:
    return 1; // LLAMA_FTYPE_MOSTLY_F16
  case DType::Q4_0:
    return 2; // LLAMA_FTYPE_MOSTLY_Q4_0
  case DType::Q8_0:
    return 7; // LLAMA_FTYPE_MOSTLY_Q8_0
  case DType::BF16:
    return 32; // LLAMA_FTYPE_MOSTLY_BF16
  case DType::Q4_K:
    return 14; // LLAMA_FTYPE_MOSTLY_Q4_K_S (every matrix Q4_K)
  case DType::Q5_K:
    return 16; // LLAMA_FTYPE_MOSTLY_Q5_K_S
  case DType::Q6_K:
    return 18; // LLAMA_FTYPE_MOSTLY_Q6_K
  }
  llvm_unreachable("unknown dtype");
}

static gguf::TensorType ggmlType(DType t) {
  switch (t) {
  case DType::F32:
    return gguf::TensorType::F32;
  case DType::F16:
    return gguf::TensorType::F16;
  case DType::BF16:
    return gguf::TensorType::BF16;
  case DType::Q8_0:
    return gguf::TensorType::Q8_0;
  case DType::Q4_0:
    return gguf::TensorType::Q4_0;
  case DType::Q4_K:
    return gguf::TensorType::Q4_K;
  case DType::Q5_K:
    return gguf::TensorType::Q5_K;
  case DType::Q6_K:
    return gguf::TensorType::Q6_K;
  }
  llvm_unreachable("unknown dtype");
}

static void addModelMetadata(GGUFWriter &w, const SynthOptions &o) {
  const ModelConfig &c = o.preset->config;
  std::string arch = c.archName();
  auto key = [&](const char *suffix) { return arch + "." + suffix; };
  w.addString("general.architecture", arch);
  w.addAlignmentKey();
  w.addString("general.type", "model");
  w.addString("general.name", o.preset->modelName + "-synth");
  w.addString("general.description",
              "random weights written by liquid-synth (preset " +
                  o.preset->name + ", seed " + std::to_string(o.seed) +
                  ", dtype " + dtypeName(o.dtype).str() + ")");
  w.addUInt32(key("block_count"), c.numLayers());
  w.addUInt32(key("context_length"), c.maxPositions);
  w.addUInt32(key("embedding_length"), c.hiddenSize);
  w.addUInt32(key("feed_forward_length"), c.ffnSize);
  w.addUInt32(key("attention.head_count"), c.numHeads);
  // gguf-py writes a list of Python ints as an INT32 array.
  std::vector<int32_t> kvHeads;
  for (LayerKind k : c.layers)
    kvHeads.push_back(k == LayerKind::Attention ? c.numKVHeads : 0);
  w.addInt32Array(key("attention.head_count_kv"), kvHeads);
  w.addFloat32(key("rope.freq_base"), static_cast<float>(c.ropeTheta));
  w.addFloat32(key("attention.layer_norm_rms_epsilon"),
               static_cast<float>(c.normEps));
  if (c.isMoE()) {
    w.addUInt32(key("expert_count"), c.numExperts);
    w.addUInt32(key("expert_used_count"), c.expertsPerToken);
    w.addUInt32(key("expert_feed_forward_length"), c.moeFfnSize);
    w.addUInt32(key("leading_dense_block_count"), c.numDenseLayers);
    w.addUInt32(key("expert_gating_func"), 2); // LLAMA_EXPERT_GATING_FUNC_SIGMOID
  }
  w.addUInt32("general.file_type", ggufFileType(o.dtype));
  w.addUInt32(key("vocab_size"), c.vocabSize);
  w.addUInt32(key("shortconv.l_cache"), c.convL);
  w.addUInt32("general.quantization_version", 2);
}

static void addTokenizerMetadata(GGUFWriter &w, const ModelConfig &c,
                                 const SynthTokenizer *vocabulary) {
  SynthTokenizer tok =
      vocabulary ? *vocabulary : buildTokenizer(c.vocabSize);
  w.addString("tokenizer.ggml.model", "gpt2");
  w.addString("tokenizer.ggml.pre", "lfm2");
  w.addStringArray("tokenizer.ggml.tokens", tok.tokens);
  w.addInt32Array("tokenizer.ggml.token_type", tok.tokenTypes);
  w.addStringArray("tokenizer.ggml.merges", tok.merges);
  w.addUInt32("tokenizer.ggml.bos_token_id", c.bosTokenId);
  w.addUInt32("tokenizer.ggml.eos_token_id", c.eosTokenId);
  w.addUInt32("tokenizer.ggml.padding_token_id", c.padTokenId);
  w.addBool("tokenizer.ggml.add_bos_token", true);
  w.addBool("tokenizer.ggml.add_eos_token", false);
  w.addString("tokenizer.chat_template", kChatTemplate);
}

llvm::Error liquid::synth::writeGGUFCheckpoint(const SynthOptions &o) {
  const ModelConfig &c = o.preset->config;
  GGUFWriter w;
  addModelMetadata(w, o);
  addTokenizerMetadata(w, c, o.vocabulary);

  struct Item {
    TensorSpec spec;
    DType storage;
    uint64_t numElements;
  };
  std::vector<Item> items;
  for (TensorSpec &spec : modelTensors(c, CheckpointFormat::GGUF)) {
    DType storage = isFloatOnlyRole(spec.role) ? DType::F32 : o.dtype;
    uint64_t n = 1;
    for (int64_t d : spec.shape)
      n *= d;
    if (spec.shape.back() % dtypeBlockSize(storage) != 0)
      return fileError(o.output, "cannot write " + spec.name,
                       "rows of " + std::to_string(spec.shape.back()) +
                           " elements are not whole " +
                           dtypeName(storage).str() + " blocks");
    w.addTensor(spec.name, ggmlType(storage), spec.shape,
                dtypeStorageBytes(storage, n));
    items.push_back({std::move(spec), storage, n});
  }

  auto file = AtomicFile::create(o.output);
  if (!file)
    return file.takeError();
  Progress progress(o.output, w.fileSize(), o.progress);
  DType precision = valuePrecision(o.dtype);
  llvm::Error err =
      w.write((*file)->os(), [&](size_t i, llvm::raw_ostream &os) {
        const Item &it = items[i];
        writeTensorValues(os, o.seed, it.spec.role, it.spec.layer, 0,
                          it.numElements, precision, it.storage);
        progress.advance(dtypeStorageBytes(it.storage, it.numElements));
      });
  if (err)
    return fileError(o.output, "internal error", llvm::toString(std::move(err)));
  if (llvm::Error err = (*file)->commit())
    return err;
  progress.finish();
  return llvm::Error::success();
}
