// RUN: liquid-opt %s --split-input-file --verify-diagnostics

// Tests that a quantized weight needs whole blocks along its innermost dimension.
// expected-error @below {{type innermost dimension (100) must be a multiple of the block size (32)}}
liquid.param @w : tensor<8x100x!liquid.q8_0>

// -----

// Tests that a param's type must be statically shaped.
// expected-error @below {{statically shaped weight tensor}}
liquid.param @w : tensor<?x32xf32>

// -----

// Tests that a param's element type must be a weight type.
// expected-error @below {{statically shaped weight tensor}}
liquid.param @w : tensor<8x32xi8>

// -----

// Tests that params live at module level.
func.func @f() {
  // expected-error @below {{expects parent op 'builtin.module'}}
  "liquid.param"() <{sym_name = "w", type = tensor<4xf32>}> : () -> ()
  return
}

// -----

// Tests the group quantization type's parameters.
// expected-error @below {{bits must be 4 or 8, got 3}}
liquid.param @w : tensor<8x32x!liquid.qint<3, 32>>

// -----

// expected-error @below {{group must be a positive number of whole bytes, got 0}}
liquid.param @w : tensor<8x32x!liquid.qint<8, 0>>

// -----

// Tests that liquid.weight names an existing param.
func.func @f() -> tensor<4xf32> {
  // expected-error @below {{'missing' does not name a liquid.param}}
  %w = liquid.weight @missing : tensor<4xf32>
  return %w : tensor<4xf32>
}

// -----

// Tests that liquid.weight has the declared type.
liquid.param @w : tensor<4xf32>
func.func @f() -> tensor<4xf16> {
  // expected-error @below {{result type 'tensor<4xf16>' does not match the declared type 'tensor<4xf32>' of @w}}
  %w = liquid.weight @w : tensor<4xf16>
  return %w : tensor<4xf16>
}

// -----

// Tests embedding shapes.
func.func @f(%t: tensor<16x8xf32>, %ids: tensor<3xi32>) {
  // expected-error @below {{result rows (4) must equal number of ids (3)}}
  %h = liquid.embed %t[%ids] : tensor<16x8xf32>, tensor<3xi32> -> tensor<4x8xf32>
  return
}

// -----

func.func @f(%t: tensor<16x8xf32>, %ids: tensor<3xi32>) {
  // expected-error @below {{result width (9) must equal table width (8)}}
  %h = liquid.embed %t[%ids] : tensor<16x8xf32>, tensor<3xi32> -> tensor<3x9xf32>
  return
}

// -----

func.func @f(%t: tensor<8x16x2xf32>, %ids: tensor<3xi32>) {
  // expected-error @below {{table must have rank 2, got 3}}
  %h = liquid.embed %t[%ids] : tensor<8x16x2xf32>, tensor<3xi32> -> tensor<3x8xf32>
  return
}

// -----

// Tests RMSNorm shapes and epsilon.
func.func @f(%x: tensor<?x8xf32>, %w: tensor<7xf32>) {
  // expected-error @below {{weight size (7) must equal input innermost dimension (8)}}
  %y = liquid.rms_norm %x, %w {epsilon = 1.0e-5 : f32} : tensor<?x8xf32>, tensor<7xf32>
  return
}

// -----

func.func @f(%x: tensor<?x8xf32>, %w: tensor<8x1xf32>) {
  // expected-error @below {{weight must have rank 1, got 2}}
  %y = liquid.rms_norm %x, %w {epsilon = 1.0e-5 : f32} : tensor<?x8xf32>, tensor<8x1xf32>
  return
}

// -----

func.func @f(%x: tensor<?x8xf32>, %w: tensor<8xf32>) {
  // expected-error @below {{epsilon must not be negative}}
  %y = liquid.rms_norm %x, %w {epsilon = -1.0 : f32} : tensor<?x8xf32>, tensor<8xf32>
  return
}

// -----

func.func @f(%x: tensor<?x8xf16>, %w: tensor<8xf32>) {
  // expected-error @below {{operand #0 must be ranked tensor of 32-bit float values}}
  %y = liquid.rms_norm %x, %w {epsilon = 1.0e-5 : f32} : tensor<?x8xf16>, tensor<8xf32>
  return
}

// -----

// Tests linear layer shapes.
func.func @f(%x: tensor<?x8xf32>, %w: tensor<16x9xf32>) {
  // expected-error @below {{weight input size (9) must equal input innermost dimension (8)}}
  %y = liquid.linear %x, %w : tensor<?x8xf32>, tensor<16x9xf32> -> tensor<?x16xf32>
  return
}

// -----

func.func @f(%x: tensor<?x8xf32>, %w: tensor<16x8xf32>) {
  // expected-error @below {{result innermost dimension (15) must equal weight output size (16)}}
  %y = liquid.linear %x, %w : tensor<?x8xf32>, tensor<16x8xf32> -> tensor<?x15xf32>
  return
}

// -----

func.func @f(%x: tensor<2x8xf32>, %w: tensor<16x8xf32>) {
  // expected-error @below {{result dimension (3) must equal input dimension (2)}}
  %y = liquid.linear %x, %w : tensor<2x8xf32>, tensor<16x8xf32> -> tensor<3x16xf32>
  return
}

// -----

func.func @f(%x: tensor<2x8xf32>, %w: tensor<16x8xf32>) {
  // expected-error @below {{result must have the rank of the input}}
  %y = liquid.linear %x, %w : tensor<2x8xf32>, tensor<16x8xf32> -> tensor<16xf32>
  return
}

// -----

func.func @f(%x: tensor<2x8xf32>, %w: tensor<8x16x1xf32>) {
  // expected-error @below {{weight must have rank 2, got 3}}
  %y = liquid.linear %x, %w : tensor<2x8xf32>, tensor<8x16x1xf32> -> tensor<2x16xf32>
  return
}

// -----

func.func @f(%x: tensor<2x48xf32>, %w: tensor<16x48x!liquid.q4_0>) {
  // expected-error @below {{weight innermost dimension (48) must be a multiple of the block size (32)}}
  %y = liquid.linear %x, %w : tensor<2x48xf32>, tensor<16x48x!liquid.q4_0> -> tensor<2x16xf32>
  return
}

// -----

// Tests SwiGLU feed-forward shapes.
func.func @f(%x: tensor<?x8xf32>, %g: tensor<16x8xf32>, %u: tensor<12x8xf32>, %d: tensor<8x16xf32>) {
  // expected-error @below {{up output size (12) must equal gate output size (16)}}
  %y = liquid.ffn %x, %g, %u, %d : tensor<?x8xf32>, tensor<16x8xf32>, tensor<12x8xf32>, tensor<8x16xf32>
  return
}

// -----

func.func @f(%x: tensor<?x8xf32>, %g: tensor<16x8xf32>, %u: tensor<16x8xf32>, %d: tensor<8x12xf32>) {
  // expected-error @below {{down input size (12) must equal gate output size (16)}}
  %y = liquid.ffn %x, %g, %u, %d : tensor<?x8xf32>, tensor<16x8xf32>, tensor<16x8xf32>, tensor<8x12xf32>
  return
}

// -----

func.func @f(%x: tensor<?x8xf32>, %g: tensor<16x8xf32>, %u: tensor<16x8xf32>, %d: tensor<9x16xf32>) {
  // expected-error @below {{down output size (9) must equal input innermost dimension (8)}}
  %y = liquid.ffn %x, %g, %u, %d : tensor<?x8xf32>, tensor<16x8xf32>, tensor<16x8xf32>, tensor<9x16xf32>
  return
}

