//===- EndToEndTest.cpp - Lowered models against the reference pass -------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// Compiles whole synthesized models through liquidc's linalg phase and
// liquid-weights-to-arguments, lowers them with upstream MLIR (one-shot
// bufferization, loops, LLVM), JIT-runs @prefill and @decode with the
// checkpoint's weight bytes bound in place, and checks the logits against the
// reference forward pass (lib/Reference): max |difference| <= 1e-4 x max
// |logit|. This is the numerical check of the lowering on real model shapes;
// the native pipeline and runtime replace the JIT later.
//
//===----------------------------------------------------------------------===//

#include "liquid/Dialect/Liquid/Passes.h"
#include "liquid/Import/Checkpoint.h"
#include "liquid/Import/ImportModel.h"
#include "liquid/InitAll.h"
#include "liquid/Pipelines/Pipelines.h"
#include "liquid/Reference/Reference.h"
#include "liquid/Synth/Synth.h"

#include "mlir/Conversion/AffineToStandard/AffineToStandard.h"
#include "mlir/Conversion/ArithToLLVM/ArithToLLVM.h"
#include "mlir/Conversion/ControlFlowToLLVM/ControlFlowToLLVM.h"
#include "mlir/Conversion/ConvertToLLVM/ToLLVMPass.h"
#include "mlir/Conversion/FuncToLLVM/ConvertFuncToLLVM.h"
#include "mlir/Conversion/IndexToLLVM/IndexToLLVM.h"
#include "mlir/Conversion/MathToLLVM/MathToLLVM.h"
#include "mlir/Conversion/MathToLibm/MathToLibm.h"
#include "mlir/Conversion/MemRefToLLVM/MemRefToLLVM.h"
#include "mlir/Conversion/ReconcileUnrealizedCasts/ReconcileUnrealizedCasts.h"
#include "mlir/Conversion/SCFToControlFlow/SCFToControlFlow.h"
#include "mlir/Conversion/UBToLLVM/UBToLLVM.h"
#include "mlir/Dialect/Arith/Transforms/BufferizableOpInterfaceImpl.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Bufferization/Transforms/FuncBufferizableOpInterfaceImpl.h"
#include "mlir/Dialect/Bufferization/Transforms/Passes.h"
#include "mlir/Dialect/ControlFlow/IR/ControlFlow.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Linalg/Passes.h"
#include "mlir/Dialect/Linalg/Transforms/BufferizableOpInterfaceImpl.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/MemRef/Transforms/Passes.h"
#include "mlir/Dialect/SCF/Transforms/BufferizableOpInterfaceImpl.h"
#include "mlir/Dialect/Tensor/Transforms/BufferizableOpInterfaceImpl.h"
#include "mlir/ExecutionEngine/ExecutionEngine.h"
#include "mlir/ExecutionEngine/OptUtils.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Target/LLVMIR/Dialect/Builtin/BuiltinToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/LLVMIR/LLVMToLLVMIRTranslation.h"
#include "mlir/Transforms/Passes.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/TargetSelect.h"

#include <gtest/gtest.h>

#include <cmath>

using namespace mlir;

namespace {

/// A memref descriptor as the C interface lays it out: allocated and aligned
/// pointers, offset, sizes, strides; every field 8 bytes.
struct Descriptor {
  std::vector<int64_t> words;
  Descriptor(const void *data, llvm::ArrayRef<int64_t> shape) {
    words.push_back(reinterpret_cast<int64_t>(data));
    words.push_back(reinterpret_cast<int64_t>(data));
    words.push_back(0);
    words.insert(words.end(), shape.begin(), shape.end());
    int64_t stride = 1;
    std::vector<int64_t> strides(shape.size());
    for (int64_t i = static_cast<int64_t>(shape.size()) - 1; i >= 0; --i) {
      strides[i] = stride;
      stride *= shape[i];
    }
    words.insert(words.end(), strides.begin(), strides.end());
  }
};

/// What a compiled entry point needs per argument.
struct Signature {
  std::vector<std::string> weights;   ///< Weight names of the trailing args.
  std::vector<std::vector<int64_t>> stateShapes;
};

class EndToEnd : public ::testing::Test {
protected:
  void SetUp() override {
    llvm::InitializeNativeTarget();
    llvm::InitializeNativeTargetAsmPrinter();
    ASSERT_FALSE(llvm::sys::fs::createUniqueDirectory("liquid-e2e", dir));
  }
  void TearDown() override { llvm::sys::fs::remove_directories(dir); }

