//===- CopiesToLinalg.cpp - memref.copy becomes linalg.copy ---------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// This file implements liquid-copies-to-linalg: each memref.copy is replaced
// by a linalg.copy of the same source and target, which lowers to loops (and
// LLVM turns contiguous ones back into memcpy) instead of a call into MLIR's
// C runner library.
//
//===----------------------------------------------------------------------===//

#include "liquid/Dialect/Liquid/Passes.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/Builders.h"

namespace mlir::liquid {
#define GEN_PASS_DEF_COPIESTOLINALGPASS
#include "liquid/Dialect/Liquid/Passes.h.inc"
} // namespace mlir::liquid

using namespace mlir;

namespace {
struct CopiesToLinalgPass
    : liquid::impl::CopiesToLinalgPassBase<CopiesToLinalgPass> {
  void runOnOperation() override {
    SmallVector<memref::CopyOp> copies;
    getOperation().walk([&](memref::CopyOp op) { copies.push_back(op); });
    for (memref::CopyOp op : copies) {
      OpBuilder b(op);
      linalg::CopyOp::create(b, op.getLoc(), op.getSource(), op.getTarget());
      op.erase();
    }
  }
};
} // namespace
