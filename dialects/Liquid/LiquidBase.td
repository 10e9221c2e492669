//===- LiquidBase.td - The liquid dialect and its op base class -*- tablegen -*-===//
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//

#ifndef LIQUID_BASE_TD
#define LIQUID_BASE_TD

include "mlir/IR/OpBase.td"
include "mlir/IR/AttrTypeBase.td"

def Liquid_Dialect : Dialect {
  let name = "liquid";
  let cppNamespace = "::mlir::liquid";
  let summary = "Model-level IR for liquid language models and liquid cells";
  let description = [{
    The `liquid` dialect represents LFM2 / LFM2-MoE language models and the
    MIT liquid recurrent cells (CfC, LTC) at the level of their math: token
    embedding, RMSNorm, linear layers over f32 / f16 / bf16 / block-quantized
    weights, the SwiGLU feed-forward, the gated short convolution, grouped
    query attention with RoPE, mixture-of-experts routing and the recurrent
    cells.

    Two principles shape every op:

    * Weights never enter the IR as constants. A module declares each
      checkpoint tensor once with `liquid.param` and functions read it with
      `liquid.weight`, so a dump of a billion-parameter model stays a few
      hundred lines and the artifact writer streams the bytes from the mapped
      checkpoint.
    * State is explicit. The conv window, the KV cache and a cell's hidden
      state are operands and results of the ops that use them
      (`RecurrentStateOpInterface`), never hidden in a runtime.

    Activations are f32 whatever the weights' storage type.
  }];
  let dependentDialects = ["::mlir::tensor::TensorDialect"];
  let useDefaultTypePrinterParser = 1;
  let useDefaultAttributePrinterParser = 1;
  let extraClassDeclaration = [{
    /// Registers the dialect's types (LiquidTypes.cpp).
    void registerTypes();
    /// Registers the dialect's attributes (LiquidAttrs.cpp).
    void registerAttributes();

    // The discardable attributes passes hand on to later passes, named once
    // (docs/lowering.md, sections 2-8).
    /// On an entry's argument and result: the state buffer it is.
    static ::llvm::StringRef getStateAttrName() { return "liquid.state"; }
    /// On a kernel's buffer argument added for a result: which result.
    static ::llvm::StringRef getResultAttrName() { return "liquid.result"; }
    /// On a kernel's result: the argument it is written into.
    static ::llvm::StringRef getTiedAttrName() { return "liquid.tied"; }
    /// On a kernel's buffer argument: its memref type.
    static ::llvm::StringRef getBufferAttrName() { return "liquid.buffer"; }
    /// On a kernel's buffer argument: the kernel may write it.
    static ::llvm::StringRef getWrittenAttrName() { return "liquid.written"; }
    /// On a kernel's argument: it is the workgroup index.
    static ::llvm::StringRef getWorkgroupAttrName() {
      return "liquid.workgroup";
    }
    /// On a kernel: how many workgroups it runs.
    static ::llvm::StringRef getWorkgroupsAttrName() {
      return "liquid.workgroups";
    }
    /// On a kernel's argument: it is the workspace; on a kernel: the
    /// workspace bytes it needs.
    static ::llvm::StringRef getWorkspaceAttrName() {
      return "liquid.workspace";
    }
  }];
}

class Liquid_Op<string mnemonic, list<Trait> traits = []>
    : Op<Liquid_Dialect, mnemonic, traits>;

class Liquid_Attr<string name, string attrMnemonic, list<Trait> traits = []>
    : AttrDef<Liquid_Dialect, name, traits> {
  let mnemonic = attrMnemonic;
}

class Liquid_Type<string name, string typeMnemonic, list<Trait> traits = []>
    : TypeDef<Liquid_Dialect, name, traits> {
  let mnemonic = typeMnemonic;
}

//===----------------------------------------------------------------------===//
// Shared type constraints
//===----------------------------------------------------------------------===//

// Activations: f32 tensors of any rank.
def Liquid_Activation : RankedTensorOf<[F32]>;

// Activations quantized per block to int8 (`!liquid.q8_act`).
def Liquid_QuantizedActivation : RankedTensorOf<[
    Type<CPred<"::llvm::isa<::mlir::liquid::Q8ActType>($_self)">,
         "int8 activation blocks">], [HasStaticShapePred],
    "statically shaped tensor of int8 activation blocks">;

// `result` is an f32 tensor of `input`'s shape (whether the input is f32 or
// int8 blocks).
class Liquid_F32OfInputShape<string input, string result>
    : TypesMatchWith<"result is f32 with the input's shape", input, result,
        "::mlir::RankedTensorType::get("
        "::llvm::cast<::mlir::ShapedType>($_self).getShape(), "
        "::mlir::Float32Type::get($_self.getContext()))">;

// The input of a projection: f32, or int8 blocks for an int8 weight panel.
def Liquid_ProjectionInput : AnyTypeOf<[Liquid_Activation,
                                        Liquid_QuantizedActivation]>;

// Element types a weight may be stored as: a float type or one of the
// dialect's block-quantized types.
def Liquid_WeightElement : AnyTypeOf<[F32, F16, BF16,
    Type<CPred<"::llvm::isa<::mlir::liquid::QuantizedTypeInterface>($_self)">,
         "block-quantized type">]>;

// A weight as a value: a statically shaped tensor of a weight element type.
def Liquid_Weight : RankedTensorOf<[Liquid_WeightElement], [HasStaticShapePred],
                                   "statically shaped weight tensor">;

// Float-only weights (norms, conv kernels, routers, cell parameters).
def Liquid_FloatWeight : RankedTensorOf<[F32, F16, BF16], [HasStaticShapePred],
                                        "statically shaped float tensor">;

// Recurrent state carried between steps: conv windows, KV caches.
def Liquid_State : RankedTensorOf<[F32], [HasStaticShapePred],
                                  "statically shaped f32 state tensor">;

#endif // LIQUID_BASE_TD
