//===- CellOps.cpp - Lowering the CfC and LTC cells -----------------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// This file implements the convert-liquid-to-linalg patterns of the ops in
// dialects/Liquid/CellOps.td. A cell over a sequence becomes an scf.for over
// the time steps carrying the hidden state and the output rows; each step is
// matrix-vector products and element-wise math in linalg (the LTC's ODE
// unfolds are a nested scf.for).
//
//===----------------------------------------------------------------------===//

#include "LoweringUtils.h"

#include "liquid/Dialect/Liquid/LiquidOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;
using namespace mlir::liquid;
using namespace mlir::liquid::lowering;

static RankedTensorType vectorType(OpBuilder &b, int64_t n) {
  return RankedTensorType::get({n}, b.getF32Type());
}

/// Row `t` of a [T, n] tensor as a [n] tensor.
static Value row(OpBuilder &b, Location loc, Value matrix, Value t) {
  auto type = cast<RankedTensorType>(matrix.getType());
  int64_t n = type.getDimSize(1);
  return tensor::ExtractSliceOp::create(
      b, loc, vectorType(b, n), matrix,
      ArrayRef<OpFoldResult>{t, b.getIndexAttr(0)},
      ArrayRef<OpFoldResult>{b.getIndexAttr(1), b.getIndexAttr(n)},
      ArrayRef<OpFoldResult>{b.getIndexAttr(1), b.getIndexAttr(1)});
}

/// `rows` with `vec` written as row `t`.
static Value setRow(OpBuilder &b, Location loc, Value rows, Value vec,
                    Value t) {
  int64_t n = cast<RankedTensorType>(vec.getType()).getDimSize(0);
  return tensor::InsertSliceOp::create(
      b, loc, vec, rows, ArrayRef<OpFoldResult>{t, b.getIndexAttr(0)},
      ArrayRef<OpFoldResult>{b.getIndexAttr(1), b.getIndexAttr(n)},
      ArrayRef<OpFoldResult>{b.getIndexAttr(1), b.getIndexAttr(1)});
}

/// `w · v + bias` for w [n, m], v [m], bias [n].
static Value affine(OpBuilder &b, Location loc, Value w, Value bias,
                    Value v) {
  auto type = vectorType(b, cast<RankedTensorType>(w.getType()).getDimSize(0));
  auto expanded = tensor::ExpandShapeOp::create(
      b, loc,
      RankedTensorType::get(
          {1, cast<RankedTensorType>(v.getType()).getDimSize(0)},
          b.getF32Type()),
      v, ArrayRef<ReassociationIndices>{{0, 1}});
  auto rowType = RankedTensorType::get({1, type.getDimSize(0)}, b.getF32Type());
  Value product = buildLinear(b, loc, expanded, w, rowType);
  Value flat = tensor::CollapseShapeOp::create(
      b, loc, type, product, ArrayRef<ReassociationIndices>{{0, 1}});
  return buildElementwise(b, loc, {flat, bias}, type,
                          [](OpBuilder &nb, Location l, ValueRange args) {
                            return arith::AddFOp::create(
                                       nb, l, args[0], toF32(nb, l, args[1]))
                                .getResult();
                          });
}

static Value activate(OpBuilder &b, Location loc, ActivationKind kind,
                      Value x) {
  switch (kind) {
  case ActivationKind::LeCunTanh: {
    Value inner = arith::MulFOp::create(b, loc, x, f32Const(b, loc, 0.666));
    return arith::MulFOp::create(b, loc, f32Const(b, loc, 1.7159),
                                 math::TanhOp::create(b, loc, inner));
  }
  case ActivationKind::Tanh:
    return math::TanhOp::create(b, loc, x);
  case ActivationKind::ReLU:
    return arith::MaximumFOp::create(b, loc, x, f32Const(b, loc, 0.0));
  case ActivationKind::SiLU:
    return arith::MulFOp::create(b, loc, x, sigmoid(b, loc, x));
  case ActivationKind::GELU: {
    // 0.5 x (1 + erf(x / sqrt 2)), PyTorch's default (exact) GELU.
    Value scaled = arith::MulFOp::create(b, loc, x,
                                         f32Const(b, loc, 0.7071067811865476));
    Value erf = math::ErfOp::create(b, loc, scaled);
    Value onePlus = arith::AddFOp::create(b, loc, f32Const(b, loc, 1.0), erf);
    return arith::MulFOp::create(
        b, loc, arith::MulFOp::create(b, loc, x, f32Const(b, loc, 0.5)),
        onePlus);
  }
  }
  llvm_unreachable("unknown activation");
}

