//===- RecurrenceOps.td - Sequence mixers with explicit state -*- tablegen -*-===//
//
// SPDX-License-Identifier: Apache-2.0
//
// The two operators of an LFM2 decoder layer that mix information along the
// sequence: the gated short convolution and grouped-query attention. Both
// take their state (conv window, KV cache) as operands and return it updated.
//
//===----------------------------------------------------------------------===//

#ifndef LIQUID_RECURRENCE_OPS_TD
#define LIQUID_RECURRENCE_OPS_TD

include "Liquid/LiquidBase.td"
include "Liquid/LiquidInterfaces.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

def Liquid_ShortConvOp : Liquid_Op<"short_conv", [Pure,
    DeclareOpInterfaceMethods<Liquid_RecurrentStateOpInterface>,
    AllTypesMatch<["state", "new_state"]>]> {
  let summary = "Gated depthwise causal convolution with its window state";
  let description = [{
    The core of LFM2's short-convolution block, between `in_proj` and
    `out_proj`. The input is `in_proj`'s output `[T, 3H]`, split along the
    channels into `B = input[:, 0:H]`, `C = input[:, H:2H]` and
    `x = input[:, 2H:3H]`. With the kernel `[H, L]` and the state `[L-1, H]`
    holding the previous `L-1` gated inputs (zeros at the start of a
    sequence):

    ```
    window = concat(state, B * x)                 // [L-1+T, H]
    conv[t, c] = sum_k kernel[c, k] * window[t + k, c]
    result = C * conv                             // [T, H]
    new_state = window[T : T + L-1]
    ```

    `kernel[c, L-1]` multiplies the current token. No bias, no activation.

    ```mlir
    %y, %s1 = liquid.short_conv %bcx, %kernel, %s0
        : tensor<?x768xf32>, tensor<256x3xf32>, tensor<2x256xf32> -> tensor<?x256xf32>
    ```
  }];
  let arguments = (ins Liquid_Activation:$input, Liquid_FloatWeight:$kernel,
                       Liquid_State:$state);
  let results = (outs Liquid_Activation:$result,
                      Liquid_State:$new_state);
  let assemblyFormat = [{
    $input `,` $kernel `,` $state attr-dict `:` type($input) `,` type($kernel)
    `,` type($state) `->` type($result)
  }];
  let hasVerifier = 1;
}

def Liquid_AttentionOp : Liquid_Op<"attention", [NoMemoryEffect,
    DeclareOpInterfaceMethods<Liquid_RecurrentStateOpInterface>,
    DeclareOpInterfaceMethods<Liquid_PartitionOpInterface>,
    AllTypesMatch<["query", "result"]>,
    AllTypesMatch<["key", "value"]>,
    AllTypesMatch<["key_cache", "value_cache", "new_key_cache",
                   "new_value_cache"]>]> {
  let summary = "Causal grouped-query attention over a KV cache";
  let description = [{
    Appends the `T` new keys and values at rows `[position, position + T)` of
    the caches (`[kv_heads, capacity, head_dim]`: each head's rows are one
    contiguous run) and attends every query to the cache rows up to and
    including its own position:

    ```
    p = position + t
    s[j] = scale * dot(query[t, h], K[h / g, j]),  j <= p,  g = heads / kv_heads
    result[t, h] = sum_j softmax(s)[j] * V[h / g, j]
    ```

    `scale` defaults to `1/sqrt(head_dim)`. Queries and keys arrive already
    normalized and rotated. `position + T <= capacity` is the caller's
    precondition; the op is therefore not speculatable.

    ```mlir
    %o, %k1, %v1 = liquid.attention %q, %k, %v, %k0, %v0, %pos
        : tensor<?x4x64xf32>, tensor<?x2x64xf32>, tensor<2x4096x64xf32>
    ```
  }];
  let arguments = (ins Liquid_Activation:$query, Liquid_Activation:$key,
                       Liquid_Activation:$value,
                       Liquid_State:$key_cache,
                       Liquid_State:$value_cache,
                       Index:$position, OptionalAttr<F64Attr>:$scale);
  let results = (outs Liquid_Activation:$result,
                      Liquid_State:$new_key_cache,
                      Liquid_State:$new_value_cache);
  let assemblyFormat = [{
    $query `,` $key `,` $value `,` $key_cache `,` $value_cache `,` $position
    attr-dict `:` type($query) `,` type($key) `,` type($key_cache)
  }];
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    /// The scale applied to query-key dot products.
    double getScaleOrDefault();
  }];
}

#endif // LIQUID_RECURRENCE_OPS_TD
