//===- Model.cpp - The reference's view of a checkpoint's weights ---------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// This file implements Model::load: it checks the config for what the math
// needs (head counts that divide, an even head size, a top-k no larger than
// the expert count), checks the checkpoint's tensors against the table of
// TensorNames.h (every tensor present with its shape, the bytes that shape
// needs, each segment inside its file and a whole number of rows, no tensor
// left over), then decodes the small vectors (norm weights, conv kernels,
// routers, expert biases) to f32 and keeps the matrices as row views into the
// mapped files. The output head is the embedding unless the checkpoint
// stores lm_head.weight / output.weight (LFM2.md §0).
//
//===----------------------------------------------------------------------===//

#include "liquid/Reference/Reference.h"

#include "liquid/Import/TensorNames.h"

#include "llvm/ADT/StringSet.h"
#include "llvm/ADT/Twine.h"

using namespace liquid;
using namespace liquid::reference;
using llvm::Error;
using llvm::Expected;
using llvm::Twine;

static std::string shapeString(llvm::ArrayRef<int64_t> shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i)
    s += (i ? ", " : "") + std::to_string(shape[i]);
  return s + "]";
}

Expected<WeightMatrix> WeightMatrix::create(const Checkpoint &ckpt,
                                            const TensorInfo &tensor) {
  auto fail = [&](const Twine &message) -> Error {
    return llvm::createStringError(ckpt.path + ": tensor '" + tensor.name +
                                   "': " + message);
  };
  WeightMatrix m;
  m.type = tensor.dtype;
  m.numCols = tensor.shape.empty() ? 1 : tensor.shape.back();
  m.numRows = 1;
  for (size_t i = 0; i + 1 < tensor.shape.size(); ++i)
    m.numRows *= tensor.shape[i];
  if (m.numCols % dtypeBlockSize(m.type))
    return fail("rows of " + Twine(m.numCols) +
                " values are not a whole number of " + dtypeName(m.type) +
                " blocks");
  m.rowBytes = dtypeStorageBytes(m.type, m.numCols);

  uint64_t total = 0;
  int64_t row = 0;
  for (const TensorSegment &s : tensor.segments) {
    if (s.file >= ckpt.files.size() || !ckpt.files[s.file])
      return fail("names file " + Twine(s.file) +
                  ", which the checkpoint does not have");
    uint64_t fileSize = ckpt.files[s.file]->getBufferSize();
    if (s.offset > fileSize || s.size > fileSize - s.offset)
      return fail("bytes [" + Twine(s.offset) + ", " + Twine(s.offset) +
                  " + " + Twine(s.size) + ") lie outside its file of " +
                  Twine(fileSize) + " bytes");
    if (m.rowBytes ? s.size % m.rowBytes : s.size)
      return fail("a part of " + Twine(s.size) +
                  " bytes is not a whole number of " + Twine(m.rowBytes) +
                  "-byte rows");
    const auto *base = reinterpret_cast<const uint8_t *>(
        ckpt.files[s.file]->getBufferStart());
    if (s.size)
      m.parts.push_back({row, base + s.offset});
    if (m.rowBytes)
      row += static_cast<int64_t>(s.size / m.rowBytes);
    total += s.size;
  }
  uint64_t want = static_cast<uint64_t>(m.numRows) * m.rowBytes;
  if (total != want)
    return fail("holds " + Twine(total) + " bytes; shape " +
                shapeString(tensor.shape) + " as " + dtypeName(m.type) +
                " needs " + Twine(want));
  return m;
}

namespace {
/// Builds a Model from a checkpoint, reporting the first problem.
class Loader {
public:
  explicit Loader(const Checkpoint &ckpt) : ckpt(ckpt) {}

  Error fail(const Twine &message) const {
    return llvm::createStringError(ckpt.path + ": " + message);
  }

  Error checkConfig() const;
  Error checkTensorTable(const ModelConfig &table) const;
  Expected<WeightMatrix> matrix(TensorRole role, int64_t layer) const;
  Expected<std::vector<float>> vector(TensorRole role, int64_t layer) const;

private:
  const Checkpoint &ckpt;
};
} // namespace

Error Loader::checkConfig() const {
  const ModelConfig &c = ckpt.config;
  if (c.vocabSize <= 0 || c.hiddenSize <= 0)
    return fail("config: vocabulary " + Twine(c.vocabSize) + ", hidden size " +
                Twine(c.hiddenSize) + ": both must be positive");
  bool hasAttention = false, hasConv = false;
  for (LayerKind kind : c.layers)
    (kind == LayerKind::Attention ? hasAttention : hasConv) = true;
  if (hasAttention) {
    if (c.numHeads <= 0 || c.numKVHeads <= 0 || c.numHeads % c.numKVHeads)
      return fail("config: " + Twine(c.numHeads) + " heads, " +
                  Twine(c.numKVHeads) +
                  " key/value heads: the key/value heads must divide the "
                  "heads");
    if (c.headDim <= 0 || c.headDim % 2)
      return fail("config: head size " + Twine(c.headDim) +
                  ": RoPE needs a positive even head size");
  }
  if (hasConv && c.convL < 1)
    return fail("config: conv length " + Twine(c.convL) + ": must be >= 1");
  if (c.isMoE() && c.numDenseLayers < c.numLayers()) {
    if (c.numExperts <= 0 || c.expertsPerToken <= 0 ||
        c.expertsPerToken > c.numExperts)
      return fail("config: " + Twine(c.expertsPerToken) +
                  " experts per token of " + Twine(c.numExperts) +
                  ": expected between 1 and the expert count");
  }
  return Error::success();
}

