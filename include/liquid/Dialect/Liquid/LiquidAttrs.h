//===- LiquidAttrs.h - Attributes of the liquid dialect -----------*- C++ -*-===//
//
// SPDX-License-Identifier: Apache-2.0
//
// Declares the dialect's enums, #liquid.target (the target description
// that code generation reads), #liquid.state and #liquid.model
// (dialects/Liquid/LiquidAttrs.td).
//
//===----------------------------------------------------------------------===//

#ifndef LIQUID_DIALECT_LIQUID_LIQUIDATTRS_H
#define LIQUID_DIALECT_LIQUID_LIQUIDATTRS_H

#include "mlir/IR/Attributes.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectImplementation.h"
#include "mlir/IR/Operation.h"

#include "liquid/Dialect/Liquid/LiquidEnums.h.inc"

namespace mlir::liquid {
/// Parses `[conv, attention, ...]`, the layers of #liquid.model.
FailureOr<SmallVector<LayerKind>> parseLayerKinds(AsmParser &parser);
} // namespace mlir::liquid

#define GET_ATTRDEF_CLASSES
#include "liquid/Dialect/Liquid/LiquidAttrs.h.inc"

#endif // LIQUID_DIALECT_LIQUID_LIQUIDATTRS_H
