//===- SynthHF.cpp - Write a random-weight LFM2 HF directory --------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// The Hugging Face form of a preset: config.json, the weights as
// safetensors, tokenizer.json and tokenizer_config.json. MoE experts are
// written per expert (hfExpertPartName, shape without the E dim) as the
// published checkpoints store them; the conv kernel is [H, 1, L]; the expert
// bias is F32 (transformers keeps it an f32 buffer); every other tensor is in
// the requested float type. Tensors are packed in table order into files of
// at most maxShardBytes; more than one file gives the sharded names and a
// model.safetensors.index.json.
//
//===----------------------------------------------------------------------===//

#include "liquid/Synth/Output.h"
#include "liquid/Synth/Quantize.h"
#include "liquid/Synth/SafetensorsWriter.h"
#include "liquid/Synth/Synth.h"
#include "liquid/Synth/Tokenizer.h"
#include "liquid/Synth/Weights.h"

#include "liquid/Import/TensorNames.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/JSON.h"

#include <algorithm>

using namespace liquid;
using namespace liquid::synth;

namespace {
/// One tensor as stored: all of a logical tensor, or one expert of it.
struct Part {
  std::string name;
  TensorRole role;
  int64_t layer;
  std::vector<int64_t> shape;
  uint64_t first, numElements; ///< Range of the logical tensor's elements.
  DType storage;
  uint64_t bytes;
};
} // namespace

static std::vector<Part> planParts(const ModelConfig &c, DType dtype) {
  std::vector<Part> parts;
  for (const TensorSpec &spec : modelTensors(c, CheckpointFormat::HF)) {
    DType storage = spec.role == TensorRole::ExpertBias ? DType::F32 : dtype;
    uint64_t n = 1;
    for (int64_t d : spec.shape)
      n *= d;
    bool stacked = spec.role == TensorRole::ExpertsGate ||
                   spec.role == TensorRole::ExpertsUp ||
                   spec.role == TensorRole::ExpertsDown;
    if (!stacked) {
      parts.push_back({spec.name, spec.role, spec.layer, spec.shape, 0, n,
                       storage, dtypeStorageBytes(storage, n)});
      continue;
    }
    std::vector<int64_t> partShape(spec.shape.begin() + 1, spec.shape.end());
    uint64_t per = n / spec.shape[0];
    for (int64_t e = 0; e < spec.shape[0]; ++e)
      parts.push_back({hfExpertPartName(spec.layer, e, spec.role), spec.role,
                       spec.layer, partShape, e * per, per, storage,
                       dtypeStorageBytes(storage, per)});
  }
  return parts;
}

/// Greedy packing in order: [begin, end) ranges of parts per file.
static std::vector<std::pair<size_t, size_t>>
planShards(const std::vector<Part> &parts, uint64_t maxBytes) {
  std::vector<std::pair<size_t, size_t>> shards;
  size_t begin = 0;
  uint64_t bytes = 0;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i > begin && bytes + parts[i].bytes > maxBytes) {
      shards.push_back({begin, i});
      begin = i;
      bytes = 0;
    }
    bytes += parts[i].bytes;
  }
  shards.push_back({begin, parts.size()});
  return shards;
}

static std::string shardName(size_t k, size_t n) {
  if (n == 1)
    return "model.safetensors";
  std::string s;
  llvm::raw_string_ostream os(s);
  os << llvm::format("model-%05zu-of-%05zu.safetensors", k + 1, n);
  return s;
}

static std::string indexJSON(const std::vector<Part> &parts,
                             const std::vector<std::pair<size_t, size_t>> &shards) {
  std::vector<std::pair<std::string, std::string>> map;
  uint64_t total = 0;
  for (size_t k = 0; k < shards.size(); ++k)
    for (size_t i = shards[k].first; i < shards[k].second; ++i) {
      map.emplace_back(parts[i].name, shardName(k, shards.size()));
      total += parts[i].bytes;
    }
  std::sort(map.begin(), map.end());
  std::string text;
  llvm::raw_string_ostream os(text);
  llvm::json::OStream j(os, 2);
  j.object([&] {
    j.attributeObject("metadata", [&] { j.attribute("total_size", total); });
    j.attributeObject("weight_map", [&] {
      for (const auto &[name, file] : map)
        j.attribute(name, file);
    });
  });
  os << "\n";
  return text;
}

llvm::Error liquid::synth::writeHFCheckpoint(const SynthOptions &o) {
  if (isBlockType(o.dtype))
    return fileError(o.output, "cannot write " + dtypeName(o.dtype).str(),
                     "HF checkpoints hold f32, f16 or bf16 only; " +
                         dtypeName(o.dtype).str() + " needs --format gguf");
  if (o.vocabulary)
    return llvm::createStringError(o.output +
                                   ": another vocabulary needs --format gguf");
  const ModelConfig &c = o.preset->config;
  std::vector<Part> parts = planParts(c, o.dtype);
  auto shards = planShards(parts, o.maxShardBytes);

  auto dir = AtomicDirectory::create(o.output);
  if (!dir)
    return dir.takeError();
  SynthTokenizer tok = buildTokenizer(c.vocabSize);
  if (llvm::Error err = (*dir)->writeFile("config.json",
                                          configJSON(*o.preset, o.dtype)))
    return err;
  if (llvm::Error err = (*dir)->writeFile("tokenizer.json", tokenizerJSON(tok)))
    return err;
  if (llvm::Error err = (*dir)->writeFile("tokenizer_config.json",
                                          tokenizerConfigJSON(tok, c)))
    return err;
  if (shards.size() > 1)
    if (llvm::Error err = (*dir)->writeFile("model.safetensors.index.json",
                                            indexJSON(parts, shards)))
      return err;

  uint64_t total = 0;
  for (const Part &p : parts)
    total += p.bytes;
  Progress progress(o.output, total, o.progress);
  DType precision = valuePrecision(o.dtype);
  for (size_t k = 0; k < shards.size(); ++k) {
    std::string name = shardName(k, shards.size());
    std::string shown = o.output + "/" + name;
    SafetensorsWriter w;
    w.addMetadata("format", "pt");
    for (size_t i = shards[k].first; i < shards[k].second; ++i)
      w.addTensor(parts[i].name, parts[i].storage, parts[i].shape);
    std::string path = (*dir)->newFile(name);
    std::error_code ec;
    llvm::raw_fd_ostream os(path, ec);
    if (ec)
      return fileError(shown, "cannot create file", ec.message());
    size_t base = shards[k].first;
    llvm::Error err = w.write(os, [&](size_t i, llvm::raw_ostream &out) {
      const Part &p = parts[base + i];
      writeTensorValues(out, o.seed, p.role, p.layer, p.first, p.numElements,
                        precision, p.storage);
      progress.advance(p.bytes);
    });
    if (err)
      return fileError(shown, "internal error", llvm::toString(std::move(err)));
    os.close();
    if (os.has_error()) {
      std::string why = os.error().message();
      os.clear_error();
      return fileError(shown, "cannot write file", why);
    }
  }
  if (llvm::Error err = (*dir)->commit())
    return err;
  progress.finish();
  return llvm::Error::success();
}

llvm::Error liquid::synth::writeCheckpoint(const SynthOptions &o) {
  if (!o.preset)
    return fileError(o.output, "cannot write checkpoint", "no preset given");
  return o.format == CheckpointFormat::HF ? writeHFCheckpoint(o)
                                          : writeGGUFCheckpoint(o);
}
