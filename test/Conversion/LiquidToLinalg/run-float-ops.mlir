// Runs the linalg form of the float-weight ops through upstream MLIR's CPU
// path and checks the numbers against values worked out by hand.
// RUN: liquid-opt %s --convert-liquid-to-linalg \
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
  // RMSNorm: mean(x^2) = 7.5, rsqrt(7.5 + 1e-5) = 0.365148; times w.
  // CHECK: {{\[}}0.365148, 0.73029{{[67]}}, 2.19089, 0.73029{{[67]}}]
  %x = arith.constant dense<[[1.0, 2.0, 3.0, 4.0]]> : tensor<1x4xf32>
  %w = arith.constant dense<[1.0, 1.0, 2.0, 0.5]> : tensor<4xbf16>
  %n = liquid.rms_norm %x, %w {epsilon = 1.0e-5 : f32} : tensor<1x4xf32>, tensor<4xbf16>
  %n2 = tensor.cast %n : tensor<1x4xf32> to tensor<?x?xf32>
  call @print(%n2) : (tensor<?x?xf32>) -> ()

  // Linear, [out, in] weights: row 0 sums x, row 1 picks x[3] - x[0].
  // CHECK: [10, 3]
  %lw = arith.constant dense<[[1.0, 1.0, 1.0, 1.0], [-1.0, 0.0, 0.0, 1.0]]> : tensor<2x4xf16>
  %l = liquid.linear %x, %lw : tensor<1x4xf32>, tensor<2x4xf16> -> tensor<1x2xf32>
  %l2 = tensor.cast %l : tensor<1x2xf32> to tensor<?x?xf32>
  call @print(%l2) : (tensor<?x?xf32>) -> ()

  // SwiGLU: gate = [1, -1], up = [2, 3]; silu(1) = 0.731059,
  // silu(-1) = -0.268941; down row 0 sums them: 1.462117 - 0.806824 =
  // 0.655293, row 1 is zero.
  // CHECK: [0.655293, 0]
  %fx = arith.constant dense<[[1.0, -1.0]]> : tensor<1x2xf32>
  %g = arith.constant dense<[[1.0, 0.0], [0.0, 1.0]]> : tensor<2x2xf32>
  %u = arith.constant dense<[[2.0, 0.0], [0.0, -3.0]]> : tensor<2x2xf32>
  %d = arith.constant dense<[[1.0, 1.0], [0.0, 0.0]]> : tensor<2x2xf32>
  %f = liquid.ffn %fx, %g, %u, %d : tensor<1x2xf32>, tensor<2x2xf32>, tensor<2x2xf32>, tensor<2x2xf32>
  %f2 = tensor.cast %f : tensor<1x2xf32> to tensor<?x?xf32>
  call @print(%f2) : (tensor<?x?xf32>) -> ()

  // Embedding: rows 2 and 0 of the table.
  // CHECK: [5, 6],
  // CHECK-NEXT: [1, 2]
  %table = arith.constant dense<[[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]> : tensor<3x2xbf16>
  %ids = arith.constant dense<[2, 0]> : tensor<2xi32>
  %e = liquid.embed %table[%ids] : tensor<3x2xbf16>, tensor<2xi32> -> tensor<2x2xf32>
  %e2 = tensor.cast %e : tensor<2x2xf32> to tensor<?x?xf32>
  call @print(%e2) : (tensor<?x?xf32>) -> ()

  // RoPE at position 1, head_dim 4: pair (0, 2) turns by 1 rad
  // (inv_freq 1), pair (1, 3) by 1e6^-0.5 = 0.001 rad.
  // x = [1, 1, 0, 0] -> [cos 1, cos 0.001, sin 1, sin 0.001]
  // CHECK: [0.540302, 1, 0.841471, 0.001]
  %q = arith.constant dense<[[[1.0, 1.0, 0.0, 0.0]]]> : tensor<1x1x4xf32>
  %pos = arith.constant 1 : index
  %r = liquid.rope %q, %pos {theta = 1.0e6 : f64} : tensor<1x1x4xf32>
  %r2 = tensor.collapse_shape %r [[0, 1], [2]] : tensor<1x1x4xf32> into tensor<1x4xf32>
  %r3 = tensor.cast %r2 : tensor<1x4xf32> to tensor<?x?xf32>
  call @print(%r3) : (tensor<?x?xf32>) -> ()
  return
}
