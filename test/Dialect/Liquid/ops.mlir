// RUN: liquid-opt %s --split-input-file | FileCheck %s
// RUN: liquid-opt %s --split-input-file --mlir-print-op-generic | liquid-opt --split-input-file | FileCheck %s

// Tests that weight declarations of every storage type round-trip.
// CHECK-LABEL: liquid.param @model.embed_tokens.weight : tensor<1024x256xbf16>
// CHECK: liquid.param @f16 : tensor<64x32xf16>
// CHECK: liquid.param @blk.0.ffn_up.weight : tensor<768x256x!liquid.q8_0>
// CHECK: liquid.param @q4 : tensor<768x256x!liquid.q4_0>
// CHECK: liquid.param @i8 : tensor<768x256x!liquid.qint<8, 32>>
// CHECK: liquid.param @i4 : tensor<768x256x!liquid.qint<4, 64>>
liquid.param @model.embed_tokens.weight : tensor<1024x256xbf16>
liquid.param @f16 : tensor<64x32xf16>
liquid.param @blk.0.ffn_up.weight : tensor<768x256x!liquid.q8_0>
liquid.param @q4 : tensor<768x256x!liquid.q4_0>
liquid.param @i8 : tensor<768x256x!liquid.qint<8, 32>>
liquid.param @i4 : tensor<768x256x!liquid.qint<4, 64>>

// -----

// Tests embedding, RMSNorm, linear and the SwiGLU feed-forward.
liquid.param @table : tensor<1024x256xbf16>
liquid.param @norm : tensor<256xf32>
liquid.param @w1 : tensor<768x256x!liquid.q4_0>
liquid.param @w3 : tensor<768x256x!liquid.q4_0>
liquid.param @w2 : tensor<256x768x!liquid.q8_0>
// CHECK-LABEL: func.func @dense
func.func @dense(%ids: tensor<?xi32>) -> tensor<?x256xf32> {
  // CHECK: %[[T:.+]] = liquid.weight @table : tensor<1024x256xbf16>
  // CHECK: %[[H:.+]] = liquid.embed %[[T]][%{{.+}}] : tensor<1024x256xbf16>, tensor<?xi32> -> tensor<?x256xf32>
  // CHECK: %[[N:.+]] = liquid.rms_norm %[[H]], %{{.+}} {epsilon = 9.99999974E-6 : f32} : tensor<?x256xf32>, tensor<256xf32>
  // CHECK: liquid.linear %[[N]], %{{.+}} : tensor<?x256xf32>, tensor<768x256x!liquid.q4_0> -> tensor<?x768xf32>
  // CHECK: liquid.ffn %[[N]], %{{.+}}, %{{.+}}, %{{.+}} : tensor<?x256xf32>, tensor<768x256x!liquid.q4_0>, tensor<768x256x!liquid.q4_0>, tensor<256x768x!liquid.q8_0>
  %t = liquid.weight @table : tensor<1024x256xbf16>
  %h = liquid.embed %t[%ids] : tensor<1024x256xbf16>, tensor<?xi32> -> tensor<?x256xf32>
  %nw = liquid.weight @norm : tensor<256xf32>
  %n = liquid.rms_norm %h, %nw {epsilon = 1.0e-5 : f32} : tensor<?x256xf32>, tensor<256xf32>
  %g = liquid.weight @w1 : tensor<768x256x!liquid.q4_0>
  %u = liquid.weight @w3 : tensor<768x256x!liquid.q4_0>
  %d = liquid.weight @w2 : tensor<256x768x!liquid.q8_0>
  %l = liquid.linear %n, %g : tensor<?x256xf32>, tensor<768x256x!liquid.q4_0> -> tensor<?x768xf32>
  %f = liquid.ffn %n, %g, %u, %d : tensor<?x256xf32>, tensor<768x256x!liquid.q4_0>, tensor<768x256x!liquid.q4_0>, tensor<256x768x!liquid.q8_0>
  return %f : tensor<?x256xf32>
}

// -----

