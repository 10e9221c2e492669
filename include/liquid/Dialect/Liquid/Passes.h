//===- Passes.h - Registration of every liquid pass -------------*- C++ -*-===//
//
// SPDX-License-Identifier: Apache-2.0
//
// Includes each pass's header and registers them all with the global pass
// registry (liquid-opt, liquidc's --mlir-print-ir-* and pipelines).
//
//===----------------------------------------------------------------------===//

#ifndef LIQUID_DIALECT_LIQUID_PASSES_H
#define LIQUID_DIALECT_LIQUID_PASSES_H

#include "liquid/Conversion/LiquidToLinalg.h"

namespace mlir::liquid {

#define GEN_PASS_DECL_APPROXIMATEMATHPASS
#define GEN_PASS_DECL_BUFFERENTRYPOINTSPASS
#define GEN_PASS_DECL_CONVERTLIQUIDTOVECTORPASS
#define GEN_PASS_DECL_COPIESTOLINALGPASS
#define GEN_PASS_DECL_EMITKERNELABIPASS
#define GEN_PASS_DECL_FORMDISPATCHESPASS
#define GEN_PASS_DECL_LOWERDOT4PASS
#define GEN_PASS_DECL_LOWERVECTORTRANSFERSPASS
#define GEN_PASS_DECL_PLANWORKSPACEPASS
#define GEN_PASS_DECL_PREFETCHSTREAMSPASS
#define GEN_PASS_DECL_QUANTIZEPROJECTIONSPASS
#define GEN_PASS_DECL_TILEANDVECTORIZEPASS
#include "liquid/Dialect/Liquid/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "liquid/Dialect/Liquid/Passes.h.inc"

} // namespace mlir::liquid

#endif // LIQUID_DIALECT_LIQUID_PASSES_H
