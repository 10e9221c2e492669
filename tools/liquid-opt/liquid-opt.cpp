//===- liquid-opt.cpp - mlir-opt with the liquid dialect ------------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// The liquid dialect's opt tool: parses, verifies, transforms and prints
// liquid IR with the flags of mlir-opt. Only the dialects liquid IR uses are
// registered.
//
//===----------------------------------------------------------------------===//

#include "liquid/InitAll.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"

int main(int argc, char **argv) {
  mlir::DialectRegistry registry;
  liquid::registerLiquidDialects(registry);
  liquid::registerLiquidPasses();
  return mlir::asMainReturnCode(
      mlir::MlirOptMain(argc, argv, "Liquid optimizer driver\n", registry));
}