// -----

func.func @f(%x: tensor<?x8xf32>, %g: tensor<16x7xf32>, %u: tensor<16x8xf32>, %d: tensor<8x16xf32>) {
  // expected-error @below {{gate input size (7) must equal input innermost dimension (8)}}
  %y = liquid.ffn %x, %g, %u, %d : tensor<?x8xf32>, tensor<16x7xf32>, tensor<16x8xf32>, tensor<8x16xf32>
  return
}

// -----

// Tests RoPE rules.
func.func @f(%x: tensor<?x4x7xf32>, %p: index) {
  // expected-error @below {{head dimension (7) must be even}}
  %y = liquid.rope %x, %p {theta = 1.0e6 : f64} : tensor<?x4x7xf32>
  return
}

// -----

func.func @f(%x: tensor<?x256xf32>, %p: index) {
  // expected-error @below {{input must have rank 3, got 2}}
  %y = liquid.rope %x, %p {theta = 1.0e6 : f64} : tensor<?x256xf32>
  return
}

// -----

func.func @f(%x: tensor<?x4x8xf32>, %p: index) {
  // expected-error @below {{theta must be positive}}
  %y = liquid.rope %x, %p {theta = 0.0 : f64} : tensor<?x4x8xf32>
  return
}

// -----

// Tests short convolution shapes.
func.func @f(%x: tensor<?x24xf32>, %k: tensor<9x3xf32>, %s: tensor<2x8xf32>) {
  // expected-error @below {{input channels (24) must be 3 x the kernel's channels (9)}}
  %y, %s1 = liquid.short_conv %x, %k, %s : tensor<?x24xf32>, tensor<9x3xf32>, tensor<2x8xf32> -> tensor<?x8xf32>
  return
}

// -----

func.func @f(%x: tensor<?x24xf32>, %k: tensor<8x3xf32>, %s: tensor<3x8xf32>) {
  // expected-error @below {{state rows (3) must equal kernel length - 1 (2)}}
  %y, %s1 = liquid.short_conv %x, %k, %s : tensor<?x24xf32>, tensor<8x3xf32>, tensor<3x8xf32> -> tensor<?x8xf32>
  return
}

// -----

func.func @f(%x: tensor<?x24xf32>, %k: tensor<8x3xf32>, %s: tensor<2x9xf32>) {
  // expected-error @below {{state width (9) must equal kernel channels (8)}}
  %y, %s1 = liquid.short_conv %x, %k, %s : tensor<?x24xf32>, tensor<8x3xf32>, tensor<2x9xf32> -> tensor<?x8xf32>
  return
}

// -----

func.func @f(%x: tensor<?x24xf32>, %k: tensor<8x1xf32>, %s: tensor<0x8xf32>) {
  // expected-error @below {{kernel length (1) must be >= 2}}
  %y, %s1 = liquid.short_conv %x, %k, %s : tensor<?x24xf32>, tensor<8x1xf32>, tensor<0x8xf32> -> tensor<?x8xf32>
  return
}

// -----

func.func @f(%x: tensor<4x24xf32>, %k: tensor<8x3xf32>, %s: tensor<2x8xf32>) {
  // expected-error @below {{result rows (5) must equal input rows (4)}}
  %y, %s1 = liquid.short_conv %x, %k, %s : tensor<4x24xf32>, tensor<8x3xf32>, tensor<2x8xf32> -> tensor<5x8xf32>
  return
}

// -----

func.func @f(%x: tensor<4x24xf32>, %k: tensor<8x3xf32>, %s: tensor<2x8xf32>) {
  // expected-error @below {{result width (7) must equal kernel channels (8)}}
  %y, %s1 = liquid.short_conv %x, %k, %s : tensor<4x24xf32>, tensor<8x3xf32>, tensor<2x8xf32> -> tensor<4x7xf32>
  return
}

// -----

// Tests attention shapes.
func.func @f(%q: tensor<1x4x8xf32>, %k: tensor<1x3x8xf32>, %c: tensor<3x16x8xf32>, %p: index) {
  // expected-error @below {{query heads (4) must be a multiple of key/value heads (3)}}
  %o, %k1, %v1 = liquid.attention %q, %k, %k, %c, %c, %p : tensor<1x4x8xf32>, tensor<1x3x8xf32>, tensor<3x16x8xf32>
  return
}

// -----

func.func @f(%q: tensor<1x4x8xf32>, %k: tensor<2x2x8xf32>, %c: tensor<2x16x8xf32>, %p: index) {
  // expected-error @below {{key rows (2) must equal query rows (1)}}
  %o, %k1, %v1 = liquid.attention %q, %k, %k, %c, %c, %p : tensor<1x4x8xf32>, tensor<2x2x8xf32>, tensor<2x16x8xf32>
  return
}

// -----

func.func @f(%q: tensor<1x4x8xf32>, %k: tensor<1x2x6xf32>, %c: tensor<2x16x6xf32>, %p: index) {
  // expected-error @below {{key head dimension (6) must equal query head dimension (8)}}
  %o, %k1, %v1 = liquid.attention %q, %k, %k, %c, %c, %p : tensor<1x4x8xf32>, tensor<1x2x6xf32>, tensor<2x16x6xf32>
  return
}

// -----

func.func @f(%q: tensor<1x4x8xf32>, %k: tensor<1x2x8xf32>, %c: tensor<1x16x8xf32>, %p: index) {
  // expected-error @below {{cache heads (1) must equal key/value heads (2)}}
  %o, %k1, %v1 = liquid.attention %q, %k, %k, %c, %c, %p : tensor<1x4x8xf32>, tensor<1x2x8xf32>, tensor<1x16x8xf32>
  return
}

// -----

func.func @f(%q: tensor<1x4x8xf32>, %k: tensor<1x2x8xf32>, %c: tensor<2x16x4xf32>, %p: index) {
  // expected-error @below {{cache head dimension (4) must equal key head dimension (8)}}
  %o, %k1, %v1 = liquid.attention %q, %k, %k, %c, %c, %p : tensor<1x4x8xf32>, tensor<1x2x8xf32>, tensor<2x16x4xf32>
  return
}

// -----

func.func @f(%q: tensor<1x4x8xf32>, %k: tensor<1x2x8xf32>, %c: tensor<2x16x8xf32>, %p: index) {
  // expected-error @below {{scale must be positive}}
  %o, %k1, %v1 = liquid.attention %q, %k, %k, %c, %c, %p {scale = 0.0 : f64} : tensor<1x4x8xf32>, tensor<1x2x8xf32>, tensor<2x16x8xf32>
  return
}

// -----

func.func @f(%q: tensor<1x4x8xf32>, %k: tensor<1x2x8xf32>, %c: tensor<2x?x8xf32>, %p: index) {
  // expected-error @below {{operand #3 must be statically shaped f32 state tensor}}
  %o, %k1, %v1 = "liquid.attention"(%q, %k, %k, %c, %c, %p) : (tensor<1x4x8xf32>, tensor<1x2x8xf32>, tensor<1x2x8xf32>, tensor<2x?x8xf32>, tensor<2x?x8xf32>, index) -> (tensor<1x4x8xf32>, tensor<2x?x8xf32>, tensor<2x?x8xf32>)
  return
}

// -----

// Tests MoE router rules.
func.func @f(%x: tensor<?x8xf32>, %g: tensor<4x8xf32>) {
  // expected-error @below {{top_k (5) must not exceed the number of experts (4)}}
  %i, %w = liquid.moe_router %x, %g {top_k = 5 : i64, normalize = true, scaling = 1.0 : f64} : tensor<?x8xf32>, tensor<4x8xf32> -> tensor<?x5xi32>, tensor<?x5xf32>
  return
}

