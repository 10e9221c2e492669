//===- LiquidOps.td - All ops of the liquid dialect -*- tablegen -*-===//
//
// SPDX-License-Identifier: Apache-2.0
//
// The root of the dialect's ODS: includes each themed file. TableGen runs on
// this file to produce ops, types, enums and the dialect documentation.
//
//===----------------------------------------------------------------------===//

#ifndef LIQUID_OPS_TD
#define LIQUID_OPS_TD

include "Liquid/LiquidBase.td"
include "Liquid/LiquidAttrs.td"
include "Liquid/LiquidInterfaces.td"
include "Liquid/LiquidTypes.td"
include "Liquid/ModelOps.td"
include "Liquid/RecurrenceOps.td"
include "Liquid/MoEOps.td"
include "Liquid/CellOps.td"
include "Liquid/ScheduleOps.td"
include "Liquid/CodegenOps.td"

#endif // LIQUID_OPS_TD
