//===- MoEOps.td - Mixture-of-experts routing and experts -*- tablegen -*-===//
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//

#ifndef LIQUID_MOE_OPS_TD
#define LIQUID_MOE_OPS_TD

include "Liquid/LiquidBase.td"
include "Liquid/LiquidInterfaces.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

def Liquid_MoERouterOp : Liquid_Op<"moe_router", [Pure,
    Liquid_RouterOpInterface]> {
  let summary = "Sigmoid top-k expert selection";
  let description = [{
    Routes each token to `top_k` of E experts, LFM2-MoE's rule (computed in
    f32; the router weight `[E, hidden]` is never quantized):

    ```
    p = sigmoid(linear(x, gate))              // [T, E]
    ids = top_k indices of (p + bias)         // bias, if given, only selects
    w = p[ids]                                // unbiased scores
    w = w / max(sum(w), 6.103515625e-05)      // if normalize
    w = w * scaling
    ```

    Ties pick the lower expert id. `ids` is `[T, top_k]` i32 in descending
    order of score; `weights` is `[T, top_k]` f32. Both are ordinary values:
    the expert computation reads them, and so can anything else.

    ```mlir
    %ids, %w = liquid.moe_router %x, %gate, %bias {top_k = 2 : i64, normalize = true, scaling = 1.0 : f64}
        : tensor<?x256xf32>, tensor<8x256xbf16>, tensor<8xf32> -> tensor<?x2xi32>, tensor<?x2xf32>
    ```
  }];
  let arguments = (ins Liquid_Activation:$input, Liquid_FloatWeight:$gate,
                       Optional<Liquid_FloatWeight>:$bias,
                       ConfinedAttr<I64Attr, [IntPositive]>:$top_k,
                       BoolAttr:$normalize, F64Attr:$scaling);
  let results = (outs RankedTensorOf<[I32], [HasAnyRankOfPred<[2]>]>:$expert_ids,
                      RankedTensorOf<[F32], [HasAnyRankOfPred<[2]>]>:$expert_weights);
  let assemblyFormat = [{
    $input `,` $gate (`,` $bias^)? attr-dict `:` type($input) `,` type($gate)
    (`,` type($bias)^)? `->` type($expert_ids) `,` type($expert_weights)
  }];
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    int64_t getNumExperts() { return getGate().getType().getDimSize(0); }
  }];
}

def Liquid_MoEExpertsOp : Liquid_Op<"moe_experts", [NoMemoryEffect,
    Liquid_F32OfInputShape<"input", "result">,
    DeclareOpInterfaceMethods<Liquid_PartitionOpInterface>]> {
  let summary = "Runs the selected SwiGLU experts and combines their outputs";
  let description = [{
    For each token, evaluates the experts a router chose and sums their
    outputs weighted by the router's weights:

    ```
    result[t] = sum_j weights[t, j] * ffn_e(input[t]),  e = ids[t, j]
    ffn_e(x) = down[e] · (silu(gate[e] · x) * (up[e] · x))
    ```

    The expert weights are stacked: `gate`/`up` `[E, ffn, hidden]`, `down`
    `[E, hidden, ffn]`, any weight element type. Only the selected experts'
    weights are needed; lowering reads no others. Ids must lie in `[0, E)`
    (a router guarantees it), so the op is not speculatable. The result has
    the input's shape, in f32. With int8 expert weights (`!liquid.panels`)
    the input is `!liquid.q8_act` and each expert's gated hidden activation
    is quantized before its down projection, as in `liquid.ffn`.

    ```mlir
    %y = liquid.moe_experts %x, %ids, %w, %g, %u, %d
        : tensor<?x256xf32>, tensor<?x2xi32>, tensor<?x2xf32>, tensor<8x128x256xbf16>, tensor<8x128x256xbf16>, tensor<8x256x128xbf16>
    ```
  }];
  let arguments = (ins Liquid_ProjectionInput:$input,
                       RankedTensorOf<[I32], [HasAnyRankOfPred<[2]>]>:$expert_ids,
                       RankedTensorOf<[F32], [HasAnyRankOfPred<[2]>]>:$expert_weights,
                       Liquid_Weight:$gate, Liquid_Weight:$up,
                       Liquid_Weight:$down);
  let results = (outs Liquid_Activation:$result);
  let assemblyFormat = [{
    $input `,` $expert_ids `,` $expert_weights `,` $gate `,` $up `,` $down
    attr-dict `:` type($input) `,` type($expert_ids) `,` type($expert_weights)
    `,` type($gate) `,` type($up) `,` type($down)
  }];
  let hasVerifier = 1;
}

#endif // LIQUID_MOE_OPS_TD
