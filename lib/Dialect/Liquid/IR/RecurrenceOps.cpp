//===- RecurrenceOps.cpp - Short convolution and attention ----------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// This file implements the verifiers and state accessors of the ops in
// dialects/Liquid/RecurrenceOps.td.
//
//===----------------------------------------------------------------------===//

#include "ShapeChecks.h"

#include <cmath>

using namespace mlir;
using namespace mlir::liquid;
using namespace mlir::liquid::detail;

//===----------------------------------------------------------------------===//
// ShortConvOp
//===----------------------------------------------------------------------===//

OperandRange ShortConvOp::getStateInputs() {
  return getOperation()->getOperands().drop_front(2);
}
ResultRange ShortConvOp::getStateResults() {
  return getOperation()->getResults().drop_front(1);
}

LogicalResult ShortConvOp::verify() {
  Operation *op = *this;
  if (failed(expectRank(op, getInput(), 2, "input")) ||
      failed(expectRank(op, getKernel(), 2, "kernel")) ||
      failed(expectRank(op, getState(), 2, "state")) ||
      failed(expectRank(op, getResult(), 2, "result")))
    return failure();
  int64_t hidden = dim(getKernel(), 0), length = dim(getKernel(), 1);
  if (length < 2)
    return emitOpError() << "kernel length (" << length << ") must be >= 2";
  int64_t channels = dim(getInput(), 1);
  if (!ShapedType::isDynamic(channels) && channels != 3 * hidden)
    return emitOpError() << "input channels (" << channels
                         << ") must be 3 x the kernel's channels (" << hidden
                         << ")";
  if (failed(expectSize(op, dim(getState(), 0), "state rows", length - 1,
                        "kernel length - 1")) ||
      failed(expectSize(op, dim(getState(), 1), "state width", hidden,
                        "kernel channels")) ||
      failed(expectSize(op, dim(getResult(), 0), "result rows",
                        dim(getInput(), 0), "input rows")))
    return failure();
  return expectSize(op, dim(getResult(), 1), "result width", hidden,
                    "kernel channels");
}

//===----------------------------------------------------------------------===//
// AttentionOp
//===----------------------------------------------------------------------===//

OperandRange AttentionOp::getStateInputs() {
  return getOperation()->getOperands().slice(3, 2);
}
ResultRange AttentionOp::getStateResults() {
  return getOperation()->getResults().drop_front(1);
}

double AttentionOp::getScaleOrDefault() {
  if (FloatAttr scale = getScaleAttr())
    return scale.getValueAsDouble();
  return 1.0 / std::sqrt(static_cast<double>(dim(getQuery(), 2)));
}

LogicalResult AttentionOp::verify() {
  Operation *op = *this;
  if (failed(expectRank(op, getQuery(), 3, "query")) ||
      failed(expectRank(op, getKey(), 3, "key")) ||
      failed(expectRank(op, getKeyCache(), 3, "key cache")))
    return failure();
  int64_t heads = dim(getQuery(), 1), kvHeads = dim(getKey(), 1);
  if (!ShapedType::isDynamic(heads) && !ShapedType::isDynamic(kvHeads) &&
      (kvHeads == 0 || heads % kvHeads != 0))
    return emitOpError() << "query heads (" << heads
                         << ") must be a multiple of key/value heads ("
                         << kvHeads << ")";
  if (ShapedType::isDynamic(dim(getQuery(), 2)))
    return emitOpError("head dimension must be static");
  if (failed(expectSize(op, dim(getKey(), 0), "key rows", dim(getQuery(), 0),
                        "query rows")) ||
      failed(expectSize(op, dim(getKey(), 2), "key head dimension",
                        dim(getQuery(), 2), "query head dimension")) ||
      failed(expectSize(op, dim(getKeyCache(), 0), "cache heads", kvHeads,
                        "key/value heads")))
    return failure();
  if (failed(expectSize(op, dim(getKeyCache(), 2), "cache head dimension",
                        dim(getKey(), 2), "key head dimension")))
    return failure();
  if (FloatAttr scale = getScaleAttr(); scale && !(scale.getValueAsDouble() > 0))
    return emitOpError("scale must be positive");
  return success();
}
