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
    `liquid.state` name, so the state is updated in place), a result tagged
    `liquid.tied = <argument>` into that argument, any other result
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

def CopiesToLinalgPass : Pass<"liquid-copies-to-linalg", "ModuleOp"> {
  let summary = "Turn memref.copy into linalg.copy";
  let description = [{
    Rewrites every `memref.copy` as a `linalg.copy` of the same operands, so
    that the copies bufferization leaves (into strided views, for instance)
    become loops with the rest of the linalg ops. Otherwise the LLVM
    lowering calls `memrefCopy` from MLIR's C runner library for copies that
    are not contiguous, and the compiled code could not load without it.
  }];
  let dependentDialects = ["::mlir::linalg::LinalgDialect"];
}

def FormDispatchesPass : Pass<"liquid-form-dispatches", "ModuleOp"> {
  let summary = "Split entry points into kernels and a host schedule";
  let description = [{
    Moves every compute op of each public function (the entry points) into
    a kernel: a `func.func` in a new nested `builtin.module @kernels`, and
    leaves in its place a `liquid.dispatch` of that kernel over buffers.
    What stays in an entry point is its host schedule: weight reads,
    dispatches, the `tensor.empty` scratch they write into, and reshapes
    (views of a buffer). The entry point is tagged `liquid.schedule`.

    Kernels are shared: ops with the same name, attributes and operand
    types launch the same kernel, so a 16-layer model has as many kernels
    as it has distinct layer shapes. A `liquid.linear` is split over
    workgroups by rows of its weight (four vector registers of the target
    a workgroup for float weights, 64 rows with 512-bit vectors;
    four panels for weights in `!liquid.panels`, fewer down to one panel so
    that at least four workgroups remain), and `liquid.ffn` becomes two
    launches: the gated up projection (`liquid.swiglu` of two linears) split
    by rows of `gate`/`up`, then the down projection split like any linear.
    A quantization whose input has no other use runs in its producer's
    kernel, and a residual add with the norm of its sum (and that norm's
    quantization); a static slice of a buffer that an op reads is taken inside the
    op's kernel. `liquid.moe_experts` becomes one launch with a workgroup
    per expert, which lists the (token, slot) pairs routed to it and runs
    them eight at a time as matrix products over their gathered rows (a
    shorter tail as a group of 4 or 1; an expert no token chose is not
    read), then a launch summing the slots. `liquid.attention` runs one workgroup per key/value
    head, each on the query heads that share it and on that head's rows of
    the caches. Other ops run as one workgroup. State results are written into
    their state operands (in place); other results into fresh scratch.

    A kernel takes the dispatch operands in order (a block-quantized weight
    as its byte view), then its workgroup id (an `index` tagged
    `liquid.workgroup`); result `i` is tagged `liquid.tied = <operand>`.
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::scf::SCFDialect",
    "::mlir::tensor::TensorDialect",
  ];
}

def QuantizeProjectionsPass : Pass<"liquid-quantize-projections", "ModuleOp"> {
  let summary = "Projections over Q8_0 / Q4_0 weights become int8 matrix products";
  let description = [{
    Runs on the model's entry points, before dispatch formation, and reads
    the target description (`#liquid.target`). Every `liquid.linear`,
    `liquid.ffn` and `liquid.moe_experts` whose weights are all
    `!liquid.q8_0` or `!liquid.q4_0` takes the int8 form: each weight is
    packed (`liquid.pack`) into `!liquid.panels` of four vector registers'
    worth of rows (one row per 32-bit lane of the target's vectors; one
    register's worth when the row count does not allow four), so a decode
    step reads one contiguous stream per panel, and the input is quantized
    (`liquid.quantize`,
    once per value however many projections read it). Weights stay as they
    are for their other uses (a tied embedding table is still gathered
    from the checkpoint layout).
  }];
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

def ConvertLiquidToVectorPass : Pass<"convert-liquid-to-vector", "ModuleOp"> {
  let summary = "Lower int8 products, quantization and attention to vector code";
  let description = [{
    Runs on kernels, before `convert-liquid-to-linalg`, and reads the target
    description. `liquid.quantize` becomes a loop over rows and blocks of
    32: an absolute-max reduction, the scale, rounding to even, and the
    block's sum, written as `!liquid.q8_act` bytes. An int8
    `liquid.linear` (`!liquid.q8_act` input, `!liquid.panels` weight)
    becomes a register-tiled micro-kernel: for every panel of rows (one per
    vector lane) and every tile of up to 8 tokens, a loop over the blocks
    keeps one f32 accumulator vector per token; each block's value bytes
    are loaded once (nibbles split with two masks), multiplied with each
    token's four-byte groups by `liquid.dot4`, the zero point removed with
    the block sum, and the integer sums scaled by the weight and activation
    scales into the accumulators. `liquid.attention` writes the new keys and
    values into the caches, then streams each query's visible keys in
    blocks of one vector of scores with an online softmax (running maximum
    and sum, rescaled output accumulators), never materializing a row of
    scores. Everything is on tensors (vector transfers), so bufferization
    treats it like the rest of the kernel.
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::linalg::LinalgDialect",
    "::mlir::math::MathDialect",
    "::mlir::scf::SCFDialect",
    "::mlir::tensor::TensorDialect",
    "::mlir::vector::VectorDialect",
  ];
}

//===----------------------------------------------------------------------===//
// Code generation
//===----------------------------------------------------------------------===//

def ApproximateMathPass : Pass<"liquid-approximate-math", "ModuleOp"> {
  let summary = "Exponentials as polynomial approximations that vectorize";
  let description = [{
    Rewrites `math.exp` as MLIR's polynomial approximation (range reduction
    by ln 2, a polynomial, and an exponent built in the float's bits), on
    scalars and vectors alike. The LLVM lowering would otherwise call libm's
    `expf` once per vector lane; the approximation stays in vector
    registers, within a few ulp of `expf`.
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::math::MathDialect",
    "::mlir::vector::VectorDialect",
  ];
}

def LowerDot4Pass : Pass<"liquid-lower-dot4", "ModuleOp"> {
  let summary = "Lower liquid.dot4 to the target's byte dot product";
  let description = [{
    Reads the target description. Where the target has a 4-way
    unsigned-by-signed byte dot product for the vector width at hand
    (`vpdpbusd`: AVX-512 VNNI for 512 bits, AVX-512 VNNI with AVX-512VL or
    AVX-VNNI for 256 and 128 bits), `liquid.dot4` becomes that LLVM
    intrinsic. Elsewhere it becomes portable vector arithmetic: widen both
    operands to i32, multiply, and add the four products of each lane with
    strided shuffles.
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::LLVM::LLVMDialect",
    "::mlir::vector::VectorDialect",
  ];
}

def LowerVectorTransfersPass : Pass<"liquid-lower-vector-transfers", "ModuleOp"> {
  let summary = "Lower vector transfers on buffers to loads and stores";
  let description = [{
    After bufferization: first hoists loop-invariant
    `transfer_read`/`transfer_write` pairs out of `scf.for` loops (a
    reduction's accumulator then lives in a register across the loop,
    carried as an `iter_args` vector); then vector transfers whose
    permutation map broadcasts
    (a block's scale read once for all its lanes) become a minor-identity
    transfer and a `vector.broadcast`; in-bounds transfers of rank 0 or 1
    become `vector.load`/`vector.store` or `memref.load`/`memref.store`.
    Higher-rank transfers are left to `convert-vector-to-scf`.
  }];
  let dependentDialects = [
    "::mlir::memref::MemRefDialect",
    "::mlir::vector::VectorDialect",
  ];
}

def PlanWorkspacePass : Pass<"liquid-plan-workspace", "ModuleOp"> {
  let summary = "Kernel temporaries become views of a planned workspace";
  let description = [{
    Runs on bufferized kernels (functions tagged `liquid.workgroups`).
    Every `memref.alloc` of static shape whose buffer does not outlive the
    loop iteration or function that allocates it becomes a `memref.view` of
    a new buffer argument, tagged `liquid.workspace`, placed after the
    kernel's other buffers: workgroup `w` uses bytes
    `[w * N, (w + 1) * N)` of it, each temporary at a fixed 64-byte-aligned
    offset. The function's `liquid.workspace` attribute gives the bytes of
    the whole buffer, which the memory plan places in the session's scratch
    for the duration of each launch. Kernels then allocate nothing at run
    time.
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::memref::MemRefDialect",
  ];
}

def PrefetchStreamsPass : Pass<"liquid-prefetch-streams", "ModuleOp"> {
  let summary = "Prefetch read-only buffers that loops stream through";
  let description = [{
    Runs after vector transfers became loads. For every `vector.load` of at
    least 256 bits directly in an `scf.for`, from a function argument (or a
    view of one) that the function never writes, whose innermost index
    moves with the loop, inserts a `memref.prefetch` (read, locality 0) of
    the element `distance` bytes further along that index. Weight panels and
    cache rows are streamed this way; the prefetch keeps the next blocks in
    flight while the current one is computed. The default reaches four
    4 KiB pages ahead, so the page walks of a stream also happen early
    (350m Q4_0 decode on one thread: 99 t/s at 2 KiB, 113 at 8 KiB, 118 at
    16 KiB, 117 at 32 KiB). Locality 0 (x86 `prefetchnta`): a streamed line
    is read once, so it need not displace what the caches hold (350m Q4_0
    decode 111 -> 133 t/s on one thread and 181-198 -> 224-238 on two
    against locality 3; 8b-a1b Q4_0 23-24 -> 26-28 and 41-43 -> 44-46;
    Q8_0 unchanged).
  }];
  let options = [
    Option<"distance", "distance", "int64_t", /*default=*/"16384",
           "Bytes ahead of each streamed load to prefetch">,
  ];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::memref::MemRefDialect",
  ];
}

def TileAndVectorizePass : Pass<"liquid-tile-and-vectorize", "ModuleOp"> {
  let summary = "Tile kernels' linalg ops to rows and vectorize them";
  let description = [{
    Runs on linalg on tensors. Tiles every linalg op with `scf.for` so that
    one tile covers its innermost loop (up to 64 iterations, or the largest
    power of two up to 64 dividing it) and, for a contraction whose outermost
    loop walks tokens past an operand that does not depend on them (a
    linear's weight), 4 tokens, so the weight slice is loaded once for 4
    tokens; every other loop steps by one. It then
    vectorizes each tile with linalg's vectorizer: vector transfers in and
    out, the body's element-wise math on vectors, and `vector.multi_reduction`
    for reduction loops (dot products of a linear's rows, RMSNorm's sum of
    squares). Gathers (`tensor.extract` with computed indices) become vector
    gathers or contiguous loads. Unit dimensions are then dropped so the code
    works on 1-D vectors. A tile the vectorizer rejects stays a scalar linalg
    op, which the later lowering turns into loops.
  }];
  let dependentDialects = [
    "::mlir::scf::SCFDialect",
    "::mlir::vector::VectorDialect",
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
    arguments from `constants[0..]`, both in argument order, passes the
    workgroup id for the integer argument tagged `liquid.workgroup`, and
    calls it;
    `f` itself becomes internal so that only kernels are exported.
  }];
  let dependentDialects = ["::mlir::LLVM::LLVMDialect"];
}

#endif // LIQUID_PASSES_TD
