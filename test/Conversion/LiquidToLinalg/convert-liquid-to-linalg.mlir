// RUN: liquid-opt %s --convert-liquid-to-linalg --split-input-file | FileCheck %s

// Tests RMSNorm: a sum-of-squares reduction over the innermost dimension,
// then x * rsqrt(sum / H + eps) * widen(w).
// CHECK-DAG: #[[ID2:.+]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG: #[[ROW:.+]] = affine_map<(d0, d1) -> (d0)>
// CHECK-DAG: #[[COL:.+]] = affine_map<(d0, d1) -> (d1)>
// CHECK-LABEL: func.func @rms_norm(
// CHECK-SAME: %[[X:.+]]: tensor<?x8xf32>, %[[W:.+]]: tensor<8xbf16>)
// CHECK: %[[ZERO:.+]] = linalg.fill {{.+}} -> tensor<?xf32>
// CHECK: %[[SUM:.+]] = linalg.generic {indexing_maps = [#[[ID2]], #[[ROW]]], iterator_types = ["parallel", "reduction"]} ins(%[[X]] : tensor<?x8xf32>) outs(%[[ZERO]] : tensor<?xf32>)
// CHECK: arith.mulf
// CHECK: arith.addf
// CHECK: linalg.generic {indexing_maps = [#[[ID2]], #[[ROW]], #[[COL]], #[[ID2]]], iterator_types = ["parallel", "parallel"]} ins(%[[X]], %[[SUM]], %[[W]] : tensor<?x8xf32>, tensor<?xf32>, tensor<8xbf16>)
// CHECK: arith.divf %{{.+}}, %{{.+}} : f32
// CHECK: math.rsqrt
// CHECK: arith.extf %{{.+}} : bf16 to f32
// CHECK-NOT: liquid.rms_norm
func.func @rms_norm(%x: tensor<?x8xf32>, %w: tensor<8xbf16>) -> tensor<?x8xf32> {
  %y = liquid.rms_norm %x, %w {epsilon = 1.0e-5 : f32} : tensor<?x8xf32>, tensor<8xbf16>
  return %y : tensor<?x8xf32>
}

// -----

// Tests that a linear layer with f16 weights is a contraction over the
// weight's [out, in] layout, the weight widened inside the body.
// CHECK-DAG: #[[XMAP:.+]] = affine_map<(d0, d1, d2) -> (d0, d2)>
// CHECK-DAG: #[[WMAP:.+]] = affine_map<(d0, d1, d2) -> (d1, d2)>
// CHECK-DAG: #[[OMAP:.+]] = affine_map<(d0, d1, d2) -> (d0, d1)>
// CHECK-LABEL: func.func @linear(
// CHECK-SAME: %[[X:.+]]: tensor<?x8xf32>, %[[W:.+]]: tensor<16x8xf16>)
// CHECK: %[[DIM:.+]] = tensor.dim %[[X]], %{{.+}} : tensor<?x8xf32>
// CHECK: %[[EMPTY:.+]] = tensor.empty(%[[DIM]]) : tensor<?x16xf32>
// CHECK: %[[ZERO:.+]] = linalg.fill ins(%{{.+}} : f32) outs(%[[EMPTY]] : tensor<?x16xf32>)
// CHECK: linalg.generic {indexing_maps = [#[[XMAP]], #[[WMAP]], #[[OMAP]]], iterator_types = ["parallel", "parallel", "reduction"]} ins(%[[X]], %[[W]] : tensor<?x8xf32>, tensor<16x8xf16>) outs(%[[ZERO]] : tensor<?x16xf32>)
// CHECK-NEXT: ^bb0(%[[A:.+]]: f32, %[[B:.+]]: f16, %[[ACC:.+]]: f32):
// CHECK-NEXT: %[[BW:.+]] = arith.extf %[[B]] : f16 to f32
// CHECK-NEXT: %[[P:.+]] = arith.mulf %[[A]], %[[BW]] : f32
// CHECK-NEXT: %[[S:.+]] = arith.addf %[[ACC]], %[[P]] : f32
// CHECK-NEXT: linalg.yield %[[S]] : f32
func.func @linear(%x: tensor<?x8xf32>, %w: tensor<16x8xf16>) -> tensor<?x16xf32> {
  %y = liquid.linear %x, %w : tensor<?x8xf32>, tensor<16x8xf16> -> tensor<?x16xf32>
  return %y : tensor<?x16xf32>
}