// -----

func.func @f(%x: tensor<?x8xf32>, %g: tensor<4x8xf32>) {
  // expected-error @below {{attribute 'top_k' failed to satisfy constraint: 64-bit signless integer attribute whose value is positive}}
  %i, %w = liquid.moe_router %x, %g {top_k = 0 : i64, normalize = true, scaling = 1.0 : f64} : tensor<?x8xf32>, tensor<4x8xf32> -> tensor<?x0xi32>, tensor<?x0xf32>
  return
}

// -----

func.func @f(%x: tensor<?x8xf32>, %g: tensor<4x8xf32>) {
  // expected-error @below {{expert ids per token (3) must equal top_k (2)}}
  %i, %w = liquid.moe_router %x, %g {top_k = 2 : i64, normalize = true, scaling = 1.0 : f64} : tensor<?x8xf32>, tensor<4x8xf32> -> tensor<?x3xi32>, tensor<?x3xf32>
  return
}

// -----

func.func @f(%x: tensor<?x8xf32>, %g: tensor<4x8xf32>) {
  // expected-error @below {{expert weights per token (3) must equal expert ids per token (2)}}
  %i, %w = liquid.moe_router %x, %g {top_k = 2 : i64, normalize = true, scaling = 1.0 : f64} : tensor<?x8xf32>, tensor<4x8xf32> -> tensor<?x2xi32>, tensor<?x3xf32>
  return
}

// -----

func.func @f(%x: tensor<2x8xf32>, %g: tensor<4x8xf32>) {
  // expected-error @below {{expert id rows (3) must equal input rows (2)}}
  %i, %w = liquid.moe_router %x, %g {top_k = 2 : i64, normalize = true, scaling = 1.0 : f64} : tensor<2x8xf32>, tensor<4x8xf32> -> tensor<3x2xi32>, tensor<3x2xf32>
  return
}

// -----

func.func @f(%x: tensor<?x8xf32>, %g: tensor<4x7xf32>) {
  // expected-error @below {{gate input size (7) must equal input width (8)}}
  %i, %w = liquid.moe_router %x, %g {top_k = 2 : i64, normalize = true, scaling = 1.0 : f64} : tensor<?x8xf32>, tensor<4x7xf32> -> tensor<?x2xi32>, tensor<?x2xf32>
  return
}

// -----

func.func @f(%x: tensor<?x8xf32>, %g: tensor<4x8xf32>, %b: tensor<5xf32>) {
  // expected-error @below {{bias size (5) must equal number of experts (4)}}
  %i, %w = liquid.moe_router %x, %g, %b {top_k = 2 : i64, normalize = true, scaling = 1.0 : f64} : tensor<?x8xf32>, tensor<4x8xf32>, tensor<5xf32> -> tensor<?x2xi32>, tensor<?x2xf32>
  return
}

// -----

func.func @f(%x: tensor<?x8xf32>, %g: tensor<4x8xf32>) {
  // expected-error @below {{scaling must be positive}}
  %i, %w = liquid.moe_router %x, %g {top_k = 2 : i64, normalize = true, scaling = 0.0 : f64} : tensor<?x8xf32>, tensor<4x8xf32> -> tensor<?x2xi32>, tensor<?x2xf32>
  return
}

// -----

func.func @f(%x: tensor<?x8xf32>, %g: tensor<4x8x!liquid.q8_0>) {
  // expected-error @below {{operand #1 must be statically shaped float tensor}}
  %i, %w = "liquid.moe_router"(%x, %g) <{top_k = 2 : i64, normalize = true, scaling = 1.0 : f64}> {operandSegmentSizes = array<i32: 1, 1, 0>} : (tensor<?x8xf32>, tensor<4x8x!liquid.q8_0>) -> (tensor<?x2xi32>, tensor<?x2xf32>)
  return
}

// -----

// Tests MoE expert shapes.
func.func @f(%x: tensor<?x8xf32>, %i: tensor<?x2xi32>, %w: tensor<?x2xf32>, %g: tensor<4x16x8xf32>, %u: tensor<3x16x8xf32>, %d: tensor<4x8x16xf32>) {
  // expected-error @below {{up experts (3) must equal gate experts (4)}}
  %y = liquid.moe_experts %x, %i, %w, %g, %u, %d : tensor<?x8xf32>, tensor<?x2xi32>, tensor<?x2xf32>, tensor<4x16x8xf32>, tensor<3x16x8xf32>, tensor<4x8x16xf32>
  return
}

// -----

func.func @f(%x: tensor<?x8xf32>, %i: tensor<?x2xi32>, %w: tensor<?x2xf32>, %g: tensor<4x16x8xf32>, %d: tensor<4x8x12xf32>) {
  // expected-error @below {{down input size (12) must equal gate output size (16)}}
  %y = liquid.moe_experts %x, %i, %w, %g, %g, %d : tensor<?x8xf32>, tensor<?x2xi32>, tensor<?x2xf32>, tensor<4x16x8xf32>, tensor<4x16x8xf32>, tensor<4x8x12xf32>
  return
}

// -----

func.func @f(%x: tensor<?x8xf32>, %i: tensor<?x2xi32>, %w: tensor<?x2xf32>, %g: tensor<4x16x9xf32>, %d: tensor<4x8x16xf32>) {
  // expected-error @below {{gate input size (9) must equal input width (8)}}
  %y = liquid.moe_experts %x, %i, %w, %g, %g, %d : tensor<?x8xf32>, tensor<?x2xi32>, tensor<?x2xf32>, tensor<4x16x9xf32>, tensor<4x16x9xf32>, tensor<4x8x16xf32>
  return
}

// -----

func.func @f(%x: tensor<?x8xf32>, %i: tensor<?x2xi32>, %w: tensor<?x2xf32>, %g: tensor<16x8xf32>, %d: tensor<4x8x16xf32>) {
  // expected-error @below {{gate must have rank 3, got 2}}
  %y = liquid.moe_experts %x, %i, %w, %g, %g, %d : tensor<?x8xf32>, tensor<?x2xi32>, tensor<?x2xf32>, tensor<16x8xf32>, tensor<16x8xf32>, tensor<4x8x16xf32>
  return
}

// -----

func.func @f(%x: tensor<?x8xf32>, %i: tensor<?x2xi32>, %w: tensor<?x3xf32>, %g: tensor<4x16x8xf32>, %d: tensor<4x8x16xf32>) {
  // expected-error @below {{expert weights per token (3) must equal expert ids per token (2)}}
  %y = liquid.moe_experts %x, %i, %w, %g, %g, %d : tensor<?x8xf32>, tensor<?x2xi32>, tensor<?x3xf32>, tensor<4x16x8xf32>, tensor<4x16x8xf32>, tensor<4x8x16xf32>
  return
}

// -----

func.func @f(%x: tensor<?x8xf32>, %i: tensor<?x2xi32>, %w: tensor<?x2xf32>, %g: tensor<4x16x8xf32>, %d: tensor<4x9x16xf32>) {
  // expected-error @below {{down output size (9) must equal input width (8)}}
  %y = liquid.moe_experts %x, %i, %w, %g, %g, %d : tensor<?x8xf32>, tensor<?x2xi32>, tensor<?x2xf32>, tensor<4x16x8xf32>, tensor<4x16x8xf32>, tensor<4x9x16xf32>
  return
}

// -----

