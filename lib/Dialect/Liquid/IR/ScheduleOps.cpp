//===- ScheduleOps.cpp - The host schedule of a compiled model ------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// This file implements the verifier of liquid.dispatch
// (dialects/Liquid/ScheduleOps.td).
//
//===----------------------------------------------------------------------===//

#include "liquid/Dialect/Liquid/LiquidOps.h"

using namespace mlir;
using namespace mlir::liquid;

LogicalResult DispatchOp::verify() {
  if (getWorkgroups() < 1)
    return emitOpError("needs at least one workgroup, got ")
           << getWorkgroups();
  ArrayRef<int64_t> tied = getTiedOperands();
  if (tied.size() != getNumResults())
    return emitOpError("has ") << getNumResults() << " results but "
                               << tied.size() << " tied operands";
  for (auto [i, operand] : llvm::enumerate(tied)) {
    if (operand < 0 || operand >= static_cast<int64_t>(getArgs().size()))
      return emitOpError("result ") << i << " is tied to operand " << operand
                                    << ", which does not exist";
    if (getArgs()[operand].getType() != getResult(i).getType())
      return emitOpError("result ")
             << i << " has type " << getResult(i).getType()
             << " but its destination operand " << operand << " has type "
             << getArgs()[operand].getType();
  }
  return success();
}
