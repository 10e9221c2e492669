// Runs the int8 kernels' vector form on MLIR's CPU runner: liquid.quantize
// of two tokens of 64 f32 values (each block holds one value of magnitude
// 127 * scale, so every value quantizes exactly: q = x / scale), then int8
// liquid.linear over four Q8_0 and four Q4_0 rows packed into one panel of
// !liquid.panels<..., 4> (the packed bytes and the expected sums were worked
// out independently: sum over blocks of d_w * d_x * the exact integer dot
// product). Without a target description the target is the portable
// default (4 lanes, 16 registers): liquid.dot4 takes its portable form and
// the register tile holds both tokens.
// RUN: liquid-opt %s --convert-liquid-to-vector --liquid-lower-dot4 --canonicalize \
// RUN: | mlir-opt --one-shot-bufferize=bufferize-function-boundaries \
// RUN:     --convert-vector-to-scf --convert-linalg-to-loops --lower-affine --convert-scf-to-cf \
// RUN:     --expand-strided-metadata --finalize-memref-to-llvm --convert-math-to-llvm \
// RUN:     --convert-vector-to-llvm --convert-to-llvm --reconcile-unrealized-casts \
// RUN: | mlir-runner -e main -entry-point-result=void \
// RUN:     -shared-libs=%mlir_lib_dir/libmlir_runner_utils.so,%mlir_lib_dir/libmlir_c_runner_utils.so \
// RUN: | FileCheck %s

func.func private @printMemrefF32(tensor<*xf32>)

func.func @print(%t: tensor<2x4xf32>) {
  %u = tensor.cast %t : tensor<2x4xf32> to tensor<*xf32>
  call @printMemrefF32(%u) : (tensor<*xf32>) -> ()
  return
}

