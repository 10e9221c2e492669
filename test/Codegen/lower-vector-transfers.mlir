// RUN: liquid-opt %s --liquid-lower-vector-transfers --canonicalize | FileCheck %s

// Tests that a reduction's accumulator, read and written at the same
// loop-invariant place in every iteration, is hoisted out of the loop and
// carried as a vector, and that the remaining transfers become loads.
// CHECK-LABEL: func.func @accumulate(
// CHECK-SAME: %[[X:.+]]: memref<256xf32>, %[[ACC:.+]]: memref<1xf32>)
// CHECK: %[[INIT:.+]] = vector.load %[[ACC]][%{{.+}}] : memref<1xf32>, vector<1xf32>
// CHECK: %[[SUM:.+]] = scf.for {{.+}} iter_args(%[[A:.+]] = %[[INIT]]) -> (vector<1xf32>)
// CHECK: vector.load %[[X]][%{{.+}}] : memref<256xf32>, vector<64xf32>
// CHECK: scf.yield
// CHECK: vector.store %[[SUM]], %[[ACC]][%{{.+}}] : memref<1xf32>, vector<1xf32>
func.func @accumulate(%x: memref<256xf32>, %acc: memref<1xf32>) {
  %c0 = arith.constant 0 : index
  %c64 = arith.constant 64 : index
  %c256 = arith.constant 256 : index
  %pad = arith.constant 0.0 : f32
  scf.for %k = %c0 to %c256 step %c64 {
    %v = vector.transfer_read %x[%k], %pad {in_bounds = [true]} : memref<256xf32>, vector<64xf32>
    %a = vector.transfer_read %acc[%c0], %pad {in_bounds = [true]} : memref<1xf32>, vector<1xf32>
    %v2 = vector.shape_cast %v : vector<64xf32> to vector<1x64xf32>
    %r = vector.multi_reduction <add>, %v2, %a [1] : vector<1x64xf32> to vector<1xf32>
    vector.transfer_write %r, %acc[%c0] {in_bounds = [true]} : vector<1xf32>, memref<1xf32>
  }
  return
}

// Tests that a block's scale byte, read once and broadcast to every lane,
// becomes a scalar load and a broadcast.
// CHECK-LABEL: func.func @broadcast_byte(
// CHECK: %[[B:.+]] = memref.load %{{.+}}[%{{.+}}, %{{.+}}] : memref<1x1xi8>
// CHECK: vector.broadcast %[[B]] : i8 to vector<32xi8>
func.func @broadcast_byte(%m: memref<1x1xi8>) -> vector<32xi8> {
  %c0 = arith.constant 0 : index
  %pad = arith.constant 0 : i8
  %v = vector.transfer_read %m[%c0, %c0], %pad {in_bounds = [true], permutation_map = affine_map<(d0, d1) -> (0)>} : memref<1x1xi8>, vector<32xi8>
  return %v : vector<32xi8>
}
