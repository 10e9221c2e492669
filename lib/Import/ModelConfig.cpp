//===- ModelConfig.cpp - Hyperparameters of an LFM2 / LFM2-MoE model ------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// This file implements the effective dense FFN size rule of LFM2.md §1.6 in
// the form of the early modular_lfm2.py and llama.cpp's converter: with
// auto-adjust on, take two thirds, apply the multiplier when there is one,
// and always round up to a multiple of `multipleOf`.
//
//===----------------------------------------------------------------------===//

#include "liquid/Import/ModelConfig.h"

using namespace liquid;

int64_t liquid::effectiveFFNSize(int64_t intermediate, bool autoAdjust,
                                 double multiplier, int64_t multipleOf) {
  if (!autoAdjust)
    return intermediate;
  // Python's int(2 * I / 3): truncation of a non-negative quotient.
  int64_t size = 2 * intermediate / 3;
  if (multiplier >= 0) {
    double scaled = multiplier * static_cast<double>(size);
    if (!(scaled < 0x1p62)) // Past any size, or infinite.
      return -1;
    size = static_cast<int64_t>(scaled);
  }
  if (multipleOf > 0)
    size = multipleOf * ((size + multipleOf - 1) / multipleOf);
  return size;
}
