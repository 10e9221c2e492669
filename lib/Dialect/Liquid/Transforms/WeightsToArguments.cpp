//===- WeightsToArguments.cpp - Weight reads become function arguments ----===//
//
// SPDX-License-Identifier: Apache-2.0
//
// This file implements liquid-weights-to-arguments: each function gets one
// trailing argument per distinct weight it reads, tagged with the weight's
// checkpoint name; quantized weights arrive as their raw bytes.
//
//===----------------------------------------------------------------------===//

#include "liquid/Dialect/Liquid/LiquidOps.h"
#include "liquid/Dialect/Liquid/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "llvm/ADT/MapVector.h"

namespace mlir::liquid {
#define GEN_PASS_DEF_WEIGHTSTOARGUMENTSPASS
#include "liquid/Dialect/Liquid/Passes.h.inc"
} // namespace mlir::liquid

using namespace mlir;
using namespace mlir::liquid;

namespace {
struct WeightsToArgumentsPass
    : liquid::impl::WeightsToArgumentsPassBase<WeightsToArgumentsPass> {
  void runOnOperation() override {
    for (auto func : getOperation().getOps<func::FuncOp>())
      if (failed(convert(func)))
        return signalPassFailure();
    for (auto param :
         llvm::make_early_inc_range(getOperation().getOps<ParamOp>()))
      param.erase();
  }

  LogicalResult convert(func::FuncOp func) {
    if (func.isExternal())
      return success();
    // Weights in first-use order, each with every read of it.
    llvm::MapVector<StringAttr, SmallVector<WeightOp>> reads;
    func.walk([&](WeightOp op) {
      reads[op.getNameAttr().getAttr()].push_back(op);
    });
    if (reads.empty())
      return success();

    OpBuilder b(func.getContext());
    Block &entry = func.getBody().front();
    b.setInsertionPointToStart(&entry);
    for (auto &[name, ops] : reads) {
      auto type = cast<RankedTensorType>(ops.front().getType());
      bool quantized = isa<QuantizedTypeInterface>(type.getElementType());
      Type argType = quantized ? BitcastOp::getByteType(type) : type;
      unsigned index = func.getNumArguments();
      auto attrs = b.getDictionaryAttr(b.getNamedAttr("liquid.weight", name));
      if (failed(func.insertArgument(index, argType, attrs,
                                     ops.front().getLoc())))
        return func.emitOpError("cannot add an argument for ") << name;
      Value value = func.getArgument(index);
      if (quantized)
        value = BitcastOp::create(b, value.getLoc(), type, value);
      for (WeightOp op : ops) {
        op.replaceAllUsesWith(value);
        op.erase();
      }
    }
    return success();
  }
};
} // namespace
