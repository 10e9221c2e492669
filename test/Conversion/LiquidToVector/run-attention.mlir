// Runs the vector form of attention (key blocks with an online softmax) on
// MLIR's CPU runner: two new tokens at position 3 of an 8-row cache whose
// rows 0-2 hold keys e0, e1, e2 (values 10 e_i + (i + 1) e3), two query
// heads sharing one key/value head, head_dim 4 (one vector of the portable
// target's 4 lanes), scale 1/2. The expected rows are the max-subtracted
// softmax worked out in double precision; the second token sees 5 keys, so
// the second block of keys is partial and masked, and rows 5-7 of the
// cache stay as they were.
// RUN: liquid-opt %s --convert-liquid-to-vector --canonicalize \
// RUN: | mlir-opt --one-shot-bufferize=bufferize-function-boundaries \
// RUN:     --convert-vector-to-scf --convert-linalg-to-loops --lower-affine --convert-scf-to-cf \
// RUN:     --expand-strided-metadata --finalize-memref-to-llvm --convert-math-to-llvm \
// RUN:     --convert-vector-to-llvm --convert-to-llvm --reconcile-unrealized-casts \
// RUN: | mlir-runner -e main -entry-point-result=void \
// RUN:     -shared-libs=%mlir_lib_dir/libmlir_runner_utils.so,%mlir_lib_dir/libmlir_c_runner_utils.so \
// RUN: | FileCheck %s

func.func private @printMemrefF32(tensor<*xf32>)

func.func @main() {
  %q = arith.constant dense<[[[1.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 2.0]],
                             [[0.0, 1.0, 1.0, 0.0], [1.0, 1.0, 1.0, 1.0]]]> : tensor<2x2x4xf32>
  %k = arith.constant dense<[[[0.0, 0.0, 0.0, 1.0]], [[1.0, 1.0, 0.0, 0.0]]]> : tensor<2x1x4xf32>
  %v = arith.constant dense<[[[5.0, 5.0, 0.0, 4.0]], [[1.0, 2.0, 3.0, 4.0]]]> : tensor<2x1x4xf32>
  // The caches are head-major: [key/value heads, rows, head_dim].
  %kc = arith.constant dense<[[[1.0, 0.0, 0.0, 0.0], [0.0, 1.0, 0.0, 0.0], [0.0, 0.0, 1.0, 0.0],
                               [0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0],
                               [0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0]]]> : tensor<1x8x4xf32>
  %vc = arith.constant dense<[[[10.0, 0.0, 0.0, 1.0], [0.0, 10.0, 0.0, 2.0], [0.0, 0.0, 10.0, 3.0],
                               [0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0],
                               [0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0]]]> : tensor<1x8x4xf32>
  %pos = arith.constant 3 : index
  %o, %k1, %v1 = liquid.attention %q, %k, %v, %kc, %vc, %pos
      : tensor<2x2x4xf32>, tensor<2x1x4xf32>, tensor<1x8x4xf32>
  // CHECK: {{\[}}[4.62218, 3.22669, 2.15113, 2.29068],
  // CHECK-NEXT: [4.12561, 4.12561, 1.74878, 2.95073]],
  // CHECK-NEXT: {{\[}}[2.39682, 3.56811, 3.08564, 2.85604],
  // CHECK-NEXT: [2.94734, 3.23922, 2.64594, 2.93781]]]
  %po = tensor.cast %o : tensor<2x2x4xf32> to tensor<*xf32>
  call @printMemrefF32(%po) : (tensor<*xf32>) -> ()
  // The new keys at rows 3 and 4; rows 5-7 untouched.
  // CHECK: [0, 0, 1, 0],
  // CHECK-NEXT: [0, 0, 0, 1],
  // CHECK-NEXT: [1, 1, 0, 0],
  // CHECK-NEXT: [0, 0, 0, 0],
  %pk = tensor.cast %k1 : tensor<1x8x4xf32> to tensor<*xf32>
  call @printMemrefF32(%pk) : (tensor<*xf32>) -> ()
  return
}
