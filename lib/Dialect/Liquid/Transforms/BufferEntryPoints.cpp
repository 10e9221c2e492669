//===- BufferEntryPoints.cpp - Entry points over caller-owned buffers -----===//
//
// SPDX-License-Identifier: Apache-2.0
//
// This file implements liquid-buffer-entry-points: public functions take
// memrefs instead of tensors and write their results into buffers the
// caller passes (state results into their own state argument), so the
// compiled code has a fixed C calling convention and updates state in place.
// Each buffer argument records its type (`liquid.buffer`) and, where the
// code may write it, `liquid.written`: every other argument is read-only
// (bufferization copies before writing one), which the runtime relies on
// to bind weights and the caller's tokens to it.
//
//===----------------------------------------------------------------------===//

#include "liquid/Dialect/Liquid/LiquidAttrs.h"
#include "liquid/Dialect/Liquid/LiquidDialect.h"
#include "liquid/Dialect/Liquid/Passes.h"

#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/Builders.h"

namespace mlir::liquid {
#define GEN_PASS_DEF_BUFFERENTRYPOINTSPASS
#include "liquid/Dialect/Liquid/Passes.h.inc"
} // namespace mlir::liquid

using namespace mlir;
using mlir::liquid::LiquidDialect;
using mlir::liquid::StateAttr;

/// The buffer type a tensor argument or result becomes.
static MemRefType bufferType(Type type) {
  auto tensor = dyn_cast<RankedTensorType>(type);
  if (!tensor || !tensor.hasStaticShape())
    return nullptr;
  return MemRefType::get(tensor.getShape(), tensor.getElementType());
}

namespace {
struct BufferEntryPointsPass
    : liquid::impl::BufferEntryPointsPassBase<BufferEntryPointsPass> {
  void runOnOperation() override {
    for (auto func : getOperation().getOps<func::FuncOp>())
      if (func.isPublic() && !func.isExternal() && failed(convert(func)))
        return signalPassFailure();
  }

  LogicalResult convert(func::FuncOp func) {
    Block &entry = func.getBody().front();
    OpBuilder b(func.getContext());
    b.setInsertionPointToStart(&entry);

    // Arguments: tensors become buffers viewed back as tensors; state and
    // tied destinations are writable.
    llvm::DenseMap<StateAttr, unsigned> stateArgs;
    llvm::SmallDenseSet<int64_t> tiedArgs;
    for (unsigned i = 0, e = func.getNumResults(); i < e; ++i)
      if (auto tied = func.getResultAttrOfType<IntegerAttr>(
              i, LiquidDialect::getTiedAttrName()))
        tiedArgs.insert(tied.getInt());
    for (BlockArgument arg : entry.getArguments()) {
      Type type = arg.getType();
      if (!isa<TensorType>(type))
        continue;
      MemRefType memref = bufferType(type);
      if (!memref)
        return func.emitOpError("argument ")
               << arg.getArgNumber() << " has no static shape: " << type;
      auto state = func.getArgAttrOfType<StateAttr>(
          arg.getArgNumber(), LiquidDialect::getStateAttrName());
      if (state)
        stateArgs[state] = arg.getArgNumber();
      bool writable = state || tiedArgs.contains(arg.getArgNumber());
      arg.setType(memref);
      func.setArgAttr(arg.getArgNumber(), LiquidDialect::getBufferAttrName(),
                      TypeAttr::get(memref));
      if (writable)
        func.setArgAttr(arg.getArgNumber(), LiquidDialect::getWrittenAttrName(),
                        b.getUnitAttr());
      auto view = bufferization::ToTensorOp::create(
          b, arg.getLoc(), type, arg, /*restrict=*/true, writable);
      arg.replaceAllUsesExcept(view, view);
    }

    // Results: each written into a caller's buffer.
    auto ret = cast<func::ReturnOp>(entry.getTerminator());
    b.setInsertionPoint(ret);
    for (auto [index, value] : llvm::enumerate(ret.getOperands())) {
      MemRefType memref = bufferType(value.getType());
      if (!memref)
        return func.emitOpError("result ")
               << index << " has no static shape: " << value.getType();
      Value dest;
      if (auto tied = func.getResultAttrOfType<IntegerAttr>(
              index, LiquidDialect::getTiedAttrName())) {
        if (tied.getInt() < 0 ||
            tied.getInt() >= static_cast<int64_t>(func.getNumArguments()))
          return func.emitOpError("result ")
                 << index << " is tied to a missing argument";
        dest = entry.getArgument(tied.getInt());
      } else if (auto state = func.getResultAttrOfType<StateAttr>(
                     index, LiquidDialect::getStateAttrName())) {
        auto it = stateArgs.find(state);
        if (it == stateArgs.end())
          return func.emitOpError("state result ")
                 << state << " has no argument of that state";
        dest = entry.getArgument(it->second);
      } else {
        unsigned at = func.getNumArguments();
        auto attrs = b.getDictionaryAttr(
            {b.getNamedAttr(LiquidDialect::getResultAttrName(),
                            b.getI64IntegerAttr(index)),
             b.getNamedAttr(LiquidDialect::getBufferAttrName(),
                            TypeAttr::get(memref)),
             b.getNamedAttr(LiquidDialect::getWrittenAttrName(),
                            b.getUnitAttr())});
        if (failed(func.insertArgument(at, memref, attrs, value.getLoc())))
          return func.emitOpError("cannot add a buffer for result ") << index;
        dest = func.getArgument(at);
      }
      bufferization::MaterializeInDestinationOp::create(
          b, value.getLoc(), TypeRange(), value, dest, /*restrict=*/false,
          /*writable=*/true);
    }
    func::ReturnOp::create(b, ret.getLoc());
    ret.erase();
    func.removeResAttrsAttr();
    func.setType(FunctionType::get(func.getContext(),
                                   entry.getArgumentTypes(), {}));
    return success();
  }
};
} // namespace
