//===- LiquidTypes.td - Block-quantized weight element types -*- tablegen -*-===//
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//

#ifndef LIQUID_TYPES_TD
#define LIQUID_TYPES_TD

include "Liquid/LiquidBase.td"
include "Liquid/LiquidInterfaces.td"

def Liquid_Q8_0Type : Liquid_Type<"Q8_0", "q8_0",
    [DeclareTypeInterfaceMethods<Liquid_QuantizedTypeInterface>]> {
  let summary = "GGUF Q8_0 block: 32 signed bytes and an f16 scale";
  let description = [{
    The element type of weights stored in GGML's Q8_0 format: blocks of 32
    elements along the innermost dimension, each an f16 scale `d` followed by
    32 `i8` values `q`, element = `d * q` (34 bytes a block). Tensors of this
    type keep the logical shape; the innermost dimension must be a multiple
    of 32.

    ```mlir
    liquid.param @blk.0.ffn_up.weight : tensor<768x256x!liquid.q8_0>
    ```
  }];
}

def Liquid_Q4_0Type : Liquid_Type<"Q4_0", "q4_0",
    [DeclareTypeInterfaceMethods<Liquid_QuantizedTypeInterface>]> {
  let summary = "GGUF Q4_0 block: 32 four-bit values and an f16 scale";
  let description = [{
    The element type of weights stored in GGML's Q4_0 format: blocks of 32
    elements, each an f16 scale `d` followed by 16 bytes of nibbles; element
    `j` is the low nibble of byte `j` for `j < 16` and the high nibble of
    byte `j - 16` otherwise, and its value is `d * (nibble - 8)` (18 bytes a
    block).

    ```mlir
    liquid.param @blk.0.ffn_up.weight : tensor<768x256x!liquid.q4_0>
    ```
  }];
}

def Liquid_GroupQuantType : Liquid_Type<"GroupQuant", "qint",
    [DeclareTypeInterfaceMethods<Liquid_QuantizedTypeInterface>]> {
  let summary = "Liquid's own symmetric int8 / int4 group quantization";
  let description = [{
    The format the compiler chooses when it re-quantizes float weights:
    groups of `group` elements along the innermost dimension share one f16
    scale; values are signed `bits`-bit integers (8 or 4; two 4-bit values a
    byte, low nibble first), element = `scale * q`. A group occupies
    `2 + group * bits / 8` bytes.

    ```mlir
    liquid.param @w : tensor<768x256x!liquid.qint<4, 64>>
    ```
  }];
  let parameters = (ins "unsigned":$bits, "unsigned":$group);
  let assemblyFormat = "`<` $bits `,` $group `>`";
  let genVerifyDecl = 1;
}

def Liquid_Q8ActType : Liquid_Type<"Q8Act", "q8_act",
    [DeclareTypeInterfaceMethods<Liquid_QuantizedTypeInterface>]> {
  let summary = "Activations quantized to int8 per block of 32, with block sums";
  let description = [{
    The element type of activations that feed an int8 matrix product
    (`liquid.quantize` makes them). Each block of 32 consecutive elements
    along the innermost dimension is stored in 40 bytes: the 32 values `q`
    as `i8`, then the scale `d` as a little-endian f32, then the sum of the
    32 values as a little-endian i32. Element = `d * q`, where for the
    block's f32 values `x`: `d = max|x| / 127`, `q = round_even(x * (1 / d))`
    (0 when `d` is 0). The sum lets a kernel that reads the weights as
    unsigned bytes `w + c` remove `c * sum(q)` exactly.

    ```mlir
    %xq = liquid.quantize %x : tensor<1x1024xf32> -> tensor<1x1024x!liquid.q8_act>
    ```
  }];
}

def Liquid_PanelsType : Liquid_Type<"Panels", "panels",
    [DeclareTypeInterfaceMethods<Liquid_QuantizedTypeInterface,
                                 ["getByteShape"]>]> {
  let summary = "A block-quantized weight regrouped into panels of rows";
  let description = [{
    The layout the compiler gives a `[..., N, K]` weight of `!liquid.q8_0`
    or `!liquid.q4_0` blocks for its int8 matrix kernels (`liquid.pack`
    writes it at compile time). Rows are taken `rows` at a time (a panel,
    one 32-bit vector lane per row); a panel stores, for each block `b` of
    32 columns, the rows' value bytes interleaved four at a time (so one
    vector load gives every row of the panel four consecutive bytes, ready
    for a 4-way byte dot product), then after all the blocks the f16 scales,
    `rows` per block.

    * `q8_0`: block `b`, group `g` (columns `4g .. 4g + 3`): `rows * 4`
      bytes, row `r`'s four at `4r`, each stored as `q + 128` (unsigned).
    * `q4_0`: block `b`, group `h < 4`: `rows * 4` bytes, row `r`'s bytes
      `4h .. 4h + 3` of the block; their low nibbles are columns
      `4h .. 4h + 3`, their high nibbles columns `16 + 4h .. 16 + 4h + 3`,
      each `q + 8` (as GGUF stores them).

    A panel of `K / 32` blocks is `K / 32 * rows * block_bytes` bytes, the
    size of its rows in the checkpoint. The byte view is
    `[..., N / rows, K / 32 * rows * block_bytes]`.

    ```mlir
    %p = liquid.pack %w : tensor<1024x1024x!liquid.q4_0> -> tensor<1024x1024x!liquid.panels<!liquid.q4_0, 16>>
    ```
  }];
  let parameters = (ins "::mlir::Type":$block, "unsigned":$rows);
  let assemblyFormat = "`<` $block `,` $rows `>`";
  let genVerifyDecl = 1;
}

#endif // LIQUID_TYPES_TD