// Tests CfC rules.
func.func @f(%x: tensor<16x4xf32>, %h: tensor<8xf32>, %w: tensor<8x12xf32>, %b: tensor<8xf32>) {
  // expected-error @below {{mode 'default' needs ff2 and time weights and no pure parameters}}
  %o, %h1 = liquid.cfc(%x, %h) mode(default) activation(lecun_tanh) backbone() ff1(%w, %b) {time_span = 1.0 : f64} : (tensor<16x4xf32>, tensor<8xf32>, tensor<8x12xf32>, tensor<8xf32>) -> (tensor<16x8xf32>, tensor<8xf32>)
  return
}

// -----

func.func @f(%x: tensor<16x4xf32>, %h: tensor<8xf32>, %w: tensor<8x12xf32>, %b: tensor<8xf32>) {
  // expected-error @below {{mode 'pure' needs tau and amplitude and no ff2 or time weights}}
  %o, %h1 = liquid.cfc(%x, %h) mode(pure) activation(lecun_tanh) backbone() ff1(%w, %b) ff2(%w, %b) time(%w, %b, %w, %b) {time_span = 1.0 : f64} : (tensor<16x4xf32>, tensor<8xf32>, tensor<8x12xf32>, tensor<8xf32>, tensor<8x12xf32>, tensor<8xf32>, tensor<8x12xf32>, tensor<8xf32>, tensor<8x12xf32>, tensor<8xf32>) -> (tensor<16x8xf32>, tensor<8xf32>)
  return
}

// -----

func.func @f(%x: tensor<16x4xf32>, %h: tensor<8xf32>, %w: tensor<8x11xf32>, %b: tensor<8xf32>) {
  // expected-error @below {{ff1 weight must have shape [8, 12], got 'tensor<8x11xf32>'}}
  %o, %h1 = liquid.cfc(%x, %h) mode(pure) activation(lecun_tanh) backbone() ff1(%w, %b) pure(%b, %b) {time_span = 1.0 : f64} : (tensor<16x4xf32>, tensor<8xf32>, tensor<8x11xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>) -> (tensor<16x8xf32>, tensor<8xf32>)
  return
}

// -----

func.func @f(%x: tensor<16x4xf32>, %h: tensor<8xf32>, %bw: tensor<32x12xf32>, %w: tensor<8x12xf32>, %b: tensor<8xf32>) {
  // expected-error @below {{backbone must be (weight, bias) pairs}}
  %o, %h1 = liquid.cfc(%x, %h) mode(pure) activation(lecun_tanh) backbone(%bw) ff1(%w, %b) pure(%b, %b) {time_span = 1.0 : f64} : (tensor<16x4xf32>, tensor<8xf32>, tensor<32x12xf32>, tensor<8x12xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>) -> (tensor<16x8xf32>, tensor<8xf32>)
  return
}

// -----

func.func @f(%x: tensor<16x4xf32>, %h: tensor<8xf32>, %bw: tensor<32x10xf32>, %bb: tensor<32xf32>, %w: tensor<8x32xf32>, %b: tensor<8xf32>) {
  // expected-error @below {{backbone weight must have shape [32, 12], got 'tensor<32x10xf32>'}}
  %o, %h1 = liquid.cfc(%x, %h) mode(pure) activation(lecun_tanh) backbone(%bw, %bb) ff1(%w, %b) pure(%b, %b) {time_span = 1.0 : f64} : (tensor<16x4xf32>, tensor<8xf32>, tensor<32x10xf32>, tensor<32xf32>, tensor<8x32xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>) -> (tensor<16x8xf32>, tensor<8xf32>)
  return
}

// -----

func.func @f(%x: tensor<16x4xf32>, %h: tensor<8xf32>, %w: tensor<8x12xf32>, %b: tensor<8xf32>) {
  // expected-error @below {{output steps (15) must equal input steps (16)}}
  %o, %h1 = liquid.cfc(%x, %h) mode(pure) activation(lecun_tanh) backbone() ff1(%w, %b) pure(%b, %b) {time_span = 1.0 : f64} : (tensor<16x4xf32>, tensor<8xf32>, tensor<8x12xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>) -> (tensor<15x8xf32>, tensor<8xf32>)
  return
}

// -----

func.func @f(%x: tensor<16x4xf32>, %h: tensor<8xf32>, %w: tensor<8x12xf32>, %b: tensor<8xf32>) {
  // expected-error @below {{state results must match the state operands}}
  %o, %h1 = liquid.cfc(%x, %h) mode(pure) activation(lecun_tanh) backbone() ff1(%w, %b) pure(%b, %b) {time_span = 1.0 : f64} : (tensor<16x4xf32>, tensor<8xf32>, tensor<8x12xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>) -> (tensor<16x8xf32>, tensor<7xf32>)
  return
}

// -----

func.func @f(%x: tensor<16x4xf32>, %h: tensor<8xf32>, %ts: tensor<15xf32>, %w: tensor<8x12xf32>, %b: tensor<8xf32>) {
  // expected-error @below {{timespans (15) must equal input steps (16)}}
  %o, %h1 = liquid.cfc(%x, %h) mode(pure) activation(lecun_tanh) timespans(%ts) backbone() ff1(%w, %b) pure(%b, %b) {time_span = 1.0 : f64} : (tensor<16x4xf32>, tensor<8xf32>, tensor<15xf32>, tensor<8x12xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>) -> (tensor<16x8xf32>, tensor<8xf32>)
  return
}

// -----

func.func @f(%x: tensor<16x4xf32>, %h: tensor<8xf32>, %w: tensor<8x12xf32>, %b: tensor<8xf32>, %t: tensor<7xf32>) {
  // expected-error @below {{tau must have shape [8], got 'tensor<7xf32>'}}
  %o, %h1 = liquid.cfc(%x, %h) mode(pure) activation(lecun_tanh) backbone() ff1(%w, %b) pure(%t, %b) {time_span = 1.0 : f64} : (tensor<16x4xf32>, tensor<8xf32>, tensor<8x12xf32>, tensor<8xf32>, tensor<7xf32>, tensor<8xf32>) -> (tensor<16x8xf32>, tensor<8xf32>)
  return
}

// -----

func.func @f(%x: tensor<16x4xf32>, %h: tensor<8xf32>, %w: tensor<8x12xf32>, %b: tensor<8xf32>, %w2: tensor<8x13xf32>) {
  // expected-error @below {{time_b weight must have shape [8, 12], got 'tensor<8x13xf32>'}}
  %o, %h1 = liquid.cfc(%x, %h) mode(default) activation(lecun_tanh) backbone() ff1(%w, %b) ff2(%w, %b) time(%w, %b, %w2, %b) {time_span = 1.0 : f64} : (tensor<16x4xf32>, tensor<8xf32>, tensor<8x12xf32>, tensor<8xf32>, tensor<8x12xf32>, tensor<8xf32>, tensor<8x12xf32>, tensor<8xf32>, tensor<8x13xf32>, tensor<8xf32>) -> (tensor<16x8xf32>, tensor<8xf32>)
  return
}

// -----