  llvm::SmallString<128> dir;
};

/// Imports, lowers and JIT-compiles a checkpoint; fills `sig`.
static std::unique_ptr<ExecutionEngine>
compile(MLIRContext &ctx, const ::liquid::Checkpoint &ckpt, Signature &sig) {
  ::liquid::ImportOptions options;
  options.maxContext = 64;
  auto module = ::liquid::importModel(ctx, ckpt, options);
  if (!module) {
    ADD_FAILURE() << llvm::toString(module.takeError());
    return nullptr;
  }
  PassManager pm(&ctx);
  ::liquid::buildPipeline(pm, ::liquid::Phase::Linalg);
  pm.addPass(mlir::liquid::createWeightsToArgumentsPass());
  pm.addPass(createCanonicalizerPass());
  if (failed(pm.run(**module))) {
    ADD_FAILURE() << "lowering to linalg failed";
    return nullptr;
  }
  auto prefill = (*module)->lookupSymbol<func::FuncOp>("prefill");
  for (unsigned i = 0; i < prefill.getNumArguments(); ++i) {
    if (auto name = prefill.getArgAttrOfType<StringAttr>(i, "liquid.weight"))
      sig.weights.push_back(name.str());
    else if (i >= 2)
    {
      auto shape =
          cast<RankedTensorType>(prefill.getArgumentTypes()[i]).getShape();
      sig.stateShapes.emplace_back(shape.begin(), shape.end());
    }
  }
  (*module)->walk([&](func::FuncOp f) {
    f->setAttr("llvm.emit_c_interface", UnitAttr::get(&ctx));
  });

  PassManager lower(&ctx);
  bufferization::OneShotBufferizePassOptions bufferize;
  bufferize.bufferizeFunctionBoundaries = true;
  lower.addPass(bufferization::createOneShotBufferizePass(bufferize));
  lower.addPass(createConvertLinalgToLoopsPass());
  lower.addPass(createSCFToControlFlowPass());
  lower.addPass(memref::createExpandStridedMetadataPass());
  lower.addPass(createLowerAffinePass()); // Also what expansion produced.
  lower.addPass(createFinalizeMemRefToLLVMConversionPass());
  lower.addPass(createConvertMathToLLVMPass());
  lower.addPass(createConvertToLLVMPass());
  lower.addPass(createReconcileUnrealizedCastsPass());
  if (failed(lower.run(**module))) {
    ADD_FAILURE() << "lowering to LLVM failed";
    return nullptr;
  }
  ExecutionEngineOptions engine;
  engine.transformer = makeOptimizingTransformer(2, 0, nullptr);
  std::string libDir = LIQUID_MLIR_LIB_DIR;
  std::string runner = libDir + "/libmlir_c_runner_utils.so";
  llvm::StringRef libs[] = {runner};
  engine.sharedLibPaths = libs;
  auto jit = ExecutionEngine::create(**module, engine);
  if (!jit) {
    ADD_FAILURE() << llvm::toString(jit.takeError());
    return nullptr;
  }
  return std::move(*jit);
}

/// Runs one entry point: tokens at `position` with `state` (one pointer per
/// state buffer, updated to the returned buffers). Returns the logits.
static std::vector<float> run(ExecutionEngine &jit, llvm::StringRef entry,
                              const ::liquid::Checkpoint &ckpt,
                              const Signature &sig,
                              std::vector<int32_t> tokens, int64_t position,
                              std::vector<void *> &state, int64_t vocab) {
  std::vector<Descriptor> descs;
  descs.emplace_back(tokens.data(),
                     std::vector<int64_t>{static_cast<int64_t>(tokens.size())});
  for (size_t i = 0; i < state.size(); ++i)
    descs.emplace_back(state[i], sig.stateShapes[i]);
  for (const std::string &name : sig.weights) {
    const ::liquid::TensorInfo *t = ckpt.lookup(name);
    std::vector<int64_t> shape = t->shape;
    if (::liquid::dtypeBlockSize(t->dtype) != 1) {
      // Quantized weights are bound as their bytes [..., K / block, bytes].
      shape.back() /= ::liquid::dtypeBlockSize(t->dtype);
      shape.push_back(::liquid::dtypeBlockBytes(t->dtype));
    }
    descs.emplace_back(ckpt.bytes(t->segments.front()).data(), shape);
  }
  // Results: logits then the new state, each a 2- or 3-D descriptor.
  size_t resultWords = 3 + 2 * 2;
  for (const auto &shape : sig.stateShapes)
    resultWords += 3 + 2 * shape.size();
  std::vector<int64_t> results(resultWords);

  void *resultPtr = results.data();
  std::vector<void *> pointers = {resultPtr};
  std::vector<void *> args = {&pointers[0]};
  std::vector<void *> argPtrs;
  argPtrs.reserve(descs.size());
  int64_t pos = position;
  // tokens, position, state..., weights...
  argPtrs.push_back(descs[0].words.data());
  args.push_back(&argPtrs.back());
  args.push_back(&pos);
  for (size_t i = 1; i < descs.size(); ++i) {
    argPtrs.push_back(descs[i].words.data());
    args.push_back(&argPtrs.back());
  }
  llvm::Error error = jit.invokePacked(("_mlir_ciface_" + entry).str(), args);
  if (error) {
    ADD_FAILURE() << llvm::toString(std::move(error));
    return {};
  }
  // Logits [T, vocab] at results[1] + offset; then each state descriptor.
  const float *logits = reinterpret_cast<const float *>(results[1]) + results[2];
  std::vector<float> out(logits, logits + tokens.size() * vocab);
  size_t at = 3 + 2 * 2;
  for (size_t i = 0; i < state.size(); ++i) {
    state[i] = reinterpret_cast<float *>(results[at + 1]) + results[at + 2];
    at += 3 + 2 * sig.stateShapes[i].size();
  }
  return out;
}

static void expectClose(const std::vector<float> &got,
                        const std::vector<float> &want) {
  ASSERT_EQ(got.size(), want.size());
  float maxLogit = 0, maxDiff = 0;
  for (size_t i = 0; i < want.size(); ++i) {
    maxLogit = std::max(maxLogit, std::fabs(want[i]));
    maxDiff = std::max(maxDiff, std::fabs(got[i] - want[i]));
  }
  EXPECT_LE(maxDiff, 1e-4f * maxLogit) << "max |logit| " << maxLogit;
}

static void checkPreset(llvm::StringRef dir, llvm::StringRef preset,
                        ::liquid::DType dtype) {
  llvm::SmallString<128> path(dir);
  llvm::sys::path::append(path, preset + "-" + ::liquid::dtypeName(dtype) +
                                   ".gguf");
  ::liquid::synth::SynthOptions synthOptions;
  synthOptions.preset = ::liquid::synth::findPreset(preset);
  ASSERT_NE(synthOptions.preset, nullptr);
  synthOptions.format = ::liquid::CheckpointFormat::GGUF;
  synthOptions.dtype = dtype;
  synthOptions.seed = 11;
  synthOptions.output = path.str().str();
  synthOptions.progress = false;
  ASSERT_FALSE(bool(::liquid::synth::writeCheckpoint(synthOptions)));
  auto ckpt = ::liquid::readCheckpoint(path);
  ASSERT_TRUE(bool(ckpt)) << llvm::toString(ckpt.takeError());

  MLIRContext ctx;
  DialectRegistry registry;
  ::liquid::registerLiquidDialects(registry);
  arith::registerBufferizableOpInterfaceExternalModels(registry);
  linalg::registerBufferizableOpInterfaceExternalModels(registry);
  scf::registerBufferizableOpInterfaceExternalModels(registry);
  tensor::registerBufferizableOpInterfaceExternalModels(registry);
  bufferization::func_ext::registerBufferizableOpInterfaceExternalModels(
      registry);
  arith::registerConvertArithToLLVMInterface(registry);
  cf::registerConvertControlFlowToLLVMInterface(registry);
  registerConvertFuncToLLVMInterface(registry);
  index::registerConvertIndexToLLVMInterface(registry);
  registerConvertMathToLLVMInterface(registry);
  registerConvertMemRefToLLVMInterface(registry);
  ub::registerConvertUBToLLVMInterface(registry);
  registerBuiltinDialectTranslation(registry);
  registerLLVMDialectTranslation(registry);
  ctx.appendDialectRegistry(registry);
  ctx.loadAllAvailableDialects();

  Signature sig;
  auto jit = compile(ctx, **ckpt, sig);
  ASSERT_NE(jit, nullptr);

  const ::liquid::ModelConfig &c = (*ckpt)->config;
  std::vector<std::vector<float>> stateData;
  std::vector<void *> state;
  for (const auto &shape : sig.stateShapes) {
    int64_t n = 1;
    for (int64_t d : shape)
      n *= d;
    stateData.emplace_back(n, 0.0f);
    state.push_back(stateData.back().data());
  }

  auto model = ::liquid::reference::Model::load(**ckpt);
  ASSERT_TRUE(bool(model)) << llvm::toString(model.takeError());
  ::liquid::reference::Session ref(**model);

  // A prefill of 5 tokens, then two decode steps.
  std::vector<int32_t> prompt = {1, 739, 585, 58, 276};
  std::vector<float> got = run(*jit, "prefill", **ckpt, sig, prompt, 0, state,
                               c.vocabSize);
  auto want = ref.eval({1, 739, 585, 58, 276});
  ASSERT_TRUE(bool(want)) << llvm::toString(want.takeError());
  expectClose(got, *want);
  int64_t position = 5;
  for (int32_t token : {597, 12}) {
    got = run(*jit, "decode", **ckpt, sig, {token}, position++, state,
              c.vocabSize);
    auto step = ref.eval({token});
    ASSERT_TRUE(bool(step));
    expectClose(got, *step);
  }
}

} // namespace

TEST_F(EndToEnd, TinyF32MatchesReference) {
  checkPreset(dir, "tiny", ::liquid::DType::F32);
}
TEST_F(EndToEnd, TinyBF16MatchesReference) {
  checkPreset(dir, "tiny", ::liquid::DType::BF16);
}
TEST_F(EndToEnd, TinyQ8_0MatchesReference) {
  checkPreset(dir, "tiny", ::liquid::DType::Q8_0);
}
TEST_F(EndToEnd, TinyQ4_0MatchesReference) {
  checkPreset(dir, "tiny", ::liquid::DType::Q4_0);
}
// MoE numerics on float weights: random routers have near-ties that a
// rounding difference could flip (DESIGN.md §8).
TEST_F(EndToEnd, TinyMoEF32MatchesReference) {
  checkPreset(dir, "tiny-moe", ::liquid::DType::F32);
}
TEST_F(EndToEnd, TinyMoEF16MatchesReference) {
  checkPreset(dir, "tiny-moe", ::liquid::DType::F16);
}
