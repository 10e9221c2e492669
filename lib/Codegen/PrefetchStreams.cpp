//===- PrefetchStreams.cpp - Software prefetch of streamed buffers ---------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// This file implements liquid-prefetch-streams. A kernel that streams a
// read-only buffer through a loop (a weight panel block after block, the
// keys and values of a cache) asks for the bytes `distance` ahead of each
// vector load with memref.prefetch, so the next blocks are on their way
// while the current one is computed: the hardware prefetchers alone leave
// a core well short of its bandwidth when every line is followed by work.
//
//===----------------------------------------------------------------------===//

#include "liquid/Dialect/Liquid/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Interfaces/ViewLikeInterface.h"

namespace mlir::liquid {
#define GEN_PASS_DEF_PREFETCHSTREAMSPASS
#include "liquid/Dialect/Liquid/Passes.h.inc"
} // namespace mlir::liquid

using namespace mlir;

/// Whether nothing in the function writes the buffer `memref` (or a view
/// of it): it is only loaded from.
static bool isReadOnly(Value memref) {
  SmallVector<Value> work = {memref};
  while (!work.empty()) {
    Value v = work.pop_back_val();
    for (Operation *user : v.getUsers()) {
      if (isa<vector::LoadOp, memref::LoadOp, vector::TransferReadOp,
              memref::PrefetchOp>(user))
        continue;
      auto view = dyn_cast<ViewLikeOpInterface>(user);
      if (!view || view.getViewSource() != v)
        return false;
      work.push_back(user->getResult(0));
    }
  }
  return true;
}

/// The function argument `v` is a view of, if any.
static BlockArgument rootArgument(Value v) {
  while (auto view = v.getDefiningOp<ViewLikeOpInterface>())
    v = view.getViewSource();
  auto arg = dyn_cast<BlockArgument>(v);
  if (arg && isa<func::FuncOp>(arg.getOwner()->getParentOp()))
    return arg;
  return {};
}

namespace {
struct PrefetchStreamsPass
    : liquid::impl::PrefetchStreamsPassBase<PrefetchStreamsPass> {
  using PrefetchStreamsPassBase::PrefetchStreamsPassBase;

  void runOnOperation() override {
    DenseMap<BlockArgument, bool> readOnly;
    getOperation().walk([&](vector::LoadOp load) {
      auto loop = dyn_cast<scf::ForOp>(load->getParentOp());
      auto type = cast<MemRefType>(load.getBase().getType());
      int64_t bits = load.getVectorType().getNumElements() *
                     type.getElementTypeBitWidth();
      if (!loop || bits < 256 || load.getIndices().empty())
        return;
      // The innermost index advances with the loop.
      Value last = load.getIndices().back();
      if (loop.isDefinedOutsideOfLoop(last))
        return;
      BlockArgument arg = rootArgument(load.getBase());
      if (!arg)
        return;
      auto [it, inserted] = readOnly.try_emplace(arg, false);
      if (inserted)
        it->second = isReadOnly(arg);
      if (!it->second)
        return;
      OpBuilder b(load);
      int64_t elements = distance * 8 / type.getElementTypeBitWidth();
      SmallVector<Value> indices(load.getIndices());
      indices.back() = arith::AddIOp::create(
          b, load.getLoc(), last,
          arith::ConstantIndexOp::create(b, load.getLoc(), elements));
      memref::PrefetchOp::create(b, load.getLoc(), load.getBase(), indices,
                                 b.getBoolAttr(false), b.getI32IntegerAttr(0),
                                 b.getBoolAttr(true));
    });
  }
};
} // namespace
