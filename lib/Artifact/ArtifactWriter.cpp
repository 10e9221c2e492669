//===- ArtifactWriter.cpp - Write the .lqm artifact -----------------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// This file implements liquid/Artifact/ArtifactWriter.h. The layout is the
// one artifact.fbs describes: a size-prefixed flatbuffer, padding to 64
// bytes, then the segments (code first, then each weight in table order),
// each padded to 64 bytes. Offsets are assigned before anything is written,
// so the table can be built first and the weights streamed after it.
//
//===----------------------------------------------------------------------===//

#include "liquid/Artifact/ArtifactWriter.h"

#include "liquid/artifact_generated.h"
#include "liquid/format.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "llvm/ADT/MapVector.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Config/llvm-config.h"

#include <cstring>

using namespace liquid;
namespace lqm = liquid::lqm;

static constexpr uint64_t kAlign = LQM_SEGMENT_ALIGNMENT;
static constexpr llvm::StringLiteral kKernelPrefix = "liquid_kernel_";
static constexpr llvm::StringLiteral kCompilerVersion = "liquidc 0.1.0";

static uint64_t alignUp(uint64_t n) { return (n + kAlign - 1) / kAlign * kAlign; }

static llvm::Error error(const llvm::Twine &message) {
  return llvm::createStringError(message.str());
}

static lqm::ElementType elementType(DType dtype) {
  switch (dtype) {
  case DType::F32:
    return lqm::ElementType_F32;
  case DType::F16:
    return lqm::ElementType_F16;
  case DType::BF16:
    return lqm::ElementType_BF16;
  case DType::Q8_0:
    return lqm::ElementType_Q8_0;
  case DType::Q4_0:
    return lqm::ElementType_Q4_0;
  }
  return lqm::ElementType_F32;
}

/// A 64-bit hash of a byte stream, eight bytes at a time (the tail padded
/// with zeros): identifies the weights an artifact was compiled from.
class WeightHash {
public:
  void update(llvm::ArrayRef<uint8_t> bytes) {
    size_t i = 0;
    for (; i + 8 <= bytes.size(); i += 8) {
      uint64_t word;
      std::memcpy(&word, bytes.data() + i, 8);
      mix(word);
    }
    if (i < bytes.size()) {
      uint64_t word = 0;
      std::memcpy(&word, bytes.data() + i, bytes.size() - i);
      mix(word);
    }
    length += bytes.size();
  }
  uint64_t finish() const {
    uint64_t h = state ^ length;
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    return h;
  }

private:
  void mix(uint64_t word) {
    state = (state ^ (word * 0x9e3779b97f4a7c15ULL)) * 0xbf58476d1ce4e5b9ULL;
    state = (state << 31) | (state >> 33);
  }
  uint64_t state = 0x6c697175696421ULL;
  uint64_t length = 0;
};

namespace {
/// One weight of the artifact: where its bytes come from and go.
struct WeightEntry {
  const TensorInfo *tensor = nullptr;
  uint64_t offset = 0, size = 0;
};

/// One state buffer: a `liquid.state` argument of an entry point.
struct StateEntry {
  std::string name;
  std::vector<int64_t> shape;
  uint64_t size = 0;
};

struct EntryBinding {
  lqm::BindingKind kind;
  uint32_t index = 0;
};

struct Entry {
  std::string name;
  uint32_t tokens = 0;
  std::vector<EntryBinding> bindings;
  unsigned constants = 0;
};

/// Everything the table says, gathered from the module and checkpoint.
class ArtifactPlan {
public:
  explicit ArtifactPlan(const ArtifactParts &parts)
      : parts(parts), module(parts.module) {}

  llvm::Error collect();
  std::string buildTable() const;
  llvm::Error writeSegments(llvm::raw_ostream &os) const;

private:
  llvm::Error collectEntry(mlir::LLVM::LLVMFuncOp kernel);
  uint32_t weightIndex(const TensorInfo *tensor);
  llvm::Expected<uint32_t> stateIndex(llvm::StringRef name,
                                      mlir::MemRefType type);

