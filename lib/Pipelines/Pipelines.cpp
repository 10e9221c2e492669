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

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/Passes.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Transforms/Passes.h"

void liquid::buildPipeline(mlir::OpPassManager &pm, Phase phase) {
  if (phase == Phase::Liquid)
    return;
  // liquid -> linalg: the model ops, then the residual adds (arith on
  // tensors), then tidy up.
  pm.addPass(mlir::liquid::createConvertLiquidToLinalgPass());
  pm.addNestedPass<mlir::func::FuncOp>(
      mlir::createConvertElementwiseToLinalgPass());
  pm.addPass(mlir::createCanonicalizerPass());
  pm.addPass(mlir::createCSEPass());
}