// -----

// Tests the SwiGLU gate: one element-wise generic, g / (1 + exp(-g)) * u,
// sized from the gate's dynamic dimension.
// CHECK-LABEL: func.func @swiglu(
// CHECK-SAME: %[[G:.+]]: tensor<?x16xf32>, %[[U:.+]]: tensor<?x16xf32>)
// CHECK: %[[N:.+]] = tensor.dim %[[G]], %{{.+}} : tensor<?x16xf32>
// CHECK: %[[E:.+]] = tensor.empty(%[[N]]) : tensor<?x16xf32>
// CHECK: linalg.generic {{.+}} ins(%[[G]], %[[U]] : tensor<?x16xf32>, tensor<?x16xf32>) outs(%[[E]] : tensor<?x16xf32>)
// CHECK: ^bb0(%[[A:.+]]: f32, %[[B:.+]]: f32, %{{.+}}: f32):
// CHECK: %[[NEG:.+]] = arith.negf %[[A]]
// CHECK: %[[EXP:.+]] = math.exp %[[NEG]]
// CHECK: %[[DEN:.+]] = arith.addf %{{.+}}, %[[EXP]]
// CHECK: %[[SILU:.+]] = arith.divf %[[A]], %[[DEN]]
// CHECK: %[[H:.+]] = arith.mulf %[[SILU]], %[[B]]
// CHECK: linalg.yield %[[H]]
func.func @swiglu(%g: tensor<?x16xf32>, %u: tensor<?x16xf32>) -> tensor<?x16xf32> {
  %h = liquid.swiglu %g, %u : tensor<?x16xf32>
  return %h : tensor<?x16xf32>
}

// -----

// Tests the feed-forward: gate and up contractions, silu(g) * u fused in one
// element-wise generic, then the down contraction.
// CHECK-LABEL: func.func @ffn(
// CHECK-SAME: %[[X:.+]]: tensor<?x8xf32>, %[[G:.+]]: tensor<16x8xf32>, %[[U:.+]]: tensor<16x8xf32>, %[[D:.+]]: tensor<8x16xf32>)
// CHECK: %[[GATE:.+]] = linalg.generic {{.+}} ins(%[[X]], %[[G]] : {{.+}}) outs(%{{.+}} : tensor<?x16xf32>)
// CHECK: %[[UP:.+]] = linalg.generic {{.+}} ins(%[[X]], %[[U]] : {{.+}}) outs(%{{.+}} : tensor<?x16xf32>)
// CHECK: %[[ACT:.+]] = linalg.generic {{.+}} ins(%[[GATE]], %[[UP]] : tensor<?x16xf32>, tensor<?x16xf32>)
// CHECK: math.exp
// CHECK: arith.divf
// CHECK: arith.mulf
// CHECK: linalg.generic {{.+}} ins(%[[ACT]], %[[D]] : tensor<?x16xf32>, tensor<8x16xf32>) outs(%{{.+}} : tensor<?x8xf32>)
func.func @ffn(%x: tensor<?x8xf32>, %g: tensor<16x8xf32>, %u: tensor<16x8xf32>, %d: tensor<8x16xf32>) -> tensor<?x8xf32> {
  %y = liquid.ffn %x, %g, %u, %d : tensor<?x8xf32>, tensor<16x8xf32>, tensor<16x8xf32>, tensor<8x16xf32>
  return %y : tensor<?x8xf32>
}

// -----

