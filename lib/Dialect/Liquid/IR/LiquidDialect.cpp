//===- LiquidDialect.cpp - The liquid dialect ----------------------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// This file registers the liquid dialect's ops and types and instantiates
// the generated op, enum and interface definitions. Verifiers live in the
// themed files beside it (ModelOps.cpp, RecurrenceOps.cpp, MoEOps.cpp,
// CellOps.cpp), mirroring dialects/Liquid/*Ops.td.
//
//===----------------------------------------------------------------------===//

#include "liquid/Dialect/Liquid/LiquidOps.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectImplementation.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace mlir::liquid;

#include "liquid/Dialect/Liquid/LiquidDialect.cpp.inc"
#include "liquid/Dialect/Liquid/LiquidEnums.cpp.inc"
#include "liquid/Dialect/Liquid/LiquidOpInterfaces.cpp.inc"

void LiquidDialect::initialize() {
  addOperations<
#define GET_OP_LIST
#include "liquid/Dialect/Liquid/LiquidOps.cpp.inc"
      >();
  registerTypes();
  registerAttributes();
}

#define GET_OP_CLASSES
#include "liquid/Dialect/Liquid/LiquidOps.cpp.inc"
