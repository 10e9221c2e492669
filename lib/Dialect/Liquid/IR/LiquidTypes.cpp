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
int64_t Q8ActType::getBlockSize() const { return 32; }
int64_t Q8ActType::getBlockBytes() const { return 40; }
int64_t PanelsType::getBlockSize() const {
  return cast<QuantizedTypeInterface>(getBlock()).getBlockSize();
}
int64_t PanelsType::getBlockBytes() const {
  return cast<QuantizedTypeInterface>(getBlock()).getBlockBytes();
}
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

SmallVector<int64_t> PanelsType::getByteShape(ArrayRef<int64_t> shape) const {
  SmallVector<int64_t> bytes(shape.drop_back(2));
  int64_t rows = shape[shape.size() - 2], columns = shape.back();
  bytes.push_back(rows / getRows());
  bytes.push_back(columns / getBlockSize() * getRows() * getBlockBytes());
  return bytes;
}

LogicalResult PanelsType::verify(function_ref<InFlightDiagnostic()> emitError,
                                 Type block, unsigned rows) {
  if (!isa<Q8_0Type, Q4_0Type>(block))
    return emitError() << "panels hold !liquid.q8_0 or !liquid.q4_0 blocks, "
                          "not "
                       << block;
  if (rows == 0 || rows > 64 || (rows & (rows - 1)))
    return emitError() << "panel rows must be a power of two in [1, 64], got "
                       << rows;
  return success();
}
