//===- QuantizeProjections.cpp - Int8 matrix products for Q8_0 / Q4_0 -----===//
//
// SPDX-License-Identifier: Apache-2.0
//
// This file implements liquid-quantize-projections: projections whose
// weights are all Q8_0 or Q4_0 read their weights packed into panels (four
// vector registers' worth of rows, one row per 32-bit lane of the target,
// or one register's worth when the rows do not allow four) and their input
// quantized to int8 blocks, so their kernels can use integer dot products.
//
//===----------------------------------------------------------------------===//

#include "liquid/Dialect/Liquid/LiquidOps.h"
#include "liquid/Dialect/Liquid/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "llvm/ADT/DenseMap.h"

namespace mlir::liquid {
#define GEN_PASS_DEF_QUANTIZEPROJECTIONSPASS
#include "liquid/Dialect/Liquid/Passes.h.inc"
} // namespace mlir::liquid

using namespace mlir;
using namespace mlir::liquid;

/// Vector registers' worth of rows a panel holds when the weight allows:
/// a decode step then reads one contiguous stream per panel while it keeps
/// that many independent accumulators.
static constexpr unsigned kSlicesPerPanel = 4;

namespace {
class Quantizer {
public:
  explicit Quantizer(unsigned lanes) : lanes(lanes) {}

  /// Rewrites `op` to the int8 form when every weight in `weights` (operand
  /// numbers) can be packed; the input is operand 0.
  void rewrite(Operation *op, ArrayRef<unsigned> weights);

private:
  /// Rows per panel for `w`, or 0 when it cannot be packed.
  unsigned panelRows(Value w) const;
  Value packed(Value w);
  Value quantized(Value x);

  unsigned lanes;
  DenseMap<Value, Value> packs, quantizes;
};
} // namespace

unsigned Quantizer::panelRows(Value w) const {
  auto type = cast<RankedTensorType>(w.getType());
  if (!isa<Q8_0Type, Q4_0Type>(type.getElementType()) || type.getRank() < 2)
    return 0;
  int64_t rows = type.getShape().drop_back().back();
  for (unsigned r : {kSlicesPerPanel * lanes, lanes})
    if (rows % r == 0)
      return r;
  return 0;
}

/// Inserts a value's replacement right after its definition, so that every
/// user (in any order) sees it.
static OpBuilder after(Value v) {
  if (Operation *def = v.getDefiningOp())
    return OpBuilder(def->getBlock(), std::next(def->getIterator()));
  return OpBuilder::atBlockBegin(cast<BlockArgument>(v).getOwner());
}

Value Quantizer::packed(Value w) {
  Value &p = packs[w];
  if (!p) {
    auto type = cast<RankedTensorType>(w.getType());
    auto panels =
        PanelsType::get(w.getContext(), type.getElementType(), panelRows(w));
    OpBuilder b = after(w);
    p = PackOp::create(b, w.getLoc(),
                       RankedTensorType::get(type.getShape(), panels), w);
  }
  return p;
}

Value Quantizer::quantized(Value x) {
  Value &q = quantizes[x];
  if (!q) {
    auto type = cast<RankedTensorType>(x.getType());
    OpBuilder b = after(x);
    q = QuantizeOp::create(
        b, x.getLoc(),
        RankedTensorType::get(type.getShape(), Q8ActType::get(x.getContext())),
        x);
  }
  return q;
}

void Quantizer::rewrite(Operation *op, ArrayRef<unsigned> weights) {
  if (!llvm::all_of(weights,
                    [&](unsigned i) { return panelRows(op->getOperand(i)); }))
    return;
  op->setOperand(0, quantized(op->getOperand(0)));
  for (unsigned i : weights)
    op->setOperand(i, packed(op->getOperand(i)));
}

namespace {
struct QuantizeProjectionsPass
    : liquid::impl::QuantizeProjectionsPassBase<QuantizeProjectionsPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    Quantizer quantizer(TargetAttr::lookup(module).getLanes());
    module.walk([&](Operation *op) {
      if (isa<LinearOp>(op))
        quantizer.rewrite(op, {1});
      else if (isa<FFNOp>(op))
        quantizer.rewrite(op, {1, 2, 3});
      else if (isa<MoEExpertsOp>(op))
        quantizer.rewrite(op, {3, 4, 5});
    });
  }
};
} // namespace
