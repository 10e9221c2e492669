//===- LowerDot4.cpp - liquid.dot4 to the target's byte dot product -------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// This file implements liquid-lower-dot4. The choice is made from the
// target description: `vpdpbusd` (LLVM's llvm.x86.avx512.vpdpbusd.*
// intrinsics, which also select the AVX-VNNI encoding) where the target
// has it at the vector's width; else `vpmaddubsw` + `vpmaddwd` (AVX2,
// AVX-512BW, SSSE3) where the target has those; else portable vector
// arithmetic that LLVM can compile for any target. A new target adds a case
// to `intrinsicFor` or `pairProductsFor`.
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

namespace {
/// The two steps of a byte dot product without one instruction for it:
/// `bytes` multiplies unsigned by signed bytes and adds adjacent products
/// into i16 lanes (saturating), `words` multiplies i16 lanes and adds
/// adjacent products into i32 lanes.
struct PairProducts {
  StringRef bytes, words;
};
} // namespace

/// The pair-product intrinsics for `lanes` i32 lanes on `target`, if any.
static std::optional<PairProducts> pairProductsFor(TargetAttr target,
                                                   int64_t lanes) {
  if (lanes == 16 && target.hasFeature("avx512bw"))
    return PairProducts{"llvm.x86.avx512.pmaddubs.w.512",
                        "llvm.x86.avx512.pmaddw.d.512"};
  if (lanes == 8 && target.hasFeature("avx2"))
    return PairProducts{"llvm.x86.avx2.pmadd.ub.sw", "llvm.x86.avx2.pmadd.wd"};
  // SSSE3 is implied by any of these (the feature list names the newest).
  if (lanes == 4 && (target.hasFeature("ssse3") ||
                     target.hasFeature("sse4.2") || target.hasFeature("avx")))
    return PairProducts{"llvm.x86.ssse3.pmadd.ub.sw.128",
                        "llvm.x86.sse2.pmadd.wd"};
  return std::nullopt;
}

/// acc + the four products of each lane through pair products. The i16
/// step saturates, so it must never see a pair beyond 32767: an `lhs`
/// below 2^7 goes in as it is (a pair is at most 2 * 127 * 128); a full
/// byte is split into its nibbles (pairs at most 2 * 15 * 128), whose sums
/// the i32 step weighs 1 and 16.
static Value buildPairProducts(OpBuilder &b, Location loc, Dot4Op op,
                               PairProducts f) {
  VectorType accType = op.getAcc().getType(), byteType = op.getLhs().getType();
  auto words = VectorType::get({2 * accType.getNumElements()}, b.getI16Type());
  auto splat = [&](VectorType type, int64_t v) -> Value {
    return arith::ConstantOp::create(
        b, loc, DenseElementsAttr::get(
                    type, APInt(type.getElementTypeBitWidth(), v)));
  };
  auto call = [&](StringRef name, Type type, ValueRange args) -> Value {
    return LLVM::CallIntrinsicOp::create(b, loc, type, b.getStringAttr(name),
                                         args)
        ->getResult(0);
  };
  Value acc = op.getAcc();
  auto accumulate = [&](Value lhs, int64_t weight) {
    Value pairs = call(f.bytes, words, {lhs, op.getRhs()});
    Value sums = call(f.words, accType, {pairs, splat(words, weight)});
    acc = arith::AddIOp::create(b, loc, acc, sums);
  };
  if (op.getLhsBits() <= 7) {
    accumulate(op.getLhs(), 1);
    return acc;
  }
  Value low = arith::AndIOp::create(b, loc, op.getLhs(), splat(byteType, 15));
  Value high = arith::ShRUIOp::create(b, loc, op.getLhs(), splat(byteType, 4));
  accumulate(low, 1);
  accumulate(high, 16);
  return acc;
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
      std::optional<PairProducts> pairs = pairProductsFor(target, lanes);
      rewriter.replaceOp(
          op, pairs ? buildPairProducts(rewriter, op.getLoc(), op, *pairs)
                    : buildPortable(rewriter, op.getLoc(), op));
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
