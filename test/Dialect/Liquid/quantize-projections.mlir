// RUN: liquid-opt %s --liquid-quantize-projections --split-input-file | FileCheck %s

// Tests that projections over Q8_0 / Q4_0 weights take the int8 form with
// panels of four vector registers' worth of rows (512-bit vectors: 16 rows
// each, 64 in all) where the rows allow, else one register's worth: the
// input is quantized once for every projection that reads it, each weight
// packed once, and a weight's other uses (the embedding table) keep the
// checkpoint layout.

module attributes {liquid.target = #liquid.target<triple = "x86_64-unknown-linux-gnu", cpu = "znver5", features = "avx512f,avx512vnni", vector_bits = 512, vector_registers = 32>} {
  liquid.param @table : tensor<64x64x!liquid.q4_0>
  liquid.param @q : tensor<32x64x!liquid.q8_0>
  liquid.param @k : tensor<16x64x!liquid.q8_0>

  // CHECK-LABEL: func.func @decode(
  // CHECK: %[[T:.+]] = liquid.weight @table
  // CHECK: %[[TP:.+]] = liquid.pack %[[T]] : tensor<64x64x!liquid.q4_0> -> tensor<64x64x!liquid.panels<!liquid.q4_0, 64>>
  // CHECK: %[[X:.+]] = liquid.embed %[[T]][
  // CHECK: %[[XQ:.+]] = liquid.quantize %[[X]] : tensor<1x64xf32> -> tensor<1x64x!liquid.q8_act>
  // CHECK: %[[Q:.+]] = liquid.weight @q
  // CHECK: %[[QP:.+]] = liquid.pack %[[Q]] : tensor<32x64x!liquid.q8_0> -> tensor<32x64x!liquid.panels<!liquid.q8_0, 16>>
  // CHECK: liquid.linear %[[XQ]], %[[QP]] : tensor<1x64x!liquid.q8_act>, tensor<32x64x!liquid.panels<!liquid.q8_0, 16>> -> tensor<1x32xf32>
  // CHECK: %[[K:.+]] = liquid.weight @k
  // CHECK: %[[KP:.+]] = liquid.pack %[[K]]
  // CHECK: liquid.linear %[[XQ]], %[[KP]]
  // CHECK: liquid.linear %[[XQ]], %[[TP]]
  // CHECK-NOT: liquid.quantize
  func.func @decode(%ids: tensor<1xi32>) -> (tensor<1x32xf32>, tensor<1x16xf32>, tensor<1x64xf32>) {
    %t = liquid.weight @table : tensor<64x64x!liquid.q4_0>
    %x = liquid.embed %t[%ids] : tensor<64x64x!liquid.q4_0>, tensor<1xi32> -> tensor<1x64xf32>
    %q = liquid.weight @q : tensor<32x64x!liquid.q8_0>
    %yq = liquid.linear %x, %q : tensor<1x64xf32>, tensor<32x64x!liquid.q8_0> -> tensor<1x32xf32>
    %k = liquid.weight @k : tensor<16x64x!liquid.q8_0>
    %yk = liquid.linear %x, %k : tensor<1x64xf32>, tensor<16x64x!liquid.q8_0> -> tensor<1x16xf32>
    %logits = liquid.linear %x, %t : tensor<1x64xf32>, tensor<64x64x!liquid.q4_0> -> tensor<1x64xf32>
    return %yq, %yk, %logits : tensor<1x32xf32>, tensor<1x16xf32>, tensor<1x64xf32>
  }
}

// -----

// Tests that an FFN takes the int8 form only when all three weights can be
// packed (float weights and a row count that is not a whole number of
// panels keep the f32 form), and that without a target description panels
// have the portable default's 4 rows.

liquid.param @g : tensor<8x32x!liquid.q8_0>
liquid.param @u : tensor<8x32x!liquid.q8_0>
liquid.param @d : tensor<32x8xf32>
liquid.param @odd : tensor<6x32x!liquid.q8_0>

// CHECK-LABEL: func.func @ffn(
// CHECK: %[[XQ:.+]] = liquid.quantize %{{.+}} : tensor<1x32xf32> -> tensor<1x32x!liquid.q8_act>
// CHECK: %[[G:.+]] = liquid.pack %{{.+}} : tensor<8x32x!liquid.q8_0> -> tensor<8x32x!liquid.panels<!liquid.q8_0, 4>>
// CHECK: liquid.ffn %{{[^,]+}}, %{{[^,]+}}, %{{[^,]+}}, %{{[^,]+}} : tensor<1x32xf32>, tensor<8x32x!liquid.q8_0>
// CHECK: liquid.linear %{{.+}} : tensor<1x32xf32>, tensor<6x32x!liquid.q8_0>
// CHECK: liquid.linear %[[XQ]], %[[G]] : tensor<1x32x!liquid.q8_act>
func.func @ffn(%x: tensor<1x32xf32>) -> (tensor<1x32xf32>, tensor<1x6xf32>, tensor<1x8xf32>) {
  %g = liquid.weight @g : tensor<8x32x!liquid.q8_0>
  %u = liquid.weight @u : tensor<8x32x!liquid.q8_0>
  %d = liquid.weight @d : tensor<32x8xf32>
  %y = liquid.ffn %x, %g, %u, %d : tensor<1x32xf32>, tensor<8x32x!liquid.q8_0>, tensor<8x32x!liquid.q8_0>, tensor<32x8xf32>
  %o = liquid.weight @odd : tensor<6x32x!liquid.q8_0>
  %z = liquid.linear %x, %o : tensor<1x32xf32>, tensor<6x32x!liquid.q8_0> -> tensor<1x6xf32>
  %w = liquid.linear %x, %g : tensor<1x32xf32>, tensor<8x32x!liquid.q8_0> -> tensor<1x8xf32>
  return %y, %z, %w : tensor<1x32xf32>, tensor<1x6xf32>, tensor<1x8xf32>
}
