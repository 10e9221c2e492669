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
// CHECK: llvm.func internal @decode(
// CHECK-NOT: liquid_kernel_malloc
llvm.func @malloc(i64) -> !llvm.ptr
llvm.func @decode(%tokens: !llvm.ptr, %position: i64, %logits: !llvm.ptr) {
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
llvm.func @linear_0(%x: !llvm.ptr, %wg: i64 {liquid.workgroup}) {
  llvm.return
}
