//===- LiquidToLinalg.h - Lowering liquid to linalg -------------*- C++ -*-===//
//
// SPDX-License-Identifier: Apache-2.0
//
// The patterns of the convert-liquid-to-linalg pass, for pipelines that want
// them mixed with others, and the pass itself (declared in
// dialects/Liquid/Passes.td).
//
//===----------------------------------------------------------------------===//

#ifndef LIQUID_CONVERSION_LIQUIDTOLINALG_H
#define LIQUID_CONVERSION_LIQUIDTOLINALG_H

#include "mlir/Pass/Pass.h"

namespace mlir {
class RewritePatternSet;
namespace liquid {

/// Adds the patterns that rewrite liquid ops with float weights to linalg.
void populateLiquidToLinalgPatterns(RewritePatternSet &patterns);

#define GEN_PASS_DECL_CONVERTLIQUIDTOLINALGPASS
#include "liquid/Dialect/Liquid/Passes.h.inc"

} // namespace liquid
} // namespace mlir

#endif // LIQUID_CONVERSION_LIQUIDTOLINALG_H
