//===- PlanWorkspace.cpp - Kernel temporaries in planned scratch -----------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// This file implements liquid-plan-workspace. After bufferization, the
// temporaries a kernel needs (memref.alloc of static shape) become views
// of one workspace buffer the kernel takes as its last buffer argument:
// each workgroup owns `liquid.workspace / workgroups` bytes of it, and each
// temporary a fixed, 64-byte-aligned offset there. The memory plan then
// gives every launch of the kernel that many bytes of scratch, live for the
// launch only, so no kernel calls malloc. A buffer that may outlive an
// iteration of the loop that allocates it (yielded, returned) keeps its
// allocation.
//
//===----------------------------------------------------------------------===//

#include "liquid/Dialect/Liquid/LiquidDialect.h"
#include "liquid/Dialect/Liquid/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/Builders.h"
#include "mlir/Interfaces/ViewLikeInterface.h"

namespace mlir::liquid {
#define GEN_PASS_DEF_PLANWORKSPACEPASS
#include "liquid/Dialect/Liquid/Passes.h.inc"
} // namespace mlir::liquid

using namespace mlir;
using mlir::liquid::LiquidDialect;

static constexpr int64_t kAlign = 64;

/// Bytes of a statically shaped memref of int or float elements, or 0.
static int64_t byteSize(MemRefType type) {
  Type element = type.getElementType();
  if (!type.hasStaticShape() || !type.getLayout().isIdentity() ||
      !element.isIntOrFloat() || element.getIntOrFloatBitWidth() % 8)
    return 0;
  return type.getNumElements() * (element.getIntOrFloatBitWidth() / 8);
}

/// Whether the buffer of `alloc` may be used after the block iteration that
/// created it ends: one of its views reaches a terminator that passes
/// values on (scf.yield, func.return), becomes a loop-carried value, or is
/// captured in memory.
static bool escapes(memref::AllocOp alloc) {
  SmallVector<Value> work = {alloc.getResult()};
  while (!work.empty()) {
    Value v = work.pop_back_val();
    for (OpOperand &use : v.getUses()) {
      Operation *user = use.getOwner();
      // Passed on by a terminator, carried by a loop, or stored.
      if (isa<scf::YieldOp, func::ReturnOp, scf::ForOp, scf::WhileOp>(user) ||
          (isa<memref::StoreOp>(user) && use.getOperandNumber() == 0))
        return true;
      if (auto view = dyn_cast<ViewLikeOpInterface>(user))
        if (view.getViewSource() == v)
          work.push_back(view->getResult(0));
      if (isa<memref::CastOp>(user))
        work.push_back(user->getResult(0));
    }
  }
  return false;
}

/// Moves the static temporaries of `func` into a workspace argument.
static LogicalResult planFunction(func::FuncOp func) {
  auto workgroups =
      func->getAttrOfType<IntegerAttr>(LiquidDialect::getWorkgroupsAttrName());
  if (!workgroups || func.isExternal())
    return success();
  SmallVector<std::pair<memref::AllocOp, int64_t>> planned;
  int64_t perWorkgroup = 0;
  func.walk([&](memref::AllocOp alloc) {
    int64_t size = byteSize(alloc.getType());
    if (!size || !alloc.getDynamicSizes().empty() || escapes(alloc))
      return;
    planned.push_back({alloc, perWorkgroup});
    perWorkgroup += (size + kAlign - 1) / kAlign * kAlign;
  });
  if (planned.empty())
    return success();

  // The workspace goes after the other buffers (the runtime binds buffers
  // in argument order), before the workgroup id.
  unsigned workgroupArg = func.getNumArguments();
  for (unsigned i = 0; i < func.getNumArguments(); ++i)
    if (func.getArgAttr(i, LiquidDialect::getWorkgroupAttrName()))
      workgroupArg = i;
  if (workgroupArg == func.getNumArguments())
    return func.emitOpError("has no argument tagged liquid.workgroup");
  OpBuilder b(func.getContext());
  int64_t total = perWorkgroup * workgroups.getInt();
  auto type = MemRefType::get({total}, b.getI8Type());
  NamedAttrList attrs;
  attrs.append(LiquidDialect::getBufferAttrName(), TypeAttr::get(type));
  attrs.append(LiquidDialect::getWorkspaceAttrName(), b.getUnitAttr());
  attrs.append(LiquidDialect::getWrittenAttrName(), b.getUnitAttr());
  if (failed(func.insertArgument(workgroupArg, type,
                                 attrs.getDictionary(func.getContext()),
                                 func.getLoc())))
    return failure();
  BlockArgument workspace = func.getArgument(workgroupArg);
  BlockArgument workgroup = func.getArgument(workgroupArg + 1);
  func->setAttr(LiquidDialect::getWorkspaceAttrName(),
                b.getI64IntegerAttr(total));

  b.setInsertionPointToStart(&func.getBody().front());
  Location loc = func.getLoc();
  Value base = arith::MulIOp::create(
      b, loc, workgroup, arith::ConstantIndexOp::create(b, loc, perWorkgroup));
  for (auto [alloc, offset] : planned) {
    b.setInsertionPoint(alloc);
    Value at = arith::AddIOp::create(
        b, alloc.getLoc(), base,
        arith::ConstantIndexOp::create(b, alloc.getLoc(), offset));
    Value view = memref::ViewOp::create(b, alloc.getLoc(), alloc.getType(),
                                        workspace, at, ValueRange{});
    for (Operation *user : llvm::make_early_inc_range(alloc->getUsers()))
      if (isa<memref::DeallocOp>(user))
        user->erase();
    alloc.replaceAllUsesWith(view);
    alloc.erase();
  }
  return success();
}

namespace {
struct PlanWorkspacePass
    : liquid::impl::PlanWorkspacePassBase<PlanWorkspacePass> {
  void runOnOperation() override {
    for (auto func : getOperation().getOps<func::FuncOp>())
      if (failed(planFunction(func)))
        return signalPassFailure();
  }
};
} // namespace