namespace {

/// One CfC step per iteration (LFM2.md §5.2):
/// ```
/// z = concat(input[t], h); z = act(W_i z + b_i) per backbone layer
/// f1 = ff1(z)
/// pure:    h = -A * exp(-ts (|tau| + |f1|)) * f1 + A
/// gated:   g = sigmoid(time_a(z) * ts + time_b(z)); f1 = tanh f1;
///          f2 = tanh ff2(z); h = f1 (1 - g) + g f2   (no_gate: f1 + g f2)
/// ```
struct CfCLowering : OpRewritePattern<CfCOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(CfCOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto outType = cast<RankedTensorType>(op.getOutputs().getType());
    auto stateType = cast<RankedTensorType>(op.getInitialState().getType());
    Value input = op.getInput();
    Value steps = tensor::DimOp::create(rewriter, loc, input, 0);
    Value zero = arith::ConstantIndexOp::create(rewriter, loc, 0);
    Value one = arith::ConstantIndexOp::create(rewriter, loc, 1);
    Value outInit = emptyTensor(rewriter, loc, outType, input, {0, 1});
    CfCMode mode = op.getMode();
    ActivationKind act = op.getActivation();
    double span = op.getTimeSpan().convertToDouble();

    auto loop = scf::ForOp::create(
        rewriter, loc, zero, steps, one,
        ValueRange{op.getInitialState(), outInit},
        [&](OpBuilder &b, Location l, Value t, ValueRange carried) {
          Value h = carried[0];
          Value z = tensor::ConcatOp::create(b, l, 0,
                                             ValueRange{row(b, l, input, t), h});
          auto backbone = op.getBackbone();
          for (size_t i = 0; i < backbone.size(); i += 2) {
            Value pre = affine(b, l, backbone[i], backbone[i + 1], z);
            z = buildElementwise(
                b, l, {pre}, cast<RankedTensorType>(pre.getType()),
                [&](OpBuilder &nb, Location nl, ValueRange args) {
                  return activate(nb, nl, act, args[0]);
                });
          }
          Value ts = op.getTimespans()
                         ? Value(tensor::ExtractOp::create(
                               b, l, op.getTimespans(), ValueRange{t}))
                         : f32Const(b, l, span);
          Value f1 = affine(b, l, op.getFf1Weight(), op.getFf1Bias(), z);
          Value next;
          if (mode == CfCMode::Pure) {
            next = buildElementwise(
                b, l, {f1, op.getTau(), op.getAmplitude()}, stateType,
                [&](OpBuilder &nb, Location nl, ValueRange args) -> Value {
                  Value rate = arith::AddFOp::create(
                      nb, nl, math::AbsFOp::create(nb, nl, toF32(nb, nl, args[1])),
                      math::AbsFOp::create(nb, nl, args[0]));
                  Value decay = math::ExpOp::create(
                      nb, nl,
                      arith::NegFOp::create(
                          nb, nl, arith::MulFOp::create(nb, nl, ts, rate)));
                  Value a = toF32(nb, nl, args[2]);
                  Value term = arith::MulFOp::create(
                      nb, nl, arith::MulFOp::create(nb, nl, a, decay), args[0]);
                  return arith::SubFOp::create(nb, nl, a, term);
                });
          } else {
            Value f2 = affine(b, l, op.getFf2Weight(), op.getFf2Bias(), z);
            Value ta = affine(b, l, op.getTimeAWeight(), op.getTimeABias(), z);
            Value tb = affine(b, l, op.getTimeBWeight(), op.getTimeBBias(), z);
            bool gated = mode == CfCMode::Default;
            next = buildElementwise(
                b, l, {f1, f2, ta, tb}, stateType,
                [&](OpBuilder &nb, Location nl, ValueRange args) -> Value {
                  Value x1 = math::TanhOp::create(nb, nl, args[0]);
                  Value x2 = math::TanhOp::create(nb, nl, args[1]);
                  Value g = sigmoid(
                      nb, nl,
                      arith::AddFOp::create(
                          nb, nl, arith::MulFOp::create(nb, nl, args[2], ts),
                          args[3]));
                  Value mixed = arith::MulFOp::create(nb, nl, g, x2);
                  if (!gated)
                    return arith::AddFOp::create(nb, nl, x1, mixed);
                  Value keep = arith::MulFOp::create(
                      nb, nl, x1,
                      arith::SubFOp::create(nb, nl, f32Const(nb, nl, 1.0), g));
                  return arith::AddFOp::create(nb, nl, keep, mixed);
                });
          }
          Value rows = setRow(b, l, carried[1], next, t);
          scf::YieldOp::create(b, l, ValueRange{next, rows});
        });
    rewriter.replaceOp(op, {loop.getResult(1), loop.getResult(0)});
    return success();
  }
};


