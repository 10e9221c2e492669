//===- ModelOps.td - Weights, embedding, norms, linear layers -*- tablegen -*-===//
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//

#ifndef LIQUID_MODEL_OPS_TD
#define LIQUID_MODEL_OPS_TD

include "Liquid/LiquidBase.td"
include "Liquid/LiquidInterfaces.td"
include "mlir/IR/SymbolInterfaces.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

//===----------------------------------------------------------------------===//
// Weights
//===----------------------------------------------------------------------===//

def Liquid_ParamOp : Liquid_Op<"param", [Symbol, HasParent<"::mlir::ModuleOp">]> {
  let summary = "Declares one checkpoint tensor";
  let description = [{
    Declares a weight of the model by its checkpoint name, with its logical
    shape and storage element type. The bytes stay in the checkpoint (and
    later in the artifact's weight segments); functions read the weight with
    `liquid.weight`. Block-quantized element types require the innermost
    dimension to be a multiple of the block size.

    ```mlir
    liquid.param @model.layers.0.conv.in_proj.weight : tensor<768x256xbf16>
    liquid.param @blk.0.ffn_down.weight : tensor<256x768x!liquid.q4_0>
    ```
  }];
  let arguments = (ins SymbolNameAttr:$sym_name,
                       TypeAttrOf<Liquid_Weight>:$type);
  let assemblyFormat = "$sym_name attr-dict `:` $type";
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    ::mlir::RankedTensorType getTensorType() {
      return ::llvm::cast<::mlir::RankedTensorType>(getType());
    }
  }];
}

def Liquid_WeightOp : Liquid_Op<"weight", [Pure,
    DeclareOpInterfaceMethods<SymbolUserOpInterface>]> {
  let summary = "Reads a declared weight as a tensor value";
  let description = [{
    Yields the tensor declared by the `liquid.param` named `name`. The result
    type must equal the declaration's type.

    ```mlir
    %w = liquid.weight @model.layers.0.conv.in_proj.weight : tensor<768x256xbf16>
    ```
  }];
  let arguments = (ins FlatSymbolRefAttr:$name);
  let results = (outs Liquid_Weight:$result);
  let assemblyFormat = "$name attr-dict `:` type($result)";
}

def Liquid_BitcastOp : Liquid_Op<"bitcast", [Pure]> {
  let summary = "Views a block-quantized weight as its raw bytes, or back";
  let description = [{
    Reinterprets the storage of a block-quantized weight: a
    `tensor<... x K x !q>` is the same bytes as a
    `tensor<... x (K / block) x block_bytes x i8>`, one row of bytes per block
    (for `!liquid.q8_0`: 2 bytes of f16 scale, then 32 signed bytes). Either
    direction is allowed. Lowering uses it to reach the bytes of a quantized
    weight; nothing is copied. A cast of a cast back to the original type
    folds away.

    ```mlir
    %bytes = liquid.bitcast %w : tensor<768x256x!liquid.q8_0> to tensor<768x8x34xi8>
    ```
  }];
  let arguments = (ins RankedTensorOf<[AnyType], [HasStaticShapePred]>:$source);
  let results = (outs RankedTensorOf<[AnyType], [HasStaticShapePred]>:$result);
  let assemblyFormat = "$source attr-dict `:` type($source) `to` type($result)";
  let hasVerifier = 1;
  let hasFolder = 1;
  let extraClassDeclaration = [{
    /// The byte view `tensor<... x (K / block) x bytes x i8>` of a
    /// quantized weight type.
    static ::mlir::RankedTensorType getByteType(::mlir::RankedTensorType quantized);
    /// The byte view of the quantized tensor `quantized`: the source of its
    /// bitcast when it is one, else a new bitcast.
    static ::mlir::Value viewAsBytes(::mlir::OpBuilder &b,
                                     ::mlir::Location loc,
                                     ::mlir::Value quantized);
  }];
}

//===----------------------------------------------------------------------===//
// Embedding, normalization, linear layers
//===----------------------------------------------------------------------===//

def Liquid_EmbedOp : Liquid_Op<"embed", [NoMemoryEffect]> {
  let summary = "Looks up token embeddings";
  let description = [{
    Gathers one row of the `[vocab, hidden]` table per token id and widens it
    to f32: `result[t, :] = table[ids[t], :]`. Ids outside the table are
    undefined behaviour (the runtime checks them), so the op has no side
    effects but is not speculatable.

    ```mlir
    %h = liquid.embed %table[%ids] : tensor<1024x256xbf16>, tensor<?xi32> -> tensor<?x256xf32>
    ```
  }];
  let arguments = (ins Liquid_Weight:$table, 1DTensorOf<[I32]>:$ids);
  let results = (outs RankedTensorOf<[F32], [HasAnyRankOfPred<[2]>]>:$result);
  let assemblyFormat = [{
    $table `[` $ids `]` attr-dict `:` type($table) `,` type($ids) `->` type($result)
  }];
  let hasVerifier = 1;
}

def Liquid_RMSNormOp : Liquid_Op<"rms_norm", [Pure,
    AllTypesMatch<["input", "result"]>]> {
  let summary = "RMS normalization over the innermost dimension";
  let description = [{
    `result = x * rsqrt(mean(x^2) + epsilon) * weight`, the mean taken over
    the innermost dimension, whose size must equal the weight's; epsilon is
    an f32 like the arithmetic it takes part in. Used on
    `[tokens, hidden]` activations and, per head, on `[tokens, heads,
    head_dim]` queries and keys.

    ```mlir
    %y = liquid.rms_norm %x, %w {epsilon = 1.0e-05 : f32} : tensor<?x256xf32>, tensor<256xbf16>
    ```
  }];
  let arguments = (ins Liquid_Activation:$input, Liquid_FloatWeight:$weight,
                       F32Attr:$epsilon);
  let results = (outs Liquid_Activation:$result);
  let assemblyFormat = [{
    $input `,` $weight attr-dict `:` type($input) `,` type($weight)
  }];
  let hasVerifier = 1;
}

