// Runs the linalg form of the CfC (gated and pure modes) and LTC cells on
// MLIR's CPU runner for two time steps; the expected values come from the
// ncps update rules (LFM2.md §5) evaluated in double precision.
// RUN: liquid-opt %s --convert-liquid-to-linalg --canonicalize \
// RUN: | mlir-opt --one-shot-bufferize="bufferize-function-boundaries allow-return-allocs-from-loops" \
// RUN:     --convert-linalg-to-loops --lower-affine --convert-scf-to-cf --expand-strided-metadata \
// RUN:     --finalize-memref-to-llvm --convert-math-to-llvm --convert-math-to-libm \
// RUN:     --convert-to-llvm --reconcile-unrealized-casts \
// RUN: | mlir-runner -e main -entry-point-result=void \
// RUN:     -shared-libs=%mlir_lib_dir/libmlir_runner_utils.so,%mlir_lib_dir/libmlir_c_runner_utils.so \
// RUN: | FileCheck %s

func.func private @printMemrefF32(tensor<*xf32>)

func.func @main() {
  %x = arith.constant dense<[[0.5], [1.0]]> : tensor<2x1xf32>
  %h0 = arith.constant dense<[0.2]> : tensor<1xf32>
  %ts = arith.constant dense<[1.0, 2.0]> : tensor<2xf32>
  %w1 = arith.constant dense<[[0.3, -0.4]]> : tensor<1x2xf32>
  %b1 = arith.constant dense<[0.1]> : tensor<1xf32>
  %w2 = arith.constant dense<[[0.5, 0.2]]> : tensor<1x2xf32>
  %b2 = arith.constant dense<[-0.1]> : tensor<1xf32>
  %wa = arith.constant dense<[[1.0, 0.5]]> : tensor<1x2xf32>
  %ba = arith.constant dense<[0.0]> : tensor<1xf32>
  %wb = arith.constant dense<[[-0.5, 0.3]]> : tensor<1x2xf32>
  %bb = arith.constant dense<[0.2]> : tensor<1xf32>
  %tau = arith.constant dense<[0.5]> : tensor<1xf32>
  %amp = arith.constant dense<[1.5]> : tensor<1xf32>

  // Gated CfC with per-step time spans 1 and 2.
  // CHECK: [0.180929],
  // CHECK-NEXT: [0.398606]]
  %o1, %h1 = liquid.cfc(%x, %h0) mode(default) activation(lecun_tanh) timespans(%ts) backbone() ff1(%w1, %b1) ff2(%w2, %b2) time(%wa, %ba, %wb, %bb) {time_span = 1.0 : f64} : (tensor<2x1xf32>, tensor<1xf32>, tensor<2xf32>, tensor<1x2xf32>, tensor<1xf32>, tensor<1x2xf32>, tensor<1xf32>, tensor<1x2xf32>, tensor<1xf32>, tensor<1x2xf32>, tensor<1xf32>) -> (tensor<2x1xf32>, tensor<1xf32>)
  %p1 = tensor.cast %o1 : tensor<2x1xf32> to tensor<*xf32>
  call @printMemrefF32(%p1) : (tensor<*xf32>) -> ()

  // Pure CfC, time span 1.
  // CHECK: [1.36951],
  // CHECK-NEXT: [1.616]]
  %o2, %h2 = liquid.cfc(%x, %h0) mode(pure) activation(lecun_tanh) backbone() ff1(%w1, %b1) pure(%tau, %amp) {time_span = 1.0 : f64} : (tensor<2x1xf32>, tensor<1xf32>, tensor<1x2xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) -> (tensor<2x1xf32>, tensor<1xf32>)
  %p2 = tensor.cast %o2 : tensor<2x1xf32> to tensor<*xf32>
  call @printMemrefF32(%p2) : (tensor<*xf32>) -> ()

  // LTC: 1 sensory input, 2 neurons (1 motor), 2 unfolds, softplus.
  // CHECK: [1.80846],
  // CHECK-NEXT: [1.58813]]
  // CHECK: [0.446044, -0.500247]
  %u = arith.constant dense<[[1.0], [-0.5]]> : tensor<2x1xf32>
  %v0 = arith.constant dense<[0.1, -0.2]> : tensor<2xf32>
  %gleak = arith.constant dense<[0.5, 0.3]> : tensor<2xf32>
  %vleak = arith.constant dense<[0.1, -0.1]> : tensor<2xf32>
  %cm = arith.constant dense<[0.5, 0.6]> : tensor<2xf32>
  %sigma = arith.constant dense<[[3.0, 4.0], [5.0, 6.0]]> : tensor<2x2xf32>
  %mu = arith.constant dense<[[0.3, 0.4], [0.5, 0.6]]> : tensor<2x2xf32>
  %w = arith.constant dense<[[0.2, 0.3], [0.4, 0.5]]> : tensor<2x2xf32>
  %erev = arith.constant dense<[[1.0, -1.0], [-1.0, 1.0]]> : tensor<2x2xf32>
  %mask = arith.constant dense<[[1.0, 1.0], [1.0, 0.0]]> : tensor<2x2xf32>
  %ss = arith.constant dense<[[4.0, 3.0]]> : tensor<1x2xf32>
  %smu = arith.constant dense<[[0.5, 0.3]]> : tensor<1x2xf32>
  %sw = arith.constant dense<[[0.6, 0.7]]> : tensor<1x2xf32>
  %se = arith.constant dense<[[1.0, -1.0]]> : tensor<1x2xf32>
  %sm = arith.constant dense<[[1.0, 1.0]]> : tensor<1x2xf32>
  %iw = arith.constant dense<[2.0]> : tensor<1xf32>
  %ib = arith.constant dense<[0.5]> : tensor<1xf32>
  %ow = arith.constant dense<[3.0]> : tensor<1xf32>
  %ob = arith.constant dense<[0.25]> : tensor<1xf32>
  %y, %v = liquid.ltc(%u, %v0) leak(%gleak, %vleak, %cm) synapse(%sigma, %mu, %w, %erev, %mask) sensory(%ss, %smu, %sw, %se, %sm) input_map(%iw, %ib) output_map(%ow, %ob) {ode_unfolds = 2 : i64, elapsed_time = 1.0 : f64, epsilon = 1.0e-8 : f64, implicit_constraints = true} : (tensor<2x1xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2x2xf32>, tensor<2x2xf32>, tensor<2x2xf32>, tensor<2x2xf32>, tensor<2x2xf32>, tensor<1x2xf32>, tensor<1x2xf32>, tensor<1x2xf32>, tensor<1x2xf32>, tensor<1x2xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) -> (tensor<2x1xf32>, tensor<2xf32>)
  %py = tensor.cast %y : tensor<2x1xf32> to tensor<*xf32>
  call @printMemrefF32(%py) : (tensor<*xf32>) -> ()
  %pv = tensor.cast %v : tensor<2xf32> to tensor<*xf32>
  call @printMemrefF32(%pv) : (tensor<*xf32>) -> ()
  return
}