/// softplus(x) = log(1 + exp(x)) when the cell constrains its parameters
/// implicitly, else the identity (LFM2.md §5.1).
static Value constrain(OpBuilder &b, Location loc, bool softplus, Value x) {
  x = toF32(b, loc, x);
  if (!softplus)
    return x;
  return math::Log1pOp::create(b, loc, math::ExpOp::create(b, loc, x));
}

/// The synaptic input of presynaptic values `pre` [m] through parameters
/// [m, n]: returns (sum_i a[i, j] * erev[i, j], sum_i a[i, j]) with
/// a[i, j] = f(w) * sigmoid(sigma * (pre[i] - mu)) * mask.
static std::pair<Value, Value> synapses(OpBuilder &b, Location loc,
                                        bool softplus, Value pre, Value sigma,
                                        Value mu, Value w, Value erev,
                                        Value mask) {
  MLIRContext *ctx = b.getContext();
  int64_t n = cast<RankedTensorType>(sigma.getType()).getDimSize(1);
  auto outType = vectorType(b, n);
  AffineMap ij = b.getMultiDimIdentityMap(2);
  AffineMap i = AffineMap::get(2, 0, getAffineDimExpr(0, ctx), ctx);
  AffineMap j = AffineMap::get(2, 0, getAffineDimExpr(1, ctx), ctx);
  Value empty = tensor::EmptyOp::create(b, loc, outType, ValueRange{});
  Value zeros =
      linalg::FillOp::create(b, loc, f32Const(b, loc, 0.0), empty).getResult(0);
  auto sums = linalg::GenericOp::create(
      b, loc, TypeRange{outType, outType},
      ValueRange{pre, sigma, mu, w, erev, mask}, ValueRange{zeros, zeros},
      ArrayRef<AffineMap>{i, ij, ij, ij, ij, ij, j, j},
      {utils::IteratorType::reduction, utils::IteratorType::parallel},
      [&](OpBuilder &nb, Location l, ValueRange args) {
        Value diff = arith::SubFOp::create(nb, l, args[0], toF32(nb, l, args[2]));
        Value gate = sigmoid(
            nb, l, arith::MulFOp::create(nb, l, toF32(nb, l, args[1]), diff));
        Value a = arith::MulFOp::create(
            nb, l,
            arith::MulFOp::create(nb, l, constrain(nb, l, softplus, args[3]),
                                  gate),
            toF32(nb, l, args[5]));
        Value num = arith::AddFOp::create(
            nb, l, args[6],
            arith::MulFOp::create(nb, l, a, toF32(nb, l, args[4])));
        Value den = arith::AddFOp::create(nb, l, args[7], a);
        linalg::YieldOp::create(nb, l, {num, den});
      });
  return {sums.getResult(0), sums.getResult(1)};
}

