// RUN: liquid-opt %s --liquid-form-dispatches --split-input-file --verify-diagnostics | FileCheck %s

// Tests that an entry point becomes a host schedule: each linear is
// launched split by blocks of its weight's rows into fresh scratch (64
// rows: four registers of a 512-bit target), ops of the same kind and
// types share one kernel, a state result is written into its state
// operand, the FFN becomes the gated up projection then a down linear, and
// reshapes stay in the schedule as views.

module attributes {liquid.target = #liquid.target<triple = "x86_64-unknown-linux-gnu", cpu = "znver5", features = "avx512f,avx512vnni", vector_bits = 512, vector_registers = 32>} {
liquid.param @w1 : tensor<128x64xf32>
liquid.param @w2 : tensor<128x64xf32>
liquid.param @q : tensor<192x64x!liquid.q8_0>
liquid.param @k : tensor<64x3xf32>
liquid.param @g : tensor<96x64xf32>
liquid.param @u : tensor<96x64xf32>
liquid.param @d : tensor<64x96xf32>

// CHECK-LABEL: func.func @decode(
// CHECK-SAME: %[[X:[^:]+]]: tensor<1x64xf32>, %[[S:[^:]+]]: tensor<2x64xf32> {liquid.state = #liquid.state<conv, layer = 0>})
// CHECK-SAME: attributes {liquid.schedule}
// CHECK: %[[W1:.+]] = liquid.weight @w1
// CHECK: %[[E1:.+]] = tensor.empty() : tensor<1x128xf32>
// CHECK: %[[Y1:.+]] = liquid.dispatch @kernels::@linear_0[2] (%[[X]], %[[W1]], %[[E1]]) {tied_operands = array<i64: 2>}
// CHECK: %[[W2:.+]] = liquid.weight @w2
// CHECK: %[[E2:.+]] = tensor.empty() : tensor<1x128xf32>
// CHECK: liquid.dispatch @kernels::@linear_0[2] (%[[X]], %[[W2]], %[[E2]])
// CHECK: liquid.dispatch @kernels::@linear_1[3]
// CHECK: %[[V:.+]] = tensor.expand_shape %[[Y1]]
// CHECK: %{{.+}}:2 = liquid.dispatch @kernels::@short_conv_0[1] ({{.+}}, %[[S]], %{{.+}}) {tied_operands = array<i64: 3, 2>}
// CHECK: %[[H:.+]] = liquid.dispatch @kernels::@ffn_up_0[3]
// CHECK: liquid.dispatch @kernels::@linear_2[1] (%[[H]],
func.func @decode(%x: tensor<1x64xf32>,
                  %s: tensor<2x64xf32> {liquid.state = #liquid.state<conv, layer = 0>})
    -> (tensor<1x64xf32>, tensor<1x2x64xf32>, tensor<2x64xf32> {liquid.state = #liquid.state<conv, layer = 0>}) {
  %w1 = liquid.weight @w1 : tensor<128x64xf32>
  %y1 = liquid.linear %x, %w1 : tensor<1x64xf32>, tensor<128x64xf32> -> tensor<1x128xf32>
  %w2 = liquid.weight @w2 : tensor<128x64xf32>
  %y2 = liquid.linear %x, %w2 : tensor<1x64xf32>, tensor<128x64xf32> -> tensor<1x128xf32>
  %wq = liquid.weight @q : tensor<192x64x!liquid.q8_0>
  %y3 = liquid.linear %x, %wq : tensor<1x64xf32>, tensor<192x64x!liquid.q8_0> -> tensor<1x192xf32>
  %v = tensor.expand_shape %y1 [[0], [1, 2]] output_shape [1, 2, 64] : tensor<1x128xf32> into tensor<1x2x64xf32>
  %k = liquid.weight @k : tensor<64x3xf32>
  %c, %s1 = liquid.short_conv %y3, %k, %s : tensor<1x192xf32>, tensor<64x3xf32>, tensor<2x64xf32> -> tensor<1x64xf32>
  %g = liquid.weight @g : tensor<96x64xf32>
  %u = liquid.weight @u : tensor<96x64xf32>
  %d = liquid.weight @d : tensor<64x96xf32>
  %f = liquid.ffn %c, %g, %u, %d : tensor<1x64xf32>, tensor<96x64xf32>, tensor<96x64xf32>, tensor<64x96xf32>
  return %f, %v, %s1 : tensor<1x64xf32>, tensor<1x2x64xf32>, tensor<2x64xf32>
}
}

// The kernels: the linear reads its workgroup's 64 rows (a quantized weight
// as bytes) and writes their columns of the destination.
// CHECK: module @kernels {
// CHECK: func.func @linear_0(%[[A:.+]]: tensor<1x64xf32>, %[[B:.+]]: tensor<128x64xf32>, %[[C:.+]]: tensor<1x128xf32>, %[[WG:.+]]: index {liquid.workgroup}) -> (tensor<1x128xf32> {liquid.tied = 2 : i64}) attributes {liquid.workgroups = 2 : i64}
// CHECK: %[[ROW:.+]] = arith.muli %[[WG]], %{{.+}} : index
// CHECK: %[[SL:.+]] = tensor.extract_slice %[[B]][%[[ROW]], 0] [64, 64] [1, 1]
// CHECK: %[[P:.+]] = liquid.linear %[[A]], %[[SL]] : tensor<1x64xf32>, tensor<64x64xf32> -> tensor<1x64xf32>
// CHECK: tensor.insert_slice %[[P]] into %[[C]][0, %[[ROW]]] [1, 64] [1, 1]
// CHECK: func.func @linear_1(%{{.+}}: tensor<1x64xf32>, %[[QB:.+]]: tensor<192x2x34xi8>,
// CHECK: %[[QS:.+]] = tensor.extract_slice %[[QB]][%{{.+}}, 0, 0] [64, 2, 34] [1, 1, 1]
// CHECK: liquid.bitcast %[[QS]] : tensor<64x2x34xi8> to tensor<64x64x!liquid.q8_0>
// CHECK: func.func @short_conv_0(
// CHECK-SAME: -> (tensor<1x64xf32> {liquid.tied = 3 : i64}, tensor<2x64xf32> {liquid.tied = 2 : i64})
// CHECK: func.func @ffn_up_0(
// CHECK: %[[G:.+]] = liquid.linear
// CHECK: %[[U:.+]] = liquid.linear
// CHECK: liquid.swiglu %[[G]], %[[U]]
// CHECK: func.func @linear_2(%{{.+}}: tensor<1x96xf32>, %{{.+}}: tensor<64x96xf32>

// -----

// Tests that the rows per workgroup follow the target description: four
// registers of a 256-bit target are 32 rows, of the portable default
// (128-bit, no description) 16.
// CHECK-LABEL: func.func @avx2(
// CHECK: liquid.dispatch @kernels::@linear_0[4]
// CHECK: func.func @linear_0(
// CHECK: tensor.extract_slice %{{.+}}[%{{.+}}, 0] [32, 64] [1, 1]
module attributes {liquid.target = #liquid.target<triple = "x86_64-unknown-linux-gnu", cpu = "haswell", features = "avx2,fma", vector_bits = 256, vector_registers = 16>} {
liquid.param @w : tensor<128x64xf32>
func.func @avx2(%x: tensor<1x64xf32>) -> tensor<1x128xf32> {
  %w = liquid.weight @w : tensor<128x64xf32>
  %y = liquid.linear %x, %w : tensor<1x64xf32>, tensor<128x64xf32> -> tensor<1x128xf32>
  return %y : tensor<1x128xf32>
}
}

// -----

// CHECK-LABEL: func.func @portable(
// CHECK: liquid.dispatch @kernels::@linear_0[8]
liquid.param @w : tensor<128x64xf32>
func.func @portable(%x: tensor<1x64xf32>) -> tensor<1x128xf32> {
  %w = liquid.weight @w : tensor<128x64xf32>
  %y = liquid.linear %x, %w : tensor<1x64xf32>, tensor<128x64xf32> -> tensor<1x128xf32>
  return %y : tensor<1x128xf32>
}

// -----

// Tests that routed experts become one launch with a workgroup per expert,
// which slices its own matrices out of the stacked weights, lists the
// (token, slot) pairs routed to it, and runs its SwiGLU over the gathered
// rows of a group of pairs as matrix products, then a launch summing the
// slots.
// CHECK-LABEL: func.func @experts(
// CHECK: %[[P:.+]] = liquid.dispatch @kernels::@moe_expert_0[4] ({{.+}}) {tied_operands = array<i64: 6>}
// CHECK-SAME: -> tensor<2x3x16xf32>
// CHECK: liquid.dispatch @kernels::@moe_combine_0[1] (%[[P]], %{{.+}}) {tied_operands = array<i64: 1>}
// CHECK: func.func @moe_expert_0(
// CHECK-SAME: %[[WG:[^:]+]]: index {liquid.workgroup})
// CHECK: tensor.extract_slice %{{.+}}[%[[WG]], 0, 0] [1, 8, 16] [1, 1, 1] : tensor<4x8x16xf32> to tensor<8x16xf32>
// CHECK: %[[LIST:.+]]:2 = scf.for %[[T:.+]] = %{{.+}} to %{{.+}} step %{{.+}} iter_args
// CHECK: scf.for %[[R:.+]] = %{{.+}} to %{{.+}} step %{{.+}} iter_args
// CHECK: %[[ID:.+]] = tensor.extract %{{.+}}[%[[T]], %[[R]]] : tensor<3x2xi32>
// CHECK: %[[E:.+]] = arith.index_cast %[[ID]] : i32 to index
// CHECK: %[[HIT:.+]] = arith.cmpi eq, %[[WG]], %[[E]] : index
// CHECK: scf.if %[[HIT]]
// CHECK: tensor.insert %{{.+}} into %{{.+}} : tensor<3xi32>
// Groups of 3 pairs (the chunk), the last one padded when 2 are left; a
// single pair left runs as a group of one.
// CHECK: %[[REM:.+]] = arith.remui %[[LIST]]#1, %{{.+}} : index
// CHECK: %[[LONG:.+]] = arith.cmpi ugt, %[[REM]], %{{.+}} : index
// CHECK: %[[END:.+]] = arith.select %[[LONG]], %[[LIST]]#1, %{{.+}} : index
// CHECK: scf.for %{{.+}} = %{{.+}} to %[[END]] step %{{.+}} iter_args
// CHECK: %[[ROWS:.+]] = scf.for
// CHECK: tensor.insert_slice %{{.+}} into %{{.+}} : tensor<1x16xf32> into tensor<3x16xf32>
// CHECK: liquid.linear %[[ROWS]], %{{.+}} : tensor<3x16xf32>, tensor<8x16xf32> -> tensor<3x8xf32>
// CHECK: liquid.swiglu %{{.+}}, %{{.+}} : tensor<3x8xf32>
// CHECK: %[[Y:.+]] = liquid.linear %{{.+}} : tensor<3x8xf32>, tensor<16x8xf32> -> tensor<3x16xf32>
// CHECK: scf.for
// CHECK: tensor.extract_slice %[[Y]]
// CHECK: tensor.insert_slice %{{.+}} into %{{.+}}[%{{.+}}, %{{.+}}, 0] [1, 1, 16]
// CHECK: scf.if
// CHECK: liquid.linear %{{.+}} : tensor<1x8xf32>, tensor<16x8xf32> -> tensor<1x16xf32>
// CHECK: func.func @moe_combine_0(
// CHECK: arith.addf
liquid.param @eg : tensor<4x8x16xf32>
liquid.param @eu : tensor<4x8x16xf32>
liquid.param @ed : tensor<4x16x8xf32>
func.func @experts(%x: tensor<3x16xf32>, %ids: tensor<3x2xi32>, %w: tensor<3x2xf32>) -> tensor<3x16xf32> {
  %g = liquid.weight @eg : tensor<4x8x16xf32>
  %u = liquid.weight @eu : tensor<4x8x16xf32>
  %d = liquid.weight @ed : tensor<4x16x8xf32>
  %y = liquid.moe_experts %x, %ids, %w, %g, %u, %d : tensor<3x16xf32>, tensor<3x2xi32>, tensor<3x2xf32>, tensor<4x8x16xf32>, tensor<4x8x16xf32>, tensor<4x16x8xf32>
  return %y : tensor<3x16xf32>
}

// -----

// Tests that attention runs one workgroup per key/value head, each on its
// query heads and its rows of the caches.
// CHECK-LABEL: func.func @attend(
// CHECK: %{{.+}}:3 = liquid.dispatch @kernels::@attention_0[2] ({{.+}}) {tied_operands = array<i64: 6, 3, 4>}
// CHECK: func.func @attention_0(
// CHECK-SAME: %[[WG:[^:]+]]: index {liquid.workgroup})
// CHECK: %[[QH:.+]] = arith.muli %[[WG]], %{{.+}} : index
// CHECK: %[[Q:.+]] = tensor.extract_slice %{{.+}}[0, %[[QH]], 0] [1, 2, 8] [1, 1, 1] : tensor<1x4x8xf32> to tensor<1x2x8xf32>
// CHECK: %[[KC:.+]] = tensor.extract_slice %{{.+}}[%[[WG]], 0, 0] [1, 16, 8] [1, 1, 1] : tensor<2x16x8xf32> to tensor<1x16x8xf32>
// CHECK: liquid.attention %[[Q]], {{.+}} : tensor<1x2x8xf32>, tensor<1x1x8xf32>, tensor<1x16x8xf32>
// CHECK: tensor.insert_slice %{{.+}} into %{{.+}}[0, %[[QH]], 0] [1, 2, 8]
// CHECK: tensor.insert_slice %{{.+}} into %{{.+}}[%[[WG]], 0, 0] [1, 16, 8]
func.func @attend(%q: tensor<1x4x8xf32>, %k: tensor<1x2x8xf32>, %v: tensor<1x2x8xf32>,
                  %kc: tensor<2x16x8xf32> {liquid.state = #liquid.state<key_cache, layer = 0>},
                  %vc: tensor<2x16x8xf32> {liquid.state = #liquid.state<value_cache, layer = 0>},
                  %pos: index) -> tensor<1x4x8xf32> {
  %o, %kc1, %vc1 = liquid.attention %q, %k, %v, %kc, %vc, %pos : tensor<1x4x8xf32>, tensor<1x2x8xf32>, tensor<2x16x8xf32>
  return %o : tensor<1x4x8xf32>
}

// -----

func.func @f(%a: tensor<1x8xf32>, %b: tensor<1x8xf32>) -> tensor<1x16xf32> {
  // expected-error @+1 {{'tensor.concat' op cannot be placed in a dispatch}}
  %c = tensor.concat dim(1) %a, %b : (tensor<1x8xf32>, tensor<1x8xf32>) -> tensor<1x16xf32>
  return %c : tensor<1x16xf32>
}

// -----

// Tests the int8 forms: a quantization whose input has no other use runs
// in its producer's kernel (rms_norm_quantize writes the int8 blocks), a
// linear over a weight in panels slices whole panels (128 rows of panels of
// 16: four workgroups of 2 panels, as 4 panels would leave only two
// workgroups), and an FFN whose down weight is in panels quantizes the gated
// hidden activation in the up kernel, written as int8 blocks (two
// workgroups of one block of 32 rows).

liquid.param @n : tensor<64xf32>
liquid.param @q : tensor<128x64x!liquid.q8_0>
liquid.param @g : tensor<64x64x!liquid.q4_0>
liquid.param @d : tensor<64x64x!liquid.q4_0>

// CHECK-LABEL: func.func @decode(
// CHECK: %[[N:.+]] = liquid.dispatch @kernels::@rms_norm_quantize_0[1] ({{.+}}) {tied_operands = array<i64: 2>} : (tensor<1x64xf32>, tensor<64xf32>, tensor<1x64x!liquid.q8_act>) -> tensor<1x64x!liquid.q8_act>
// CHECK: %[[QP:.+]] = liquid.pack
// CHECK: liquid.dispatch @kernels::@linear_0[4] (%[[N]], %[[QP]], %{{.+}})
// CHECK: %[[H:.+]] = liquid.dispatch @kernels::@ffn_up_0[2] ({{.+}}) {tied_operands = array<i64: 3>} : ({{.+}}, tensor<1x64x!liquid.q8_act>) -> tensor<1x64x!liquid.q8_act>
// CHECK: liquid.dispatch @kernels::@linear_1[4] (%[[H]],

// CHECK: func.func @rms_norm_quantize_0(%{{.+}}: tensor<1x64xf32>, %{{.+}}: tensor<64xf32>, %[[D:.+]]: tensor<1x2x40xi8>, %{{.+}}: index {liquid.workgroup}) -> (tensor<1x2x40xi8> {liquid.tied = 2 : i64})
// CHECK: %[[R:.+]] = liquid.rms_norm
// CHECK: %[[Q:.+]] = liquid.quantize %[[R]] : tensor<1x64xf32> -> tensor<1x64x!liquid.q8_act>
// CHECK: %[[B:.+]] = liquid.bitcast %[[Q]] : tensor<1x64x!liquid.q8_act> to tensor<1x2x40xi8>
// CHECK: return %[[B]]
// CHECK: func.func @linear_0(%{{.+}}: tensor<1x2x40xi8>, %[[W:.+]]: tensor<8x1088xi8>,
// CHECK: %[[ROW:.+]] = arith.muli %{{.+}}, %c32
// CHECK: %[[PANEL:.+]] = arith.divui %[[ROW]], %c16
// CHECK: %[[S:.+]] = tensor.extract_slice %[[W]][%[[PANEL]], 0] [2, 1088] [1, 1] : tensor<8x1088xi8> to tensor<2x1088xi8>
// CHECK: liquid.bitcast %[[S]] : tensor<2x1088xi8> to tensor<32x64x!liquid.panels<!liquid.q8_0, 16>>
// CHECK: func.func @ffn_up_0(
// CHECK: %[[HQ:.+]] = liquid.quantize %{{.+}} : tensor<1x32xf32> -> tensor<1x32x!liquid.q8_act>
// CHECK: %[[HB:.+]] = liquid.bitcast %[[HQ]] : tensor<1x32x!liquid.q8_act> to tensor<1x1x40xi8>
// CHECK: tensor.insert_slice %[[HB]] into %{{.+}}[0, %{{.+}}, 0] [1, 1, 40] [1, 1, 1] : tensor<1x1x40xi8> into tensor<1x2x40xi8>
func.func @decode(%x: tensor<1x64xf32>) -> (tensor<1x128xf32>, tensor<1x64xf32>) {
  %n = liquid.weight @n : tensor<64xf32>
  %r = liquid.rms_norm %x, %n {epsilon = 1.0e-05 : f32} : tensor<1x64xf32>, tensor<64xf32>
  %rq = liquid.quantize %r : tensor<1x64xf32> -> tensor<1x64x!liquid.q8_act>
  %q = liquid.weight @q : tensor<128x64x!liquid.q8_0>
  %qp = liquid.pack %q : tensor<128x64x!liquid.q8_0> -> tensor<128x64x!liquid.panels<!liquid.q8_0, 16>>
  %y = liquid.linear %rq, %qp : tensor<1x64x!liquid.q8_act>, tensor<128x64x!liquid.panels<!liquid.q8_0, 16>> -> tensor<1x128xf32>
  %g = liquid.weight @g : tensor<64x64x!liquid.q4_0>
  %gp = liquid.pack %g : tensor<64x64x!liquid.q4_0> -> tensor<64x64x!liquid.panels<!liquid.q4_0, 16>>
  %d = liquid.weight @d : tensor<64x64x!liquid.q4_0>
  %dp = liquid.pack %d : tensor<64x64x!liquid.q4_0> -> tensor<64x64x!liquid.panels<!liquid.q4_0, 16>>
  %f = liquid.ffn %rq, %gp, %gp, %dp : tensor<1x64x!liquid.q8_act>, tensor<64x64x!liquid.panels<!liquid.q4_0, 16>>, tensor<64x64x!liquid.panels<!liquid.q4_0, 16>>, tensor<64x64x!liquid.panels<!liquid.q4_0, 16>>
  return %y, %f : tensor<1x128xf32>, tensor<1x64xf32>
}

// -----

// Tests that a residual add and the norm of its sum run as one kernel that
// writes both the sum (still read by the next residual add) and the norm.
// CHECK-LABEL: func.func @residual(
// CHECK: %[[R:.+]]:2 = liquid.dispatch @kernels::@add_rms_norm_0[1] (%{{.+}}, %{{.+}}, %{{.+}}, %{{.+}}, %{{.+}}) {tied_operands = array<i64: 3, 4>}
// CHECK-NOT: liquid.dispatch @kernels::@rms_norm
// CHECK: func.func @add_rms_norm_0(
// CHECK: %[[S:.+]] = arith.addf
// CHECK: %[[N:.+]] = liquid.rms_norm %[[S]]
// CHECK: return %[[S]], %[[N]]
liquid.param @nw : tensor<64xf32>
func.func @residual(%a: tensor<1x64xf32>, %b: tensor<1x64xf32>) -> (tensor<1x64xf32>, tensor<1x64xf32>) {
  %s = arith.addf %a, %b : tensor<1x64xf32>
  %w = liquid.weight @nw : tensor<64xf32>
  %n = liquid.rms_norm %s, %w {epsilon = 1.0e-5 : f32} : tensor<1x64xf32>, tensor<64xf32>
  return %s, %n : tensor<1x64xf32>, tensor<1x64xf32>
}

// -----

// Tests that a state-carrying op whose output is quantized runs with the
// quantization as one kernel: the new window is written into the state
// operand, the int8 blocks into scratch, and the f32 output is not written.

liquid.param @k : tensor<64x3xf32>

// CHECK-LABEL: func.func @decode(
// CHECK-SAME: %[[X:[^:]+]]: tensor<1x192xf32>, %[[S:[^:]+]]: tensor<2x64xf32>
// CHECK: %[[E:.+]] = tensor.empty() : tensor<1x64x!liquid.q8_act>
// CHECK: %{{.+}}:2 = liquid.dispatch @kernels::@short_conv_quantize_0[1] (%[[X]], %{{.+}}, %[[S]], %[[E]]) {tied_operands = array<i64: 2, 3>} : (tensor<1x192xf32>, tensor<64x3xf32>, tensor<2x64xf32>, tensor<1x64x!liquid.q8_act>) -> (tensor<2x64xf32>, tensor<1x64x!liquid.q8_act>)
// CHECK: func.func @short_conv_quantize_0(
// CHECK-SAME: -> (tensor<2x64xf32> {liquid.tied = 2 : i64}, tensor<1x2x40xi8> {liquid.tied = 3 : i64})
// CHECK: %[[C:.+]], %[[NEW:.+]] = liquid.short_conv
// CHECK: liquid.quantize %[[C]]
func.func @decode(%x: tensor<1x192xf32>,
                  %s: tensor<2x64xf32> {liquid.state = #liquid.state<conv, layer = 0>})
    -> (tensor<1x64x!liquid.q8_act>, tensor<2x64xf32> {liquid.state = #liquid.state<conv, layer = 0>}) {
  %k = liquid.weight @k : tensor<64x3xf32>
  %c, %s1 = liquid.short_conv %x, %k, %s : tensor<1x192xf32>, tensor<64x3xf32>, tensor<2x64xf32> -> tensor<1x64xf32>
  %q = liquid.quantize %c : tensor<1x64xf32> -> tensor<1x64x!liquid.q8_act>
  return %q, %s1 : tensor<1x64x!liquid.q8_act>, tensor<2x64xf32>
}