// Tests LTC rules.
func.func @f(%x: tensor<16x3xf32>, %v: tensor<8xf32>, %n: tensor<8xf32>, %nn: tensor<8x8xf32>, %sn: tensor<3x8xf32>, %s: tensor<3xf32>, %m: tensor<9xf32>) {
  // expected-error @below {{motor outputs (9) must not exceed the state size (8)}}
  %o, %v1 = liquid.ltc(%x, %v) leak(%n, %n, %n) synapse(%nn, %nn, %nn, %nn, %nn) sensory(%sn, %sn, %sn, %sn, %sn) input_map(%s, %s) output_map(%m, %m) {ode_unfolds = 6 : i64, elapsed_time = 1.0 : f64, epsilon = 1.0e-8 : f64, implicit_constraints = true} : (tensor<16x3xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8x8xf32>, tensor<8x8xf32>, tensor<8x8xf32>, tensor<8x8xf32>, tensor<8x8xf32>, tensor<3x8xf32>, tensor<3x8xf32>, tensor<3x8xf32>, tensor<3x8xf32>, tensor<3x8xf32>, tensor<3xf32>, tensor<3xf32>, tensor<9xf32>, tensor<9xf32>) -> (tensor<16x9xf32>, tensor<8xf32>)
  return
}

// -----

func.func @f(%x: tensor<16x3xf32>, %v: tensor<8xf32>, %n: tensor<8xf32>, %nn: tensor<8x7xf32>, %sn: tensor<3x8xf32>, %s: tensor<3xf32>, %m: tensor<2xf32>) {
  // expected-error @below {{sigma must have shape [8, 8], got 'tensor<8x7xf32>'}}
  %o, %v1 = liquid.ltc(%x, %v) leak(%n, %n, %n) synapse(%nn, %nn, %nn, %nn, %nn) sensory(%sn, %sn, %sn, %sn, %sn) input_map(%s, %s) output_map(%m, %m) {ode_unfolds = 6 : i64, elapsed_time = 1.0 : f64, epsilon = 1.0e-8 : f64, implicit_constraints = true} : (tensor<16x3xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8x7xf32>, tensor<8x7xf32>, tensor<8x7xf32>, tensor<8x7xf32>, tensor<8x7xf32>, tensor<3x8xf32>, tensor<3x8xf32>, tensor<3x8xf32>, tensor<3x8xf32>, tensor<3x8xf32>, tensor<3xf32>, tensor<3xf32>, tensor<2xf32>, tensor<2xf32>) -> (tensor<16x2xf32>, tensor<8xf32>)
  return
}

// -----

func.func @f(%x: tensor<16x3xf32>, %v: tensor<8xf32>, %n: tensor<8xf32>, %nn: tensor<8x8xf32>, %sn: tensor<4x8xf32>, %s: tensor<3xf32>, %m: tensor<2xf32>) {
  // expected-error @below {{sensory_sigma must have shape [3, 8], got 'tensor<4x8xf32>'}}
  %o, %v1 = liquid.ltc(%x, %v) leak(%n, %n, %n) synapse(%nn, %nn, %nn, %nn, %nn) sensory(%sn, %sn, %sn, %sn, %sn) input_map(%s, %s) output_map(%m, %m) {ode_unfolds = 6 : i64, elapsed_time = 1.0 : f64, epsilon = 1.0e-8 : f64, implicit_constraints = true} : (tensor<16x3xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8x8xf32>, tensor<8x8xf32>, tensor<8x8xf32>, tensor<8x8xf32>, tensor<8x8xf32>, tensor<4x8xf32>, tensor<4x8xf32>, tensor<4x8xf32>, tensor<4x8xf32>, tensor<4x8xf32>, tensor<3xf32>, tensor<3xf32>, tensor<2xf32>, tensor<2xf32>) -> (tensor<16x2xf32>, tensor<8xf32>)
  return
}

// -----

func.func @f(%x: tensor<16x3xf32>, %v: tensor<8xf32>, %n: tensor<8xf32>, %g: tensor<7xf32>, %nn: tensor<8x8xf32>, %sn: tensor<3x8xf32>, %s: tensor<3xf32>, %m: tensor<2xf32>) {
  // expected-error @below {{gleak must have shape [8], got 'tensor<7xf32>'}}
  %o, %v1 = liquid.ltc(%x, %v) leak(%g, %n, %n) synapse(%nn, %nn, %nn, %nn, %nn) sensory(%sn, %sn, %sn, %sn, %sn) input_map(%s, %s) output_map(%m, %m) {ode_unfolds = 6 : i64, elapsed_time = 1.0 : f64, epsilon = 1.0e-8 : f64, implicit_constraints = true} : (tensor<16x3xf32>, tensor<8xf32>, tensor<7xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8x8xf32>, tensor<8x8xf32>, tensor<8x8xf32>, tensor<8x8xf32>, tensor<8x8xf32>, tensor<3x8xf32>, tensor<3x8xf32>, tensor<3x8xf32>, tensor<3x8xf32>, tensor<3x8xf32>, tensor<3xf32>, tensor<3xf32>, tensor<2xf32>, tensor<2xf32>) -> (tensor<16x2xf32>, tensor<8xf32>)
  return
}

// -----

func.func @f(%x: tensor<16x3xf32>, %v: tensor<8xf32>, %n: tensor<8xf32>, %nn: tensor<8x8xf32>, %sn: tensor<3x8xf32>, %s: tensor<3xf32>, %m: tensor<2xf32>) {
  // expected-error @below {{elapsed_time must be positive}}
  %o, %v1 = liquid.ltc(%x, %v) leak(%n, %n, %n) synapse(%nn, %nn, %nn, %nn, %nn) sensory(%sn, %sn, %sn, %sn, %sn) input_map(%s, %s) output_map(%m, %m) {ode_unfolds = 6 : i64, elapsed_time = 0.0 : f64, epsilon = 1.0e-8 : f64, implicit_constraints = true} : (tensor<16x3xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8x8xf32>, tensor<8x8xf32>, tensor<8x8xf32>, tensor<8x8xf32>, tensor<8x8xf32>, tensor<3x8xf32>, tensor<3x8xf32>, tensor<3x8xf32>, tensor<3x8xf32>, tensor<3x8xf32>, tensor<3xf32>, tensor<3xf32>, tensor<2xf32>, tensor<2xf32>) -> (tensor<16x2xf32>, tensor<8xf32>)
  return
}

// -----

func.func @f(%x: tensor<16x3xf32>, %v: tensor<8xf32>, %n: tensor<8xf32>, %nn: tensor<8x8xf32>, %sn: tensor<3x8xf32>, %s: tensor<3xf32>, %m: tensor<2xf32>) {
  // expected-error @below {{attribute 'ode_unfolds' failed to satisfy constraint: 64-bit signless integer attribute whose value is positive}}
  %o, %v1 = liquid.ltc(%x, %v) leak(%n, %n, %n) synapse(%nn, %nn, %nn, %nn, %nn) sensory(%sn, %sn, %sn, %sn, %sn) input_map(%s, %s) output_map(%m, %m) {ode_unfolds = 0 : i64, elapsed_time = 1.0 : f64, epsilon = 1.0e-8 : f64, implicit_constraints = true} : (tensor<16x3xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8x8xf32>, tensor<8x8xf32>, tensor<8x8xf32>, tensor<8x8xf32>, tensor<8x8xf32>, tensor<3x8xf32>, tensor<3x8xf32>, tensor<3x8xf32>, tensor<3x8xf32>, tensor<3x8xf32>, tensor<3xf32>, tensor<3xf32>, tensor<2xf32>, tensor<2xf32>) -> (tensor<16x2xf32>, tensor<8xf32>)
  return
}

// -----

// Tests that a quantized param needs at least one dimension.
// expected-error @below {{type of a quantized type needs rank >= 1}}
liquid.param @w : tensor<!liquid.q8_0>

// -----

// Tests that an embedding table of a quantized type needs whole blocks.
func.func @f(%t: tensor<16x48x!liquid.q8_0>, %ids: tensor<3xi32>) {
  // expected-error @below {{table innermost dimension (48) must be a multiple of the block size (32)}}
  %h = liquid.embed %t[%ids] : tensor<16x48x!liquid.q8_0>, tensor<3xi32> -> tensor<3x48xf32>
  return
}

