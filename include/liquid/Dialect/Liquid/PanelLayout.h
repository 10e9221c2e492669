//===- PanelLayout.h - Byte layout of !liquid.panels weights ------*- C++ -*-===//
//
// SPDX-License-Identifier: Apache-2.0
//
// The one description of where the bytes of a weight panel are
// (dialects/Liquid/LiquidTypes.td, !liquid.panels): the artifact writer
// packs checkpoint rows with it and the int8 kernels address the panels
// with it, so the two cannot disagree.
//
//===----------------------------------------------------------------------===//

#ifndef LIQUID_DIALECT_LIQUID_PANELLAYOUT_H
#define LIQUID_DIALECT_LIQUID_PANELLAYOUT_H

#include "liquid/Dialect/Liquid/LiquidTypes.h"

#include <cstdint>

namespace mlir::liquid {

class PanelLayout {
public:
  /// The layout of panels of `type` for rows of `columns` elements.
  PanelLayout(PanelsType type, int64_t columns);

  int64_t rows() const { return panelRows; }
  int64_t blocks() const { return numBlocks; }
  /// Four-byte groups stored per row and block: 4 for q4_0 (each byte two
  /// nibbles), 8 for q8_0.
  int64_t groups() const { return valueBytes / 4; }
  bool isNibbles() const { return nibbles; }
  /// Bits a stored value occupies: 4 (q4_0 nibbles) or 8 (q8_0 bytes).
  int64_t valueBits() const { return nibbles ? 4 : 8; }
  /// What every stored value carries on top of the signed value: 8 (q4_0
  /// nibbles) or 128 (q8_0 bytes stored unsigned).
  int64_t zeroPoint() const { return nibbles ? 8 : 128; }
  int64_t panelBytes() const { return numBlocks * panelRows * blockBytes; }
  /// Offset in a panel of group `g` of block `b`: `rows() * 4` bytes, row
  /// r's four bytes at 4r.
  int64_t groupOffset(int64_t b, int64_t g) const {
    return (b * groups() + g) * panelRows * 4;
  }
  /// Offset in a panel of block `b`'s f16 scales, one per row.
  int64_t scaleOffset(int64_t b) const {
    return numBlocks * panelRows * valueBytes + b * panelRows * 2;
  }
  /// Writes one panel to `dst` (panelBytes() bytes) from `rows()`
  /// checkpoint rows of blocks, row r at `src + r * rowStride`.
  void pack(const uint8_t *src, int64_t rowStride, uint8_t *dst) const;

private:
  int64_t panelRows, numBlocks, blockBytes, valueBytes;
  bool nibbles;
};

} // namespace mlir::liquid

#endif // LIQUID_DIALECT_LIQUID_PANELLAYOUT_H
