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

#include "SchedulePlan.h"
#include "TokenizerWriter.h"

#include "liquid/Dialect/Liquid/LiquidOps.h"
#include "liquid/Dialect/Liquid/PanelLayout.h"
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
  case DType::Q4_K:
  case DType::Q5_K:
  case DType::Q6_K:
    break; // importModel refuses these.
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
/// Where each segment goes, and the table that says so.
class ArtifactPlan {
public:
  explicit ArtifactPlan(const ArtifactParts &parts) : parts(parts) {}

  llvm::Error collect();
  std::string buildTable() const;
  llvm::Error writeSegments(llvm::raw_ostream &os) const;

private:
  llvm::Error writePacked(llvm::raw_ostream &os, const PlannedWeight &w) const;
  void copyBytes(const TensorInfo &tensor, uint64_t offset,
                 std::vector<uint8_t> &out) const;

  const ArtifactParts &parts;
  SchedulePlan schedule;
  std::vector<uint64_t> weightOffsets, weightSizes;
  /// What the IR says the module computes (#liquid.model).
  mlir::liquid::ModelAttr m;
  llvm::StringRef sourceFormat, sourcePath;
  uint64_t codeSize = 0;
  uint64_t sourceHash = 0;
};
} // namespace

static uint64_t tensorBytes(const TensorInfo &t) {
  uint64_t size = 0;
  for (const TensorSegment &s : t.segments)
    size += s.size;
  return size;
}

llvm::Error ArtifactPlan::collect() {
  m = mlir::liquid::ModelAttr::lookup(parts.module);
  if (!m)
    return error("the module has no liquid.model description");
  auto source =
      parts.module->getAttrOfType<mlir::DictionaryAttr>("liquid.checkpoint");
  auto format = source ? source.getAs<mlir::StringAttr>("format") : nullptr;
  auto path = source ? source.getAs<mlir::StringAttr>("path") : nullptr;
  if (!format || !path)
    return error("the module has no liquid.checkpoint {format, path}");
  sourceFormat = format.getValue();
  sourcePath = path.getValue();
  auto planned = planSchedule(parts.module, *parts.checkpoint);
  if (!planned)
    return planned.takeError();
  schedule = std::move(*planned);
  // Segments: the code, then the weights in table order.
  codeSize = parts.code.size();
  uint64_t at = alignUp(codeSize);
  WeightHash hash;
  for (const PlannedWeight &w : schedule.weights) {
    weightOffsets.push_back(at);
    weightSizes.push_back(tensorBytes(*w.tensor));
    at = alignUp(at + weightSizes.back());
    for (const TensorSegment &s : w.tensor->segments)
      hash.update(parts.checkpoint->bytes(s));
  }
  sourceHash = hash.finish();
  return llvm::Error::success();
}

static lqm::StateKind stateKind(mlir::liquid::StateKind kind) {
  switch (kind) {
  case mlir::liquid::StateKind::Conv:
    return lqm::StateKind_Conv;
  case mlir::liquid::StateKind::KeyCache:
    return lqm::StateKind_KeyCache;
  case mlir::liquid::StateKind::ValueCache:
    return lqm::StateKind_ValueCache;
  case mlir::liquid::StateKind::Cell:
    return lqm::StateKind_Cell;
  }
  llvm_unreachable("unknown state kind");
}

static lqm::BindingKind bindingKind(BindingKind kind) {
  switch (kind) {
  case BindingKind::Tokens:
    return lqm::BindingKind_Tokens;
  case BindingKind::Logits:
    return lqm::BindingKind_Logits;
  case BindingKind::State:
    return lqm::BindingKind_State;
  case BindingKind::Weight:
    return lqm::BindingKind_Weight;
  case BindingKind::Scratch:
    return lqm::BindingKind_Scratch;
  }
  return lqm::BindingKind_Scratch;
}

/// The checkpoint's recommended settings over the schema's defaults.
static flatbuffers::Offset<lqm::SamplerDefaults>
samplerDefaults(flatbuffers::FlatBufferBuilder &fbb, const SamplerSettings &s) {
  lqm::SamplerDefaultsBuilder b(fbb);
  if (s.temperature)
    b.add_temperature(float(*s.temperature));
  if (s.topK)
    b.add_top_k(uint32_t(std::min<int64_t>(*s.topK, UINT32_MAX)));
  if (s.topP)
    b.add_top_p(float(*s.topP));
  if (s.minP)
    b.add_min_p(float(*s.minP));
  if (s.repetitionPenalty)
    b.add_repeat_penalty(float(*s.repetitionPenalty));
  return b.Finish();
}

