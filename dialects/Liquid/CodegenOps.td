//===- CodegenOps.td - Ops the compiler introduces for a target -*- tablegen -*-===//
//
// SPDX-License-Identifier: Apache-2.0
//
// Ops that do not come from the model but from the compiler's choices for
// a target: weights packed into the layout their kernels read, activations
// quantized for integer matrix products, and the byte dot product those
// kernels are built from.
//
//===----------------------------------------------------------------------===//

#ifndef LIQUID_CODEGEN_OPS_TD
#define LIQUID_CODEGEN_OPS_TD

include "Liquid/LiquidBase.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

def Liquid_PackOp : Liquid_Op<"pack", [Pure]> {
  let summary = "A weight regrouped into the layout its kernels read";
  let description = [{
    The same weight, `[..., N, K]` of `!liquid.q8_0` or `!liquid.q4_0`
    blocks, stored as `!liquid.panels<block, rows>` (see that type for the
    byte layout). Weights are known when the model is compiled, so this op
    never runs: the artifact writer writes the packed bytes in place of the
    checkpoint's, and kernels bind them directly. The row count must be a
    multiple of `rows`.

    ```mlir
    %w = liquid.weight @blk.0.ffn_up.weight : tensor<4608x1024x!liquid.q4_0>
    %p = liquid.pack %w : tensor<4608x1024x!liquid.q4_0> -> tensor<4608x1024x!liquid.panels<!liquid.q4_0, 16>>
    ```
  }];
  let arguments = (ins Liquid_Weight:$source);
  let results = (outs Liquid_Weight:$result);
  let assemblyFormat = "$source attr-dict `:` type($source) `->` type($result)";
  let hasVerifier = 1;
}

def Liquid_QuantizeOp : Liquid_Op<"quantize", [Pure]> {
  let summary = "Quantizes activations to int8 per block of 32";
  let description = [{
    Quantizes each block of 32 consecutive f32 values along the innermost
    dimension to `!liquid.q8_act`: `d = max|x| / 127` (in f32),
    `q = round_even(x * (1 / d))` as i8 (all 0 when `d` is 0), and the
    block's sum of `q`. The innermost dimension must be a multiple of 32.
    This is the form in which an int8 matrix product (`liquid.linear` over
    `!liquid.panels` weights) reads its input.

    ```mlir
    %xq = liquid.quantize %x : tensor<32x1024xf32> -> tensor<32x1024x!liquid.q8_act>
    ```
  }];
  let arguments = (ins Liquid_Activation:$input);
  let results = (outs Liquid_QuantizedActivation:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
  let hasVerifier = 1;
}

def Liquid_Dot4Op : Liquid_Op<"dot4", [Pure,
    AllTypesMatch<["acc", "result"]>, AllTypesMatch<["lhs", "rhs"]>]> {
  let summary = "Byte dot products of four, accumulated into 32-bit lanes";
  let description = [{
    For every lane `i` of the `i32` accumulator:
    `result[i] = acc[i] + sum_{j < 4} zext(lhs[4i + j]) * sext(rhs[4i + j])`:
    `lhs` is read as unsigned bytes, `rhs` as signed bytes, and the sum is
    exact (no saturation). `lhs_bits` (default 8) promises that every `lhs`
    byte is below `2^lhs_bits` (4 for Q4_0 nibbles), which lets a target
    use a narrower product. This is the inner step of the int8 matrix
    kernels; each target lowers it to its own instruction where it has one
    (AVX-512 VNNI and AVX-VNNI `vpdpbusd`; `vpmaddubsw` + `vpmaddwd` with
    AVX2, AVX-512BW or SSSE3, exact for any bytes) and to plain vector
    arithmetic where it has none.

    ```mlir
    %acc1 = liquid.dot4 %acc, %w, %x : vector<64xi8> into vector<16xi32>
    %acc2 = liquid.dot4 %acc1, %nibbles, %x {lhs_bits = 4 : i64} : vector<64xi8> into vector<16xi32>
    ```
  }];
  let arguments = (ins VectorOfRankAndType<[1], [I32]>:$acc,
                       VectorOfRankAndType<[1], [I8]>:$lhs,
                       VectorOfRankAndType<[1], [I8]>:$rhs,
                       DefaultValuedAttr<I64Attr, "8">:$lhs_bits);
  let results = (outs VectorOfRankAndType<[1], [I32]>:$result);
  let assemblyFormat = [{
    $acc `,` $lhs `,` $rhs attr-dict `:` type($lhs) `into` type($acc)
  }];
  let hasVerifier = 1;
}

#endif // LIQUID_CODEGEN_OPS_TD