def Liquid_LinearOp : Liquid_Op<"linear", [Pure,
    DeclareOpInterfaceMethods<Liquid_PartitionOpInterface>]> {
  let summary = "Linear layer without bias: x times W transposed";
  let description = [{
    `result[..., n] = sum_k input[..., k] * weight[n, k]` with the weight in
    PyTorch's `[out, in]` layout, stored as f32, f16, bf16 or a block-quantized
    type and dequantized on the fly; accumulation is in f32.

    The int8 form takes `!liquid.q8_act` input and a `!liquid.panels`
    weight (both made by the compiler: `liquid.quantize`, `liquid.pack`):
    per block `b` of 32 columns, the exact integer dot product of the value
    bytes is scaled by both blocks' scales,
    `result[..., n] = sum_b d_w[n, b] * d_x[..., b] * sum_{k in b} q_w[n, k] * q_x[..., k]`.

    ```mlir
    %y = liquid.linear %x, %w : tensor<?x256xf32>, tensor<768x256x!liquid.q8_0> -> tensor<?x768xf32>
    %z = liquid.linear %xq, %p : tensor<1x256x!liquid.q8_act>, tensor<768x256x!liquid.panels<!liquid.q8_0, 16>> -> tensor<1x768xf32>
    ```
  }];
  let arguments = (ins Liquid_ProjectionInput:$input, Liquid_Weight:$weight);
  let results = (outs Liquid_Activation:$result);
  let assemblyFormat = [{
    $input `,` $weight attr-dict `:` type($input) `,` type($weight) `->` type($result)
  }];
  let hasVerifier = 1;
}

def Liquid_FFNOp : Liquid_Op<"ffn", [Pure, Liquid_F32OfInputShape<"input", "result">,
    DeclareOpInterfaceMethods<Liquid_PartitionOpInterface>]> {
  let summary = "SwiGLU feed-forward";
  let description = [{
    `result = down(silu(gate(x)) * up(x))`, each projection a
    `liquid.linear`: `gate` and `up` are `[ffn, hidden]`, `down` is
    `[hidden, ffn]`; `silu(z) = z * sigmoid(z)` (`liquid.swiglu`). These are LFM2's `w1`, `w3`
    and `w2`. The result has the input's shape, in f32.

    With int8 weights (`!liquid.panels`, after `liquid.pack`) the input is
    `!liquid.q8_act` and the gated hidden activation is quantized
    (`liquid.quantize`) before the down projection.

    ```mlir
    %y = liquid.ffn %x, %w1, %w3, %w2 : tensor<?x256xf32>, tensor<768x256xbf16>, tensor<768x256xbf16>, tensor<256x768xbf16>
    ```
  }];
  let arguments = (ins Liquid_ProjectionInput:$input, Liquid_Weight:$gate,
                       Liquid_Weight:$up, Liquid_Weight:$down);
  let results = (outs Liquid_Activation:$result);
  let assemblyFormat = [{
    $input `,` $gate `,` $up `,` $down attr-dict `:` type($input) `,`
    type($gate) `,` type($up) `,` type($down)
  }];
  let hasVerifier = 1;
}

def Liquid_SwiGLUOp : Liquid_Op<"swiglu", [Pure, Elementwise,
    AllTypesMatch<["gate", "up", "result"]>]> {
  let summary = "The SwiGLU gate: silu(gate) * up, element by element";
  let description = [{
    `result = silu(gate) * up = gate / (1 + exp(-gate)) * up`, the gating
    between the up and down projections of `liquid.ffn` and of each expert
    of `liquid.moe_experts`. It is the one place this math is written:
    whatever splits those ops into their projections (the lowering to
    linalg, dispatch formation) computes the gate with this op, and the
    op's one lowering gives every path the same rounding.

    ```mlir
    %h = liquid.swiglu %g, %u : tensor<?x768xf32>
    ```
  }];
  let arguments = (ins Liquid_Activation:$gate, Liquid_Activation:$up);
  let results = (outs Liquid_Activation:$result);
  let assemblyFormat = "$gate `,` $up attr-dict `:` type($result)";
}

def Liquid_RoPEOp : Liquid_Op<"rope", [Pure, AllTypesMatch<["input", "result"]>]> {
  let summary = "Rotary position embedding, half-split (NeoX) layout";
  let description = [{
    Rotates `[tokens, heads, head_dim]` queries or keys. Token `t` sits at
    position `p = position + t`; for `i < head_dim / 2`,
    `angle = p * theta^(-2i / head_dim)` and the pair `(x[i], x[i + d/2])`
    becomes `(x[i] cos - x[i + d/2] sin, x[i + d/2] cos + x[i] sin)`. The
    whole head is rotated. `position` is a run-time value: the number of
    tokens already in the sequence.

    ```mlir
    %q2 = liquid.rope %q, %pos {theta = 1.0e+06 : f64} : tensor<?x4x64xf32>
    ```
  }];
  let arguments = (ins Liquid_Activation:$input, Index:$position,
                       F64Attr:$theta);
  let results = (outs Liquid_Activation:$result);
  let assemblyFormat = "$input `,` $position attr-dict `:` type($input)";
  let hasVerifier = 1;
}

#endif // LIQUID_MODEL_OPS_TD