std::string ArtifactPlan::buildTable() const {
  flatbuffers::FlatBufferBuilder fbb(1 << 16);
  // Model: what the IR says it computes.
  std::vector<flatbuffers::Offset<lqm::Layer>> layers;
  for (auto [i, kind] : llvm::enumerate(m.getLayers()))
    layers.push_back(lqm::CreateLayer(
        fbb,
        kind == mlir::liquid::LayerKind::Conv ? lqm::LayerKind_Conv
                                              : lqm::LayerKind_Attention,
        m.isMoELayer(int64_t(i))));
  auto layerVec = fbb.CreateVector(layers);
  auto arch = fbb.CreateString(m.getArchitecture().str());
  auto format = fbb.CreateString(sourceFormat.str());
  llvm::StringRef path = sourcePath;
  path.consume_back("/");
  auto sourceName = fbb.CreateString(path.rsplit('/').second.empty()
                                         ? path.str()
                                         : path.rsplit('/').second.str());
  auto version = fbb.CreateString((kCompilerVersion + " (LLVM " +
                                   LLVM_VERSION_STRING + ")").str());
  lqm::ModelBuilder table(fbb);
  table.add_architecture(arch);
  table.add_hidden_size(uint32_t(m.getHiddenSize()));
  table.add_intermediate_size(
      uint32_t(m.isMoE() ? m.getExpertFfnSize() : m.getFfnSize()));
  table.add_vocab_size(uint32_t(m.getVocabSize()));
  table.add_num_heads(uint32_t(m.getHeads()));
  table.add_num_kv_heads(uint32_t(m.getKvHeads()));
  table.add_head_dim(uint32_t(m.getHeadDim()));
  table.add_conv_kernel(uint32_t(m.getConvLength()));
  table.add_num_experts(uint32_t(m.getExperts()));
  table.add_experts_per_token(uint32_t(m.getExpertsPerToken()));
  table.add_norm_eps(float(m.getNormEps().getValueAsDouble()));
  table.add_rope_theta(float(m.getRopeTheta().getValueAsDouble()));
  table.add_layers(layerVec);
  table.add_source_format(format);
  table.add_source_name(sourceName);
  table.add_source_hash(sourceHash);
  table.add_compiler_version(version);
  table.add_bos_token_id(int32_t(m.getBosTokenId()));
  table.add_eos_token_id(int32_t(m.getEosTokenId()));
  auto modelOffset = table.Finish();

  // Target and its kernels.
  std::vector<flatbuffers::Offset<lqm::Kernel>> kernels;
  for (const std::string &symbol : schedule.kernels)
    kernels.push_back(lqm::CreateKernel(fbb, fbb.CreateString(symbol)));
  lqm::Segment code(0, codeSize);
  auto target = lqm::CreateTarget(
      fbb, fbb.CreateString(parts.target.triple),
      fbb.CreateString(parts.target.cpu),
      fbb.CreateString(parts.target.requiredFeatures), &code,
      fbb.CreateVector(kernels));
  auto targets = fbb.CreateVector(std::vector{target});

  // Schedule.
  std::vector<flatbuffers::Offset<lqm::EntryPoint>> entryPoints;
  for (const PlannedEntry &e : schedule.entries) {
    std::vector<flatbuffers::Offset<lqm::Dispatch>> dispatches;
    for (const PlannedDispatch &d : e.dispatches) {
      std::vector<lqm::Binding> bindings;
      for (const PlannedBinding &b : d.bindings)
        bindings.emplace_back(bindingKind(b.kind), b.index, b.offset, b.size);
      dispatches.push_back(lqm::CreateDispatch(
          fbb, d.kernel, d.workgroups, fbb.CreateVectorOfStructs(bindings)));
    }
    std::vector<uint8_t> constants = {lqm::ConstantKind_Position};
    entryPoints.push_back(lqm::CreateEntryPoint(
        fbb, fbb.CreateString(e.name), e.tokens, fbb.CreateVector(constants),
        fbb.CreateVector(dispatches),
        e.logitRows == e.tokens ? 0 : e.logitRows));
  }
  auto entryVec = fbb.CreateVector(entryPoints);

  // Memory plan.
  std::vector<flatbuffers::Offset<lqm::Weight>> weightTable;
  for (auto [i, w] : llvm::enumerate(schedule.weights)) {
    lqm::Segment data(weightOffsets[i], weightSizes[i]);
    std::string layout;
    if (w.packed)
      llvm::raw_string_ostream(layout) << w.packed.getElementType();
    weightTable.push_back(lqm::CreateWeight(
        fbb, fbb.CreateString(w.tensor->name), elementType(w.tensor->dtype),
        fbb.CreateVector(w.tensor->shape), &data,
        layout.empty() ? 0 : fbb.CreateString(layout)));
  }
  auto weightVec = fbb.CreateVector(weightTable);
  std::vector<flatbuffers::Offset<lqm::StateBuffer>> stateTable;
  for (const PlannedState &s : schedule.states)
    stateTable.push_back(lqm::CreateStateBuffer(
        fbb, fbb.CreateString(s.name), stateKind(s.kind), s.layer,
        lqm::ElementType_F32, fbb.CreateVector(s.shape), s.size));
  auto stateVec = fbb.CreateVector(stateTable);
  const std::optional<Tokenizer> &tok = parts.checkpoint->tokenizer;
  auto sampler = samplerDefaults(fbb, tok ? tok->sampler : SamplerSettings());
  auto tokenizer = tok ? writeTokenizer(fbb, *tok) : 0;
  auto chatTemplate =
      tok && !tok->chatTemplate.empty() ? fbb.CreateString(tok->chatTemplate) : 0;

  lqm::ArtifactBuilder artifact(fbb);
  artifact.add_format_version(LQM_FORMAT_VERSION);
  artifact.add_model(modelOffset);
  artifact.add_max_context(uint32_t(m.getMaxContext()));
  artifact.add_targets(targets);
  artifact.add_entry_points(entryVec);
  artifact.add_weights(weightVec);
  artifact.add_state(stateVec);
  artifact.add_scratch_size(schedule.scratchSize);
  artifact.add_sampler(sampler);
  artifact.add_tokenizer(tokenizer);
  artifact.add_chat_template(chatTemplate);
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
  for (auto [i, w] : llvm::enumerate(schedule.weights)) {
    if (at != weightOffsets[i])
      return error("internal: weight segment of " + w.tensor->name +
                   " out of place");
    if (w.packed) {
      if (llvm::Error e = writePacked(os, w))
        return e;
    } else {
      for (const TensorSegment &s : w.tensor->segments) {
        llvm::ArrayRef<uint8_t> bytes = parts.checkpoint->bytes(s);
        os.write(reinterpret_cast<const char *>(bytes.data()), bytes.size());
      }
    }
    at = pad(os, at + weightSizes[i]);
  }
  return llvm::Error::success();
}

