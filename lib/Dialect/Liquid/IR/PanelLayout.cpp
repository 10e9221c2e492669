//===- PanelLayout.cpp - Byte layout of !liquid.panels weights -----------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// This file implements liquid/Dialect/Liquid/PanelLayout.h.
//
//===----------------------------------------------------------------------===//

#include "liquid/Dialect/Liquid/PanelLayout.h"

#include <cstring>

using namespace mlir::liquid;

PanelLayout::PanelLayout(PanelsType type, int64_t columns) {
  auto block = cast<QuantizedTypeInterface>(type.getBlock());
  panelRows = type.getRows();
  numBlocks = columns / block.getBlockSize();
  blockBytes = block.getBlockBytes();
  valueBytes = blockBytes - 2; // After the f16 scale.
  nibbles = isa<Q4_0Type>(block);
}

void PanelLayout::pack(const uint8_t *src, int64_t rowStride,
                       uint8_t *dst) const {
  // q8_0 stores q + 128 (the sign bit flipped); q4_0 nibbles as they are.
  uint8_t flip = nibbles ? 0 : 0x80;
  for (int64_t b = 0; b < numBlocks; ++b) {
    for (int64_t r = 0; r < panelRows; ++r) {
      const uint8_t *block = src + r * rowStride + b * blockBytes;
      std::memcpy(dst + scaleOffset(b) + 2 * r, block, 2);
      for (int64_t g = 0; g < groups(); ++g)
        for (int64_t j = 0; j < 4; ++j)
          dst[groupOffset(b, g) + 4 * r + j] = block[2 + 4 * g + j] ^ flip;
    }
  }
}
