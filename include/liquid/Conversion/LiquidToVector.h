//===- LiquidToVector.h - Lowering the int8 kernels to vector ---*- C++ -*-===//
//
// SPDX-License-Identifier: Apache-2.0
//
// The patterns of the convert-liquid-to-vector pass (declared in
// dialects/Liquid/Passes.td): activation quantization and the int8
// matrix micro-kernel, written directly as vector code shaped by the
// target description.
//
//===----------------------------------------------------------------------===//

#ifndef LIQUID_CONVERSION_LIQUIDTOVECTOR_H
#define LIQUID_CONVERSION_LIQUIDTOVECTOR_H

#include "mlir/Pass/Pass.h"

namespace mlir {
class RewritePatternSet;
namespace liquid {

/// Adds the patterns that lower liquid.quantize and int8 liquid.linear.
void populateLiquidToVectorPatterns(RewritePatternSet &patterns);

#define GEN_PASS_DECL_CONVERTLIQUIDTOVECTORPASS
#include "liquid/Dialect/Liquid/Passes.h.inc"

} // namespace liquid
} // namespace mlir

#endif // LIQUID_CONVERSION_LIQUIDTOVECTOR_H
