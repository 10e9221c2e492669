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

#endif // LIQUID_TYPES_TD
