//===- LiquidTypes.h - Block-quantized weight element types -------*- C++ -*-===//
//
// SPDX-License-Identifier: Apache-2.0
//
// Declares !liquid.q8_0, !liquid.q4_0, !liquid.qint<bits, group> and the
// QuantizedTypeInterface they implement (dialects/Liquid/LiquidTypes.td).
//
//===----------------------------------------------------------------------===//

#ifndef LIQUID_DIALECT_LIQUID_LIQUIDTYPES_H
#define LIQUID_DIALECT_LIQUID_LIQUIDTYPES_H

#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Types.h"

#include "liquid/Dialect/Liquid/LiquidTypeInterfaces.h.inc"

#define GET_TYPEDEF_CLASSES
#include "liquid/Dialect/Liquid/LiquidTypes.h.inc"

#endif // LIQUID_DIALECT_LIQUID_LIQUIDTYPES_H
