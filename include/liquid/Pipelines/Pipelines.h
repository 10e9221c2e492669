//===- Pipelines.h - liquidc's named compilation phases ---------*- C++ -*-===//
//
// SPDX-License-Identifier: Apache-2.0
//
// The compiler's phases in order, each a point where liquidc can stop and
// print (--compile-to=), as Toy's -emit= and IREE's compile-to do. A phase's
// pipeline takes the module from the previous phase's form to its own.
//
//===----------------------------------------------------------------------===//

#ifndef LIQUID_PIPELINES_PIPELINES_H
#define LIQUID_PIPELINES_PIPELINES_H

namespace mlir {
class OpPassManager;
} // namespace mlir

namespace liquid {

enum class Phase {
  /// The imported model: liquid ops over named weights.
  Liquid,
  /// The entry points as host schedules (liquid.dispatch over buffers) and
  /// the kernels, still liquid ops, in a nested `module @kernels`.
  Dispatches,
  /// The kernels in linalg on tensors.
  Linalg,
  /// The kernels tiled and vectorized: scf.for over vector ops on tensors.
  Vector,
  /// The kernels in the LLVM dialect: over caller-owned buffers (weights,
  /// state, scratch, tokens, logits), bufferized, lowered to loops and then
  /// to LLVM, with the C entry points of the kernel ABI (artifact.fbs).
  LLVM,
  /// The LLVM phase compiled to a shared object and written with the
  /// weights as a .lqm artifact (liquidc's default; no more passes).
  Artifact,
};

/// Adds the passes that take a module from the imported form to `phase`.
void buildPipeline(mlir::OpPassManager &pm, Phase phase);

} // namespace liquid

#endif // LIQUID_PIPELINES_PIPELINES_H