// Tests the embedding as a gather from the table, widened to f32.
// CHECK-LABEL: func.func @embed(
// CHECK-SAME: %[[T:.+]]: tensor<32x8xbf16>, %[[IDS:.+]]: tensor<?xi32>)
// CHECK: linalg.generic {{.+}} ins(%[[IDS]] : tensor<?xi32>) outs(%{{.+}} : tensor<?x8xf32>)
// CHECK-NEXT: ^bb0(%[[ID:.+]]: i32, %{{.+}}: f32):
// CHECK-NEXT: %[[ROW:.+]] = arith.index_cast %[[ID]] : i32 to index
// CHECK-NEXT: %[[COL:.+]] = linalg.index 1 : index
// CHECK-NEXT: %[[V:.+]] = tensor.extract %[[T]][%[[ROW]], %[[COL]]] : tensor<32x8xbf16>
// CHECK-NEXT: arith.extf %[[V]] : bf16 to f32
func.func @embed(%t: tensor<32x8xbf16>, %ids: tensor<?xi32>) -> tensor<?x8xf32> {
  %h = liquid.embed %t[%ids] : tensor<32x8xbf16>, tensor<?xi32> -> tensor<?x8xf32>
  return %h : tensor<?x8xf32>
}

// -----

// Tests RoPE: the inverse frequencies 1 / theta^(2j / d) are a constant
// (theta 1e6, d 8); cos and sin of (position + t) * inv_freq[j] once per
// token and pair; then the two halves of every head rotated together
// (x1 cos - x2 sin, x2 cos + x1 sin) and put back in place.
// CHECK-LABEL: func.func @rope(
// CHECK-SAME: %[[Q:.+]]: tensor<?x2x8xf32>, %[[POS:.+]]: index)
// CHECK: %[[T:.+]] = tensor.dim %[[Q]], %c0
// CHECK: %[[F:.+]] = arith.constant dense<[1.000000e+00, 0.0316227786, 1.000000e-03, 3.16227743E-5]> : tensor<4xf32>
// CHECK: %[[CS:.+]]:2 = linalg.generic {{.+}} ins(%[[F]] : tensor<4xf32>) outs({{.+}} : tensor<?x4xf32>, tensor<?x4xf32>)
// CHECK: %[[I:.+]] = linalg.index 0 : index
// CHECK: arith.addi %[[POS]], %[[I]] : index
// CHECK: math.cos
// CHECK: math.sin
// CHECK: %[[X1:.+]] = tensor.extract_slice %[[Q]][0, 0, 0] [%[[T]], 2, 4]
// CHECK: %[[X2:.+]] = tensor.extract_slice %[[Q]][0, 0, 4] [%[[T]], 2, 4]
// CHECK: %[[R:.+]]:2 = linalg.generic {{.+}} ins(%[[X1]], %[[X2]], %[[CS]]#0, %[[CS]]#1 :
// CHECK: tensor.insert_slice %[[R]]#0 into %{{.+}}[0, 0, 0] [%[[T]], 2, 4]
// CHECK: tensor.insert_slice %[[R]]#1 into %{{.+}}[0, 0, 4] [%[[T]], 2, 4]
// CHECK-NOT: math.powf
func.func @rope(%q: tensor<?x2x8xf32>, %pos: index) -> tensor<?x2x8xf32> {
  %r = liquid.rope %q, %pos {theta = 1.0e6 : f64} : tensor<?x2x8xf32>
  return %r : tensor<?x2x8xf32>
}

// -----

