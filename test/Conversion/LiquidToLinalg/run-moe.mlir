// Runs the linalg form of MoE routing and the routed experts on MLIR's CPU
// runner: 4 experts, top-2, with a selection bias that changes the choice,
// and a token whose scores tie.
// RUN: liquid-opt %s --convert-liquid-to-linalg --canonicalize \
// RUN: | mlir-opt --one-shot-bufferize=bufferize-function-boundaries \
// RUN:     --convert-linalg-to-loops --lower-affine --convert-scf-to-cf --expand-strided-metadata \
// RUN:     --finalize-memref-to-llvm --convert-math-to-llvm --convert-to-llvm \
// RUN:     --reconcile-unrealized-casts \
// RUN: | mlir-runner -e main -entry-point-result=void \
// RUN:     -shared-libs=%mlir_lib_dir/libmlir_runner_utils.so,%mlir_lib_dir/libmlir_c_runner_utils.so \
// RUN: | FileCheck %s

func.func private @printMemrefF32(tensor<*xf32>)
func.func private @printMemrefI32(tensor<*xi32>)

func.func @main() {
  // Token 0, x = [1, 0]: router logits [0, 1, 2, -1], p = sigmoid =
  // [.5, .731059, .880797, .268941]; bias [0, 0, -1, 1] makes the selection
  // scores [.5, .731, -.119, 1.269]: experts 3 then 1 (expert 2 had the
  // highest p). Weights are the unbiased p, normalised: [.268941, .731059].
  // Token 1, x = 0: p = .5 everywhere, scores [.5, .5, -.5, 1.5]: expert 3,
  // then the tie between 0 and 1 goes to 0; weights [.5, .5].
  // CHECK: {{\[}}[3, 1],
  // CHECK-NEXT: [3, 0]]
  // CHECK: {{\[}}[0.268941, 0.731059],
  // CHECK-NEXT: [0.5, 0.5]]
  %x = arith.constant dense<[[1.0, 0.0], [0.0, 0.0]]> : tensor<2x2xf32>
  %gate = arith.constant dense<[[0.0, 0.0], [1.0, 0.0], [2.0, 0.0], [-1.0, 0.0]]> : tensor<4x2xbf16>
  %bias = arith.constant dense<[0.0, 0.0, -1.0, 1.0]> : tensor<4xf32>
  %ids, %w = liquid.moe_router %x, %gate, %bias {top_k = 2 : i64, normalize = true, scaling = 1.0 : f64} : tensor<2x2xf32>, tensor<4x2xbf16>, tensor<4xf32> -> tensor<2x2xi32>, tensor<2x2xf32>

  // Experts with one hidden unit: gate_e = [1, 0], up_e = [1, 0], so
  // h_e = silu(x0) * x0; down_e = [e + 1, 0]. Token 0: silu(1) = .731059,
  // y0 = .731059 * (.268941 * 4 + .731059 * 2) = 1.85534. Token 1: 0.
  // CHECK: {{\[}}[1.85534, 0],
  // CHECK-NEXT: [0, 0]]
  %g = arith.constant dense<[[[1.0, 0.0]], [[1.0, 0.0]], [[1.0, 0.0]], [[1.0, 0.0]]]> : tensor<4x1x2xf32>
  %d = arith.constant dense<[[[1.0], [0.0]], [[2.0], [0.0]], [[3.0], [0.0]], [[4.0], [0.0]]]> : tensor<4x2x1xf32>
  %y = liquid.moe_experts %x, %ids, %w, %g, %g, %d : tensor<2x2xf32>, tensor<2x2xi32>, tensor<2x2xf32>, tensor<4x1x2xf32>, tensor<4x1x2xf32>, tensor<4x2x1xf32>
  // (Printed after the experts ran: the printers may write their argument.)
  %pi = tensor.cast %ids : tensor<2x2xi32> to tensor<*xi32>
  call @printMemrefI32(%pi) : (tensor<*xi32>) -> ()
  %pw = tensor.cast %w : tensor<2x2xf32> to tensor<*xf32>
  call @printMemrefF32(%pw) : (tensor<*xf32>) -> ()
  %py = tensor.cast %y : tensor<2x2xf32> to tensor<*xf32>
  call @printMemrefF32(%py) : (tensor<*xf32>) -> ()
  return
}
