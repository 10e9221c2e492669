// RUN: liquid-opt %s --liquid-buffer-entry-points --split-input-file --verify-diagnostics | FileCheck %s

// Tests that tensor arguments become tagged memrefs read through
// to_tensor (writable, and tagged liquid.written, only for state), that the
// logits go to a new trailing written buffer, that a state result is
// written back into its own argument, and that the function returns
// nothing.
// CHECK-LABEL: func.func @decode(
// CHECK-SAME: %[[TOK:[^:]+]]: memref<1xi32> {liquid.buffer = memref<1xi32>},
// CHECK-SAME: %[[POS:[^:]+]]: index,
// CHECK-SAME: %[[S:[^:]+]]: memref<2x4xf32> {liquid.buffer = memref<2x4xf32>, liquid.state = #liquid.state<conv, layer = 0>, liquid.written},
// CHECK-SAME: %[[W:[^:]+]]: memref<4x8xf32> {liquid.buffer = memref<4x8xf32>, liquid.weight = "w"},
// CHECK-SAME: %[[OUT:[^:]+]]: memref<1x8xf32> {liquid.buffer = memref<1x8xf32>, liquid.result = 0 : i64, liquid.written}) {
// CHECK: bufferization.to_tensor %[[TOK]] restrict :
// CHECK: %[[ST:.+]] = bufferization.to_tensor %[[S]] restrict writable :
// CHECK: bufferization.to_tensor %[[W]] restrict :
// CHECK: %[[NEW:.+]] = tensor.insert_slice
// CHECK: bufferization.materialize_in_destination %{{.+}} in writable %[[OUT]]
// CHECK: bufferization.materialize_in_destination %[[NEW]] in writable %[[S]]
// CHECK: return{{$}}
func.func @decode(%tok: tensor<1xi32>, %pos: index,
                  %s: tensor<2x4xf32> {liquid.state = #liquid.state<conv, layer = 0>},
                  %w: tensor<4x8xf32> {liquid.weight = "w"})
    -> (tensor<1x8xf32>, tensor<2x4xf32> {liquid.state = #liquid.state<conv, layer = 0>}) {
  %c = arith.constant dense<1.0> : tensor<1x8xf32>
  %row = arith.constant dense<2.0> : tensor<1x4xf32>
  %n = tensor.insert_slice %row into %s[1, 0] [1, 4] [1, 1] : tensor<1x4xf32> into tensor<2x4xf32>
  return %c, %n : tensor<1x8xf32>, tensor<2x4xf32>
}

// -----

// Tests that private functions keep their tensor signature.
// CHECK-LABEL: func.func private @helper(%{{.+}}: tensor<4xf32>) -> tensor<4xf32>
func.func private @helper(%x: tensor<4xf32>) -> tensor<4xf32> {
  return %x : tensor<4xf32>
}

// -----

// expected-error @+1 {{'func.func' op argument 0 has no static shape: 'tensor<?xi32>'}}
func.func @prefill(%tok: tensor<?xi32>) {
  return
}

// -----

// expected-error @+1 {{'func.func' op state result #liquid.state<conv, layer = 9> has no argument of that state}}
func.func @decode(%s: tensor<2x4xf32> {liquid.state = #liquid.state<conv, layer = 0>})
    -> (tensor<2x4xf32> {liquid.state = #liquid.state<conv, layer = 9>}) {
  return %s : tensor<2x4xf32>
}

// -----

// Tests that a result tagged liquid.tied is written into that argument,
// which is then read through a writable view and tagged liquid.written.
// CHECK-LABEL: func.func @linear_0(
// CHECK-SAME: %[[X:[^:]+]]: memref<1x4xf32> {liquid.buffer = memref<1x4xf32>},
// CHECK-SAME: %[[OUT:[^:]+]]: memref<1x8xf32> {liquid.buffer = memref<1x8xf32>, liquid.written},
// CHECK-SAME: %{{.+}}: index {liquid.workgroup}) {
// CHECK: bufferization.to_tensor %[[X]] restrict :
// CHECK: %[[O:.+]] = bufferization.to_tensor %[[OUT]] restrict writable :
// CHECK: %[[R:.+]] = tensor.insert_slice %{{.+}} into %[[O]]
// CHECK: bufferization.materialize_in_destination %[[R]] in writable %[[OUT]]
// CHECK: return{{$}}
func.func @linear_0(%x: tensor<1x4xf32>, %out: tensor<1x8xf32>,
                    %wg: index {liquid.workgroup})
    -> (tensor<1x8xf32> {liquid.tied = 1 : i64}) {
  %r = tensor.insert_slice %x into %out[0, 4] [1, 4] [1, 1] : tensor<1x4xf32> into tensor<1x8xf32>
  return %r : tensor<1x8xf32>
}
