//===- CellOps.cpp - MIT liquid recurrent cells: CfC and LTC --------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// This file implements the verifiers and state accessors of the ops in
// dialects/Liquid/CellOps.td.
//
//===----------------------------------------------------------------------===//

#include "ShapeChecks.h"

using namespace mlir;
using namespace mlir::liquid;
using namespace mlir::liquid::detail;

/// Checks that `v` has exactly the shape `shape`.
static LogicalResult expectShape(Operation *op, Value v,
                                 ArrayRef<int64_t> shape, StringRef what) {
  auto type = cast<ShapedType>(v.getType());
  if (type.getShape() == shape)
    return success();
  auto diag = op->emitOpError() << what << " must have shape [";
  llvm::interleaveComma(shape, diag);
  diag << "], got " << v.getType();
  return diag;
}

/// The shared sequence contract: input [T, S], state [N], outputs [T, width].
/// RecurrentStateOpInterface checks that the final state matches the state.
static LogicalResult verifySequence(Operation *op, Value input, Value state,
                                    Value outputs, int64_t outputWidth) {
  if (failed(expectSize(op, dim(outputs, 0), "output steps", dim(input, 0),
                        "input steps")) ||
      failed(expectSize(op, dim(outputs, 1), "output width", outputWidth,
                        "the cell's output width")))
    return failure();
  if (ShapedType::isDynamic(dim(state, 0)) || ShapedType::isDynamic(dim(input, 1)))
    return op->emitOpError("state and input widths must be static");
  return success();
}

//===----------------------------------------------------------------------===//
// CfCOp
//===----------------------------------------------------------------------===//

OperandRange CfCOp::getStateInputs() { return getODSOperands(1); }
ResultRange CfCOp::getStateResults() { return getODSResults(1); }

LogicalResult CfCOp::verify() {
  Operation *op = *this;
  int64_t inputs = dim(getInput(), 1), units = dim(getInitialState(), 0);
  if (failed(verifySequence(op, getInput(), getInitialState(), getOutputs(),
                            units)))
    return failure();
  if (Value ts = getTimespans())
    if (failed(expectSize(op, dim(ts, 0), "timespans", dim(getInput(), 0),
                          "input steps")))
      return failure();

  // Backbone: (weight [U, in], bias [U]) pairs, in = S + N for the first.
  if (getBackbone().size() % 2 != 0)
    return emitOpError("backbone must be (weight, bias) pairs");
  int64_t width = inputs + units;
  for (size_t i = 0; i < getBackbone().size(); i += 2) {
    Value w = getBackbone()[i], b = getBackbone()[i + 1];
    if (failed(expectRank(op, w, 2, "backbone weight")))
      return failure();
    int64_t out = dim(w, 0);
    if (failed(expectShape(op, w, {out, width}, "backbone weight")) ||
        failed(expectShape(op, b, {out}, "backbone bias")))
      return failure();
    width = out;
  }

  auto head = [&](Value w, Value b, StringRef what) -> LogicalResult {
    std::string wName = (what + " weight").str(), bName = (what + " bias").str();
    if (failed(expectShape(op, w, {units, width}, wName)))
      return failure();
    return expectShape(op, b, {units}, bName);
  };
  if (failed(head(getFf1Weight(), getFf1Bias(), "ff1")))
    return failure();

  bool gated = getMode() != CfCMode::Pure;
  bool hasFf2 = getFf2Weight() != nullptr, hasTime = getTimeAWeight() != nullptr;
  bool hasPure = getTau() != nullptr;
  if (gated && (!hasFf2 || !hasTime || hasPure))
    return emitOpError() << "mode '" << stringifyCfCMode(getMode())
                         << "' needs ff2 and time weights and no pure "
                            "parameters";
  if (!gated && (hasFf2 || hasTime || !hasPure))
    return emitOpError("mode 'pure' needs tau and amplitude and no ff2 or "
                       "time weights");
  if (gated)
    return failure(failed(head(getFf2Weight(), getFf2Bias(), "ff2")) ||
                   failed(head(getTimeAWeight(), getTimeABias(), "time_a")) ||
                   failed(head(getTimeBWeight(), getTimeBBias(), "time_b")));
  if (failed(expectShape(op, getTau(), {units}, "tau")))
    return failure();
  return expectShape(op, getAmplitude(), {units}, "amplitude");
}

//===----------------------------------------------------------------------===//
// LTCOp
//===----------------------------------------------------------------------===//

OperandRange LTCOp::getStateInputs() { return getODSOperands(1); }
ResultRange LTCOp::getStateResults() { return getODSResults(1); }

LogicalResult LTCOp::verify() {
  Operation *op = *this;
  if (failed(expectRank(op, getOutputW(), 1, "output_w")))
    return failure();
  int64_t s = dim(getInput(), 1), n = dim(getInitialState(), 0);
  int64_t m = dim(getOutputW(), 0);
  if (failed(verifySequence(op, getInput(), getInitialState(), getOutputs(), m)))
    return failure();
  if (m > n)
    return emitOpError() << "motor outputs (" << m
                         << ") must not exceed the state size (" << n << ")";
  for (auto [v, what] : {std::pair{getGleak(), "gleak"}, {getVleak(), "vleak"},
                         {getCm(), "cm"}})
    if (failed(expectShape(op, v, {n}, what)))
      return failure();
  for (auto [v, what] :
       {std::pair{getSigma(), "sigma"}, {getMu(), "mu"}, {getW(), "w"},
        {getErev(), "erev"}, {getMask(), "mask"}})
    if (failed(expectShape(op, v, {n, n}, what)))
      return failure();
  for (auto [v, what] :
       {std::pair{getSensorySigma(), "sensory_sigma"},
        {getSensoryMu(), "sensory_mu"}, {getSensoryW(), "sensory_w"},
        {getSensoryErev(), "sensory_erev"}, {getSensoryMask(), "sensory_mask"}})
    if (failed(expectShape(op, v, {s, n}, what)))
      return failure();
  if (failed(expectShape(op, getInputW(), {s}, "input_w")) ||
      failed(expectShape(op, getInputB(), {s}, "input_b")) ||
      failed(expectShape(op, getOutputB(), {m}, "output_b")))
    return failure();
  if (!(getElapsedTime().convertToDouble() > 0))
    return emitOpError("elapsed_time must be positive");
  return success();
}