// Tests the gated short convolution with its window state.
// CHECK-LABEL: func.func @conv
func.func @conv(%bcx: tensor<?x768xf32>, %k: tensor<256x3xbf16>, %s: tensor<2x256xf32>) -> (tensor<?x256xf32>, tensor<2x256xf32>) {
  // CHECK: %[[Y:.+]], %[[S:.+]] = liquid.short_conv %{{.+}}, %{{.+}}, %{{.+}} : tensor<?x768xf32>, tensor<256x3xbf16>, tensor<2x256xf32> -> tensor<?x256xf32>
  // CHECK: return %[[Y]], %[[S]]
  %y, %s1 = liquid.short_conv %bcx, %k, %s : tensor<?x768xf32>, tensor<256x3xbf16>, tensor<2x256xf32> -> tensor<?x256xf32>
  return %y, %s1 : tensor<?x256xf32>, tensor<2x256xf32>
}

// -----

// Tests RoPE and grouped-query attention over a KV cache.
// CHECK-LABEL: func.func @attention
func.func @attention(%q: tensor<1x4x64xf32>, %k: tensor<1x2x64xf32>, %v: tensor<1x2x64xf32>, %kc: tensor<2x128x64xf32>, %vc: tensor<2x128x64xf32>, %pos: index) -> (tensor<1x4x64xf32>, tensor<2x128x64xf32>, tensor<2x128x64xf32>) {
  // CHECK: %[[Q:.+]] = liquid.rope %{{.+}}, %{{.+}} {theta = 1.000000e+06 : f64} : tensor<1x4x64xf32>
  // CHECK: liquid.attention %[[Q]], %{{.+}}, %{{.+}}, %{{.+}}, %{{.+}}, %{{.+}} : tensor<1x4x64xf32>, tensor<1x2x64xf32>, tensor<2x128x64xf32>
  // CHECK: liquid.attention {{.+}} {scale = 1.250000e-01 : f64}
  %q1 = liquid.rope %q, %pos {theta = 1.0e6 : f64} : tensor<1x4x64xf32>
  %o, %k1, %v1 = liquid.attention %q1, %k, %v, %kc, %vc, %pos : tensor<1x4x64xf32>, tensor<1x2x64xf32>, tensor<2x128x64xf32>
  %o2, %k2, %v2 = liquid.attention %q1, %k, %v, %k1, %v1, %pos {scale = 0.125 : f64} : tensor<1x4x64xf32>, tensor<1x2x64xf32>, tensor<2x128x64xf32>
  return %o2, %k2, %v2 : tensor<1x4x64xf32>, tensor<2x128x64xf32>, tensor<2x128x64xf32>
}

// -----

// Tests MoE routing with and without a selection bias, and the experts.
// CHECK-LABEL: func.func @moe
func.func @moe(%x: tensor<?x256xf32>, %gate: tensor<8x256xbf16>, %bias: tensor<8xf32>, %g: tensor<8x128x256xbf16>, %u: tensor<8x128x256xbf16>, %d: tensor<8x256x128xbf16>) -> tensor<?x256xf32> {
  // CHECK: %[[IDS:.+]], %[[W:.+]] = liquid.moe_router %{{.+}}, %{{.+}}, %{{.+}} {normalize = true, scaling = 1.000000e+00 : f64, top_k = 2 : i64} : tensor<?x256xf32>, tensor<8x256xbf16>, tensor<8xf32> -> tensor<?x2xi32>, tensor<?x2xf32>
  // CHECK: liquid.moe_router %{{.+}}, %{{.+}} {normalize = false, scaling = 2.500000e+00 : f64, top_k = 3 : i64} : tensor<?x256xf32>, tensor<8x256xbf16> -> tensor<?x3xi32>, tensor<?x3xf32>
  // CHECK: liquid.moe_experts %{{.+}}, %[[IDS]], %[[W]], %{{.+}}, %{{.+}}, %{{.+}} : tensor<?x256xf32>, tensor<?x2xi32>, tensor<?x2xf32>, tensor<8x128x256xbf16>, tensor<8x128x256xbf16>, tensor<8x256x128xbf16>
  %ids, %w = liquid.moe_router %x, %gate, %bias {top_k = 2 : i64, normalize = true, scaling = 1.0 : f64} : tensor<?x256xf32>, tensor<8x256xbf16>, tensor<8xf32> -> tensor<?x2xi32>, tensor<?x2xf32>
  %ids3, %w3 = liquid.moe_router %x, %gate {top_k = 3 : i64, normalize = false, scaling = 2.5 : f64} : tensor<?x256xf32>, tensor<8x256xbf16> -> tensor<?x3xi32>, tensor<?x3xf32>
  %y = liquid.moe_experts %x, %ids, %w, %g, %u, %d : tensor<?x256xf32>, tensor<?x2xi32>, tensor<?x2xf32>, tensor<8x128x256xbf16>, tensor<8x128x256xbf16>, tensor<8x256x128xbf16>
  return %y : tensor<?x256xf32>
}

