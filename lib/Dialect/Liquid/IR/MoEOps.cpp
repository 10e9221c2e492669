//===- MoEOps.cpp - Mixture-of-experts routing and experts ----------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// This file implements the verifiers of the ops in dialects/Liquid/MoEOps.td.
//
//===----------------------------------------------------------------------===//

#include "ShapeChecks.h"

using namespace mlir;
using namespace mlir::liquid;
using namespace mlir::liquid::detail;

/// The router's and the experts' [tokens, k] ids and weights.
static LogicalResult verifyRouting(Operation *op, Value input, Value ids,
                                   Value weights) {
  if (failed(expectSize(op, dim(weights, 0), "expert weight rows",
                        dim(ids, 0), "expert id rows")) ||
      failed(expectSize(op, dim(ids, 0), "expert id rows", dim(input, 0),
                        "input rows")) ||
      failed(expectSize(op, dim(weights, 0), "expert weight rows",
                        dim(input, 0), "input rows")))
    return failure();
  return expectSize(op, dim(weights, 1), "expert weights per token",
                    dim(ids, 1), "expert ids per token");
}

LogicalResult MoERouterOp::verify() {
  Operation *op = *this;
  if (failed(expectRank(op, getInput(), 2, "input")) ||
      failed(expectRank(op, getGate(), 2, "gate")))
    return failure();
  int64_t experts = getNumExperts();
  if (failed(expectSize(op, dim(getGate(), 1), "gate input size",
                        dim(getInput(), 1), "input width")))
    return failure();
  if (Value bias = getBias()) {
    if (failed(expectRank(op, bias, 1, "bias")) ||
        failed(expectSize(op, dim(bias, 0), "bias size", experts,
                          "number of experts")))
      return failure();
  }
  if (static_cast<int64_t>(getTopK()) > experts)
    return emitOpError() << "top_k (" << getTopK()
                         << ") must not exceed the number of experts ("
                         << experts << ")";
  if (failed(expectSize(op, dim(getExpertIds(), 1), "expert ids per token",
                        getTopK(), "top_k")))
    return failure();
  if (!(getScaling().convertToDouble() > 0))
    return emitOpError("scaling must be positive");
  return verifyRouting(op, getInput(), getExpertIds(), getExpertWeights());
}

LogicalResult MoEExpertsOp::verify() {
  Operation *op = *this;
  if (failed(expectRank(op, getInput(), 2, "input")) ||
      failed(expectProjectionForm(op, getInput(),
                                  {getGate(), getUp(), getDown()})) ||
      failed(verifyRouting(op, getInput(), getExpertIds(),
                           getExpertWeights())))
    return failure();
  for (auto [w, what] : {std::pair{getGate(), "gate"}, {getUp(), "up"},
                         {getDown(), "down"}}) {
    if (failed(expectRank(op, w, 3, what)) ||
        failed(expectWholeBlocks(op, w.getType(), what)))
      return failure();
  }
  int64_t experts = dim(getGate(), 0), ffn = dim(getGate(), 1);
  int64_t hidden = dim(getInput(), 1);
  if (failed(expectSize(op, dim(getUp(), 0), "up experts", experts,
                        "gate experts")) ||
      failed(expectSize(op, dim(getDown(), 0), "down experts", experts,
                        "gate experts")) ||
      failed(expectSize(op, dim(getUp(), 1), "up output size", ffn,
                        "gate output size")) ||
      failed(expectSize(op, dim(getDown(), 2), "down input size", ffn,
                        "gate output size")) ||
      failed(expectSize(op, dim(getGate(), 2), "gate input size", hidden,
                        "input width")) ||
      failed(expectSize(op, dim(getUp(), 2), "up input size", hidden,
                        "input width")))
    return failure();
  return expectSize(op, dim(getDown(), 1), "down output size", hidden,
                    "input width");
}
