//===- ImportModel.cpp - Checkpoint to liquid IR --------------------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// This file implements importModel: it declares every checkpoint tensor as a
// liquid.param and writes the LFM2 / LFM2-MoE forward pass (LFM2.md §1.1,
// §1.7, §2.2) as the @prefill and @decode entry points.
//
//===----------------------------------------------------------------------===//

#include "liquid/Import/ImportModel.h"

#include "liquid/Dialect/Liquid/LiquidOps.h"
#include "liquid/Import/TensorNames.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/Verifier.h"

#include <algorithm>
#include <functional>

using namespace mlir;
using namespace mlir::liquid;
using ::liquid::Checkpoint;
using ::liquid::DType;
using ::liquid::ImportOptions;
using ::liquid::ModelConfig;
using ::liquid::TensorRole;

namespace {

/// One entry point's state: its block argument and the value that replaces
/// it at the end.
struct StateSlot {
  StateAttr attr;
  RankedTensorType type;
};

class ModelBuilder {
public:
  ModelBuilder(MLIRContext &ctx, const Checkpoint &ckpt,
               const ImportOptions &options)
      : b(&ctx), loc(b.getUnknownLoc()), ckpt(ckpt), c(ckpt.config),
        options(options) {}

  OwningOpRef<ModuleOp> build();

private:
  void describeModel(ModuleOp module);
  void declareParams(ModuleOp module);
  /// An entry point evaluating `tokens` tokens; with `lastLogits`, it
  /// returns the logits of the last one only.
  void buildEntry(ModuleOp module, StringRef name, int64_t tokens,
                  bool lastLogits = false);

  Value weight(TensorRole role, int64_t layer = -1);
  Value add(Value a, Value x) { return arith::AddFOp::create(b, loc, a, x); }
  Value linear(Value x, Value w);
  Value splitHeads(Value x, int64_t heads);
  Value attention(Value x, int64_t layer, Value &kCache, Value &vCache);
  Value shortConv(Value x, int64_t layer, Value &state);
  Value feedForward(Value x, int64_t layer);

  RankedTensorType act(ArrayRef<int64_t> shape) {
    return RankedTensorType::get(shape, b.getF32Type());
  }

  OpBuilder b;
  Location loc;
  const Checkpoint &ckpt;
  const ModelConfig &c;
  const ImportOptions &options;
  llvm::StringMap<RankedTensorType> paramTypes;
  std::vector<StateSlot> states;

  // Per entry point.
  int64_t numTokens = 0;
  Value position;
  OpFoldResult tokenCount;
};

} // namespace

static Type elementType(Builder &b, DType t) {
  MLIRContext *ctx = b.getContext();
  switch (t) {
  case DType::F32:
    return b.getF32Type();
  case DType::F16:
    return b.getF16Type();
  case DType::BF16:
    return b.getBF16Type();
  case DType::Q8_0:
    return Q8_0Type::get(ctx);
  case DType::Q4_0:
    return Q4_0Type::get(ctx);
  case DType::Q4_K:
  case DType::Q5_K:
  case DType::Q6_K:
    break; // Refused by importModel before building.
  }
  llvm_unreachable("dtype with no element type");
}

void ModelBuilder::describeModel(ModuleOp module) {
  SmallVector<LayerKind> kinds;
  for (::liquid::LayerKind kind : c.layers)
    kinds.push_back(kind == ::liquid::LayerKind::Conv ? LayerKind::Conv
                                                      : LayerKind::Attention);
  module->setAttr(
      "liquid.model",
      ModelAttr::get(b.getContext(), c.archName(), c.vocabSize, c.hiddenSize,
                     kinds, c.numHeads, c.numKVHeads, c.headDim, c.ffnSize,
                     c.convL, b.getF32FloatAttr(c.normEps),
                     b.getF64FloatAttr(c.ropeTheta), options.maxContext,
                     b.getBoolAttr(c.tiedEmbeddings), c.bosTokenId,
                     c.eosTokenId, c.padTokenId, c.numExperts,
                     c.expertsPerToken, c.moeFfnSize, c.numDenseLayers));
  module->setAttr(
      "liquid.checkpoint",
      b.getDictionaryAttr(
          {b.getNamedAttr("format",
                          b.getStringAttr(ckpt.format ==
                                                  ::liquid::CheckpointFormat::HF
                                              ? "hf"
                                              : "gguf")),
           b.getNamedAttr("path", b.getStringAttr(ckpt.path))}));
}

