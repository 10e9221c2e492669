//===- InitAll.h - Register everything the liquid tools use -----*- C++ -*-===//
//
// SPDX-License-Identifier: Apache-2.0
//
// The dialects liquid IR mixes with and lowers to (func, arith, tensor,
// linalg, math) plus the liquid dialect and its passes; liquid-opt and
// liquidc register exactly these, never all of upstream MLIR.
//
//===----------------------------------------------------------------------===//

#ifndef LIQUID_INITALL_H
#define LIQUID_INITALL_H

namespace mlir {
class DialectRegistry;
} // namespace mlir

namespace liquid {
/// Adds the dialects liquid IR uses to `registry`.
void registerLiquidDialects(mlir::DialectRegistry &registry);
/// Registers every liquid pass, and the upstream canonicalize and cse, with
/// the global pass registry.
void registerLiquidPasses();
} // namespace liquid

#endif // LIQUID_INITALL_H
