//===- LiquidToVectorPatterns.h - Patterns of convert-liquid-to-vector -*- C++ -*-===//
//
// SPDX-License-Identifier: Apache-2.0
//
// One populate function per file of this directory. Private to it.
//
//===----------------------------------------------------------------------===//

#ifndef LIQUID_LIB_CONVERSION_LIQUIDTOVECTOR_LIQUIDTOVECTORPATTERNS_H
#define LIQUID_LIB_CONVERSION_LIQUIDTOVECTOR_LIQUIDTOVECTORPATTERNS_H

#include "mlir/IR/PatternMatch.h"

namespace mlir::liquid::vectorize {

/// liquid.attention (Attention.cpp).
void populateAttentionPatterns(RewritePatternSet &patterns);
/// liquid.quantize (Quantize.cpp).
void populateQuantizePatterns(RewritePatternSet &patterns);
/// Int8 liquid.linear (Int8Linear.cpp).
void populateInt8LinearPatterns(RewritePatternSet &patterns);

} // namespace mlir::liquid::vectorize

#endif // LIQUID_LIB_CONVERSION_LIQUIDTOVECTOR_LIQUIDTOVECTORPATTERNS_H
