//===- LiquidOps.h - Ops of the liquid dialect --------------------*- C++ -*-===//
//
// SPDX-License-Identifier: Apache-2.0
//
// Declares the op classes generated from dialects/Liquid/*Ops.td, with the
// interfaces and enums they use. Include this header to work with liquid IR.
//
//===----------------------------------------------------------------------===//

#ifndef LIQUID_DIALECT_LIQUID_LIQUIDOPS_H
#define LIQUID_DIALECT_LIQUID_LIQUIDOPS_H

#include "liquid/Dialect/Liquid/LiquidAttrs.h"
#include "liquid/Dialect/Liquid/LiquidDialect.h"
#include "liquid/Dialect/Liquid/LiquidTypes.h"

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#include "liquid/Dialect/Liquid/LiquidOpInterfaces.h.inc"

#define GET_OP_CLASSES
#include "liquid/Dialect/Liquid/LiquidOps.h.inc"

#endif // LIQUID_DIALECT_LIQUID_LIQUIDOPS_H