// Tests a Q8_0 linear layer: x is viewed as [T, blocks, 1, 32], the
// weight's byte view is sliced in place into the scale bytes 0 and 1 of each
// block and its 32 value bytes, each read through a plain projection of the
// loops (so a block's values load as one vector).
// CHECK-DAG: #[[XM:.+]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, d2, d3, d4)>
// CHECK-DAG: #[[S:.+]] = affine_map<(d0, d1, d2, d3, d4) -> (d1, d2)>
// CHECK-DAG: #[[Q:.+]] = affine_map<(d0, d1, d2, d3, d4) -> (d1, d2, d4)>
// CHECK-DAG: #[[OUT:.+]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1)>
// CHECK-LABEL: func.func @linear_q8_0(
// CHECK-SAME: %[[X:.+]]: tensor<?x64xf32>, %[[W:.+]]: tensor<16x64x!liquid.q8_0>)
// CHECK: %[[B:.+]] = liquid.bitcast %[[W]] : tensor<16x64x!liquid.q8_0> to tensor<16x2x34xi8>
// CHECK: %[[XB:.+]] = tensor.expand_shape %[[X]] {{\[}}[0], [1, 2, 3]] output_shape [%{{.+}}, 2, 1, 32] : tensor<?x64xf32> into tensor<?x2x1x32xf32>
// CHECK: %[[LO:.+]] = tensor.extract_slice %[[B]][0, 0, 0] [16, 2, 1] [1, 1, 1] : tensor<16x2x34xi8> to tensor<16x2xi8>
// CHECK: %[[HI:.+]] = tensor.extract_slice %[[B]][0, 0, 1] [16, 2, 1] [1, 1, 1] : tensor<16x2x34xi8> to tensor<16x2xi8>
// CHECK: %[[V:.+]] = tensor.extract_slice %[[B]][0, 0, 2] [16, 2, 32] [1, 1, 1] : tensor<16x2x34xi8> to tensor<16x2x32xi8>
// CHECK: linalg.generic {indexing_maps = [#[[XM]], #[[S]], #[[S]], #[[Q]], #[[OUT]]], iterator_types = ["parallel", "parallel", "reduction", "reduction", "reduction"]} ins(%[[XB]], %[[LO]], %[[HI]], %[[V]] :
// CHECK: arith.bitcast %{{.+}} : i16 to f16
// CHECK: arith.sitofp %{{.+}} : i8 to f32
func.func @linear_q8_0(%x: tensor<?x64xf32>, %w: tensor<16x64x!liquid.q8_0>) -> tensor<?x16xf32> {
  %y = liquid.linear %x, %w : tensor<?x64xf32>, tensor<16x64x!liquid.q8_0> -> tensor<?x16xf32>
  return %y : tensor<?x16xf32>
}

// -----

// Tests Q4_0: x is viewed as [T, blocks, 2, 16]; element (h, i) of a
// block is the low (h = 0) or high nibble of value byte i.
// CHECK-DAG: #[[Q4:.+]] = affine_map<(d0, d1, d2, d3, d4) -> (d1, d2, d4)>
// CHECK-LABEL: func.func @linear_q4_0(
// CHECK: liquid.bitcast %{{.+}} : tensor<16x64x!liquid.q4_0> to tensor<16x2x18xi8>
// CHECK: tensor.expand_shape {{.+}} into tensor<?x2x2x16xf32>
// CHECK: tensor.extract_slice {{.+}}[0, 0, 2] [16, 2, 16] [1, 1, 1] : tensor<16x2x18xi8> to tensor<16x2x16xi8>
// CHECK: linalg.generic {indexing_maps = [#{{.+}}, #{{.+}}, #{{.+}}, #[[Q4]], #{{.+}}]
// CHECK: linalg.index 3 : index
// CHECK: arith.shrui
// CHECK: arith.subi
func.func @linear_q4_0(%x: tensor<?x64xf32>, %w: tensor<16x64x!liquid.q4_0>) -> tensor<?x16xf32> {
  %y = liquid.linear %x, %w : tensor<?x64xf32>, tensor<16x64x!liquid.q4_0> -> tensor<?x16xf32>
  return %y : tensor<?x16xf32>
}

// -----

