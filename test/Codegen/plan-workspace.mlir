// RUN: liquid-opt %s --liquid-plan-workspace --split-input-file | FileCheck %s

// Tests that a kernel's static temporaries become views of one workspace
// argument placed after its buffers and before its workgroup id: each of
// the 3 workgroups owns 64 + 4096 bytes (the first temporary rounded up to
// 64 bytes), found at workgroup * 4160; the function records the 12480
// bytes the memory plan must give it, and no allocation or deallocation
// is left.

// CHECK-LABEL: func.func @kernel(
// CHECK-SAME: %[[A:[^:]+]]: memref<16xf32>,
// CHECK-SAME: %[[WS:[^:]+]]: memref<12480xi8> {liquid.buffer = memref<12480xi8>, liquid.workspace, liquid.written},
// CHECK-SAME: %[[WG:[^:]+]]: index {liquid.workgroup})
// CHECK-SAME: liquid.workspace = 12480 : i64
// CHECK: %[[BASE:.+]] = arith.muli %[[WG]], %c4160
// CHECK: %[[AT0:.+]] = arith.addi %[[BASE]], %c0
// CHECK: memref.view %[[WS]][%[[AT0]]][] : memref<12480xi8> to memref<3xf32>
// CHECK: %[[AT1:.+]] = arith.addi %[[BASE]], %c64
// CHECK: memref.view %[[WS]][%[[AT1]]][] : memref<12480xi8> to memref<32x32xf32>
// CHECK-NOT: memref.alloc
// CHECK-NOT: memref.dealloc
func.func @kernel(%a: memref<16xf32>, %wg: index {liquid.workgroup}) attributes {liquid.workgroups = 3 : i64} {
  %t = memref.alloc() : memref<3xf32>
  %u = memref.alloc() : memref<32x32xf32>
  %c0 = arith.constant 0 : index
  %x = memref.load %a[%c0] : memref<16xf32>
  memref.store %x, %t[%c0] : memref<3xf32>
  memref.store %x, %u[%c0, %c0] : memref<32x32xf32>
  memref.dealloc %t : memref<3xf32>
  memref.dealloc %u : memref<32x32xf32>
  return
}

// -----

// Tests that a buffer a loop yields keeps its allocation (two iterations'
// buffers may be alive at once), as does one of dynamic size, and that a
// function that is not a kernel (no liquid.workgroups) is left alone.

// CHECK-LABEL: func.func @kept(
// CHECK-NOT: liquid.workspace
// CHECK: memref.alloc(%{{.+}}) : memref<?xf32>
// CHECK: scf.for
// CHECK: memref.alloc() : memref<4xf32>
// CHECK: scf.yield
func.func @kept(%n: index, %wg: index {liquid.workgroup}) -> memref<4xf32> attributes {liquid.workgroups = 1 : i64} {
  %d = memref.alloc(%n) : memref<?xf32>
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %init = memref.alloc() : memref<4xf32>
  %r = scf.for %i = %c0 to %n step %c1 iter_args(%b = %init) -> (memref<4xf32>) {
    %next = memref.alloc() : memref<4xf32>
    scf.yield %next : memref<4xf32>
  }
  return %r : memref<4xf32>
}

// CHECK-LABEL: func.func @not_a_kernel(
// CHECK: memref.alloc() : memref<8xf32>
func.func @not_a_kernel() {
  %t = memref.alloc() : memref<8xf32>
  return
}
