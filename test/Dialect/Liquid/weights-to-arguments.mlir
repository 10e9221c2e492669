// RUN: liquid-opt %s --liquid-weights-to-arguments --split-input-file | FileCheck %s

// Tests that each distinct weight becomes one trailing argument named after
// its checkpoint tensor, reads of the same weight share it, and the params
// are erased.
// CHECK-NOT: liquid.param
// CHECK-LABEL: func.func @f(
// CHECK-SAME: %[[X:[^:]+]]: tensor<?x8xf32>,
// CHECK-SAME: %[[A:[^:]+]]: tensor<16x8xbf16> {liquid.weight = "w.a"},
// CHECK-SAME: %[[B:[^:]+]]: tensor<8xf32> {liquid.weight = "w.b"})
// CHECK-NOT: liquid.weight @
// CHECK: liquid.linear %[[X]], %[[A]]
// CHECK: liquid.linear %{{.+}}, %[[A]]
// CHECK: liquid.rms_norm %{{.+}}, %[[B]]
liquid.param @w.a : tensor<16x8xbf16>
liquid.param @w.b : tensor<8xf32>
func.func @f(%x: tensor<?x8xf32>) -> tensor<?x16xf32> {
  %a = liquid.weight @w.a : tensor<16x8xbf16>
  %y = liquid.linear %x, %a : tensor<?x8xf32>, tensor<16x8xbf16> -> tensor<?x16xf32>
  %a2 = liquid.weight @w.a : tensor<16x8xbf16>
  %z = liquid.linear %x, %a2 : tensor<?x8xf32>, tensor<16x8xbf16> -> tensor<?x16xf32>
  %b = liquid.weight @w.b : tensor<8xf32>
  %n = liquid.rms_norm %x, %b {epsilon = 1.0e-5 : f32} : tensor<?x8xf32>, tensor<8xf32>
  return %z : tensor<?x16xf32>
}

// -----

// Tests that a quantized weight arrives as its bytes and is viewed back.
// CHECK-LABEL: func.func @q(
// CHECK-SAME: %[[X:[^:]+]]: tensor<?x64xf32>, %[[W:[^:]+]]: tensor<16x2x34xi8> {liquid.weight = "w.q"})
// CHECK: %[[V:.+]] = liquid.bitcast %[[W]] : tensor<16x2x34xi8> to tensor<16x64x!liquid.q8_0>
// CHECK: liquid.linear %[[X]], %[[V]]
liquid.param @w.q : tensor<16x64x!liquid.q8_0>
func.func @q(%x: tensor<?x64xf32>) -> tensor<?x16xf32> {
  %w = liquid.weight @w.q : tensor<16x64x!liquid.q8_0>
  %y = liquid.linear %x, %w : tensor<?x64xf32>, tensor<16x64x!liquid.q8_0> -> tensor<?x16xf32>
  return %y : tensor<?x16xf32>
}
