//===- LiquidAttrs.h - Attributes of the liquid dialect -----------*- C++ -*-===//
//
// SPDX-License-Identifier: Apache-2.0
//
// Declares #liquid.target, the target description that code generation
// reads (dialects/Liquid/LiquidAttrs.td).
//
//===----------------------------------------------------------------------===//

#ifndef LIQUID_DIALECT_LIQUID_LIQUIDATTRS_H
#define LIQUID_DIALECT_LIQUID_LIQUIDATTRS_H

#include "mlir/IR/Attributes.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Operation.h"

#define GET_ATTRDEF_CLASSES
#include "liquid/Dialect/Liquid/LiquidAttrs.h.inc"

#endif // LIQUID_DIALECT_LIQUID_LIQUIDATTRS_H
