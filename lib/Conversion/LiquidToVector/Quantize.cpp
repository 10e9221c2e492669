//===- Quantize.cpp - liquid.quantize as vector code ----------------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// This file implements the lowering of liquid.quantize: for each row and
// each block of 32 values, one vector read, an absolute-max reduction, the
// scale d = max / 127, q = round_even(x * (1 / d)) narrowed to i8, and the
// sum of q; the 40 bytes of the block are written in the !liquid.q8_act
// layout.
//
//===----------------------------------------------------------------------===//

#include "LiquidToVectorPatterns.h"
#include "VectorBuilders.h"

#include "liquid/Dialect/Liquid/LiquidOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

using namespace mlir;
using namespace mlir::liquid;
using namespace mlir::liquid::vectorize;

namespace {
struct QuantizeLowering : OpRewritePattern<QuantizeOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(QuantizeOp op,
                                PatternRewriter &rewriter) const override {
    auto inType = cast<RankedTensorType>(op.getInput().getType());
    if (inType.getRank() != 2)
      return rewriter.notifyMatchFailure(op, "only [rows, columns] inputs");
    Location loc = op.getLoc();
    int64_t rows = inType.getDimSize(0), blocks = inType.getDimSize(1) / 32;
    RankedTensorType byteType =
        BitcastOp::getByteType(cast<RankedTensorType>(op.getType()));
    Type f32 = rewriter.getF32Type(), i32 = rewriter.getI32Type();
    Value init = tensor::EmptyOp::create(rewriter, loc, byteType.getShape(),
                                         rewriter.getI8Type());
    Value c0 = index(rewriter, loc, 0), c1 = index(rewriter, loc, 1);

    auto rowLoop = scf::ForOp::create(rewriter, loc, c0,
                                      index(rewriter, loc, rows), c1, init);
    OpBuilder rb = OpBuilder::atBlockBegin(rowLoop.getBody());
    Value t = rowLoop.getInductionVar();
    auto blockLoop =
        scf::ForOp::create(rb, loc, c0, index(rb, loc, blocks), c1,
                           rowLoop.getRegionIterArg(0));
    scf::YieldOp::create(rb, loc, blockLoop.getResult(0));

    OpBuilder b = OpBuilder::atBlockBegin(blockLoop.getBody());
    Value blk = blockLoop.getInductionVar();
    Value dest = blockLoop.getRegionIterArg(0);
    Value column = arith::MulIOp::create(b, loc, blk, index(b, loc, 32));
    auto x32 = VectorType::get({32}, f32);
    Value x = vector::TransferReadOp::create(
        b, loc, x32, op.getInput(), ValueRange{t, column},
        arith::ConstantOp::create(b, loc, b.getF32FloatAttr(0)),
        ArrayRef<bool>{true});
    Value amax = vector::ReductionOp::create(
        b, loc, vector::CombiningKind::MAXIMUMF, math::AbsFOp::create(b, loc, x));
    Value zero = arith::ConstantOp::create(b, loc, b.getF32FloatAttr(0));
    Value d = arith::DivFOp::create(
        b, loc, amax, arith::ConstantOp::create(b, loc, b.getF32FloatAttr(127)));
    Value inverse = arith::SelectOp::create(
        b, loc,
        arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OEQ, d, zero), zero,
        arith::DivFOp::create(
            b, loc, arith::ConstantOp::create(b, loc, b.getF32FloatAttr(1)), d));
    Value scaled = arith::MulFOp::create(
        b, loc, x, vector::BroadcastOp::create(b, loc, x32, inverse));
    Value q32 = arith::FPToSIOp::create(b, loc, VectorType::get({32}, i32),
                                        math::RoundEvenOp::create(b, loc, scaled));
    Value sum = vector::ReductionOp::create(b, loc, vector::CombiningKind::ADD,
                                            q32);
    Value q8 = arith::TruncIOp::create(
        b, loc, VectorType::get({32}, b.getI8Type()), q32);
    dest = write(b, loc, q8, dest, ValueRange{t, blk, c0});
    dest = writeScalar(b, loc, d, dest, ValueRange{t, blk, index(b, loc, 32)});
    dest = writeScalar(b, loc, sum, dest, ValueRange{t, blk, index(b, loc, 36)});
    scf::YieldOp::create(b, loc, dest);

    rewriter.replaceOpWithNewOp<BitcastOp>(op, op.getType(),
                                           rowLoop.getResult(0));
    return success();
  }
};
} // namespace

void mlir::liquid::vectorize::populateQuantizePatterns(
    RewritePatternSet &patterns) {
  patterns.add<QuantizeLowering>(patterns.getContext());
}
