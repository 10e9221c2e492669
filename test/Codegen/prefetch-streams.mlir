// RUN: liquid-opt %s --liquid-prefetch-streams | FileCheck %s
// RUN: liquid-opt %s --liquid-prefetch-streams=distance=256 | FileCheck %s --check-prefix=NEAR

// Tests that a loop streaming a read-only argument (through a subview)
// prefetches 16 KiB ahead of each wide load along its innermost index
// (4096 f32 elements; 16384 i8), while loads from a buffer the function
// writes, narrow loads and loop-invariant loads are left alone.

// CHECK-LABEL: func.func @stream(
// CHECK-SAME: %[[W:[^:]+]]: memref<4x4096xi8>, %[[F:[^:]+]]: memref<8192xf32>, %[[OUT:[^:]+]]: memref<64xf32>
// CHECK: scf.for %[[I:.+]] =
// CHECK: %[[AT:.+]] = arith.addi %[[I]], %c16384
// CHECK: memref.prefetch %[[W]][%{{.+}}, %[[AT]]], read, locality<0>, data : memref<4x4096xi8>
// CHECK-NEXT: vector.load %[[W]]
// CHECK: %[[AT2:.+]] = arith.addi %[[I]], %c4096
// CHECK: memref.prefetch %{{.+}}[%[[AT2]]], read, locality<0>, data
// CHECK-NEXT: vector.load
// CHECK-NOT: memref.prefetch
// CHECK: return
// NEAR: arith.addi %{{.+}}, %c256
// NEAR: arith.addi %{{.+}}, %c64
func.func @stream(%w: memref<4x4096xi8>, %f: memref<8192xf32>, %out: memref<64xf32>, %p: index) {
  %c0 = arith.constant 0 : index
  %c64 = arith.constant 64 : index
  %c4096 = arith.constant 4096 : index
  %sub = memref.subview %f[0] [4096] [1] : memref<8192xf32> to memref<4096xf32, strided<[1]>>
  scf.for %i = %c0 to %c4096 step %c64 {
    %a = vector.load %w[%p, %i] : memref<4x4096xi8>, vector<64xi8>
    %b = vector.load %sub[%i] : memref<4096xf32, strided<[1]>>, vector<16xf32>
    %narrow = vector.load %w[%p, %i] : memref<4x4096xi8>, vector<16xi8>
    %fixed = vector.load %w[%p, %c0] : memref<4x4096xi8>, vector<64xi8>
    %o = vector.load %out[%c0] : memref<64xf32>, vector<16xf32>
    vector.store %b, %out[%c0] : memref<64xf32>, vector<16xf32>
  }
  return
}