// -----

// Tests the CfC cell in its three modes, with and without a backbone and
// per-step time spans.
// CHECK-LABEL: func.func @cfc
func.func @cfc(%x: tensor<16x4xf32>, %h: tensor<8xf32>, %ts: tensor<16xf32>,
               %bw: tensor<32x12xf32>, %bb: tensor<32xf32>,
               %w32: tensor<8x32xf32>, %w12: tensor<8x12xf32>, %b: tensor<8xf32>) -> (tensor<16x8xf32>, tensor<8xf32>) {
  // CHECK: liquid.cfc(%{{.+}}, %{{.+}}) mode(default) activation(lecun_tanh) backbone(%{{.+}}, %{{.+}}) ff1(%{{.+}}, %{{.+}}) ff2(%{{.+}}, %{{.+}}) time(%{{.+}}, %{{.+}}, %{{.+}}, %{{.+}}) {time_span = 1.000000e+00 : f64}
  %o1, %h1 = liquid.cfc(%x, %h) mode(default) activation(lecun_tanh) backbone(%bw, %bb) ff1(%w32, %b) ff2(%w32, %b) time(%w32, %b, %w32, %b) {time_span = 1.0 : f64} : (tensor<16x4xf32>, tensor<8xf32>, tensor<32x12xf32>, tensor<32xf32>, tensor<8x32xf32>, tensor<8xf32>, tensor<8x32xf32>, tensor<8xf32>, tensor<8x32xf32>, tensor<8xf32>, tensor<8x32xf32>, tensor<8xf32>) -> (tensor<16x8xf32>, tensor<8xf32>)
  // CHECK: liquid.cfc(%{{.+}}, %{{.+}}) mode(no_gate) activation(tanh) timespans(%{{.+}}) backbone() ff1(%{{.+}}, %{{.+}}) ff2({{.+}}) time({{.+}})
  %o2, %h2 = liquid.cfc(%x, %h1) mode(no_gate) activation(tanh) timespans(%ts) backbone() ff1(%w12, %b) ff2(%w12, %b) time(%w12, %b, %w12, %b) {time_span = 1.0 : f64} : (tensor<16x4xf32>, tensor<8xf32>, tensor<16xf32>, tensor<8x12xf32>, tensor<8xf32>, tensor<8x12xf32>, tensor<8xf32>, tensor<8x12xf32>, tensor<8xf32>, tensor<8x12xf32>, tensor<8xf32>) -> (tensor<16x8xf32>, tensor<8xf32>)
  // CHECK: liquid.cfc(%{{.+}}, %{{.+}}) mode(pure) activation(lecun_tanh) backbone() ff1(%{{.+}}, %{{.+}}) pure(%{{.+}}, %{{.+}}) {time_span = 5.000000e-01 : f64}
  %o3, %h3 = liquid.cfc(%x, %h2) mode(pure) activation(lecun_tanh) backbone() ff1(%w12, %b) pure(%b, %b) {time_span = 0.5 : f64} : (tensor<16x4xf32>, tensor<8xf32>, tensor<8x12xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>) -> (tensor<16x8xf32>, tensor<8xf32>)
  return %o3, %h3 : tensor<16x8xf32>, tensor<8xf32>
}

// -----

// Tests the LTC cell.
// CHECK-LABEL: func.func @ltc
func.func @ltc(%x: tensor<16x3xf32>, %v: tensor<8xf32>, %n: tensor<8xf32>, %nn: tensor<8x8xf32>, %sn: tensor<3x8xf32>, %s: tensor<3xf32>, %m: tensor<2xf32>) -> (tensor<16x2xf32>, tensor<8xf32>) {
  // CHECK: liquid.ltc(%{{.+}}, %{{.+}}) leak(%{{.+}}, %{{.+}}, %{{.+}}) synapse({{.+}}) sensory({{.+}}) input_map(%{{.+}}, %{{.+}}) output_map(%{{.+}}, %{{.+}}) {elapsed_time = 1.000000e+00 : f64, epsilon = 1.000000e-08 : f64, implicit_constraints = true, ode_unfolds = 6 : i64}
  %o, %v1 = liquid.ltc(%x, %v) leak(%n, %n, %n) synapse(%nn, %nn, %nn, %nn, %nn) sensory(%sn, %sn, %sn, %sn, %sn) input_map(%s, %s) output_map(%m, %m) {ode_unfolds = 6 : i64, elapsed_time = 1.0 : f64, epsilon = 1.0e-8 : f64, implicit_constraints = true} : (tensor<16x3xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8x8xf32>, tensor<8x8xf32>, tensor<8x8xf32>, tensor<8x8xf32>, tensor<8x8xf32>, tensor<3x8xf32>, tensor<3x8xf32>, tensor<3x8xf32>, tensor<3x8xf32>, tensor<3x8xf32>, tensor<3xf32>, tensor<3xf32>, tensor<2xf32>, tensor<2xf32>) -> (tensor<16x2xf32>, tensor<8xf32>)
  return %o, %v1 : tensor<16x2xf32>, tensor<8xf32>
}

