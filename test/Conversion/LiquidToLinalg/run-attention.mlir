// Runs the linalg form of attention on MLIR's CPU runner: two new tokens at
// position 1 of a 4-row cache whose row 0 is already filled, two query heads
// sharing one key/value head.
// RUN: liquid-opt %s --convert-liquid-to-linalg --canonicalize \
// RUN: | mlir-opt --one-shot-bufferize=bufferize-function-boundaries \
// RUN:     --convert-linalg-to-loops --lower-affine --convert-scf-to-cf --expand-strided-metadata \
// RUN:     --finalize-memref-to-llvm --convert-math-to-llvm --convert-to-llvm \
// RUN:     --reconcile-unrealized-casts \
// RUN: | mlir-runner -e main -entry-point-result=void \
// RUN:     -shared-libs=%mlir_lib_dir/libmlir_runner_utils.so,%mlir_lib_dir/libmlir_c_runner_utils.so \
// RUN: | FileCheck %s

func.func private @printMemrefF32(tensor<*xf32>)

func.func @main() {
  // Keys by row: [1, 0] (cached), [0, 1], [1, 1]; values [10, 0], [0, 10],
  // [5, 5]. Scale 1/sqrt(2). Token 0 (position 1) sees rows 0-1, token 1
  // sees rows 0-2:
  //   t0 h0 q=[1,0]: scores [0.7071, 0]      -> [6.69762, 3.30238]
  //   t0 h1 q=[0,1]: scores [0, 0.7071]      -> [3.30238, 6.69762]
  //   t1 h0 q=[0,1]: scores [0, .7071, .7071] -> [3.98332, 6.01668]
  //   t1 h1 q=[1,1]: scores all 0.7071       -> [5, 5]
  // CHECK: {{\[}}[6.69762, 3.30238],
  // CHECK-NEXT: [3.30238, 6.69762]],
  // CHECK-NEXT: {{\[}}[3.98332, 6.01668],
  // CHECK-NEXT: [5, 5]]]
  // The caches (head-major) hold the new rows at 1 and 2; row 3 is untouched.
  // CHECK: {{\[}}[1, 0],
  // CHECK-NEXT: [0, 1],
  // CHECK-NEXT: [1, 1],
  // CHECK-NEXT: [0, 0]]]
  %q = arith.constant dense<[[[1.0, 0.0], [0.0, 1.0]], [[0.0, 1.0], [1.0, 1.0]]]> : tensor<2x2x2xf32>
  %k = arith.constant dense<[[[0.0, 1.0]], [[1.0, 1.0]]]> : tensor<2x1x2xf32>
  %v = arith.constant dense<[[[0.0, 10.0]], [[5.0, 5.0]]]> : tensor<2x1x2xf32>
  %kc = arith.constant dense<[[[1.0, 0.0], [0.0, 0.0], [0.0, 0.0], [0.0, 0.0]]]> : tensor<1x4x2xf32>
  %vc = arith.constant dense<[[[10.0, 0.0], [0.0, 0.0], [0.0, 0.0], [0.0, 0.0]]]> : tensor<1x4x2xf32>
  %pos = arith.constant 1 : index
  %o, %k1, %v1 = liquid.attention %q, %k, %v, %kc, %vc, %pos : tensor<2x2x2xf32>, tensor<2x1x2xf32>, tensor<1x4x2xf32>
  %po = tensor.cast %o : tensor<2x2x2xf32> to tensor<*xf32>
  call @printMemrefF32(%po) : (tensor<*xf32>) -> ()
  %pk = tensor.cast %k1 : tensor<1x4x2xf32> to tensor<*xf32>
  call @printMemrefF32(%pk) : (tensor<*xf32>) -> ()
  return
}
