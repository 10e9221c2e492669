// Runs the linalg form of the gated short convolution on MLIR's CPU runner
// for two tokens continuing a sequence whose window state is known.
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
  // H = 2 channels, L = 3. Rows of the input are [B0 B1 | C0 C1 | x0 x1].
  // B * x: token 0 -> [3, 5], token 1 -> [2, 1]. With the state rows
  // [1, 0], [2, 0] the windows are c0: 1 2 3 2, c1: 0 0 5 1.
  // Kernel c0 = [1, 10, 100] (100 on the current token), c1 = [1, 1, 1]:
  //   token 0: c0 = 1 + 20 + 300 = 321, c1 = 5;  times C = [1, 2] -> [321, 10]
  //   token 1: c0 = 2 + 30 + 200 = 232, c1 = 6;  times C = [1, 1] -> [232, 6]
  // The new state is the last two gated inputs: [3, 5], [2, 1].
  // CHECK: [321, 10],
  // CHECK-NEXT: [232, 6]
  // CHECK: [3, 5],
  // CHECK-NEXT: [2, 1]
  %bcx = arith.constant dense<[[1.0, 1.0, 1.0, 2.0, 3.0, 5.0],
                               [2.0, 1.0, 1.0, 1.0, 1.0, 1.0]]> : tensor<2x6xf32>
  %kernel = arith.constant dense<[[1.0, 10.0, 100.0], [1.0, 1.0, 1.0]]> : tensor<2x3xbf16>
  %state = arith.constant dense<[[1.0, 0.0], [2.0, 0.0]]> : tensor<2x2xf32>
  %y, %s = liquid.short_conv %bcx, %kernel, %state : tensor<2x6xf32>, tensor<2x3xbf16>, tensor<2x2xf32> -> tensor<2x2xf32>
  %py = tensor.cast %y : tensor<2x2xf32> to tensor<*xf32>
  call @printMemrefF32(%py) : (tensor<*xf32>) -> ()
  %ps = tensor.cast %s : tensor<2x2xf32> to tensor<*xf32>
  call @printMemrefF32(%ps) : (tensor<*xf32>) -> ()
  return
}
