//===- ScheduleOps.td - The host schedule of a compiled model -*- tablegen -*-===//
//
// SPDX-License-Identifier: Apache-2.0
//
// After dispatch formation an entry point is a host schedule: an ordered
// list of kernel launches over buffers (weights, state, scratch, tokens,
// logits). The kernels live in a nested `builtin.module @kernels`.
//
//===----------------------------------------------------------------------===//

#ifndef LIQUID_SCHEDULE_OPS_TD
#define LIQUID_SCHEDULE_OPS_TD

include "Liquid/LiquidBase.td"

def Liquid_DispatchOp : Liquid_Op<"dispatch"> {
  let summary = "Launch a kernel over a number of workgroups";
  let description = [{
    Runs the kernel `kernel` (a `func.func` in the nested
    `builtin.module @kernels`) once per workgroup id in `[0, workgroups)`,
    in any order and on any thread. The operands are the kernel's arguments
    in order; the kernel takes one more, trailing `index` argument tagged
    `liquid.workgroup`: its workgroup id. Every result is written into the
    buffer of an operand, `tied_operands[i]` for result `i`, and has its
    type: results are named views of those buffers after the launch, not
    new storage. A destination is a `tensor.empty` (scratch the memory plan
    places), a state argument (updated in place) or, for the value an entry
    point returns first, the caller's logits.

    Each workgroup writes a disjoint part of the destinations: a kernel
    split over the rows of a weight computes rows
    `[id * n / workgroups, (id + 1) * n / workgroups)`.

    ```mlir
    %y0 = tensor.empty() : tensor<1x768xf32>
    %y = liquid.dispatch @kernels::@linear_0 [12] (%x, %w, %y0)
        {tied_operands = array<i64: 2>}
        : (tensor<1x256xf32>, tensor<768x256xf32>, tensor<1x768xf32>)
        -> tensor<1x768xf32>
    ```
  }];
  let arguments = (ins SymbolRefAttr:$kernel, I64Attr:$workgroups,
                       Variadic<AnyType>:$args,
                       DenseI64ArrayAttr:$tied_operands);
  let results = (outs Variadic<AnyRankedTensor>:$results);
  let assemblyFormat = [{
    $kernel `[` $workgroups `]` `(` $args `)` attr-dict `:`
    functional-type($args, $results)
  }];
  let hasVerifier = 1;
}

#endif // LIQUID_SCHEDULE_OPS_TD