void ModelBuilder::declareParams(ModuleOp module) {
  b.setInsertionPointToEnd(module.getBody());
  for (const std::string &name : ckpt.tensorOrder) {
    const ::liquid::TensorInfo &t = *ckpt.lookup(name);
    SmallVector<int64_t> shape(t.shape.begin(), t.shape.end());
    // The HF conv kernel [H, 1, L] is the GGUF [H, L] with the same bytes.
    if (shape.size() == 3 && shape[1] == 1 &&
        StringRef(name).ends_with("conv.conv.weight"))
      shape.erase(shape.begin() + 1);
    auto type = RankedTensorType::get(shape, elementType(b, t.dtype));
    ParamOp::create(b, loc, b.getStringAttr(name), TypeAttr::get(type));
    paramTypes[name] = type;
  }
}

Value ModelBuilder::weight(TensorRole role, int64_t layer) {
  std::string name = ::liquid::tensorName(ckpt.format, role, layer);
  if (role == TensorRole::Output && c.tiedEmbeddings)
    name = ::liquid::tensorName(ckpt.format, TensorRole::TokenEmbedding);
  RankedTensorType type = paramTypes.lookup(name);
  assert(type && "the reader validated the tensor table");
  return WeightOp::create(b, loc, type, name);
}

Value ModelBuilder::linear(Value x, Value w) {
  auto xType = cast<RankedTensorType>(x.getType());
  SmallVector<int64_t> shape(xType.getShape());
  shape.back() = cast<RankedTensorType>(w.getType()).getDimSize(0);
  return LinearOp::create(b, loc, act(shape), x, w);
}

Value ModelBuilder::splitHeads(Value x, int64_t heads) {
  auto type = act({numTokens, heads, c.headDim});
  SmallVector<OpFoldResult> shape = {tokenCount, b.getIndexAttr(heads),
                                     b.getIndexAttr(c.headDim)};
  return tensor::ExpandShapeOp::create(
      b, loc, type, x, ArrayRef<ReassociationIndices>{{0}, {1, 2}}, shape);
}

Value ModelBuilder::attention(Value x, int64_t layer, Value &kCache,
                              Value &vCache) {
  Value q = splitHeads(linear(x, weight(TensorRole::AttnQ, layer)), c.numHeads);
  Value k =
      splitHeads(linear(x, weight(TensorRole::AttnK, layer)), c.numKVHeads);
  Value v =
      splitHeads(linear(x, weight(TensorRole::AttnV, layer)), c.numKVHeads);
  FloatAttr eps = b.getF32FloatAttr(c.normEps);
  FloatAttr theta = b.getF64FloatAttr(c.ropeTheta);
  q = RMSNormOp::create(b, loc, q.getType(), q, weight(TensorRole::AttnQNorm, layer), eps);
  k = RMSNormOp::create(b, loc, k.getType(), k, weight(TensorRole::AttnKNorm, layer), eps);
  q = RoPEOp::create(b, loc, q.getType(), q, position, theta);
  k = RoPEOp::create(b, loc, k.getType(), k, position, theta);
  auto op = AttentionOp::create(b, loc, q.getType(), kCache.getType(),
                                kCache.getType(), q, k, v, kCache, vCache,
                                position, FloatAttr());
  kCache = op.getNewKeyCache();
  vCache = op.getNewValueCache();
  Value o = tensor::CollapseShapeOp::create(
      b, loc, act({numTokens, c.numHeads * c.headDim}), op.getResult(),
      ArrayRef<ReassociationIndices>{{0}, {1, 2}});
  return linear(o, weight(TensorRole::AttnOut, layer));
}

Value ModelBuilder::shortConv(Value x, int64_t layer, Value &state) {
  Value bcx = linear(x, weight(TensorRole::ConvInProj, layer));
  auto op = ShortConvOp::create(b, loc, act({numTokens, c.hiddenSize}),
                                state.getType(), bcx,
                                weight(TensorRole::ConvKernel, layer), state);
  state = op.getNewState();
  return linear(op.getResult(), weight(TensorRole::ConvOutProj, layer));
}

