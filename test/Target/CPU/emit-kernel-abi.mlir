// RUN: liquid-opt %s --liquid-emit-kernel-abi --split-input-file --verify-diagnostics | FileCheck %s

// Tests that each public function gets an exported kernel that loads its
// pointer arguments from the bindings array and its integers from the
// constants array, each in argument order, and that the function itself
// becomes internal.
// CHECK-LABEL: llvm.func @liquid_kernel_decode(
// CHECK-SAME: %[[B:.+]]: !llvm.ptr, %[[C:.+]]: !llvm.ptr, %{{.+}}: i64) {
// CHECK: %[[P0:.+]] = llvm.getelementptr %[[B]][0] : (!llvm.ptr) -> !llvm.ptr, !llvm.ptr
// CHECK: %[[A0:.+]] = llvm.load %[[P0]] : !llvm.ptr -> !llvm.ptr
// CHECK: %[[P1:.+]] = llvm.getelementptr %[[C]][0] : (!llvm.ptr) -> !llvm.ptr, i64
// CHECK: %[[A1:.+]] = llvm.load %[[P1]] : !llvm.ptr -> i64
// CHECK: %[[P2:.+]] = llvm.getelementptr %[[B]][1] : (!llvm.ptr) -> !llvm.ptr, !llvm.ptr
// CHECK: %[[A2:.+]] = llvm.load %[[P2]] : !llvm.ptr -> !llvm.ptr
// CHECK: llvm.call @decode(%[[A0]], %[[A1]], %[[A2]])
// CHECK: llvm.return
// Its signature: 1 workgroup; no liquid.model, so vocabulary and context
// 0; 1 constant; 2 bindings of 16 and 512 bytes, the first read, the
// second (liquid.written) written.
// CHECK: llvm.mlir.global external constant @liquid_kernel_decode_signature(dense<[1, 0, 0, 1, 2, 16, 512, 0, 1]> : tensor<9xi64>) {{.*}}: !llvm.array<9 x i64>
// CHECK: llvm.func internal @decode(
// CHECK-NOT: liquid_kernel_malloc
llvm.func @malloc(i64) -> !llvm.ptr
llvm.func @decode(%tokens: !llvm.ptr {liquid.buffer = memref<4xi32>},
                  %position: i64,
                  %logits: !llvm.ptr {liquid.buffer = memref<4x32xf32>, liquid.written}) {
  llvm.return
}

// -----

// expected-error @+1 {{'llvm.func' op an entry point must return nothing}}
llvm.func @f(%x: i64) -> i64 {
  llvm.return %x : i64
}

// -----

// expected-error @+1 {{'llvm.func' op entry point parameter of type 'f32' is neither a buffer nor an index}}
llvm.func @g(%x: f32) {
  llvm.return
}

// -----

// Tests that the argument tagged liquid.workgroup receives the kernel's
// workgroup id, not a constant.
// CHECK-LABEL: llvm.func @liquid_kernel_linear_0(
// CHECK-SAME: %[[B:.+]]: !llvm.ptr, %[[C:.+]]: !llvm.ptr, %[[WG:.+]]: i64) {
// CHECK: %[[A0:.+]] = llvm.load %{{.+}} : !llvm.ptr -> !llvm.ptr
// CHECK: llvm.call @linear_0(%[[A0]], %[[WG]])
// CHECK: @liquid_kernel_linear_0_signature(dense<[4, 0, 0, 0, 1, 16, 0]>
llvm.func @linear_0(%x: !llvm.ptr {liquid.buffer = memref<8x2xi8>},
                    %wg: i64 {liquid.workgroup})
    attributes {liquid.workgroups = 4 : i64} {
  llvm.return
}

// -----

// Tests that the signature carries the vocabulary and context of the
// enclosing module's liquid.model, and the bytes of bf16 and workspace
// buffers.
// CHECK-LABEL: module attributes {liquid.model
// CHECK: @liquid_kernel_embed_0_signature(dense<[2, 1024, 64, 0, 2, 6, 8, 0, 1]>
module attributes {liquid.model = #liquid.model<architecture = "lfm2", vocab_size = 1024, hidden_size = 256, layers = [conv, attention], heads = 4, kv_heads = 2, head_dim = 64, ffn_size = 768, conv_length = 3, norm_eps = 1.0e-5 : f32, rope_theta = 1.0e6 : f64, max_context = 64, tied_embeddings = true, bos_token_id = 1, eos_token_id = 7, pad_token_id = 0>} {
  llvm.func @embed_0(%x: !llvm.ptr {liquid.buffer = memref<3xbf16>},
                     %w: !llvm.ptr {liquid.buffer = memref<8xi8>, liquid.workspace, liquid.written},
                     %wg: i64 {liquid.workgroup})
      attributes {liquid.workgroups = 2 : i64} {
    llvm.return
  }
}

// -----

// expected-error @+1 {{'llvm.func' op buffer argument 0 has no static liquid.buffer memref type}}
llvm.func @h(%x: !llvm.ptr) {
  llvm.return
}
