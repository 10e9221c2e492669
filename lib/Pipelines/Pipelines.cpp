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
#include "liquid/Conversion/LiquidToVector.h"
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
#include "mlir/Conversion/VectorToLLVM/ConvertVectorToLLVMPass.h"
#include "mlir/Conversion/VectorToSCF/VectorToSCF.h"
#include "mlir/Dialect/Bufferization/Pipelines/Passes.h"
#include "mlir/Dialect/Bufferization/Transforms/Passes.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/Passes.h"
#include "mlir/Dialect/MemRef/Transforms/Passes.h"
#include "mlir/Dialect/Vector/Transforms/Passes.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Transforms/Passes.h"

using namespace mlir;

/// liquid -> kernels + host schedule. Only the kernels are tidied: each
/// tensor.empty of a schedule is a buffer of its own, which CSE would merge.
static void addDispatchPasses(OpPassManager &pm) {
  pm.addPass(mlir::liquid::createQuantizeProjectionsPass());
  pm.addPass(mlir::liquid::createFormDispatchesPass());
  OpPassManager &kernels = pm.nest<ModuleOp>();
  kernels.addPass(createCanonicalizerPass());
  kernels.addPass(createCSEPass());
}

/// Kernels: liquid -> linalg on tensors (the int8 kernels straight to
/// vector code, then the other model ops, then element-wise arith/math on
/// tensors), tidied up.
static void addLinalgPasses(OpPassManager &kernels) {
  kernels.addPass(mlir::liquid::createConvertLiquidToVectorPass());
  kernels.addPass(mlir::liquid::createConvertLiquidToLinalgPass());
  kernels.addNestedPass<func::FuncOp>(createConvertElementwiseToLinalgPass());
  kernels.addPass(createCanonicalizerPass());
  kernels.addPass(createCSEPass());
}

/// Kernels: linalg on tensors -> buffers: arguments are the caller's
/// buffers, results computed in place where the analysis allows,
/// temporaries freed.
static void addBufferizationPasses(OpPassManager &kernels) {
  kernels.addPass(mlir::liquid::createBufferEntryPointsPass());
  kernels.addPass(createCanonicalizerPass());
  kernels.addPass(bufferization::createEmptyTensorEliminationPass());
  bufferization::OneShotBufferizePassOptions bufferize;
  bufferize.allowReturnAllocsFromLoops = true;
  kernels.addPass(bufferization::createOneShotBufferizePass(bufferize));
  kernels.addPass(createCanonicalizerPass()); // Drops self-copies of state.
  kernels.addPass(mlir::liquid::createPlanWorkspacePass());
  bufferization::buildBufferDeallocationPipeline(kernels); // What is left.
}

/// Kernels: buffers -> the LLVM dialect, memrefs passed as bare pointers.
static void addLLVMPasses(OpPassManager &kernels) {
  kernels.addPass(mlir::liquid::createCopiesToLinalgPass());
  kernels.addPass(createConvertLinalgToLoopsPass());
  kernels.addPass(createLoopInvariantCodeMotionPass());
  kernels.addPass(mlir::liquid::createLowerVectorTransfersPass());
  kernels.addPass(mlir::liquid::createPrefetchStreamsPass());
  // Reductions along the vector lanes: one horizontal (tree) reduction each.
  kernels.addNestedPass<func::FuncOp>(vector::createLowerVectorMultiReductionPass(
      vector::VectorMultiReductionLowering::InnerReduction));
  kernels.addPass(createConvertVectorToSCFPass());
  kernels.addPass(createLowerAffinePass());
  kernels.addPass(createSCFToControlFlowPass());
  kernels.addPass(memref::createExpandStridedMetadataPass());
  kernels.addPass(createLowerAffinePass()); // Also what expansion produced.
  kernels.addPass(mlir::liquid::createApproximateMathPass());
  kernels.addPass(mlir::liquid::createLowerDot4Pass());
  ConvertVectorToLLVMPassOptions vector;
  vector.reassociateFPReductions = true;
  kernels.addPass(createConvertVectorToLLVMPass(vector));
  kernels.addPass(createFinalizeMemRefToLLVMConversionPass());
  kernels.addPass(createConvertMathToLLVMPass());
  kernels.addPass(createConvertMathToLibmPass());
  kernels.addPass(createArithToLLVMConversionPass());
  ConvertFuncToLLVMPassOptions func;
  func.useBarePtrCallConv = true;
  kernels.addPass(createConvertFuncToLLVMPass(func));
  kernels.addPass(createConvertControlFlowToLLVMPass());
  kernels.addPass(createConvertIndexToLLVMPass());
  kernels.addPass(createUBToLLVMConversionPass());
  kernels.addPass(createReconcileUnrealizedCastsPass());
  kernels.addPass(mlir::liquid::createEmitKernelABIPass());
  kernels.addPass(createCanonicalizerPass());
}

void ::liquid::buildPipeline(OpPassManager &pm, ::liquid::Phase phase) {
  if (phase == ::liquid::Phase::Liquid)
    return;
  addDispatchPasses(pm);
  if (phase == ::liquid::Phase::Dispatches)
    return;
  OpPassManager &kernels = pm.nest<ModuleOp>();
  addLinalgPasses(kernels);
  if (phase == ::liquid::Phase::Linalg)
    return;
  kernels.addPass(mlir::liquid::createTileAndVectorizePass());
  kernels.addPass(createCanonicalizerPass());
  kernels.addPass(createCSEPass());
  if (phase == ::liquid::Phase::Vector)
    return;
  addBufferizationPasses(kernels);
  addLLVMPasses(kernels); // Phase::LLVM and Phase::Artifact.
}
