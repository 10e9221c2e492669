//===- InitAll.cpp - Register everything the liquid tools use -------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// This file implements the registration declared in liquid/InitAll.h.
//
//===----------------------------------------------------------------------===//

#include "liquid/InitAll.h"

#include "liquid/Dialect/Liquid/LiquidDialect.h"
#include "liquid/Dialect/Liquid/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/Transforms/Passes.h"

void liquid::registerLiquidDialects(mlir::DialectRegistry &registry) {
  registry.insert<mlir::liquid::LiquidDialect, mlir::arith::ArithDialect,
                  mlir::func::FuncDialect, mlir::linalg::LinalgDialect,
                  mlir::math::MathDialect, mlir::tensor::TensorDialect>();
}

void liquid::registerLiquidPasses() {
  mlir::liquid::registerLiquidPasses();
  mlir::registerCanonicalizerPass();
  mlir::registerCSEPass();
}