Error Loader::checkTensorTable(const ModelConfig &table) const {
  llvm::StringSet<> expected;
  for (const TensorSpec &spec : modelTensors(table, ckpt.format)) {
    expected.insert(spec.name);
    const TensorInfo *t = ckpt.lookup(spec.name);
    if (!t)
      return fail("missing tensor '" + spec.name + "'");
    if (t->shape != spec.shape)
      return fail("tensor '" + spec.name + "': shape " +
                  shapeString(t->shape) + " does not match the config's " +
                  shapeString(spec.shape));
  }
  for (const auto &entry : ckpt.tensors)
    if (!expected.count(entry.getKey()))
      return fail("unexpected tensor '" + entry.getKey() +
                  "': the reference does not know what it does");
  return Error::success();
}

Expected<WeightMatrix> Loader::matrix(TensorRole role, int64_t layer) const {
  std::string name = tensorName(ckpt.format, role, layer);
  const TensorInfo *t = ckpt.lookup(name);
  if (!t)
    return fail("missing tensor '" + name + "'");
  return WeightMatrix::create(ckpt, *t);
}

Expected<std::vector<float>> Loader::vector(TensorRole role,
                                            int64_t layer) const {
  Expected<WeightMatrix> m = matrix(role, layer);
  if (!m)
    return m.takeError();
  return m->decodeAll();
}

Expected<std::unique_ptr<Model>> Model::load(const Checkpoint &ckpt,
                                             LoadOptions options) {
  Loader loader(ckpt);
  if (Error err = loader.checkConfig())
    return std::move(err);
  // LFM2.md §0: tied unless the checkpoint stores the output head.
  ModelConfig table = ckpt.config;
  bool storesOutput =
      ckpt.lookup(tensorName(ckpt.format, TensorRole::Output)) != nullptr;
  table.tiedEmbeddings = ckpt.config.tiedEmbeddings && !storesOutput;
  if (Error err = loader.checkTensorTable(table))
    return std::move(err);

  std::unique_ptr<Model> model(new Model());
  model->cfg = table;
  model->file = ckpt.path;
  Error err = Error::success();
  // Assigns the loaded value to `dst`, or keeps the first error.
  auto take = [&](auto &dst, auto value) {
    if (err) {
      llvm::consumeError(value.takeError());
      return;
    }
    if (!value) {
      err = value.takeError();
      return;
    }
    dst = std::move(*value);
  };

  take(model->embedding, loader.matrix(TensorRole::TokenEmbedding, -1));
  take(model->finalNorm, loader.vector(TensorRole::FinalNorm, -1));
  if (table.tiedEmbeddings)
    model->output = model->embedding;
  else
    take(model->output, loader.matrix(TensorRole::Output, -1));

  const ModelConfig &c = table;
  for (int64_t i = 0; i < c.numLayers(); ++i) {
    LayerWeights l;
    l.kind = c.layers[i];
    l.moe = c.isMoELayer(i);
    take(l.operatorNorm, loader.vector(TensorRole::OperatorNorm, i));
    take(l.ffnNorm, loader.vector(TensorRole::FFNNorm, i));
    if (l.kind == LayerKind::Attention) {
      take(l.q, loader.matrix(TensorRole::AttnQ, i));
      take(l.k, loader.matrix(TensorRole::AttnK, i));
      take(l.v, loader.matrix(TensorRole::AttnV, i));
      take(l.out, loader.matrix(TensorRole::AttnOut, i));
      take(l.qNorm, loader.vector(TensorRole::AttnQNorm, i));
      take(l.kNorm, loader.vector(TensorRole::AttnKNorm, i));
    } else {
      take(l.inProj, loader.matrix(TensorRole::ConvInProj, i));
      take(l.outProj, loader.matrix(TensorRole::ConvOutProj, i));
      // HF [H, 1, L] and GGUF [H, L] both decode to [H][L].
      take(l.convKernel, loader.vector(TensorRole::ConvKernel, i));
    }
    if (l.moe) {
      take(l.router, loader.vector(TensorRole::RouterGate, i));
      if (c.useExpertBias)
        take(l.expertBias, loader.vector(TensorRole::ExpertBias, i));
      else
        l.expertBias.assign(c.numExperts, 0.0f);
      take(l.expertsGate, loader.matrix(TensorRole::ExpertsGate, i));
      take(l.expertsUp, loader.matrix(TensorRole::ExpertsUp, i));
      take(l.expertsDown, loader.matrix(TensorRole::ExpertsDown, i));
    } else {
      take(l.gate, loader.matrix(TensorRole::FFNGate, i));
      take(l.up, loader.matrix(TensorRole::FFNUp, i));
      take(l.down, loader.matrix(TensorRole::FFNDown, i));
    }
    model->layers.push_back(std::move(l));
  }
  if (err)
    return std::move(err);
  if (options.quantizeActivations) {
    // Every matrix multiplied with activations (not the embedding table,
    // which is gathered; not the f32 router).
    auto quantize = [](WeightMatrix &w) {
      w.setQuantizedInput(w.dtype() == DType::Q8_0 ||
                          w.dtype() == DType::Q4_0);
    };
    quantize(model->output);
    for (LayerWeights &l : model->layers)
      for (WeightMatrix *w : {&l.q, &l.k, &l.v, &l.out, &l.inProj, &l.outProj,
                              &l.gate, &l.up, &l.down, &l.expertsGate,
                              &l.expertsUp, &l.expertsDown})
        quantize(*w);
  }
  return std::move(model);
}