// -----

// Tests the byte view of quantized weights, both ways.
// CHECK-LABEL: func.func @bitcast
// CHECK: %[[B:.+]] = liquid.bitcast %{{.+}} : tensor<768x256x!liquid.q8_0> to tensor<768x8x34xi8>
// CHECK: liquid.bitcast %[[B]] : tensor<768x8x34xi8> to tensor<768x256x!liquid.q8_0>
// CHECK: liquid.bitcast %{{.+}} : tensor<4x64x!liquid.q4_0> to tensor<4x2x18xi8>
func.func @bitcast(%w: tensor<768x256x!liquid.q8_0>, %v: tensor<4x64x!liquid.q4_0>) -> (tensor<768x256x!liquid.q8_0>, tensor<4x2x18xi8>) {
  %b = liquid.bitcast %w : tensor<768x256x!liquid.q8_0> to tensor<768x8x34xi8>
  %w2 = liquid.bitcast %b : tensor<768x8x34xi8> to tensor<768x256x!liquid.q8_0>
  %c = liquid.bitcast %v : tensor<4x64x!liquid.q4_0> to tensor<4x2x18xi8>
  return %w2, %c : tensor<768x256x!liquid.q8_0>, tensor<4x2x18xi8>
}

// -----

// Tests that a byte view cast back to the quantized type folds away.
// RUN: liquid-opt %s --split-input-file --canonicalize | FileCheck %s --check-prefix=FOLD
// FOLD-LABEL: func.func @bitcast_fold(
// FOLD-SAME: %[[W:.+]]: tensor<64x64x!liquid.q4_0>)
// FOLD-NEXT: return %[[W]]
func.func @bitcast_fold(%w: tensor<64x64x!liquid.q4_0>) -> tensor<64x64x!liquid.q4_0> {
  %b = liquid.bitcast %w : tensor<64x64x!liquid.q4_0> to tensor<64x2x18xi8>
  %w2 = liquid.bitcast %b : tensor<64x2x18xi8> to tensor<64x64x!liquid.q4_0>
  return %w2 : tensor<64x64x!liquid.q4_0>
}

// -----

