// RUN: liquid-opt %s --liquid-tile-and-vectorize --canonicalize --cse | FileCheck %s

// Tests that a linear's contraction is tiled to one output element and a
// 64-lane slice of its reduction, each tile a vector multiply and one
// vector reduction into the accumulator.
// CHECK-LABEL: func.func @linear(
// CHECK: scf.for %[[N:.+]] = %c0 to %c8 step %c1 iter_args
// CHECK: scf.for %[[K:.+]] = %c0 to %c256 step %c64 iter_args
// CHECK: %[[X:.+]] = vector.transfer_read {{.+}} : tensor<1x64xf32>, vector<64xf32>
// CHECK: %[[W:.+]] = vector.transfer_read {{.+}} : tensor<1x64xf32>, vector<64xf32>
// CHECK: %[[P:.+]] = arith.mulf %[[X]], %[[W]] : vector<64xf32>
// CHECK: vector.multi_reduction <add>, %{{.+}}, %{{.+}} [2] : vector<1x1x64xf32> to vector<1x1xf32>
// CHECK-NOT: linalg.generic
#x = affine_map<(t, n, k) -> (t, k)>
#w = affine_map<(t, n, k) -> (n, k)>
#o = affine_map<(t, n, k) -> (t, n)>
func.func @linear(%x: tensor<1x256xf32>, %w: tensor<8x256xf32>, %out: tensor<1x8xf32>) -> tensor<1x8xf32> {
  %r = linalg.generic {indexing_maps = [#x, #w, #o], iterator_types = ["parallel", "parallel", "reduction"]} ins(%x, %w : tensor<1x256xf32>, tensor<8x256xf32>) outs(%out : tensor<1x8xf32>) {
  ^bb0(%a: f32, %b: f32, %c: f32):
    %p = arith.mulf %a, %b : f32
    %s = arith.addf %c, %p : f32
    linalg.yield %s : f32
  } -> tensor<1x8xf32>
  return %r : tensor<1x8xf32>
}

// Tests that an element-wise op is tiled to rows, each one 32-lane vector.
// CHECK-LABEL: func.func @scale(
// CHECK: scf.for %{{.+}} = %c0 to %c4 step %c1 iter_args
// CHECK: %[[A:.+]] = vector.transfer_read {{.+}} : tensor<1x32xf32>, vector<32xf32>
// CHECK: %[[M:.+]] = arith.mulf %[[A]], %[[A]] : vector<32xf32>
// CHECK: vector.transfer_write %[[M]]
// CHECK-NOT: linalg.generic
#e = affine_map<(i, j) -> (i, j)>
func.func @scale(%x: tensor<4x32xf32>, %out: tensor<4x32xf32>) -> tensor<4x32xf32> {
  %r = linalg.generic {indexing_maps = [#e, #e], iterator_types = ["parallel", "parallel"]} ins(%x : tensor<4x32xf32>) outs(%out : tensor<4x32xf32>) {
  ^bb0(%a: f32, %c: f32):
    %p = arith.mulf %a, %a : f32
    linalg.yield %p : f32
  } -> tensor<4x32xf32>
  return %r : tensor<4x32xf32>
}

// Tests that a contraction over a chunk of tokens takes 4 tokens per tile,
// so each weight slice is loaded once for 4 tokens.
// CHECK-LABEL: func.func @prefill_linear(
// CHECK: scf.for %{{.+}} = %c0 to %c8 step %c4 iter_args
// CHECK: scf.for %{{.+}} = %c0 to %c8 step %c1 iter_args
// CHECK: vector.transfer_read {{.+}} : tensor<4x64xf32>, vector<4x1x64xf32>
// CHECK: vector.transfer_read {{.+}} permutation_map = {{.+}} : tensor<1x64xf32>, vector<4x1x64xf32>
// CHECK: arith.mulf %{{.+}}, %{{.+}} : vector<4x64xf32>
// CHECK: vector.multi_reduction <add>, %{{.+}}, %{{.+}} [2] : vector<4x1x64xf32> to vector<4x1xf32>
func.func @prefill_linear(%x: tensor<8x256xf32>, %w: tensor<8x256xf32>, %out: tensor<8x8xf32>) -> tensor<8x8xf32> {
  %r = linalg.generic {indexing_maps = [#x, #w, #o], iterator_types = ["parallel", "parallel", "reduction"]} ins(%x, %w : tensor<8x256xf32>, tensor<8x256xf32>) outs(%out : tensor<8x8xf32>) {
  ^bb0(%a: f32, %b: f32, %c: f32):
    %p = arith.mulf %a, %b : f32
    %s = arith.addf %c, %p : f32
    linalg.yield %s : f32
  } -> tensor<8x8xf32>
  return %r : tensor<8x8xf32>
}
