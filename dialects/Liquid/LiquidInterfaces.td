//===- LiquidInterfaces.td - Interfaces passes use to treat ops alike -*- tablegen -*-===//
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//

#ifndef LIQUID_INTERFACES_TD
#define LIQUID_INTERFACES_TD

include "mlir/IR/OpBase.td"

def Liquid_QuantizedTypeInterface : TypeInterface<"QuantizedTypeInterface"> {
  let cppNamespace = "::mlir::liquid";
  let description = [{
    A block-quantized weight element type. A tensor of it has the logical
    shape of the dequantized weights; the innermost dimension is split into
    blocks of `getBlockSize()` elements, each stored in `getBlockBytes()`
    bytes (scale and packed values together). Lowering and the artifact
    writer use these numbers, and the shape of the byte view, to size and
    address buffers without knowing the format.
  }];
  let methods = [
    InterfaceMethod<"Elements per quantization block.",
                    "int64_t", "getBlockSize">,
    InterfaceMethod<"Bytes one block occupies in storage.",
                    "int64_t", "getBlockBytes">,
    InterfaceMethod<[{
      The shape of the byte view of a tensor of this type with the logical
      shape `shape`: by default one row of `getBlockBytes()` bytes per block,
      `[..., K / block, bytes]`.
    }], "::llvm::SmallVector<int64_t>", "getByteShape",
      (ins "::llvm::ArrayRef<int64_t>":$shape), [{}], [{
        ::llvm::SmallVector<int64_t> bytes(shape);
        bytes.back() /= $_type.getBlockSize();
        bytes.push_back($_type.getBlockBytes());
        return bytes;
      }]>,
  ];
}

def Liquid_RecurrentStateOpInterface : OpInterface<"RecurrentStateOpInterface"> {
  let cppNamespace = "::mlir::liquid";
  let description = [{
    An op that carries state from one step of a sequence to the next: the
    short convolution's window, attention's KV cache, a liquid cell's hidden
    state. The state enters as operands and leaves as results of the same
    types, in the same order, so a state-planning pass can pair them, give
    each pair one buffer and update it in place, and a runtime can snapshot
    and restore a session exactly.
  }];
  let methods = [
    InterfaceMethod<"The state operands, read by this op.",
                    "::mlir::OperandRange", "getStateInputs">,
    InterfaceMethod<"The updated state, one result per state operand.",
                    "::mlir::ResultRange", "getStateResults">,
  ];
  let verify = [{
    auto concrete = ::mlir::cast<ConcreteOp>($_op);
    if (concrete.getStateInputs().size() != concrete.getStateResults().size() ||
        !::llvm::equal(concrete.getStateInputs().getTypes(),
                       concrete.getStateResults().getTypes()))
      return $_op->emitOpError("state results must match the state operands");
    return ::mlir::success();
  }];
}

def Liquid_RouterOpInterface : OpInterface<"RouterOpInterface"> {
  let cppNamespace = "::mlir::liquid";
  let description = [{
    A mixture-of-experts router: for every token it selects `getTopK()` of
    `getNumExperts()` experts and gives each a weight. The decisions are SSA
    values, so passes that group tokens by expert or read only the selected
    experts' weights find them without knowing the scoring rule.
  }];
  let methods = [
    InterfaceMethod<"Number of experts routed over.", "int64_t",
                    "getNumExperts">,
    InterfaceMethod<"Experts selected per token.", "int64_t", "getTopK">,
    InterfaceMethod<"Selected expert ids, [tokens, k] i32.",
                    "::mlir::Value", "getExpertIds">,
    InterfaceMethod<"Weights of the selected experts, [tokens, k] f32.",
                    "::mlir::Value", "getExpertWeights">,
  ];
}

def Liquid_PartitionOpInterface : OpInterface<"PartitionOpInterface"> {
  let cppNamespace = "::mlir::liquid";
  let description = [{
    An op whose work `liquid-form-dispatches` splits into independent parts,
    one per workgroup, which the runtime may run on any thread in any
    order. The op decides how many parts it makes for a target, from the
    target description (`#liquid.target`: its vector width); the pass
    builds the kernel that computes one part. What a part is belongs to the
    op: a run of rows of the weight (`liquid.linear`; the gate and up
    projections of `liquid.ffn`), the query heads that share one key/value
    head (`liquid.attention`), one expert (`liquid.moe_experts`). An op
    without the interface runs as one part.
  }];
  let methods = [
    InterfaceMethod<"The number of parts the op is split into on `target`.",
                    "int64_t", "getWorkgroupCount",
                    (ins "::mlir::liquid::TargetAttr":$target)>,
  ];
}

#endif // LIQUID_INTERFACES_TD
