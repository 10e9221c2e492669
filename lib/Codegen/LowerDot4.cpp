//===- LowerDot4.cpp - liquid.dot4 to the target's byte dot product -------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// This file implements liquid-lower-dot4. The choice is made from the
// target description: `vpdpbusd` (LLVM's llvm.x86.avx512.vpdpbusd.*
// intrinsics, which also select the AVX-VNNI encoding) where the target
// has it at the vector's width, else portable vector arithmetic that LLVM
// can compile for any target. A new target adds a case to `intrinsicFor`.
//
//===----------------------------------------------------------------------===//

#include "liquid/Dialect/Liquid/LiquidOps.h"
#include "liquid/Dialect/Liquid/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::liquid {
#define GEN_PASS_DEF_LOWERDOT4PASS
#include "liquid/Dialect/Liquid/Passes.h.inc"
} // namespace mlir::liquid

using namespace mlir;
using namespace mlir::liquid;

/// The LLVM intrinsic computing liquid.dot4 over `lanes` i32 lanes on
/// `target`, or "" when it has none.
static StringRef intrinsicFor(TargetAttr target, int64_t lanes) {
  bool vnni512 = target.hasFeature("avx512vnni");
  bool vnniNarrow = target.hasFeature("avxvnni") ||
                    (vnni512 && target.hasFeature("avx512vl"));
  if (lanes == 16 && vnni512)
    return "llvm.x86.avx512.vpdpbusd.512";
  if (lanes == 8 && vnniNarrow)
    return "llvm.x86.avx512.vpdpbusd.256";
  if (lanes == 4 && vnniNarrow)
    return "llvm.x86.avx512.vpdpbusd.128";
  return "";
}

/// acc + the four products of each lane, with nothing but vector
/// arithmetic: widen, multiply, and add the products 4i + j for j < 4
/// through strided shuffles.
static Value buildPortable(OpBuilder &b, Location loc, Dot4Op op) {
  int64_t lanes = op.getAcc().getType().getNumElements();
  auto wide = VectorType::get({4 * lanes}, b.getI32Type());
  Value lhs = arith::ExtUIOp::create(b, loc, wide, op.getLhs());
  Value rhs = arith::ExtSIOp::create(b, loc, wide, op.getRhs());
  Value products = arith::MulIOp::create(b, loc, lhs, rhs);
  Value sum = op.getAcc();
  for (int64_t j = 0; j < 4; ++j) {
    SmallVector<int64_t> mask;
    for (int64_t i = 0; i < lanes; ++i)
      mask.push_back(4 * i + j);
    Value part =
        vector::ShuffleOp::create(b, loc, products, products, mask);
    sum = arith::AddIOp::create(b, loc, sum, part);
  }
  return sum;
}

namespace {
struct LowerDot4 : OpRewritePattern<Dot4Op> {
  LowerDot4(MLIRContext *ctx, TargetAttr target)
      : OpRewritePattern(ctx), target(target) {}

  LogicalResult matchAndRewrite(Dot4Op op,
                                PatternRewriter &rewriter) const override {
    int64_t lanes = op.getAcc().getType().getNumElements();
    StringRef intrinsic = intrinsicFor(target, lanes);
    if (intrinsic.empty()) {
      rewriter.replaceOp(op, buildPortable(rewriter, op.getLoc(), op));
      return success();
    }
    rewriter.replaceOpWithNewOp<LLVM::CallIntrinsicOp>(
        op, op.getType(), rewriter.getStringAttr(intrinsic),
        ValueRange{op.getAcc(), op.getLhs(), op.getRhs()});
    return success();
  }

  TargetAttr target;
};

struct LowerDot4Pass : liquid::impl::LowerDot4PassBase<LowerDot4Pass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<LowerDot4>(&getContext(),
                            TargetAttr::lookup(getOperation()));
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace
