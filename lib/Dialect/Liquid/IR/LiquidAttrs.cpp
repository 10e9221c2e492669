//===- LiquidAttrs.cpp - The target description ---------------------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// This file implements #liquid.target (its verifier, feature queries and
// the lookup every code generation pass uses to find it) and the label of
// #liquid.state.
//
//===----------------------------------------------------------------------===//

#include "liquid/Dialect/Liquid/LiquidOps.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectImplementation.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace mlir::liquid;

#define GET_ATTRDEF_CLASSES
#include "liquid/Dialect/Liquid/LiquidAttrs.cpp.inc"

void LiquidDialect::registerAttributes() {
  addAttributes<
#define GET_ATTRDEF_LIST
#include "liquid/Dialect/Liquid/LiquidAttrs.cpp.inc"
      >();
}

std::string StateAttr::getName() const {
  return ("layers." + llvm::Twine(getLayer()) + "." +
          stringifyStateKind(getKind()))
      .str();
}

LogicalResult TargetAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                                 StringRef triple, StringRef cpu,
                                 StringRef features, unsigned vectorBits,
                                 unsigned vectorRegisters) {
  if (vectorBits != 128 && vectorBits != 256 && vectorBits != 512)
    return emitError() << "vector_bits must be 128, 256 or 512, got "
                       << vectorBits;
  if (vectorRegisters < 8 || vectorRegisters > 64)
    return emitError() << "vector_registers must be in [8, 64], got "
                       << vectorRegisters;
  return success();
}

bool TargetAttr::hasFeature(StringRef feature) const {
  SmallVector<StringRef> list;
  getFeatures().split(list, ',', -1, /*KeepEmpty=*/false);
  return llvm::is_contained(list, feature);
}

TargetAttr TargetAttr::lookup(Operation *op) {
  MLIRContext *context = op->getContext();
  for (; op; op = op->getParentOp())
    if (auto target = op->getAttrOfType<TargetAttr>("liquid.target"))
      return target;
  return TargetAttr::get(context, "", "generic", "", 128, 16);
}