// Tests the short convolution: B * x, the window as state ++ bx, the
// causal depthwise convolution over window[t + k] with loops (t, k, c),
// channels innermost, C * conv, and the new state as the window's last L-1
// rows.
// CHECK-DAG: #[[WIN:.+]] = affine_map<(d0, d1, d2) -> (d0 + d1, d2)>
// CHECK-DAG: #[[KER:.+]] = affine_map<(d0, d1, d2) -> (d2, d1)>
// CHECK-LABEL: func.func @short_conv(
// CHECK-SAME: %[[IN:.+]]: tensor<?x24xf32>, %[[K:.+]]: tensor<8x3xf32>, %[[S:.+]]: tensor<2x8xf32>)
// CHECK: %[[T:.+]] = tensor.dim %[[IN]]
// CHECK: %[[B:.+]] = tensor.extract_slice %[[IN]][0, 0] [%[[T]], 8] [1, 1]
// CHECK: %[[C:.+]] = tensor.extract_slice %[[IN]][0, 8] [%[[T]], 8] [1, 1]
// CHECK: %[[X:.+]] = tensor.extract_slice %[[IN]][0, 16] [%[[T]], 8] [1, 1]
// CHECK: %[[BX:.+]] = linalg.generic {{.+}} ins(%[[B]], %[[X]] :
// CHECK: %[[WINDOW:.+]] = tensor.concat dim(0) %[[S]], %[[BX]] : (tensor<2x8xf32>, tensor<?x8xf32>) -> tensor<?x8xf32>
// CHECK: %[[CONV:.+]] = linalg.generic {indexing_maps = [#[[WIN]], #[[KER]], #{{.+}}], iterator_types = ["parallel", "reduction", "parallel"]} ins(%[[WINDOW]], %[[K]] :
// CHECK: %[[OUT:.+]] = linalg.generic {{.+}} ins(%[[C]], %[[CONV]] :
// CHECK: %[[NEW:.+]] = tensor.extract_slice %[[WINDOW]][%[[T]], 0] [2, 8] [1, 1] : tensor<?x8xf32> to tensor<2x8xf32>
// CHECK: return %[[OUT]], %[[NEW]]
func.func @short_conv(%bcx: tensor<?x24xf32>, %k: tensor<8x3xf32>, %s: tensor<2x8xf32>) -> (tensor<?x8xf32>, tensor<2x8xf32>) {
  %y, %s1 = liquid.short_conv %bcx, %k, %s : tensor<?x24xf32>, tensor<8x3xf32>, tensor<2x8xf32> -> tensor<?x8xf32>
  return %y, %s1 : tensor<?x8xf32>, tensor<2x8xf32>
}

// -----

// Tests attention: the new rows are transposed into both head-major caches
// at `position`, the scores read only the filled rows [0, position + T), keys
// are shared by groups of query heads (h floordiv 2), then the causal mask,
// the softmax and the weighted sum of values.
// CHECK-DAG: #[[QMAP:.+]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d3)>
// CHECK-DAG: #[[KMAP:.+]] = affine_map<(d0, d1, d2, d3) -> (d1 floordiv 2, d2, d3)>
// CHECK-DAG: #[[VMAP:.+]] = affine_map<(d0, d1, d2, d3) -> (d1 floordiv 2, d3, d2)>
// CHECK-LABEL: func.func @attention(
// CHECK-SAME: %[[Q:[^:]+]]: tensor<?x4x8xf32>, %[[K:[^:]+]]: tensor<?x2x8xf32>, %[[V:[^:]+]]: tensor<?x2x8xf32>, %[[KC:[^:]+]]: tensor<2x16x8xf32>, %[[VC:[^:]+]]: tensor<2x16x8xf32>, %[[P:[^:]+]]: index)
// CHECK: %[[T:.+]] = tensor.dim %[[Q]]
// CHECK: %[[KT:.+]] = linalg.transpose ins(%[[K]] : tensor<?x2x8xf32>) outs(%{{.+}} : tensor<2x?x8xf32>) permutation = [1, 0, 2]
// CHECK: %[[KC1:.+]] = tensor.insert_slice %[[KT]] into %[[KC]][0, %[[P]], 0] [2, %[[T]], 8] [1, 1, 1]
// CHECK: %[[VT:.+]] = linalg.transpose ins(%[[V]] : tensor<?x2x8xf32>) outs(%{{.+}} : tensor<2x?x8xf32>) permutation = [1, 0, 2]
// CHECK: %[[VC1:.+]] = tensor.insert_slice %[[VT]] into %[[VC]][0, %[[P]], 0] [2, %[[T]], 8] [1, 1, 1]
// CHECK: %[[N:.+]] = arith.addi %[[P]], %[[T]] : index
// CHECK: %[[KEYS:.+]] = tensor.extract_slice %[[KC1]][0, 0, 0] [2, %[[N]], 8] [1, 1, 1]
// CHECK: %[[VALS:.+]] = tensor.extract_slice %[[VC1]][0, 0, 0] [2, %[[N]], 8] [1, 1, 1]
// CHECK: linalg.generic {indexing_maps = [#[[QMAP]], #[[KMAP]], #{{.+}}], {{.+}} ins(%[[Q]], %[[KEYS]] :
// CHECK: arith.cmpi ule
// CHECK: arith.maximumf
// CHECK: math.exp
// CHECK: arith.divf
// CHECK: %[[OUT:.+]] = linalg.generic {indexing_maps = [#{{.+}}, #[[VMAP]], #{{.+}}], {{.+}} ins(%{{.+}}, %[[VALS]] :
// CHECK: return %[[OUT]], %[[KC1]], %[[VC1]]
func.func @attention(%q: tensor<?x4x8xf32>, %k: tensor<?x2x8xf32>, %v: tensor<?x2x8xf32>, %kc: tensor<2x16x8xf32>, %vc: tensor<2x16x8xf32>, %p: index) -> (tensor<?x4x8xf32>, tensor<2x16x8xf32>, tensor<2x16x8xf32>) {
  %o, %k1, %v1 = liquid.attention %q, %k, %v, %kc, %vc, %p : tensor<?x4x8xf32>, tensor<?x2x8xf32>, tensor<2x16x8xf32>
  return %o, %k1, %v1 : tensor<?x4x8xf32>, tensor<2x16x8xf32>, tensor<2x16x8xf32>
}