// -----

// Tests that RMSNorm and linear need an input of rank >= 1.
func.func @f(%x: tensor<f32>, %w: tensor<1xf32>) {
  // expected-error @below {{input must have rank >= 1}}
  %y = liquid.rms_norm %x, %w {epsilon = 1.0e-5 : f32} : tensor<f32>, tensor<1xf32>
  return
}

// -----

func.func @f(%x: tensor<f32>, %w: tensor<4x1xf32>) {
  // expected-error @below {{input must have rank >= 1}}
  %y = liquid.linear %x, %w : tensor<f32>, tensor<4x1xf32> -> tensor<4xf32>
  return
}

// -----

// Tests the rank and block rules of the feed-forward's down projection.
func.func @f(%x: tensor<?x8xf32>, %g: tensor<16x8xf32>, %d: tensor<8x16x1xf32>) {
  // expected-error @below {{down must have rank 2, got 3}}
  %y = liquid.ffn %x, %g, %g, %d : tensor<?x8xf32>, tensor<16x8xf32>, tensor<16x8xf32>, tensor<8x16x1xf32>
  return
}

// -----

func.func @f(%x: tensor<?x64xf32>, %g: tensor<48x64xf32>, %d: tensor<64x48x!liquid.q8_0>) {
  // expected-error @below {{down innermost dimension (48) must be a multiple of the block size (32)}}
  %y = liquid.ffn %x, %g, %g, %d : tensor<?x64xf32>, tensor<48x64xf32>, tensor<48x64xf32>, tensor<64x48x!liquid.q8_0>
  return
}

// -----

// Tests the short convolution's rank rules.
func.func @f(%x: tensor<?x24x1xf32>, %k: tensor<8x3xf32>, %s: tensor<2x8xf32>) {
  // expected-error @below {{input must have rank 2, got 3}}
  %y, %s1 = liquid.short_conv %x, %k, %s : tensor<?x24x1xf32>, tensor<8x3xf32>, tensor<2x8xf32> -> tensor<?x8xf32>
  return
}

// -----

func.func @f(%x: tensor<?x24xf32>, %k: tensor<24xf32>, %s: tensor<2x8xf32>) {
  // expected-error @below {{kernel must have rank 2, got 1}}
  %y, %s1 = liquid.short_conv %x, %k, %s : tensor<?x24xf32>, tensor<24xf32>, tensor<2x8xf32> -> tensor<?x8xf32>
  return
}

// -----

func.func @f(%x: tensor<?x24xf32>, %k: tensor<8x3xf32>, %s: tensor<16xf32>) {
  // expected-error @below {{state must have rank 2, got 1}}
  %y, %s1 = liquid.short_conv %x, %k, %s : tensor<?x24xf32>, tensor<8x3xf32>, tensor<16xf32> -> tensor<?x8xf32>
  return
}

// -----

// Tests attention's rank, head and static-size rules.
func.func @f(%q: tensor<1x256xf32>, %k: tensor<1x2x8xf32>, %c: tensor<2x16x8xf32>, %p: index) {
  // expected-error @below {{query must have rank 3, got 2}}
  %o, %k1, %v1 = liquid.attention %q, %k, %k, %c, %c, %p : tensor<1x256xf32>, tensor<1x2x8xf32>, tensor<2x16x8xf32>
  return
}

// -----

func.func @f(%q: tensor<1x4x8xf32>, %k: tensor<1x0x8xf32>, %c: tensor<0x16x8xf32>, %p: index) {
  // expected-error @below {{query heads (4) must be a multiple of key/value heads (0)}}
  %o, %k1, %v1 = liquid.attention %q, %k, %k, %c, %c, %p : tensor<1x4x8xf32>, tensor<1x0x8xf32>, tensor<0x16x8xf32>
  return
}

// -----

func.func @f(%q: tensor<1x4x?xf32>, %k: tensor<1x2x8xf32>, %c: tensor<2x16x8xf32>, %p: index) {
  // expected-error @below {{head dimension must be static}}
  %o, %k1, %v1 = liquid.attention %q, %k, %k, %c, %c, %p : tensor<1x4x?xf32>, tensor<1x2x8xf32>, tensor<2x16x8xf32>
  return
}

// -----

// Tests that router ids and weights have the same number of rows.
func.func @f(%x: tensor<?x8xf32>, %g: tensor<4x8xf32>) {
  // expected-error @below {{expert weight rows (4) must equal expert id rows (3)}}
  %i, %w = liquid.moe_router %x, %g {top_k = 2 : i64, normalize = true, scaling = 1.0 : f64} : tensor<?x8xf32>, tensor<4x8xf32> -> tensor<3x2xi32>, tensor<4x2xf32>
  return
}

// -----

func.func @f(%x: tensor<?x8x1xf32>, %g: tensor<4x8xf32>) {
  // expected-error @below {{input must have rank 2, got 3}}
  %i, %w = liquid.moe_router %x, %g {top_k = 2 : i64, normalize = true, scaling = 1.0 : f64} : tensor<?x8x1xf32>, tensor<4x8xf32> -> tensor<?x2xi32>, tensor<?x2xf32>
  return
}

// -----

func.func @f(%x: tensor<?x8xf32>, %g: tensor<4x8xf32>, %b: tensor<4x1xf32>) {
  // expected-error @below {{bias must have rank 1, got 2}}
  %i, %w = liquid.moe_router %x, %g, %b {top_k = 2 : i64, normalize = true, scaling = 1.0 : f64} : tensor<?x8xf32>, tensor<4x8xf32>, tensor<4x1xf32> -> tensor<?x2xi32>, tensor<?x2xf32>
  return
}

// -----

// Tests the remaining expert shape rules.
func.func @f(%x: tensor<?x8xf32>, %i: tensor<3x2xi32>, %w: tensor<4x2xf32>, %g: tensor<4x16x8xf32>, %d: tensor<4x8x16xf32>) {
  // expected-error @below {{expert weight rows (4) must equal expert id rows (3)}}
  %y = liquid.moe_experts %x, %i, %w, %g, %g, %d : tensor<?x8xf32>, tensor<3x2xi32>, tensor<4x2xf32>, tensor<4x16x8xf32>, tensor<4x16x8xf32>, tensor<4x8x16xf32>
  return
}

// -----

func.func @f(%x: tensor<?x8xf32>, %i: tensor<?x2xi32>, %w: tensor<?x2xf32>, %g: tensor<4x16x8xf32>, %d: tensor<5x8x16xf32>) {
  // expected-error @below {{down experts (5) must equal gate experts (4)}}
  %y = liquid.moe_experts %x, %i, %w, %g, %g, %d : tensor<?x8xf32>, tensor<?x2xi32>, tensor<?x2xf32>, tensor<4x16x8xf32>, tensor<4x16x8xf32>, tensor<5x8x16xf32>
  return
}

// -----

func.func @f(%x: tensor<?x8xf32>, %i: tensor<?x2xi32>, %w: tensor<?x2xf32>, %g: tensor<4x16x8xf32>, %u: tensor<4x12x8xf32>, %d: tensor<4x8x16xf32>) {
  // expected-error @below {{up output size (12) must equal gate output size (16)}}
  %y = liquid.moe_experts %x, %i, %w, %g, %u, %d : tensor<?x8xf32>, tensor<?x2xi32>, tensor<?x2xf32>, tensor<4x16x8xf32>, tensor<4x12x8xf32>, tensor<4x8x16xf32>
  return
}

// -----