Value ModelBuilder::feedForward(Value x, int64_t layer) {
  if (!c.isMoELayer(layer)) {
    Value gate = weight(TensorRole::FFNGate, layer);
    Value up = weight(TensorRole::FFNUp, layer);
    Value down = weight(TensorRole::FFNDown, layer);
    return FFNOp::create(b, loc, x.getType(), x, gate, up, down);
  }
  int64_t k = c.expertsPerToken;
  Value gate = weight(TensorRole::RouterGate, layer);
  Value bias = c.useExpertBias ? weight(TensorRole::ExpertBias, layer) : Value();
  auto router = MoERouterOp::create(
      b, loc, RankedTensorType::get({numTokens, k}, b.getI32Type()),
      act({numTokens, k}), x, gate, bias,
      b.getI64IntegerAttr(k), b.getBoolAttr(c.normTopKProb),
      b.getF64FloatAttr(c.routedScalingFactor));
  Value gates = weight(TensorRole::ExpertsGate, layer);
  Value ups = weight(TensorRole::ExpertsUp, layer);
  Value downs = weight(TensorRole::ExpertsDown, layer);
  return MoEExpertsOp::create(b, loc, x.getType(), x, router.getExpertIds(),
                              router.getExpertWeights(), gates, ups, downs);
}

void ModelBuilder::buildEntry(ModuleOp module, StringRef name,
                              int64_t tokens, bool lastLogits) {
  b.setInsertionPointToEnd(module.getBody());
  numTokens = tokens;
  int64_t rows = lastLogits ? 1 : tokens;
  SmallVector<Type> inputs = {RankedTensorType::get({tokens}, b.getI32Type()),
                              b.getIndexType()};
  SmallVector<Type> results = {act({rows, c.vocabSize})};
  for (const StateSlot &s : states) {
    inputs.push_back(s.type);
    results.push_back(s.type);
  }
  auto func = func::FuncOp::create(b, loc, name,
                                   b.getFunctionType(inputs, results));
  for (auto [i, s] : llvm::enumerate(states)) {
    func.setArgAttr(i + 2, LiquidDialect::getStateAttrName(), s.attr);
    func.setResultAttr(i + 1, LiquidDialect::getStateAttrName(), s.attr);
  }
  Block *body = func.addEntryBlock();
  b.setInsertionPointToStart(body);
  // Names the printer can use as SSA prefixes (liquidc prints with
  // NameLoc prefixes): %tokens, %position, %layers.0.conv, ...
  auto named = [&](StringRef n) { return NameLoc::get(b.getStringAttr(n)); };
  body->getArgument(0).setLoc(named(tokens == 1 ? "token" : "tokens"));
  body->getArgument(1).setLoc(named("position"));
  for (auto [i, s] : llvm::enumerate(states))
    body->getArgument(i + 2).setLoc(named(s.attr.getName()));
  Value ids = body->getArgument(0);
  position = body->getArgument(1);
  if (ShapedType::isDynamic(tokens))
    tokenCount = tensor::DimOp::create(b, loc, ids, 0).getResult();
  else
    tokenCount = b.getIndexAttr(tokens);
  SmallVector<Value> state(body->getArguments().drop_front(2));

  FloatAttr eps = b.getF32FloatAttr(c.normEps);
  loc = named("embed");
  Value h = EmbedOp::create(b, loc, act({tokens, c.hiddenSize}),
                            weight(TensorRole::TokenEmbedding), ids);
  unsigned slot = 0;
  for (int64_t i = 0; i < c.numLayers(); ++i) {
    loc = named("layers." + std::to_string(i));
    Value x =
        RMSNormOp::create(b, loc, h.getType(), h, weight(TensorRole::OperatorNorm, i), eps);
    if (c.layers[i] == ::liquid::LayerKind::Attention) {
      x = attention(x, i, state[slot], state[slot + 1]);
      slot += 2;
    } else {
      x = shortConv(x, i, state[slot]);
      slot += 1;
    }
    h = add(h, x);
    Value f = RMSNormOp::create(b, loc, h.getType(), h, weight(TensorRole::FFNNorm, i), eps);
    h = add(h, feedForward(f, i));
  }
  loc = named("head");
  if (lastLogits) // Only the last token's row goes through the head.
    h = tensor::ExtractSliceOp::create(
        b, loc, act({1, c.hiddenSize}), h,
        ArrayRef<OpFoldResult>{b.getIndexAttr(tokens - 1), b.getIndexAttr(0)},
        ArrayRef<OpFoldResult>{b.getIndexAttr(1), b.getIndexAttr(c.hiddenSize)},
        ArrayRef<OpFoldResult>{b.getIndexAttr(1), b.getIndexAttr(1)});
  h = RMSNormOp::create(b, loc, h.getType(), h, weight(TensorRole::FinalNorm), eps);
  SmallVector<Value> outs = {linear(h, weight(TensorRole::Output))};
  outs.append(state.begin(), state.end());
  func::ReturnOp::create(b, loc, outs);
  loc = b.getUnknownLoc();
}