// -----

// Tests the router: sigmoid scores, the bias added for selection only, one
// masked arg-max per selected expert (the second excludes the first pick),
// then ids and unbiased weights gathered and normalised.
// CHECK-LABEL: func.func @router(
// CHECK-SAME: %[[X:[^:]+]]: tensor<?x8xf32>, %[[G:[^:]+]]: tensor<4x8xf32>, %[[B:[^:]+]]: tensor<4xf32>)
// CHECK: %[[LOGITS:.+]] = linalg.generic {{.+}} ins(%[[X]], %[[G]] :
// CHECK: %[[P:.+]] = linalg.generic {{.+}} ins(%[[LOGITS]] :
// CHECK: math.exp
// CHECK: %[[S:.+]] = linalg.generic {{.+}} ins(%[[P]], %[[B]] :
// CHECK: %[[FIRST:.+]]:2 = linalg.generic {{.+}} iterator_types = ["parallel", "reduction"]} ins(%[[S]] : tensor<?x4xf32>)
// CHECK: arith.cmpf ogt
// CHECK: %[[SECOND:.+]]:2 = linalg.generic {{.+}} iterator_types = ["parallel", "reduction"]} ins(%[[S]], %[[FIRST]]#1 : tensor<?x4xf32>, tensor<?xi32>)
// CHECK: arith.cmpi ne
// CHECK: %[[SEL:.+]]:2 = linalg.generic {{.+}} ins(%[[FIRST]]#1, %[[SECOND]]#1 :
// CHECK: tensor.extract %[[P]]
// CHECK: arith.maximumf
func.func @router(%x: tensor<?x8xf32>, %g: tensor<4x8xf32>, %b: tensor<4xf32>) -> (tensor<?x2xi32>, tensor<?x2xf32>) {
  %i, %w = liquid.moe_router %x, %g, %b {top_k = 2 : i64, normalize = true, scaling = 1.0 : f64} : tensor<?x8xf32>, tensor<4x8xf32>, tensor<4xf32> -> tensor<?x2xi32>, tensor<?x2xf32>
  return %i, %w : tensor<?x2xi32>, tensor<?x2xf32>
}

// -----