func.func @f(%x: tensor<?x8xf32>, %i: tensor<?x2xi32>, %w: tensor<?x2xf32>, %g: tensor<4x16x8xf32>, %u: tensor<4x16x9xf32>, %d: tensor<4x8x16xf32>) {
  // expected-error @below {{up input size (9) must equal input width (8)}}
  %y = liquid.moe_experts %x, %i, %w, %g, %u, %d : tensor<?x8xf32>, tensor<?x2xi32>, tensor<?x2xf32>, tensor<4x16x8xf32>, tensor<4x16x9xf32>, tensor<4x8x16xf32>
  return
}

// -----

func.func @f(%x: tensor<?x48xf32>, %i: tensor<?x2xi32>, %w: tensor<?x2xf32>, %g: tensor<4x16x48x!liquid.q4_0>, %d: tensor<4x48x16xf32>) {
  // expected-error @below {{gate innermost dimension (48) must be a multiple of the block size (32)}}
  %y = liquid.moe_experts %x, %i, %w, %g, %g, %d : tensor<?x48xf32>, tensor<?x2xi32>, tensor<?x2xf32>, tensor<4x16x48x!liquid.q4_0>, tensor<4x16x48x!liquid.q4_0>, tensor<4x48x16xf32>
  return
}

// -----

// Tests the remaining CfC shape rules.
func.func @f(%x: tensor<16x4xf32>, %h: tensor<8xf32>, %w: tensor<8x12xf32>, %b: tensor<8xf32>) {
  // expected-error @below {{output width (9) must equal the cell's output width (8)}}
  %o, %h1 = liquid.cfc(%x, %h) mode(pure) activation(lecun_tanh) backbone() ff1(%w, %b) pure(%b, %b) {time_span = 1.0 : f64} : (tensor<16x4xf32>, tensor<8xf32>, tensor<8x12xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>) -> (tensor<16x9xf32>, tensor<8xf32>)
  return
}

// -----

func.func @f(%x: tensor<16x4xf32>, %h: tensor<8xf32>, %bw: tensor<32x12xf32>, %bb: tensor<31xf32>, %w: tensor<8x32xf32>, %b: tensor<8xf32>) {
  // expected-error @below {{backbone bias must have shape [32], got 'tensor<31xf32>'}}
  %o, %h1 = liquid.cfc(%x, %h) mode(pure) activation(lecun_tanh) backbone(%bw, %bb) ff1(%w, %b) pure(%b, %b) {time_span = 1.0 : f64} : (tensor<16x4xf32>, tensor<8xf32>, tensor<32x12xf32>, tensor<31xf32>, tensor<8x32xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>) -> (tensor<16x8xf32>, tensor<8xf32>)
  return
}

// -----

func.func @f(%x: tensor<16x4xf32>, %h: tensor<8xf32>, %bw: tensor<32xf32>, %w: tensor<8x32xf32>, %b: tensor<8xf32>) {
  // expected-error @below {{backbone weight must have rank 2, got 1}}
  %o, %h1 = liquid.cfc(%x, %h) mode(pure) activation(lecun_tanh) backbone(%bw, %bw) ff1(%w, %b) pure(%b, %b) {time_span = 1.0 : f64} : (tensor<16x4xf32>, tensor<8xf32>, tensor<32xf32>, tensor<32xf32>, tensor<8x32xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>) -> (tensor<16x8xf32>, tensor<8xf32>)
  return
}

// -----

func.func @f(%x: tensor<16x4xf32>, %h: tensor<8xf32>, %w: tensor<8x12xf32>, %b: tensor<8xf32>, %a: tensor<6xf32>) {
  // expected-error @below {{amplitude must have shape [8], got 'tensor<6xf32>'}}
  %o, %h1 = liquid.cfc(%x, %h) mode(pure) activation(lecun_tanh) backbone() ff1(%w, %b) pure(%b, %a) {time_span = 1.0 : f64} : (tensor<16x4xf32>, tensor<8xf32>, tensor<8x12xf32>, tensor<8xf32>, tensor<8xf32>, tensor<6xf32>) -> (tensor<16x8xf32>, tensor<8xf32>)
  return
}

// -----

func.func @f(%x: tensor<16x?xf32>, %h: tensor<8xf32>, %w: tensor<8x12xf32>, %b: tensor<8xf32>) {
  // expected-error @below {{state and input widths must be static}}
  %o, %h1 = liquid.cfc(%x, %h) mode(pure) activation(lecun_tanh) backbone() ff1(%w, %b) pure(%b, %b) {time_span = 1.0 : f64} : (tensor<16x?xf32>, tensor<8xf32>, tensor<8x12xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>) -> (tensor<16x8xf32>, tensor<8xf32>)
  return
}

// -----

// Tests the remaining LTC shape rules.
func.func @f(%x: tensor<16x3xf32>, %v: tensor<8xf32>, %n: tensor<8xf32>, %nn: tensor<8x8xf32>, %sn: tensor<3x8xf32>, %s: tensor<3xf32>, %m: tensor<2x1xf32>, %mb: tensor<2xf32>) {
  // expected-error @below {{output_w must have rank 1, got 2}}
  %o, %v1 = liquid.ltc(%x, %v) leak(%n, %n, %n) synapse(%nn, %nn, %nn, %nn, %nn) sensory(%sn, %sn, %sn, %sn, %sn) input_map(%s, %s) output_map(%m, %mb) {ode_unfolds = 6 : i64, elapsed_time = 1.0 : f64, epsilon = 1.0e-8 : f64, implicit_constraints = true} : (tensor<16x3xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8x8xf32>, tensor<8x8xf32>, tensor<8x8xf32>, tensor<8x8xf32>, tensor<8x8xf32>, tensor<3x8xf32>, tensor<3x8xf32>, tensor<3x8xf32>, tensor<3x8xf32>, tensor<3x8xf32>, tensor<3xf32>, tensor<3xf32>, tensor<2x1xf32>, tensor<2xf32>) -> (tensor<16x2xf32>, tensor<8xf32>)
  return
}

// -----

func.func @f(%x: tensor<16x3xf32>, %v: tensor<8xf32>, %n: tensor<8xf32>, %nn: tensor<8x8xf32>, %sn: tensor<3x8xf32>, %s: tensor<3xf32>, %s4: tensor<4xf32>, %m: tensor<2xf32>) {
  // expected-error @below {{input_w must have shape [3], got 'tensor<4xf32>'}}
  %o, %v1 = liquid.ltc(%x, %v) leak(%n, %n, %n) synapse(%nn, %nn, %nn, %nn, %nn) sensory(%sn, %sn, %sn, %sn, %sn) input_map(%s4, %s) output_map(%m, %m) {ode_unfolds = 6 : i64, elapsed_time = 1.0 : f64, epsilon = 1.0e-8 : f64, implicit_constraints = true} : (tensor<16x3xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8x8xf32>, tensor<8x8xf32>, tensor<8x8xf32>, tensor<8x8xf32>, tensor<8x8xf32>, tensor<3x8xf32>, tensor<3x8xf32>, tensor<3x8xf32>, tensor<3x8xf32>, tensor<3x8xf32>, tensor<4xf32>, tensor<3xf32>, tensor<2xf32>, tensor<2xf32>) -> (tensor<16x2xf32>, tensor<8xf32>)
  return
}

// -----

