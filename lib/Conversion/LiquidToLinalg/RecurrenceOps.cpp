//===- RecurrenceOps.cpp - Lowering the short convolution -----------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// This file implements the convert-liquid-to-linalg patterns of the ops in
// dialects/Liquid/RecurrenceOps.td: the gated short convolution becomes an
// input gate, a concatenation with the window state, a depthwise causal
// convolution, an output gate and a slice for the new state.
//
//===----------------------------------------------------------------------===//

#include "LoweringUtils.h"

#include "liquid/Dialect/Liquid/LiquidOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;
using namespace mlir::liquid;
using namespace mlir::liquid::lowering;

namespace {

/// ```
/// B, C, x      = input[:, 0:H], input[:, H:2H], input[:, 2H:3H]
/// bx[t, c]     = B[t, c] * x[t, c]
/// window       = concat(state, bx)                        [L-1+T, H]
/// conv[t, c]   = sum_k window[t + k, c] * kernel[c, k]
/// result[t, c] = C[t, c] * conv[t, c]
/// new_state    = window[T : T + L-1]
/// ```
struct ShortConvLowering : OpRewritePattern<ShortConvOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(ShortConvOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = op.getContext();
    Value input = op.getInput(), kernel = op.getKernel(), state = op.getState();
    auto resultType = cast<RankedTensorType>(op.getResult().getType());
    auto kernelType = cast<RankedTensorType>(kernel.getType());
    int64_t hidden = kernelType.getDimSize(0), length = kernelType.getDimSize(1);
    AffineExpr t = getAffineDimExpr(0, ctx), c = getAffineDimExpr(1, ctx);

    // The three [T, H] channel groups of in_proj's output: B, C, x.
    OpFoldResult tokens =
        resultType.isDynamicDim(0)
            ? OpFoldResult(tensor::DimOp::create(rewriter, loc, input, 0)
                               .getResult())
            : OpFoldResult(rewriter.getIndexAttr(resultType.getDimSize(0)));
    auto group = [&](int64_t index) -> Value {
      return tensor::ExtractSliceOp::create(
          rewriter, loc, resultType, input,
          ArrayRef<OpFoldResult>{rewriter.getIndexAttr(0),
                                 rewriter.getIndexAttr(index * hidden)},
          ArrayRef<OpFoldResult>{tokens, rewriter.getIndexAttr(hidden)},
          ArrayRef<OpFoldResult>{rewriter.getIndexAttr(1),
                                 rewriter.getIndexAttr(1)});
    };
    Value gateB = group(0), gateC = group(1), x = group(2);
    auto multiply = [&](Value a, Value b) {
      return buildElementwise(rewriter, loc, {a, b}, resultType,
                              [](OpBuilder &nb, Location l, ValueRange args) {
                                return arith::MulFOp::create(nb, l, args[0],
                                                             args[1])
                                    .getResult();
                              });
    };

    // bx = B * x.
    Value bx = multiply(gateB, x);

    // The window: the previous L-1 gated inputs, then this chunk's.
    Value window = tensor::ConcatOp::create(rewriter, loc, 0,
                                            ValueRange{state, bx});

    // conv[t, c] = sum_k window[t + k, c] * kernel[c, k].
    AffineExpr k = getAffineDimExpr(2, ctx);
    Value convInit = zeroTensor(rewriter, loc, resultType, input, {0, 0});
    Value conv =
        linalg::GenericOp::create(
            rewriter, loc, resultType, ValueRange{window, kernel}, convInit,
            ArrayRef<AffineMap>{AffineMap::get(3, 0, {t + k, c}, ctx),
                                AffineMap::get(3, 0, {c, k}, ctx),
                                AffineMap::get(3, 0, {t, c}, ctx)},
            {utils::IteratorType::parallel, utils::IteratorType::parallel,
             utils::IteratorType::reduction},
            [](OpBuilder &b, Location l, ValueRange args) {
              Value prod = arith::MulFOp::create(b, l, args[0],
                                                 toF32(b, l, args[1]));
              linalg::YieldOp::create(
                  b, l, {arith::AddFOp::create(b, l, args[2], prod)});
            })
            .getResult(0);

    // result = C * conv.
    Value result = multiply(gateC, conv);

    // new_state = window[T : T + L-1]: the last L-1 gated inputs.
    Value newState = tensor::ExtractSliceOp::create(
        rewriter, loc, cast<RankedTensorType>(state.getType()), window,
        ArrayRef<OpFoldResult>{tokens, rewriter.getIndexAttr(0)},
        ArrayRef<OpFoldResult>{rewriter.getIndexAttr(length - 1),
                               rewriter.getIndexAttr(hidden)},
        ArrayRef<OpFoldResult>{rewriter.getIndexAttr(1),
                               rewriter.getIndexAttr(1)});
    rewriter.replaceOp(op, {result, newState});
    return success();
  }
};

} // namespace

void lowering::populateRecurrenceOpPatterns(RewritePatternSet &patterns) {
  patterns.add<ShortConvLowering>(patterns.getContext());
}
