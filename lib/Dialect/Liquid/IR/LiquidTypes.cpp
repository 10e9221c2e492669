//===- LiquidTypes.cpp - Block-quantized weight element types ------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// This file implements the QuantizedTypeInterface of the liquid dialect's
// block-quantized types.
//
//===----------------------------------------------------------------------===//

#include "liquid/Dialect/Liquid/LiquidOps.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectImplementation.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace mlir::liquid;

#include "liquid/Dialect/Liquid/LiquidTypeInterfaces.cpp.inc"

#define GET_TYPEDEF_CLASSES
#include "liquid/Dialect/Liquid/LiquidTypes.cpp.inc"

void LiquidDialect::registerTypes() {
  addTypes<
#define GET_TYPEDEF_LIST
#include "liquid/Dialect/Liquid/LiquidTypes.cpp.inc"
      >();
}

int64_t Q8_0Type::getBlockSize() const { return 32; }
int64_t Q8_0Type::getBlockBytes() const { return 34; }
int64_t Q4_0Type::getBlockSize() const { return 32; }
int64_t Q4_0Type::getBlockBytes() const { return 18; }
int64_t GroupQuantType::getBlockSize() const { return getGroup(); }
int64_t GroupQuantType::getBlockBytes() const {
  return 2 + static_cast<int64_t>(getGroup()) * getBits() / 8;
}

LogicalResult
GroupQuantType::verify(function_ref<InFlightDiagnostic()> emitError,
                       unsigned bits, unsigned group) {
  if (bits != 4 && bits != 8)
    return emitError() << "bits must be 4 or 8, got " << bits;
  if (group == 0 || (group * bits) % 8 != 0)
    return emitError() << "group must be a positive number of whole bytes, "
                          "got "
                       << group;
  return success();
}