/// One LTC step per iteration of an scf.for over time, the ODE unfolds an
/// inner scf.for (LFM2.md §5.1):
/// ```
/// x = input[t] * input_w + input_b
/// (num_s, den_s) = synapses(x; sensory params)
/// cm_t = f(cm) / (elapsed_time / ode_unfolds)
/// repeat: (num, den) = synapses(v; params)
///         v = (cm_t v + f(gleak) vleak + num + num_s)
///             / (cm_t + f(gleak) + den + den_s + epsilon)
/// output[t] = v[:M] * output_w + output_b
/// ```
struct LTCLowering : OpRewritePattern<LTCOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(LTCOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto outType = cast<RankedTensorType>(op.getOutputs().getType());
    auto stateType = cast<RankedTensorType>(op.getInitialState().getType());
    int64_t motors = outType.getDimSize(1);
    bool softplus = op.getImplicitConstraints();
    double unfolds = static_cast<double>(op.getOdeUnfolds());
    double dt = op.getElapsedTime().convertToDouble() / unfolds;
    float epsilon = op.getEpsilon().convertToDouble();
    Value input = op.getInput();
    auto inputRowType =
        vectorType(rewriter, cast<RankedTensorType>(input.getType()).getDimSize(1));
    Value steps = tensor::DimOp::create(rewriter, loc, input, 0);
    Value zero = arith::ConstantIndexOp::create(rewriter, loc, 0);
    Value one = arith::ConstantIndexOp::create(rewriter, loc, 1);
    Value unfoldCount =
        arith::ConstantIndexOp::create(rewriter, loc, op.getOdeUnfolds());
    Value outInit = emptyTensor(rewriter, loc, outType, input, {0, 1});

    auto loop = scf::ForOp::create(
        rewriter, loc, zero, steps, one,
        ValueRange{op.getInitialState(), outInit},
        [&](OpBuilder &b, Location l, Value t, ValueRange carried) {
          Value x = buildElementwise(
              b, l, {row(b, l, input, t), op.getInputW(), op.getInputB()},
              inputRowType, [](OpBuilder &nb, Location nl, ValueRange args) {
                return arith::AddFOp::create(
                           nb, nl,
                           arith::MulFOp::create(nb, nl, args[0],
                                                 toF32(nb, nl, args[1])),
                           toF32(nb, nl, args[2]))
                    .getResult();
              });
          // Named values, not structured bindings: the lambdas below
          // capture them (capturing bindings is C++20).
          Value numS, denS;
          std::tie(numS, denS) = synapses(
              b, l, softplus, x, op.getSensorySigma(), op.getSensoryMu(),
              op.getSensoryW(), op.getSensoryErev(), op.getSensoryMask());
          auto ode = scf::ForOp::create(
              b, l, zero, unfoldCount, one, ValueRange{carried[0]},
              [&](OpBuilder &ib, Location il, Value, ValueRange v) {
                auto [num, den] =
                    synapses(ib, il, softplus, v[0], op.getSigma(), op.getMu(),
                             op.getW(), op.getErev(), op.getMask());
                Value next = buildElementwise(
                    ib, il,
                    {v[0], num, den, numS, denS, op.getCm(), op.getGleak(),
                     op.getVleak()},
                    stateType,
                    [&](OpBuilder &nb, Location nl, ValueRange a) -> Value {
                      Value cmT = arith::DivFOp::create(
                          nb, nl, constrain(nb, nl, softplus, a[5]),
                          f32Const(nb, nl, dt));
                      Value gleak = constrain(nb, nl, softplus, a[6]);
                      Value top = arith::AddFOp::create(
                          nb, nl,
                          arith::AddFOp::create(
                              nb, nl, arith::MulFOp::create(nb, nl, cmT, a[0]),
                              arith::MulFOp::create(nb, nl, gleak,
                                                    toF32(nb, nl, a[7]))),
                          arith::AddFOp::create(nb, nl, a[1], a[3]));
                      Value bottom = arith::AddFOp::create(
                          nb, nl,
                          arith::AddFOp::create(nb, nl, cmT, gleak),
                          arith::AddFOp::create(
                              nb, nl, arith::AddFOp::create(nb, nl, a[2], a[4]),
                              f32Const(nb, nl, epsilon)));
                      return arith::DivFOp::create(nb, nl, top, bottom);
                    });
                scf::YieldOp::create(ib, il, next);
              });
          Value v = ode.getResult(0);
          Value motor = tensor::ExtractSliceOp::create(
              b, l, vectorType(b, motors), v,
              ArrayRef<OpFoldResult>{b.getIndexAttr(0)},
              ArrayRef<OpFoldResult>{b.getIndexAttr(motors)},
              ArrayRef<OpFoldResult>{b.getIndexAttr(1)});
          Value out = buildElementwise(
              b, l, {motor, op.getOutputW(), op.getOutputB()},
              vectorType(b, motors),
              [](OpBuilder &nb, Location nl, ValueRange args) {
                return arith::AddFOp::create(
                           nb, nl,
                           arith::MulFOp::create(nb, nl, args[0],
                                                 toF32(nb, nl, args[1])),
                           toF32(nb, nl, args[2]))
                    .getResult();
              });
          scf::YieldOp::create(b, l,
                               ValueRange{v, setRow(b, l, carried[1], out, t)});
        });
    rewriter.replaceOp(op, {loop.getResult(1), loop.getResult(0)});
    return success();
  }
};

} // namespace

void lowering::populateCellOpPatterns(RewritePatternSet &patterns) {
  patterns.add<CfCLowering, LTCLowering>(patterns.getContext());
}
