//===- HFReader.cpp - Read a Hugging Face LFM2 checkpoint directory -------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// This file implements readHFCheckpoint: config.json through parseHFConfig,
// then model.safetensors or the shards listed by
// model.safetensors.index.json (each opened once), then the per-expert MoE
// weights stacked into one virtual [E, ...] tensor per layer and role, and
// finally the whole table checked against the one the config implies.
//
//===----------------------------------------------------------------------===//

#include "liquid/Import/Checkpoint.h"

#include "ReaderSupport.h"
#include "liquid/Import/HFConfig.h"
#include "liquid/Import/Safetensors.h"
#include "liquid/Import/TensorNames.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/Path.h"

#include <map>

using namespace liquid;
using detail::readerError;
using detail::shapeString;
using llvm::Error;
using llvm::Expected;
using llvm::StringRef;
using llvm::Twine;

namespace json = llvm::json;

static std::string joinPath(StringRef dir, StringRef name) {
  llvm::SmallString<256> path(dir);
  llvm::sys::path::append(path, name);
  return std::string(path);
}

/// Reads model.safetensors.index.json: tensor name -> shard file name.
static Expected<std::map<std::string, std::string>>
readIndex(StringRef indexPath) {
  Expected<json::Value> root = detail::readJSONFile(indexPath);
  if (!root)
    return root.takeError();
  const json::Object *obj = root->getAsObject();
  const json::Object *map = obj ? obj->getObject("weight_map") : nullptr;
  if (!map)
    return readerError(indexPath, "missing key 'weight_map'");
  std::map<std::string, std::string> shardOf;
  for (const auto &entry : *map) {
    std::optional<StringRef> shard = entry.second.getAsString();
    if (!shard || shard->empty() || llvm::sys::path::is_absolute(*shard) ||
        shard->contains(".."))
      return readerError(indexPath, "key 'weight_map': tensor '" +
                                        StringRef(entry.first) +
                                        "' names no valid shard file");
    shardOf[entry.first.str()] = shard->str();
  }
  return shardOf;
}

/// Adds every tensor of one safetensors file to the table.
static Error addFile(Checkpoint &ckpt, SafetensorsFile file) {
  unsigned index = static_cast<unsigned>(ckpt.files.size());
  for (SafetensorsTensor &t : file.tensors) {
    if (const TensorInfo *other = ckpt.lookup(t.name))
      return readerError(file.path,
                         "tensor '" + t.name + "' is also stored in " +
                             ckpt.fileNames[other->segments.front().file]);
    TensorInfo info;
    info.name = t.name;
    info.dtype = t.dtype;
    info.shape = std::move(t.shape);
    info.segments.push_back({index, t.offset, t.size});
    ckpt.tensorOrder.push_back(t.name);
    ckpt.tensors[t.name] = std::move(info);
  }
  ckpt.fileNames.push_back(file.path);
  ckpt.files.push_back(std::move(file.buffer));
  return Error::success();
}

/// Replaces the per-expert parts of each MoE layer by the stacked tensor the
/// table names (TensorNames.h), one segment per expert.
static Error stackExperts(Checkpoint &ckpt, StringRef mainFile) {
  const ModelConfig &c = ckpt.config;
  if (!c.isMoE())
    return Error::success();
  std::vector<std::string> stackedNames;
  for (int64_t layer = c.numDenseLayers; layer < c.numLayers(); ++layer) {
    for (TensorRole role : {TensorRole::ExpertsGate, TensorRole::ExpertsUp,
                            TensorRole::ExpertsDown}) {
      std::string name = tensorName(CheckpointFormat::HF, role, layer);
      // A file that already stores the stacked form is taken as is.
      if (ckpt.tensors.count(name))
        continue;
      std::vector<int64_t> stackedShape =
          tensorShape(c, CheckpointFormat::HF, role);
      std::vector<int64_t> partShape(stackedShape.begin() + 1,
                                     stackedShape.end());
      TensorInfo stacked;
      stacked.name = name;
      stacked.shape = stackedShape;
      for (int64_t e = 0; e < c.numExperts; ++e) {
        std::string partName = hfExpertPartName(layer, e, role);
        auto it = ckpt.tensors.find(partName);
        if (it == ckpt.tensors.end())
          return readerError(mainFile, "missing tensor '" + partName + "'");
        const TensorInfo &part = it->second;
        StringRef partFile = ckpt.fileNames[part.segments.front().file];
        if (part.shape != partShape)
          return readerError(partFile, "tensor '" + partName + "': shape " +
                                           shapeString(part.shape) +
                                           " does not match the config's " +
                                           shapeString(partShape));
        if (e > 0 && part.dtype != stacked.dtype)
          return readerError(partFile, "tensor '" + partName + "': dtype " +
                                           dtypeName(part.dtype) +
                                           " differs from expert 0's " +
                                           dtypeName(stacked.dtype));
        stacked.dtype = part.dtype;
        llvm::append_range(stacked.segments, part.segments);
        ckpt.tensors.erase(it);
      }
      stackedNames.push_back(name);
      ckpt.tensors[name] = std::move(stacked);
    }
  }
  // Parts are gone from the table; the stacked tensors join it.
  llvm::erase_if(ckpt.tensorOrder, [&](const std::string &name) {
    return !ckpt.tensors.count(name);
  });
  llvm::append_range(ckpt.tensorOrder, stackedNames);
  return Error::success();
}

