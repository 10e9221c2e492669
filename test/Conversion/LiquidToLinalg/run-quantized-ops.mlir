// Runs the linalg form of linear layers and embeddings over block-quantized
// weights (Q8_0, Q4_0, liquid's 4-bit groups) on MLIR's CPU runner. Each
// weight is built from its raw bytes with liquid.bitcast (which folds away
// against the lowering's own byte view); the expected sums are worked out in
// the comments.
// RUN: liquid-opt %s --convert-liquid-to-linalg --canonicalize \
// RUN: | mlir-opt --one-shot-bufferize=bufferize-function-boundaries \
// RUN:     --convert-linalg-to-loops --lower-affine --convert-scf-to-cf --expand-strided-metadata \
// RUN:     --finalize-memref-to-llvm --convert-math-to-llvm --convert-to-llvm \
// RUN:     --reconcile-unrealized-casts \
// RUN: | mlir-runner -e main -entry-point-result=void \
// RUN:     -shared-libs=%mlir_lib_dir/libmlir_runner_utils.so,%mlir_lib_dir/libmlir_c_runner_utils.so \
// RUN: | FileCheck %s

func.func private @printMemrefF32(tensor<*xf32>)

func.func @print(%t: tensor<?x?xf32>) {
  %u = tensor.cast %t : tensor<?x?xf32> to tensor<*xf32>
  call @printMemrefF32(%u) : (tensor<*xf32>) -> ()
  return
}

func.func @main() {
  %ones = arith.constant dense<1.0> : tensor<1x32xf32>

  // Q8_0: scale 0.5 (f16 0x3800: bytes 0x00, 0x38), q[k] = k - 16.
  // sum_k 0.5 * (k - 16) = 0.5 * (496 - 512) = -8.
  // CHECK: [-8]
  %q8bytes = arith.constant dense<[[[0, 56, -16, -15, -14, -13, -12, -11, -10, -9, -8, -7, -6, -5, -4, -3, -2, -1, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]]]> : tensor<1x1x34xi8>
  %q8 = liquid.bitcast %q8bytes : tensor<1x1x34xi8> to tensor<1x32x!liquid.q8_0>
  %y8 = liquid.linear %ones, %q8 : tensor<1x32xf32>, tensor<1x32x!liquid.q8_0> -> tensor<1x1xf32>
  %p8 = tensor.cast %y8 : tensor<1x1xf32> to tensor<?x?xf32>
  call @print(%p8) : (tensor<?x?xf32>) -> ()

  // Q4_0: scale 0.25 (0x3400), byte j = (15 - j) << 4 | j: elements j < 16
  // are j - 8, elements 16 + j are (15 - j) - 8 = 7 - j.
  // 0.25 * (sum (j - 8) + sum (7 - j)) = 0.25 * (-8 - 8) = -4.
  // CHECK: [-4]
  %q4bytes = arith.constant dense<[[[0, 52, -16, -31, -46, -61, -76, -91, -106, -121, 120, 105, 90, 75, 60, 45, 30, 15]]]> : tensor<1x1x18xi8>
  %q4 = liquid.bitcast %q4bytes : tensor<1x1x18xi8> to tensor<1x32x!liquid.q4_0>
  %y4 = liquid.linear %ones, %q4 : tensor<1x32xf32>, tensor<1x32x!liquid.q4_0> -> tensor<1x1xf32>
  %p4 = tensor.cast %y4 : tensor<1x1xf32> to tensor<?x?xf32>
  call @print(%p4) : (tensor<?x?xf32>) -> ()

  // qint<4, 32>: scale 1 (0x3C00), byte j holds element 2j (low nibble,
  // j - 8) and 2j + 1 (high nibble, 7 - j), both two's complement: -16.
  // CHECK: [-16]
  %g4bytes = arith.constant dense<[[[0, 60, 120, 105, 90, 75, 60, 45, 30, 15, -16, -31, -46, -61, -76, -91, -106, -121]]]> : tensor<1x1x18xi8>
  %g4 = liquid.bitcast %g4bytes : tensor<1x1x18xi8> to tensor<1x32x!liquid.qint<4, 32>>
  %yg = liquid.linear %ones, %g4 : tensor<1x32xf32>, tensor<1x32x!liquid.qint<4, 32>> -> tensor<1x1xf32>
  %pg = tensor.cast %yg : tensor<1x1xf32> to tensor<?x?xf32>
  call @print(%pg) : (tensor<?x?xf32>) -> ()

  // Embedding from a Q8_0 table: row 0, elements 0..3 = 0.5 * (k - 16).
  // CHECK: [-8, -7.5, -7, -6.5,
  %ids = arith.constant dense<[0]> : tensor<1xi32>
  %e = liquid.embed %q8[%ids] : tensor<1x32x!liquid.q8_0>, tensor<1xi32> -> tensor<1x32xf32>
  %pe = tensor.cast %e : tensor<1x32xf32> to tensor<?x?xf32>
  call @print(%pe) : (tensor<?x?xf32>) -> ()

  // Embedding from a Q4_0 table: 0.25 * (j - 8) for j < 16, then
  // 0.25 * (7 - j) for elements 16 + j.
  // CHECK: [-2, -1.75, -1.5, -1.25, -1, -0.75, -0.5, -0.25, 0, 0.25, 0.5, 0.75, 1, 1.25, 1.5, 1.75, 1.75, 1.5, 1.25,
  %e4 = liquid.embed %q4[%ids] : tensor<1x32x!liquid.q4_0>, tensor<1xi32> -> tensor<1x32xf32>
  %pe4 = tensor.cast %e4 : tensor<1x32xf32> to tensor<?x?xf32>
  call @print(%pe4) : (tensor<?x?xf32>) -> ()
  return
}
