//===- Passes.td - Passes of the liquid dialect -*- tablegen -*-===//
//
// SPDX-License-Identifier: Apache-2.0
//
// Every liquid pass is declared here, grouped under banners, alphabetical
// within a group. `GEN_PASS_DECL` generates the create functions.
//
//===----------------------------------------------------------------------===//

#ifndef LIQUID_PASSES_TD
#define LIQUID_PASSES_TD

include "mlir/Pass/PassBase.td"

//===----------------------------------------------------------------------===//
// Liquid transforms
//===----------------------------------------------------------------------===//

def BufferEntryPointsPass : Pass<"liquid-buffer-entry-points", "ModuleOp"> {
  let summary = "Entry points take caller-owned buffers and return nothing";
  let description = [{
    Rewrites every public function with a body into destination-passing
    form over memrefs, the calling convention of the compiled code: each
    tensor argument becomes a memref of the same shape (read through
    `bufferization.to_tensor restrict`, writable for `liquid.state`
    arguments), and each result is written with
    `bufferization.materialize_in_destination` into a buffer the caller
    passes: a state result into its own state argument (matched by its
    `liquid.state` name, so the state is updated in place), any other result
    into a new trailing argument tagged `liquid.result = <index>`. Every
    buffer argument is tagged `liquid.buffer = <memref type>`, which
    survives the lowering to LLVM's bare pointers and tells the artifact
    writer each binding's shape. The functions then return nothing, and one-shot bufferization with
    empty-tensor elimination writes the logits straight into the caller's
    buffer and the KV caches in place.
  }];
  let dependentDialects = [
    "::mlir::bufferization::BufferizationDialect",
    "::mlir::memref::MemRefDialect",
  ];
}

def WeightsToArgumentsPass : Pass<"liquid-weights-to-arguments", "ModuleOp"> {
  let summary = "Turn weight reads into function arguments";
  let description = [{
    Gives every function one trailing argument per distinct weight it reads,
    tagged `liquid.weight = "<checkpoint name>"`, replaces its
    `liquid.weight` ops with those arguments and erases the `liquid.param`
    declarations. Float weights keep their tensor type; a block-quantized
    weight becomes its byte view (`tensor<... x blocks x bytes x i8>`, see
    `liquid.bitcast`), so the caller binds the checkpoint's bytes as they
    are. Afterwards the module holds no liquid op that the lowering does not
    fold away, and upstream bufferization and LLVM lowering apply.
  }];
  let dependentDialects = ["::mlir::liquid::LiquidDialect"];
}

//===----------------------------------------------------------------------===//
// Conversions out of liquid
//===----------------------------------------------------------------------===//

def ConvertLiquidToLinalgPass : Pass<"convert-liquid-to-linalg", "ModuleOp"> {
  let summary = "Lower liquid model ops to linalg on tensors";
  let description = [{
    Rewrites liquid ops as `linalg.generic` ops on tensors (with `tensor`,
    `arith` and `math` in their bodies), keeping the math of each op's ODS
    description: RMSNorm as a sum-of-squares reduction and a scaling,
    `liquid.linear` as a contraction over the weight's `[out, in]` layout with
    the weight widened to f32 (or a block-quantized weight decoded from its
    `liquid.bitcast` byte view) inside the body, the SwiGLU feed-forward as
    three such contractions around a fused `silu(gate) * up`, the embedding
    as a gather, RoPE as an element-wise rotation whose angles come from
    `position + t`, the short convolution as gates around a causal
    depthwise convolution over `concat(state, B * x)`, and attention as
    cache updates (`tensor.insert_slice` at `position`), scores over the
    filled rows only, a causal mask, a max-subtracted softmax and the
    weighted sum of values. The MoE router becomes sigmoid scores and k
    rounds of a masked arg-max (ties to the lower id); the experts gather
    each token's selected experts' weights by id, reading no others.

    The cells (`liquid.cfc`, `liquid.ltc`) become an `scf.for` over time
    carrying the hidden state, with matrix-vector products and element-wise
    math per step (the LTC's ODE unfolds a nested `scf.for`);
    `liquid.weight` stays as the leaf that the memory plan binds later.
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::linalg::LinalgDialect",
    "::mlir::math::MathDialect",
    "::mlir::scf::SCFDialect",
    "::mlir::tensor::TensorDialect",
  ];
}

//===----------------------------------------------------------------------===//
// CPU target
//===----------------------------------------------------------------------===//

def EmitKernelABIPass : Pass<"liquid-emit-kernel-abi", "ModuleOp"> {
  let summary = "Give each entry point the runtime's C kernel signature";
  let description = [{
    Runs on the LLVM dialect, after the entry points' memrefs became bare
    pointers. For every public `llvm.func` with a body, `@f(ptr..., i64...)`,
    adds the exported kernel the runtime calls (artifact.fbs, "Kernel ABI"):

      llvm.func @liquid_kernel_f(%bindings: !llvm.ptr, %constants: !llvm.ptr,
                                 %workgroup: i64)

    which loads `f`'s pointer arguments from `bindings[0..]` and its integer
    arguments from `constants[0..]`, both in argument order, and calls it;
    `f` itself becomes internal so that only kernels are exported.
  }];
  let dependentDialects = ["::mlir::LLVM::LLVMDialect"];
}

#endif // LIQUID_PASSES_TD