OwningOpRef<ModuleOp> ModelBuilder::build() {
  OwningOpRef<ModuleOp> module = ModuleOp::create(loc);
  describeModel(*module);
  declareParams(*module);
  MLIRContext *ctx = module->getContext();
  for (int64_t i = 0; i < c.numLayers(); ++i) {
    auto state = [&](StateKind kind) { return StateAttr::get(ctx, kind, i); };
    if (c.layers[i] == ::liquid::LayerKind::Conv) {
      states.push_back(
          {state(StateKind::Conv), act({c.convL - 1, c.hiddenSize})});
    } else {
      // Head-major: each key/value head's rows are one contiguous run.
      auto cache = act({c.numKVHeads, options.maxContext, c.headDim});
      states.push_back({state(StateKind::KeyCache), cache});
      states.push_back({state(StateKind::ValueCache), cache});
    }
  }
  // Each chunk size twice: with every token's logits, and with the last
  // token's only (what a prompt needs when no one asks for the others).
  buildEntry(*module, "prefill", options.prefillChunk);
  if (options.prefillChunk > 1)
    buildEntry(*module, "prefill_last", options.prefillChunk,
               /*lastLogits=*/true);
  std::vector<int64_t> small = options.smallChunks;
  llvm::sort(small, std::greater<int64_t>());
  small.erase(std::unique(small.begin(), small.end()), small.end());
  for (int64_t n : small) {
    if (n <= 1 || n >= options.prefillChunk)
      continue;
    std::string name = "prefill_" + std::to_string(n);
    buildEntry(*module, name, n);
    buildEntry(*module, name + "_last", n, /*lastLogits=*/true);
  }
  buildEntry(*module, "decode", 1);
  return module;
}

namespace liquid {
llvm::Expected<OwningOpRef<ModuleOp>>
importModel(MLIRContext &context, const Checkpoint &checkpoint,
            const ImportOptions &options) {
  // Positions are 32-bit in the runtime; 2^24 tokens is already far past
  // any model's training context.
  constexpr int64_t kMaxContext = int64_t(1) << 24;
  if (options.maxContext < 1 || options.maxContext > kMaxContext)
    return llvm::createStringError(
        "--max-context: must be in [1, " + std::to_string(kMaxContext) +
        "] tokens, got " + std::to_string(options.maxContext));
  if (options.prefillChunk < 1 || options.prefillChunk > options.maxContext)
    return llvm::createStringError(
        "--prefill-chunk: must be in [1, max context " +
        std::to_string(options.maxContext) + "], got " +
        std::to_string(options.prefillChunk));
  for (int64_t n : options.smallChunks)
    if (n < 0)
      return llvm::createStringError(
          "--prefill-small-chunk: must not be negative, got " +
          std::to_string(n));
  // K-quant weights are read (liquid-reference runs them) but not compiled.
  for (const std::string &name : checkpoint.tensorOrder) {
    const TensorInfo *tensor = checkpoint.lookup(name);
    DType t = tensor ? tensor->dtype : DType::F32;
    if (t == DType::Q4_K || t == DType::Q5_K || t == DType::Q6_K)
      return llvm::createStringError(
          checkpoint.path + ": tensor '" + name + "': " + dtypeName(t).str() +
          " weights cannot be compiled yet (liquidc compiles f32, f16, bf16, "
          "q8_0 and q4_0; liquid-reference runs " + dtypeName(t).str() + ")");
  }
  context.loadDialect<LiquidDialect, arith::ArithDialect, func::FuncDialect,
                      tensor::TensorDialect>();
  OwningOpRef<ModuleOp> module =
      ModelBuilder(context, checkpoint, options).build();
  if (failed(verify(*module)))
    return llvm::createStringError(checkpoint.path +
                                   ": the imported module does not verify");
  return module;
}
} // namespace liquid