func.func @f(%x: tensor<16x3xf32>, %v: tensor<8xf32>, %n: tensor<8xf32>, %nn: tensor<8x8xf32>, %sn: tensor<3x8xf32>, %s: tensor<3xf32>, %m: tensor<2xf32>, %m3: tensor<3xf32>) {
  // expected-error @below {{output_b must have shape [2], got 'tensor<3xf32>'}}
  %o, %v1 = liquid.ltc(%x, %v) leak(%n, %n, %n) synapse(%nn, %nn, %nn, %nn, %nn) sensory(%sn, %sn, %sn, %sn, %sn) input_map(%s, %s) output_map(%m, %m3) {ode_unfolds = 6 : i64, elapsed_time = 1.0 : f64, epsilon = 1.0e-8 : f64, implicit_constraints = true} : (tensor<16x3xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8x8xf32>, tensor<8x8xf32>, tensor<8x8xf32>, tensor<8x8xf32>, tensor<8x8xf32>, tensor<3x8xf32>, tensor<3x8xf32>, tensor<3x8xf32>, tensor<3x8xf32>, tensor<3x8xf32>, tensor<3xf32>, tensor<3xf32>, tensor<2xf32>, tensor<3xf32>) -> (tensor<16x2xf32>, tensor<8xf32>)
  return
}

// -----

// Tests that liquid.bitcast converts between a quantized tensor and its bytes.
func.func @f(%w: tensor<8x32xf32>) {
  // expected-error @below {{casts between a block-quantized tensor and its bytes}}
  %b = liquid.bitcast %w : tensor<8x32xf32> to tensor<8x1x128xi8>
  return
}

// -----

func.func @f(%w: tensor<8x64x!liquid.q8_0>) {
  // expected-error @below {{the bytes of 'tensor<8x64x!liquid.q8_0>' are 'tensor<8x2x34xi8>', not 'tensor<8x2x32xi8>'}}
  %b = liquid.bitcast %w : tensor<8x64x!liquid.q8_0> to tensor<8x2x32xi8>
  return
}

// -----

// Tests that the int8 form of a projection is all or nothing.
func.func @f(%x: tensor<1x64xf32>, %w: tensor<32x64x!liquid.panels<!liquid.q8_0, 16>>) {
  // expected-error @below {{takes !liquid.q8_act input exactly when its weights are !liquid.panels}}
  %y = liquid.linear %x, %w : tensor<1x64xf32>, tensor<32x64x!liquid.panels<!liquid.q8_0, 16>> -> tensor<1x32xf32>
  return
}

// -----

func.func @f(%x: tensor<1x64x!liquid.q8_act>, %w: tensor<32x64x!liquid.q8_0>) {
  // expected-error @below {{takes !liquid.q8_act input exactly when its weights are !liquid.panels}}
  %y = liquid.linear %x, %w : tensor<1x64x!liquid.q8_act>, tensor<32x64x!liquid.q8_0> -> tensor<1x32xf32>
  return
}

// -----

// Tests that panels hold whole panels of rows of Q8_0 / Q4_0 blocks.
func.func @f(%w: tensor<24x64x!liquid.q4_0>) {
  // expected-error @below {{result rows (24) must be a multiple of the panel rows (16)}}
  %p = liquid.pack %w : tensor<24x64x!liquid.q4_0> -> tensor<24x64x!liquid.panels<!liquid.q4_0, 16>>
  return
}

// -----

func.func @f(%w: tensor<32x64x!liquid.q4_0>) {
  // expected-error @below {{packs '!liquid.q4_0' weights into panels of '!liquid.q8_0'}}
  %p = liquid.pack %w : tensor<32x64x!liquid.q4_0> -> tensor<32x64x!liquid.panels<!liquid.q8_0, 16>>
  return
}

// -----

// expected-error @below {{panels hold !liquid.q8_0 or !liquid.q4_0 blocks, not 'bf16'}}
func.func @f(%w: tensor<32x64x!liquid.panels<bf16, 16>>) {
  return
}

// -----

// expected-error @below {{panel rows must be a power of two in [1, 64], got 12}}
func.func @f(%w: tensor<36x64x!liquid.panels<!liquid.q8_0, 12>>) {
  return
}

// -----

// Tests that checkpoint tensors are declared in checkpoint types.
// expected-error @below {{declares a checkpoint tensor, which cannot be '!liquid.q8_act'}}
liquid.param @x : tensor<1x64x!liquid.q8_act>

// -----

// Tests that a quantized activation keeps its input's shape.
func.func @f(%x: tensor<2x64xf32>) {
  // expected-error @below {{result must have the input's shape}}
  %q = liquid.quantize %x : tensor<2x64xf32> -> tensor<1x64x!liquid.q8_act>
  return
}

// -----

// Tests that a byte dot product takes four bytes per accumulator lane.
func.func @f(%acc: vector<16xi32>, %a: vector<32xi8>) {
  // expected-error @below {{needs 4 bytes per accumulator lane: 32 bytes for 16 lanes}}
  %r = liquid.dot4 %acc, %a, %a : vector<32xi8> into vector<16xi32>
  return
}

// -----

// expected-error @below {{vector_bits must be 128, 256 or 512, got 384}}
module attributes {liquid.target = #liquid.target<triple = "", cpu = "x", features = "", vector_bits = 384, vector_registers = 32>} {
}

// -----

// expected-error @below {{heads (6) must be a multiple of kv_heads (4)}}
module attributes {liquid.model = #liquid.model<architecture = "lfm2", vocab_size = 1024, hidden_size = 256, layers = [conv, attention], heads = 6, kv_heads = 4, head_dim = 64, ffn_size = 768, conv_length = 3, norm_eps = 1.0e-5 : f32, rope_theta = 1.0e6 : f64, max_context = 4096, tied_embeddings = true, bos_token_id = 1, eos_token_id = 7, pad_token_id = 0>} {
}

// -----

// expected-error @below {{only lfm2moe has experts}}
module attributes {liquid.model = #liquid.model<architecture = "lfm2", vocab_size = 1024, hidden_size = 256, layers = [conv, attention], heads = 4, kv_heads = 2, head_dim = 64, ffn_size = 768, conv_length = 3, norm_eps = 1.0e-5 : f32, rope_theta = 1.0e6 : f64, max_context = 4096, tied_embeddings = true, bos_token_id = 1, eos_token_id = 7, pad_token_id = 0, experts = 8, experts_per_token = 2, expert_ffn_size = 128, dense_layers = 1>} {
}

// -----

// expected-error @below {{experts_per_token must be in [1, experts], expert_ffn_size positive and dense_layers in [0, 2]}}
module attributes {liquid.model = #liquid.model<architecture = "lfm2moe", vocab_size = 1024, hidden_size = 256, layers = [conv, attention], heads = 4, kv_heads = 2, head_dim = 64, ffn_size = 768, conv_length = 3, norm_eps = 1.0e-5 : f32, rope_theta = 1.0e6 : f64, max_context = 4096, tied_embeddings = true, bos_token_id = 1, eos_token_id = 7, pad_token_id = 0, experts = 8, experts_per_token = 9, expert_ffn_size = 128, dense_layers = 1>} {
}

// -----

// expected-error @+2 {{unknown layer kind 'mamba' (expected conv or attention)}}
// expected-error @+1 {{failed to parse Liquid_ModelAttr parameter 'layers'}}
module attributes {liquid.model = #liquid.model<architecture = "lfm2", vocab_size = 1024, hidden_size = 256, layers = [conv, mamba], heads = 4, kv_heads = 2, head_dim = 64, ffn_size = 768, conv_length = 3, norm_eps = 1.0e-5 : f32, rope_theta = 1.0e6 : f64, max_context = 4096, tied_embeddings = true, bos_token_id = 1, eos_token_id = 7, pad_token_id = 0>} {
}