func.func @main() {
  %x = arith.constant dense<[[127.0, 31.0, 19.0, -87.0, -26.0, 114.0, 34.0, 1.0, 40.0, 28.0, -104.0, 35.0, -117.0, 112.0, 94.0, 0.0, -54.0, 21.0, -61.0, -71.0, 63.0, 0.0, 18.0, 94.0, 20.0, 1.0, -19.0, 43.0, 100.0, -82.0, -61.0, 42.0, -41.0, 51.0, 58.5, -63.5, -10.5, 34.5, -58.5, 25.5, 39.0, -52.0, -40.0, 37.0, 15.5, -55.0, -21.5, 39.5, -56.5, 45.0, 50.5, -26.0, 0.5, 16.0, 32.0, 57.5, 52.0, -10.5, 31.0, 40.5, 57.5, -5.5, -9.5, 33.0], [21.25, 6.75, -1.75, 29.75, -21.5, 26.0, -6.75, -31.75, -27.75, -21.5, 1.5, -16.25, -13.5, 13.0, -2.25, 19.75, 10.0, 24.5, -10.75, -3.25, 2.25, 23.25, -5.5, 6.5, -7.75, 4.0, 7.25, -4.0, 7.25, -15.25, 27.75, -8.5, 108.0, 228.0, 234.0, -226.0, 198.0, -98.0, 70.0, 102.0, 116.0, -158.0, 254.0, 200.0, -74.0, 36.0, 222.0, 52.0, 50.0, -188.0, 124.0, 94.0, -132.0, 84.0, 184.0, 52.0, -104.0, -96.0, -178.0, -208.0, 6.0, 196.0, 86.0, 6.0]]> : tensor<2x64xf32>
  %xq = liquid.quantize %x : tensor<2x64xf32> -> tensor<2x64x!liquid.q8_act>

  // Q8_0 rows; block scales (0.5, 0.25), (0.125, 1), (0.25, 0.5), (1, 0.125).
  // CHECK: {{\[}}[-8672.38, 13915.5, -10587.5, 20496.6]
  // CHECK-NEXT: [-11152.9, -5149.78, 23295.1, -8304.75]]
  %p8bytes = arith.constant dense<[[23, 89, -51, 18, -34, -103, -81, -112, -102, 82, 46, 94, -10, 49, 81, -49, 106, -26, 39, 6, 27, -97, -6, -15, 48, 81, -61, 95, -41, -41, -108, 47, 76, 110, -59, 107, -48, -126, 70, 111, -39, -103, 68, 77, -34, 72, 88, -49, -32, 31, 12, -101, -93, -71, -72, 61, -54, 97, 27, -58, -44, -91, 22, -49, -98, -61, 12, 97, -16, 78, 112, -5, -47, 7, -7, -110, -97, 89, -105, 34, -72, -105, 85, -114, 67, -122, 78, -115, -80, -67, 34, 80, 108, 75, -123, -52, -30, -19, -4, 72, 87, 3, -54, 107, -127, 57, -88, -50, -38, 70, 119, 89, -126, 61, 10, 80, -3, -107, 81, 6, 69, 62, 84, 48, -93, 107, 75, 108, 2, 20, 28, -102, 97, -98, -105, -94, -82, 112, -89, -77, -110, 105, 10, -20, -118, 9, -13, 51, 35, 16, -93, -95, 25, 27, -102, 83, 106, 40, 52, 2, -7, 105, 75, -99, 86, 120, 91, -82, -13, 86, -83, -42, 123, -14, -42, -30, 68, 40, -79, 11, -21, 91, -100, -75, 58, 113, -48, -36, -96, -3, -125, 112, -5, -33, 87, 81, 72, -67, 126, 6, -10, 44, 21, 87, -112, -12, -3, -18, 93, -10, 36, -26, -105, 16, -11, -82, -66, -89, 56, -29, -72, 57, 9, -65, -35, 97, 97, 118, 6, -9, 95, 65, -110, 116, 70, 58, 117, -41, -63, -86, -33, -122, 99, -91, -95, 117, 77, -104, -54, 31, 9, -120, -64, -123, -9, 74, 0, 56, 0, 48, 0, 52, 0, 60, 0, 52, 0, 60, 0, 56, 0, 48]]> : tensor<1x272xi8>
  %p8 = liquid.bitcast %p8bytes : tensor<1x272xi8> to tensor<4x64x!liquid.panels<!liquid.q8_0, 4>>
  %y8 = liquid.linear %xq, %p8 : tensor<2x64x!liquid.q8_act>, tensor<4x64x!liquid.panels<!liquid.q8_0, 4>> -> tensor<2x4xf32>
  call @print(%y8) : (tensor<2x4xf32>) -> ()

  // Q4_0 rows, same scales.
  // CHECK: {{\[}}[-716.25, -643, -466.5, 1057.12]
  // CHECK-NEXT: [-420.125, -1557.16, -532.938, -629.75]]
  %p4bytes = arith.constant dense<[[122, 7, -46, 25, 25, -37, 24, -74, -79, -41, 35, -61, -95, 94, -41, 39, 51, -89, 65, -127, -6, -83, -45, -44, 113, -38, 85, -46, 34, 54, 40, -121, -10, 29, -79, 112, -32, 12, 114, 101, -9, 69, -57, 78, -106, 24, -76, -27, 111, 51, 53, 89, -127, 43, -34, 124, 92, 56, -5, -4, -95, 8, 5, -95, 71, 24, 52, 16, 125, -60, 16, 42, -50, 101, 84, -72, -118, 61, -68, -65, 47, -4, 17, 40, 59, -56, 83, 14, 118, -92, -6, 71, -30, -106, -113, 60, -9, -88, 93, -95, -93, 60, 3, 58, -39, -3, 104, -26, -92, 58, -13, -72, 47, -70, -64, -63, -13, -112, -97, 36, 9, -16, 40, -49, 18, -99, 83, 78, 0, 56, 0, 48, 0, 52, 0, 60, 0, 52, 0, 60, 0, 56, 0, 48]]> : tensor<1x144xi8>
  %p4 = liquid.bitcast %p4bytes : tensor<1x144xi8> to tensor<4x64x!liquid.panels<!liquid.q4_0, 4>>
  %y4 = liquid.linear %xq, %p4 : tensor<2x64x!liquid.q8_act>, tensor<4x64x!liquid.panels<!liquid.q4_0, 4>> -> tensor<2x4xf32>
  call @print(%y4) : (tensor<2x4xf32>) -> ()
  return
}