// Tests the experts: the weights of each token's selected experts are
// gathered by id (tensor.extract at the id), so no other expert is read.
// CHECK-LABEL: func.func @experts(
// CHECK-SAME: %[[X:[^:]+]]: tensor<?x8xf32>, %[[IDS:[^:]+]]: tensor<?x2xi32>, %[[W:[^:]+]]: tensor<?x2xf32>, %[[G:[^:]+]]: tensor<4x16x8xf32>, %[[U:[^:]+]]: tensor<4x16x8xf32>, %[[D:[^:]+]]: tensor<4x8x16xf32>)
// CHECK: linalg.generic {{.+}} ins(%[[X]], %[[IDS]] : tensor<?x8xf32>, tensor<?x2xi32>) outs(%{{.+}} : tensor<?x2x16xf32>)
// CHECK: %[[E:.+]] = arith.index_cast
// CHECK: tensor.extract %[[G]][%[[E]],
// CHECK: tensor.extract %[[U]]
// CHECK: linalg.generic {{.+}} ins(%{{.+}}, %[[W]], %[[IDS]] : tensor<?x2x16xf32>, tensor<?x2xf32>, tensor<?x2xi32>) outs(%{{.+}} : tensor<?x8xf32>)
// CHECK: tensor.extract %[[D]]
func.func @experts(%x: tensor<?x8xf32>, %i: tensor<?x2xi32>, %w: tensor<?x2xf32>, %g: tensor<4x16x8xf32>, %u: tensor<4x16x8xf32>, %d: tensor<4x8x16xf32>) -> tensor<?x8xf32> {
  %y = liquid.moe_experts %x, %i, %w, %g, %u, %d : tensor<?x8xf32>, tensor<?x2xi32>, tensor<?x2xf32>, tensor<4x16x8xf32>, tensor<4x16x8xf32>, tensor<4x8x16xf32>
  return %y : tensor<?x8xf32>
}

// -----

// Tests a cell: an scf.for over the time steps carrying the state and the
// output rows; each step concatenates the input row with the state.
// CHECK-LABEL: func.func @cfc(
// CHECK-SAME: %[[X:[^:]+]]: tensor<16x4xf32>, %[[H:[^:]+]]: tensor<8xf32>
// CHECK: %[[T:.+]] = tensor.dim %[[X]]
// CHECK: %[[LOOP:.+]]:2 = scf.for %[[I:.+]] = %{{.+}} to %[[T]] step %{{.+}} iter_args(%[[S:.+]] = %[[H]], %[[ROWS:.+]] = %{{.+}}) -> (tensor<8xf32>, tensor<16x8xf32>)
// CHECK: %[[ROW:.+]] = tensor.extract_slice %[[X]][%[[I]], 0] [1, 4] [1, 1] : tensor<16x4xf32> to tensor<4xf32>
// CHECK: tensor.concat dim(0) %[[ROW]], %[[S]] : (tensor<4xf32>, tensor<8xf32>) -> tensor<12xf32>
// CHECK: math.tanh
// CHECK: scf.yield
// CHECK: return %[[LOOP]]#1, %[[LOOP]]#0
func.func @cfc(%x: tensor<16x4xf32>, %h: tensor<8xf32>, %w: tensor<8x12xf32>, %b: tensor<8xf32>) -> (tensor<16x8xf32>, tensor<8xf32>) {
  %o, %h1 = liquid.cfc(%x, %h) mode(no_gate) activation(tanh) backbone() ff1(%w, %b) ff2(%w, %b) time(%w, %b, %w, %b) {time_span = 1.0 : f64} : (tensor<16x4xf32>, tensor<8xf32>, tensor<8x12xf32>, tensor<8xf32>, tensor<8x12xf32>, tensor<8xf32>, tensor<8x12xf32>, tensor<8xf32>, tensor<8x12xf32>, tensor<8xf32>) -> (tensor<16x8xf32>, tensor<8xf32>)
  return %o, %h1 : tensor<16x8xf32>, tensor<8xf32>
}