// Tests the int8 forms: activations quantized to blocks, a weight packed
// into panels and its byte view ([rows / 16, blocks * 16 * 18]), the int8
// linear and FFN, and the byte dot product.
// CHECK-LABEL: func.func @int8
// CHECK: liquid.quantize %{{.+}} : tensor<2x64xf32> -> tensor<2x64x!liquid.q8_act>
// CHECK: liquid.pack %{{.+}} : tensor<32x64x!liquid.q4_0> -> tensor<32x64x!liquid.panels<!liquid.q4_0, 16>>
// CHECK: liquid.bitcast %{{.+}} : tensor<32x64x!liquid.panels<!liquid.q4_0, 16>> to tensor<2x576xi8>
// CHECK: liquid.bitcast %{{.+}} : tensor<2x64x!liquid.q8_act> to tensor<2x2x40xi8>
// CHECK: liquid.linear %{{.+}}, %{{.+}} : tensor<2x64x!liquid.q8_act>, tensor<32x64x!liquid.panels<!liquid.q4_0, 16>> -> tensor<2x32xf32>
// CHECK: liquid.ffn {{.+}} : tensor<2x64x!liquid.q8_act>, tensor<32x64x!liquid.panels<!liquid.q4_0, 16>>, tensor<32x64x!liquid.panels<!liquid.q4_0, 16>>, tensor<64x32x!liquid.panels<!liquid.q8_0, 16>>
// CHECK: liquid.dot4 %{{.+}}, %{{.+}}, %{{.+}} : vector<64xi8> into vector<16xi32>
func.func @int8(%x: tensor<2x64xf32>, %w: tensor<32x64x!liquid.q4_0>, %d: tensor<64x32x!liquid.panels<!liquid.q8_0, 16>>,
                %acc: vector<16xi32>, %a: vector<64xi8>) -> (tensor<2x32xf32>, tensor<2x64xf32>, vector<16xi32>) {
  %xq = liquid.quantize %x : tensor<2x64xf32> -> tensor<2x64x!liquid.q8_act>
  %p = liquid.pack %w : tensor<32x64x!liquid.q4_0> -> tensor<32x64x!liquid.panels<!liquid.q4_0, 16>>
  %pb = liquid.bitcast %p : tensor<32x64x!liquid.panels<!liquid.q4_0, 16>> to tensor<2x576xi8>
  %xb = liquid.bitcast %xq : tensor<2x64x!liquid.q8_act> to tensor<2x2x40xi8>
  %y = liquid.linear %xq, %p : tensor<2x64x!liquid.q8_act>, tensor<32x64x!liquid.panels<!liquid.q4_0, 16>> -> tensor<2x32xf32>
  %f = liquid.ffn %xq, %p, %p, %d : tensor<2x64x!liquid.q8_act>, tensor<32x64x!liquid.panels<!liquid.q4_0, 16>>, tensor<32x64x!liquid.panels<!liquid.q4_0, 16>>, tensor<64x32x!liquid.panels<!liquid.q8_0, 16>>
  %r = liquid.dot4 %acc, %a, %a : vector<64xi8> into vector<16xi32>
  return %y, %f, %r : tensor<2x32xf32>, tensor<2x64xf32>, vector<16xi32>
}

// -----

// Tests the target description attribute.
// CHECK: module attributes {liquid.target = #liquid.target<triple = "x86_64-unknown-linux-gnu", cpu = "znver5", features = "avx2,avx512vnni", vector_bits = 512, vector_registers = 32>}
module attributes {liquid.target = #liquid.target<triple = "x86_64-unknown-linux-gnu", cpu = "znver5", features = "avx2,avx512vnni", vector_bits = 512, vector_registers = 32>} {
}

// -----

// Tests the model description: a dense model leaves the expert fields out,
// a mixture of experts prints them.
// CHECK: liquid.model = #liquid.model<architecture = "lfm2", vocab_size = 1024, hidden_size = 256, layers = [conv, attention], heads = 4, kv_heads = 2, head_dim = 64, ffn_size = 768, conv_length = 3, norm_eps = 9.99999974E-6 : f32, rope_theta = 1.000000e+06 : f64, max_context = 4096, tied_embeddings = true, bos_token_id = 1, eos_token_id = 7, pad_token_id = 0>
module attributes {liquid.model = #liquid.model<architecture = "lfm2", vocab_size = 1024, hidden_size = 256, layers = [conv, attention], heads = 4, kv_heads = 2, head_dim = 64, ffn_size = 768, conv_length = 3, norm_eps = 1.0e-5 : f32, rope_theta = 1.0e6 : f64, max_context = 4096, tied_embeddings = true, bos_token_id = 1, eos_token_id = 7, pad_token_id = 0>} {
}

// -----

// CHECK: experts = 8, experts_per_token = 2, expert_ffn_size = 128, dense_layers = 1>
module attributes {liquid.model = #liquid.model<architecture = "lfm2moe", vocab_size = 1024, hidden_size = 256, layers = [conv, attention], heads = 4, kv_heads = 2, head_dim = 64, ffn_size = 768, conv_length = 3, norm_eps = 1.0e-5 : f32, rope_theta = 1.0e6 : f64, max_context = 4096, tied_embeddings = true, bos_token_id = 1, eos_token_id = 7, pad_token_id = 0, experts = 8, experts_per_token = 2, expert_ffn_size = 128, dense_layers = 1>} {
}

// -----

// Tests the SwiGLU gate on a dynamic token count.
// CHECK-LABEL: func.func @swiglu(
// CHECK: liquid.swiglu %{{.+}}, %{{.+}} : tensor<?x768xf32>
func.func @swiglu(%g: tensor<?x768xf32>, %u: tensor<?x768xf32>) -> tensor<?x768xf32> {
  %h = liquid.swiglu %g, %u : tensor<?x768xf32>
  return %h : tensor<?x768xf32>
}
