//===- LiquidDialect.h - The liquid dialect -----------------------*- C++ -*-===//
//
// SPDX-License-Identifier: Apache-2.0
//
// Declares the liquid dialect class generated from dialects/Liquid/LiquidBase.td.
//
//===----------------------------------------------------------------------===//

#ifndef LIQUID_DIALECT_LIQUID_LIQUIDDIALECT_H
#define LIQUID_DIALECT_LIQUID_LIQUIDDIALECT_H

#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Dialect.h"

#include "liquid/Dialect/Liquid/LiquidDialect.h.inc"

#endif // LIQUID_DIALECT_LIQUID_LIQUIDDIALECT_H
