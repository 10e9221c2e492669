// RUN: liquid-opt %s --liquid-copies-to-linalg | FileCheck %s

// Tests that every memref.copy, strided or not, becomes a linalg.copy of
// the same source and target.
// CHECK-LABEL: func.func @f(
// CHECK-SAME: %[[A:.+]]: memref<8x64xf32>, %[[B:.+]]: memref<8x64xf32, strided<[768, 1], offset: ?>>, %[[C:.+]]: memref<8x64xf32>)
// CHECK-NOT: memref.copy
// CHECK: linalg.copy ins(%[[A]] : memref<8x64xf32>) outs(%[[B]] : memref<8x64xf32, strided<[768, 1], offset: ?>>)
// CHECK: linalg.copy ins(%[[A]] : memref<8x64xf32>) outs(%[[C]] : memref<8x64xf32>)
func.func @f(%a: memref<8x64xf32>, %b: memref<8x64xf32, strided<[768, 1], offset: ?>>, %c: memref<8x64xf32>) {
  memref.copy %a, %b : memref<8x64xf32> to memref<8x64xf32, strided<[768, 1], offset: ?>>
  memref.copy %a, %c : memref<8x64xf32> to memref<8x64xf32>
  return
}