Expected<std::unique_ptr<Checkpoint>> liquid::readHFCheckpoint(StringRef dir) {
  if (!llvm::sys::fs::is_directory(dir))
    return readerError(dir, "not a directory");
  std::string configPath = joinPath(dir, "config.json");
  if (!llvm::sys::fs::exists(configPath))
    return readerError(dir, "not a checkpoint: no config.json (expected a "
                            "Hugging Face model directory)");
  auto configBuffer = detail::openFileForReading(configPath);
  if (!configBuffer)
    return configBuffer.takeError();
  Expected<ModelConfig> config =
      parseHFConfig((*configBuffer)->getBuffer(), configPath);
  if (!config)
    return config.takeError();

  auto ckpt = std::make_unique<Checkpoint>();
  ckpt->format = CheckpointFormat::HF;
  ckpt->path = dir.str();
  ckpt->config = std::move(*config);

  std::string indexPath = joinPath(dir, "model.safetensors.index.json");
  std::string singlePath = joinPath(dir, "model.safetensors");
  std::string mainFile;
  if (llvm::sys::fs::exists(indexPath)) {
    mainFile = indexPath;
    auto shardOf = readIndex(indexPath);
    if (!shardOf)
      return shardOf.takeError();
    // Every shard once, in name order.
    std::vector<std::string> shards;
    for (const auto &entry : *shardOf)
      shards.push_back(entry.second);
    llvm::sort(shards);
    shards.erase(std::unique(shards.begin(), shards.end()), shards.end());
    for (const std::string &shard : shards) {
      auto file = readSafetensors(joinPath(dir, shard));
      if (!file)
        return file.takeError();
      if (Error err = addFile(*ckpt, std::move(*file)))
        return std::move(err);
    }
    for (const auto &[name, shard] : *shardOf) {
      const TensorInfo *t = ckpt->lookup(name);
      if (!t || ckpt->fileNames[t->segments.front().file] !=
                    joinPath(dir, shard))
        return readerError(indexPath, "tensor '" + name + "' is mapped to " +
                                          shard +
                                          ", which does not hold it");
    }
  } else if (llvm::sys::fs::exists(singlePath)) {
    mainFile = singlePath;
    auto file = readSafetensors(singlePath);
    if (!file)
      return file.takeError();
    if (Error err = addFile(*ckpt, std::move(*file)))
      return std::move(err);
  } else {
    return readerError(dir, "no model.safetensors or "
                            "model.safetensors.index.json in the directory");
  }

  if (Error err = stackExperts(*ckpt, mainFile))
    return std::move(err);
  if (Error err = detail::validateTensorTable(*ckpt, mainFile))
    return std::move(err);
  Expected<std::optional<Tokenizer>> tokenizer =
      readHFTokenizer(dir, ckpt->config.vocabSize);
  if (!tokenizer)
    return tokenizer.takeError();
  ckpt->tokenizer = std::move(*tokenizer);
  return std::move(ckpt);
}
