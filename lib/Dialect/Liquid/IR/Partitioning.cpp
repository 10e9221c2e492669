//===- Partitioning.cpp - How ops split into workgroups -------------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// This file implements PartitionOpInterface for the ops that
// liquid-form-dispatches splits over workgroups: how many independent parts
// each makes on a target. The sizes come from the target description, so a
// target with other vectors gets other workgroups without a change here.
//
//===----------------------------------------------------------------------===//

#include "liquid/Dialect/Liquid/LiquidOps.h"

#include "mlir/IR/TypeUtilities.h"

using namespace mlir;
using namespace mlir::liquid;

/// Rows of the weight type `w` ([rows, columns]) one workgroup computes on
/// `target`, a multiple of `multiple`. Weights in panels: four panels, so a
/// workgroup streams one long contiguous run of the weight; fewer (down to
/// one panel) when that would leave fewer than four workgroups to spread
/// over threads. Float weights: four vector registers' worth of rows of the
/// target (`4 * lanes`: 64 with 512-bit vectors, 32 with 256-bit). Fewer
/// when the rows do not divide.
static int64_t rowsPerWorkgroup(Type w, TargetAttr target,
                                int64_t multiple = 1) {
  auto type = cast<RankedTensorType>(w);
  int64_t rows = type.getDimSize(0);
  auto panels = dyn_cast<PanelsType>(type.getElementType());
  int64_t minimum = std::max<int64_t>(multiple, panels ? panels.getRows() : 1);
  int64_t r = std::max(4 * (panels ? panels.getRows() : target.getLanes()),
                       minimum);
  while (rows % r && r > minimum)
    r /= 2;
  while (panels && rows / r < 4 && r > minimum)
    r /= 2;
  return r;
}

/// Parts: runs of rows of the weight.
int64_t LinearOp::getWorkgroupCount(TargetAttr target) {
  Type w = getWeight().getType();
  return cast<RankedTensorType>(w).getDimSize(0) /
         rowsPerWorkgroup(w, target);
}

/// Parts of the gate and up projections: runs of their rows, whole int8
/// blocks of 32 when the hidden activation is quantized for the down
/// projection (which is then split as a linear).
int64_t FFNOp::getWorkgroupCount(TargetAttr target) {
  Type gate = getGate().getType();
  bool int8 = isa<PanelsType>(getElementTypeOrSelf(getDown()));
  return cast<RankedTensorType>(gate).getDimSize(0) /
         rowsPerWorkgroup(gate, target, int8 ? 32 : 1);
}

/// Parts: the query heads that share one key/value head, whose cache rows
/// are one contiguous run of the head-major caches.
int64_t AttentionOp::getWorkgroupCount(TargetAttr) {
  return getKey().getType().getDimSize(1);
}

/// Parts: the experts, each running the tokens routed to it.
int64_t MoEExpertsOp::getWorkgroupCount(TargetAttr) {
  return cast<RankedTensorType>(getGate().getType()).getDimSize(0);
}