  const ArtifactParts &parts;
  mlir::ModuleOp module;
  std::vector<Entry> entries;
  std::vector<WeightEntry> weights;
  llvm::StringMap<uint32_t> weightIndices;
  std::vector<StateEntry> states;
  llvm::StringMap<uint32_t> stateIndices;
  uint64_t codeSize = 0;
  uint64_t sourceHash = 0;
};
} // namespace

uint32_t ArtifactPlan::weightIndex(const TensorInfo *tensor) {
  auto [it, inserted] =
      weightIndices.try_emplace(tensor->name, uint32_t(weights.size()));
  if (inserted) {
    uint64_t size = 0;
    for (const TensorSegment &s : tensor->segments)
      size += s.size;
    weights.push_back({tensor, 0, size});
  }
  return it->second;
}

llvm::Expected<uint32_t> ArtifactPlan::stateIndex(llvm::StringRef name,
                                                  mlir::MemRefType type) {
  auto [it, inserted] =
      stateIndices.try_emplace(name, uint32_t(states.size()));
  if (inserted) {
    if (!type.getElementType().isF32())
      return error("state '" + name + "' is not f32");
    states.push_back({name.str(),
                      std::vector<int64_t>(type.getShape().begin(),
                                           type.getShape().end()),
                      uint64_t(type.getNumElements()) * 4});
  }
  return it->second;
}

llvm::Error ArtifactPlan::collectEntry(mlir::LLVM::LLVMFuncOp kernel) {
  llvm::StringRef name = kernel.getName().drop_front(kKernelPrefix.size());
  auto body = module.lookupSymbol<mlir::LLVM::LLVMFuncOp>(name);
  if (!body)
    return error("kernel " + kernel.getName() + " has no function " + name);
  Entry entry;
  entry.name = name.str();
  for (unsigned i = 0, e = body.getNumArguments(); i < e; ++i) {
    if (!llvm::isa<mlir::LLVM::LLVMPointerType>(body.getArgument(i).getType())) {
      ++entry.constants;
      continue;
    }
    auto buffer = body.getArgAttrOfType<mlir::TypeAttr>(i, "liquid.buffer");
    if (!buffer)
      return error(name + ": argument " + llvm::Twine(i) +
                   " is a pointer without a liquid.buffer type");
    auto type = llvm::cast<mlir::MemRefType>(buffer.getValue());
    if (auto weight = body.getArgAttrOfType<mlir::StringAttr>(i, "liquid.weight")) {
      const TensorInfo *tensor = parts.checkpoint->lookup(weight.getValue());
      if (!tensor)
        return error(name + ": weight '" + weight.getValue() +
                     "' is not in the checkpoint");
      entry.bindings.push_back({lqm::BindingKind_Weight, weightIndex(tensor)});
    } else if (auto state =
                   body.getArgAttrOfType<mlir::StringAttr>(i, "liquid.state")) {
      auto index = stateIndex(state.getValue(), type);
      if (!index)
        return index.takeError();
      entry.bindings.push_back({lqm::BindingKind_State, *index});
    } else if (body.getArgAttr(i, "liquid.result")) {
      entry.bindings.push_back({lqm::BindingKind_Logits, 0});
    } else if (i == 0 && type.getRank() == 1) {
      entry.tokens = uint32_t(type.getDimSize(0));
      entry.bindings.push_back({lqm::BindingKind_Tokens, 0});
    } else {
      return error(name + ": argument " + llvm::Twine(i) +
                   " is not a weight, state, token or logits buffer");
    }
  }
  if (entry.constants != 1)
    return error(name + ": expected one position argument, found " +
                 llvm::Twine(entry.constants));
  entries.push_back(std::move(entry));
  return llvm::Error::success();
}

