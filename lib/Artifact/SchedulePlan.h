//===- SchedulePlan.h - Host schedules and memory plan of a module -*- C++ -*-===//
//
// SPDX-License-Identifier: Apache-2.0
//
// Reads the host schedules (entry points tagged liquid.schedule, made of
// liquid.dispatch) of a compiled module and turns them into what the
// artifact records: per entry point the ordered dispatches with their
// kernel and bindings, the weights and state buffers they use, and the
// scratch arena, placed by liveness so buffers that are never live at the
// same time share bytes.
//
//===----------------------------------------------------------------------===//

#ifndef LIQUID_LIB_ARTIFACT_SCHEDULEPLAN_H
#define LIQUID_LIB_ARTIFACT_SCHEDULEPLAN_H

#include "liquid/Import/Checkpoint.h"

#include "liquid/Dialect/Liquid/LiquidAttrs.h"

#include "mlir/IR/BuiltinOps.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/Error.h"

#include <string>
#include <vector>

namespace liquid {

enum class BindingKind { Tokens, Logits, State, Weight, Scratch };

struct PlannedBinding {
  BindingKind kind;
  uint32_t index = 0;   ///< State or Weight index.
  uint64_t offset = 0;  ///< Scratch bytes.
  uint64_t size = 0;
};

struct PlannedDispatch {
  uint32_t kernel = 0;  ///< Index into SchedulePlan::kernels.
  uint32_t workgroups = 1;
  std::vector<PlannedBinding> bindings;
};

struct PlannedEntry {
  std::string name;
  uint32_t tokens = 0;
  /// Rows of logits the entry writes (its last tokens').
  uint32_t logitRows = 0;
  std::vector<PlannedDispatch> dispatches;
};

struct PlannedState {
  std::string name;
  /// What it holds and its layer, from the entry point's #liquid.state.
  mlir::liquid::StateKind kind = mlir::liquid::StateKind::Conv;
  unsigned layer = 0;
  std::vector<int64_t> shape;
  uint64_t size = 0;
};

/// A checkpoint tensor as the kernels read it: as stored, or packed into
/// the layout `packed` describes (a !liquid.panels tensor type).
struct PlannedWeight {
  const TensorInfo *tensor = nullptr;
  mlir::RankedTensorType packed;
};

struct SchedulePlan {
  std::vector<std::string> kernels;    ///< Exported symbols.
  std::vector<PlannedWeight> weights;  ///< In first-use order.
  std::vector<PlannedState> states;
  std::vector<PlannedEntry> entries;
  uint64_t scratchSize = 0;
};

/// Plans `module` (after the LLVM phase: schedules in the outer module,
/// kernels as LLVM functions in `module @kernels`); weights are looked up in
/// `checkpoint`.
llvm::Expected<SchedulePlan> planSchedule(mlir::ModuleOp module,
                                          const Checkpoint &checkpoint);

} // namespace liquid

#endif // LIQUID_LIB_ARTIFACT_SCHEDULEPLAN_H