/// Streams `w` packed into panels, one panel at a time: each panel is made
/// from its rows of the checkpoint (which may span segments of a sharded
/// checkpoint) and written.
llvm::Error ArtifactPlan::writePacked(llvm::raw_ostream &os,
                                      const PlannedWeight &w) const {
  auto panels = llvm::cast<mlir::liquid::PanelsType>(
      w.packed.getElementType());
  llvm::ArrayRef<int64_t> shape = w.packed.getShape();
  int64_t columns = shape.back();
  mlir::liquid::PanelLayout layout(panels, columns);
  int64_t rowBytes = columns / panels.getBlockSize() * panels.getBlockBytes();
  int64_t rows = 1;
  for (int64_t d : shape.drop_back())
    rows *= d;
  std::vector<uint8_t> source(layout.rows() * rowBytes);
  std::vector<uint8_t> panel(layout.panelBytes());
  uint64_t total = uint64_t(rows) * rowBytes;
  if (total != tensorBytes(*w.tensor))
    return error("internal: " + w.tensor->name + " has " +
                 llvm::Twine(tensorBytes(*w.tensor)) + " bytes, its packed "
                 "shape needs " + llvm::Twine(total));
  for (int64_t first = 0; first < rows; first += layout.rows()) {
    copyBytes(*w.tensor, uint64_t(first) * rowBytes, source);
    layout.pack(source.data(), rowBytes, panel.data());
    os.write(reinterpret_cast<const char *>(panel.data()), panel.size());
  }
  return llvm::Error::success();
}

/// `out.size()` bytes of `tensor` from byte `offset` of its data, across
/// its segments.
void ArtifactPlan::copyBytes(const TensorInfo &tensor, uint64_t offset,
                             std::vector<uint8_t> &out) const {
  uint64_t done = 0, at = 0;
  for (const TensorSegment &s : tensor.segments) {
    llvm::ArrayRef<uint8_t> bytes = parts.checkpoint->bytes(s);
    uint64_t end = at + bytes.size();
    while (done < out.size() && offset + done < end) {
      uint64_t from = offset + done - at;
      uint64_t n = std::min<uint64_t>(out.size() - done, bytes.size() - from);
      std::memcpy(out.data() + done, bytes.data() + from, n);
      done += n;
    }
    at = end;
  }
}

llvm::Error liquid::writeArtifact(const ArtifactParts &parts,
                                  llvm::raw_ostream &os) {
  ArtifactPlan plan(parts);
  if (llvm::Error e = plan.collect())
    return e;
  std::string table = plan.buildTable();
  os << table;
  // The checksum of the table and the code (format.h), then the segments.
  uint64_t checksum = lqm_checksum(LQM_CHECKSUM_SEED, table.data(), table.size());
  checksum = lqm_checksum(checksum, parts.code.data(), parts.code.size());
  static const char zeros[kAlign] = {};
  uint64_t at = lqm_checksum_at(table.size());
  os.write(zeros, at - table.size());
  char word[8];
  for (int i = 0; i < 8; ++i)
    word[i] = char(checksum >> (8 * i));
  os.write(word, sizeof(word));
  os.write(zeros, lqm_data_base(table.size()) - (at + 8));
  return plan.writeSegments(os);
}
