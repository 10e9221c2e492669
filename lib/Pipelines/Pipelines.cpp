//===- Pipelines.cpp - liquidc's named compilation phases -----------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// This file implements buildPipeline: the passes between the phases of
// liquid/Pipelines/Pipelines.h.
//
//===----------------------------------------------------------------------===//

#include "liquid/Pipelines/Pipelines.h"

#include "liquid/Conversion/LiquidToLinalg.h"
#include "liquid/Dialect/Liquid/Passes.h"

#include "mlir/Conversion/AffineToStandard/AffineToStandard.h"
#include "mlir/Conversion/ArithToLLVM/ArithToLLVM.h"
#include "mlir/Conversion/ControlFlowToLLVM/ControlFlowToLLVM.h"
#include "mlir/Conversion/FuncToLLVM/ConvertFuncToLLVMPass.h"
#include "mlir/Conversion/IndexToLLVM/IndexToLLVM.h"
#include "mlir/Conversion/MathToLLVM/MathToLLVM.h"
#include "mlir/Conversion/MathToLibm/MathToLibm.h"
#include "mlir/Conversion/MemRefToLLVM/MemRefToLLVM.h"
#include "mlir/Conversion/ReconcileUnrealizedCasts/ReconcileUnrealizedCasts.h"
#include "mlir/Conversion/SCFToControlFlow/SCFToControlFlow.h"
#include "mlir/Conversion/UBToLLVM/UBToLLVM.h"
#include "mlir/Dialect/Bufferization/Pipelines/Passes.h"
#include "mlir/Dialect/Bufferization/Transforms/Passes.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/Passes.h"
#include "mlir/Dialect/MemRef/Transforms/Passes.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Transforms/Passes.h"

using namespace mlir;

/// liquid -> linalg: the model ops, then the residual adds (arith on
/// tensors), then tidy up.
static void addLinalgPasses(OpPassManager &pm) {
  pm.addPass(mlir::liquid::createConvertLiquidToLinalgPass());
  pm.addNestedPass<func::FuncOp>(createConvertElementwiseToLinalgPass());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
}

/// linalg on tensors -> buffers: entry points over the caller's buffers,
/// results computed in place where the analysis allows, temporaries freed.
static void addBufferizationPasses(OpPassManager &pm) {
  pm.addPass(mlir::liquid::createWeightsToArgumentsPass());
  pm.addPass(mlir::liquid::createBufferEntryPointsPass());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(bufferization::createEmptyTensorEliminationPass());
  bufferization::OneShotBufferizePassOptions bufferize;
  bufferize.allowReturnAllocsFromLoops = true;
  pm.addPass(bufferization::createOneShotBufferizePass(bufferize));
  pm.addPass(createCanonicalizerPass()); // Drops self-copies of state.
  bufferization::buildBufferDeallocationPipeline(pm);
}

/// buffers -> the LLVM dialect, memrefs passed as bare pointers.
static void addLLVMPasses(OpPassManager &pm) {
  pm.addPass(createConvertLinalgToLoopsPass());
  pm.addPass(createLowerAffinePass());
  pm.addPass(createSCFToControlFlowPass());
  pm.addPass(memref::createExpandStridedMetadataPass());
  pm.addPass(createLowerAffinePass()); // Also what expansion produced.
  pm.addPass(createFinalizeMemRefToLLVMConversionPass());
  pm.addPass(createConvertMathToLLVMPass());
  pm.addPass(createConvertMathToLibmPass());
  pm.addPass(createArithToLLVMConversionPass());
  ConvertFuncToLLVMPassOptions func;
  func.useBarePtrCallConv = true;
  pm.addPass(createConvertFuncToLLVMPass(func));
  pm.addPass(createConvertControlFlowToLLVMPass());
  pm.addPass(createConvertIndexToLLVMPass());
  pm.addPass(createUBToLLVMConversionPass());
  pm.addPass(createReconcileUnrealizedCastsPass());
  pm.addPass(mlir::liquid::createEmitKernelABIPass());
  pm.addPass(createCanonicalizerPass());
}

void ::liquid::buildPipeline(OpPassManager &pm, ::liquid::Phase phase) {
  if (phase == ::liquid::Phase::Liquid)
    return;
  addLinalgPasses(pm);
  if (phase == ::liquid::Phase::Linalg)
    return;
  addBufferizationPasses(pm);
  addLLVMPasses(pm); // Phase::LLVM and Phase::Artifact.
}
