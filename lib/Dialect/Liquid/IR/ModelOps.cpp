//===- ModelOps.cpp - Weights, embedding, norms, linear layers ------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// This file implements the verifiers of the ops in dialects/Liquid/ModelOps.td.
//
//===----------------------------------------------------------------------===//

#include "ShapeChecks.h"

using namespace mlir;
using namespace mlir::liquid;
using namespace mlir::liquid::detail;

LogicalResult ParamOp::verify() {
  Type element = getTensorType().getElementType();
  if (isa<PanelsType, Q8ActType>(element))
    return emitOpError() << "declares a checkpoint tensor, which cannot be "
                         << element;
  return expectWholeBlocks(*this, getType(), "type");
}

LogicalResult WeightOp::verifySymbolUses(SymbolTableCollection &symbolTable) {
  auto param = symbolTable.lookupNearestSymbolFrom<ParamOp>(*this, getNameAttr());
  if (!param)
    return emitOpError() << "'" << getName()
                         << "' does not name a liquid.param";
  if (param.getType() != getType())
    return emitOpError() << "result type " << getType()
                         << " does not match the declared type "
                         << param.getType() << " of @" << getName();
  return success();
}

RankedTensorType BitcastOp::getByteType(RankedTensorType quantized) {
  auto q = cast<QuantizedTypeInterface>(quantized.getElementType());
  return RankedTensorType::get(q.getByteShape(quantized.getShape()),
                               IntegerType::get(quantized.getContext(), 8));
}

Value BitcastOp::viewAsBytes(OpBuilder &b, Location loc, Value quantized) {
  RankedTensorType bytes =
      getByteType(cast<RankedTensorType>(quantized.getType()));
  if (auto view = quantized.getDefiningOp<BitcastOp>())
    if (view.getSource().getType() == bytes)
      return view.getSource();
  return BitcastOp::create(b, loc, bytes, quantized);
}

LogicalResult BitcastOp::verify() {
  auto source = cast<RankedTensorType>(getSource().getType());
  auto result = cast<RankedTensorType>(getType());
  bool fromQuantized = isa<QuantizedTypeInterface>(source.getElementType());
  RankedTensorType quantized = fromQuantized ? source : result;
  RankedTensorType bytes = fromQuantized ? result : source;
  if (!isa<QuantizedTypeInterface>(quantized.getElementType()) ||
      isa<QuantizedTypeInterface>(bytes.getElementType()))
    return emitOpError("casts between a block-quantized tensor and its bytes");
  if (failed(expectWholeBlocks(*this, quantized, "quantized tensor")))
    return failure();
  RankedTensorType expected = getByteType(quantized);
  if (bytes != expected)
    return emitOpError() << "the bytes of " << quantized << " are " << expected
                         << ", not " << bytes;
  return success();
}

LogicalResult EmbedOp::verify() {
  if (failed(expectRank(*this, getTable(), 2, "table")))
    return failure();
  Operation *op = *this;
  if (failed(expectSize(op, dim(getResult(), 0), "result rows",
                        dim(getIds(), 0), "number of ids")) ||
      failed(expectSize(op, dim(getResult(), 1), "result width",
                        dim(getTable(), 1), "table width")))
    return failure();
  if (isPanels(getTable()))
    return emitOpError("table cannot be in panels");
  return expectWholeBlocks(op, getTable().getType(), "table");
}

LogicalResult RMSNormOp::verify() {
  if (failed(expectRank(*this, getWeight(), 1, "weight")))
    return failure();
  if (rank(getInput()) < 1)
    return emitOpError("input must have rank >= 1");
  if (getEpsilon().convertToDouble() < 0)
    return emitOpError("epsilon must not be negative");
  return expectSize(*this, dim(getWeight(), 0), "weight size",
                    dim(getInput(), -1), "input innermost dimension");
}

/// Checks `[..., K] x [N, K] -> [..., N]`.
static LogicalResult verifyMatmul(Operation *op, Value input, Value weight,
                                  Value result, StringRef what) {
  if (failed(expectRank(op, weight, 2, what)))
    return failure();
  if (rank(input) < 1)
    return op->emitOpError("input must have rank >= 1");
  if (failed(expectWholeBlocks(op, weight.getType(), what)))
    return failure();
  std::string in = (what + " input size").str();
  if (failed(expectSize(op, dim(weight, 1), in, dim(input, -1),
                        "input innermost dimension")))
    return failure();
  if (!result)
    return success();
  if (rank(result) != rank(input))
    return op->emitOpError("result must have the rank of the input");
  for (int64_t i = 0, e = rank(input) - 1; i < e; ++i)
    if (failed(expectSize(op, dim(result, i), "result dimension",
                          dim(input, i), "input dimension")))
      return failure();
  std::string out = (what + " output size").str();
  return expectSize(op, dim(result, -1), "result innermost dimension",
                    dim(weight, 0), out);
}

LogicalResult LinearOp::verify() {
  if (failed(expectProjectionForm(*this, getInput(), getWeight())))
    return failure();
  if (!cast<ShapedType>(getType()).getElementType().isF32())
    return emitOpError("result must be f32");
  return verifyMatmul(*this, getInput(), getWeight(), getResult(), "weight");
}

LogicalResult FFNOp::verify() {
  Operation *op = *this;
  if (failed(expectProjectionForm(op, getInput(),
                                  {getGate(), getUp(), getDown()})) ||
      failed(verifyMatmul(op, getInput(), getGate(), Value(), "gate")) ||
      failed(verifyMatmul(op, getInput(), getUp(), Value(), "up")) ||
      failed(expectRank(op, getDown(), 2, "down")) ||
      failed(expectWholeBlocks(op, getDown().getType(), "down")))
    return failure();
  if (failed(expectSize(op, dim(getUp(), 0), "up output size",
                        dim(getGate(), 0), "gate output size")) ||
      failed(expectSize(op, dim(getDown(), 1), "down input size",
                        dim(getGate(), 0), "gate output size")))
    return failure();
  return expectSize(op, dim(getDown(), 0), "down output size",
                    dim(getInput(), -1), "input innermost dimension");
}

LogicalResult RoPEOp::verify() {
  if (failed(expectRank(*this, getInput(), 3, "input")))
    return failure();
  int64_t headDim = dim(getInput(), 2);
  if (!ShapedType::isDynamic(headDim) && headDim % 2 != 0)
    return emitOpError() << "head dimension (" << headDim << ") must be even";
  if (!(getTheta().convertToDouble() > 0))
    return emitOpError("theta must be positive");
  return success();
}