llvm::Error ArtifactPlan::collect() {
  for (auto kernel : module.getOps<mlir::LLVM::LLVMFuncOp>())
    if (kernel.getName().starts_with(kKernelPrefix))
      if (llvm::Error e = collectEntry(kernel))
        return e;
  if (entries.empty())
    return error("the module has no kernels (was it lowered to llvm?)");
  // Segments: the code, then the weights in table order.
  codeSize = parts.code.size();
  uint64_t at = alignUp(codeSize);
  WeightHash hash;
  for (WeightEntry &w : weights) {
    w.offset = at;
    at = alignUp(at + w.size);
    for (const TensorSegment &s : w.tensor->segments)
      hash.update(parts.checkpoint->bytes(s));
  }
  sourceHash = hash.finish();
  return llvm::Error::success();
}

std::string ArtifactPlan::buildTable() const {
  flatbuffers::FlatBufferBuilder fbb(1 << 16);
  const ModelConfig &c = parts.checkpoint->config;
  auto attrs =
      module->getAttrOfType<mlir::DictionaryAttr>("liquid.model");
  uint32_t maxContext = 0;
  if (auto v = attrs ? attrs.getAs<mlir::IntegerAttr>("max_context") : nullptr)
    maxContext = uint32_t(v.getInt());

  // Model.
  std::vector<flatbuffers::Offset<lqm::Layer>> layers;
  for (int64_t i = 0; i < c.numLayers(); ++i)
    layers.push_back(lqm::CreateLayer(
        fbb,
        c.layers[i] == LayerKind::Conv ? lqm::LayerKind_Conv
                                       : lqm::LayerKind_Attention,
        c.isMoELayer(i)));
  auto layerVec = fbb.CreateVector(layers);
  auto arch = fbb.CreateString(c.archName());
  auto format = fbb.CreateString(
      parts.checkpoint->format == CheckpointFormat::GGUF ? "gguf" : "hf");
  llvm::StringRef path = parts.checkpoint->path;
  path.consume_back("/");
  auto sourceName = fbb.CreateString(path.rsplit('/').second.empty()
                                         ? path.str()
                                         : path.rsplit('/').second.str());
  auto version = fbb.CreateString((kCompilerVersion + " (LLVM " +
                                   LLVM_VERSION_STRING + ")").str());
  lqm::ModelBuilder model(fbb);
  model.add_architecture(arch);
  model.add_hidden_size(uint32_t(c.hiddenSize));
  model.add_intermediate_size(uint32_t(c.isMoE() ? c.moeFfnSize : c.ffnSize));
  model.add_vocab_size(uint32_t(c.vocabSize));
  model.add_num_heads(uint32_t(c.numHeads));
  model.add_num_kv_heads(uint32_t(c.numKVHeads));
  model.add_head_dim(uint32_t(c.headDim));
  model.add_conv_kernel(uint32_t(c.convL));
  model.add_num_experts(uint32_t(c.numExperts));
  model.add_experts_per_token(uint32_t(c.expertsPerToken));
  model.add_norm_eps(float(c.normEps));
  model.add_rope_theta(float(c.ropeTheta));
  model.add_layers(layerVec);
  model.add_source_format(format);
  model.add_source_name(sourceName);
  model.add_source_hash(sourceHash);
  model.add_compiler_version(version);
  model.add_bos_token_id(int32_t(c.bosTokenId));
  model.add_eos_token_id(int32_t(c.eosTokenId));
  auto modelOffset = model.Finish();

  // Target and its kernels (one per entry point, in entry order).
  std::vector<flatbuffers::Offset<lqm::Kernel>> kernels;
  for (const Entry &e : entries)
    kernels.push_back(lqm::CreateKernel(
        fbb, fbb.CreateString((kKernelPrefix + e.name).str())));
  lqm::Segment code(0, codeSize);
  auto target = lqm::CreateTarget(
      fbb, fbb.CreateString(parts.target.triple),
      fbb.CreateString(parts.target.cpu),
      fbb.CreateString(parts.target.requiredFeatures), &code,
      fbb.CreateVector(kernels));
  auto targets = fbb.CreateVector(std::vector{target});

  // Schedule: one dispatch per entry point for now.
  std::vector<flatbuffers::Offset<lqm::EntryPoint>> entryPoints;
  for (auto [i, e] : llvm::enumerate(entries)) {
    std::vector<lqm::Binding> bindings;
    for (const EntryBinding &b : e.bindings)
      bindings.emplace_back(b.kind, b.index, 0, 0);
    auto dispatch = lqm::CreateDispatch(fbb, uint32_t(i), 1,
                                        fbb.CreateVectorOfStructs(bindings));
    std::vector<uint8_t> constants(e.constants, lqm::ConstantKind_Position);
    entryPoints.push_back(lqm::CreateEntryPoint(
        fbb, fbb.CreateString(e.name), e.tokens, fbb.CreateVector(constants),
        fbb.CreateVector(std::vector{dispatch})));
  }
  auto entryVec = fbb.CreateVector(entryPoints);

  // Memory plan.
  std::vector<flatbuffers::Offset<lqm::Weight>> weightTable;
  for (const WeightEntry &w : weights) {
    lqm::Segment data(w.offset, w.size);
    weightTable.push_back(lqm::CreateWeight(
        fbb, fbb.CreateString(w.tensor->name), elementType(w.tensor->dtype),
        fbb.CreateVector(w.tensor->shape), &data));
  }
  auto weightVec = fbb.CreateVector(weightTable);
  std::vector<flatbuffers::Offset<lqm::StateBuffer>> stateTable;
  for (const StateEntry &s : states) {
    llvm::StringRef name = s.name;
    unsigned layer = 0;
    name.drop_front(strlen("layers.")).split('.').first.getAsInteger(10, layer);
    lqm::StateKind kind = name.ends_with(".key_cache")     ? lqm::StateKind_KeyCache
                          : name.ends_with(".value_cache") ? lqm::StateKind_ValueCache
                          : name.ends_with(".conv")        ? lqm::StateKind_Conv
                                                           : lqm::StateKind_Cell;
    stateTable.push_back(lqm::CreateStateBuffer(
        fbb, fbb.CreateString(s.name), kind, layer, lqm::ElementType_F32,
        fbb.CreateVector(s.shape), s.size));
  }
  auto stateVec = fbb.CreateVector(stateTable);
  auto sampler = lqm::CreateSamplerDefaults(fbb);

  lqm::ArtifactBuilder artifact(fbb);
  artifact.add_format_version(LQM_FORMAT_VERSION);
  artifact.add_model(modelOffset);
  artifact.add_max_context(maxContext);
  artifact.add_targets(targets);
  artifact.add_entry_points(entryVec);
  artifact.add_weights(weightVec);
  artifact.add_state(stateVec);
  artifact.add_scratch_size(0);
  artifact.add_sampler(sampler);
  lqm::FinishSizePrefixedArtifactBuffer(fbb, artifact.Finish());
  return std::string(reinterpret_cast<const char *>(fbb.GetBufferPointer()),
                     fbb.GetSize());
}

/// Pads the stream from `at` bytes to the next multiple of the alignment.
static uint64_t pad(llvm::raw_ostream &os, uint64_t at) {
  static const char zeros[kAlign] = {};
  uint64_t to = alignUp(at);
  os.write(zeros, to - at);
  return to;
}

llvm::Error ArtifactPlan::writeSegments(llvm::raw_ostream &os) const {
  os << parts.code;
  uint64_t at = pad(os, codeSize);
  for (const WeightEntry &w : weights) {
    if (at != w.offset)
      return error("internal: weight segment of " + w.tensor->name +
                   " out of place");
    for (const TensorSegment &s : w.tensor->segments) {
      llvm::ArrayRef<uint8_t> bytes = parts.checkpoint->bytes(s);
      os.write(reinterpret_cast<const char *>(bytes.data()), bytes.size());
    }
    at = pad(os, at + w.size);
  }
  return llvm::Error::success();
}

llvm::Error liquid::writeArtifact(const ArtifactParts &parts,
                                  llvm::raw_ostream &os) {
  ArtifactPlan plan(parts);
  if (llvm::Error e = plan.collect())
    return e;
  std::string table = plan.buildTable();
  os << table;
  pad(os, table.size());
  return plan.writeSegments(os);
}
