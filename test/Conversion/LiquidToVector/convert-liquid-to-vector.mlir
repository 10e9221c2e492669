// RUN: liquid-opt %s --convert-liquid-to-vector --canonicalize --split-input-file | FileCheck %s

// Tests the int8 micro-kernel's shape on a 512-bit target with 32
// registers: one loop over the panels of 16 rows, one over tiles of 8 of
// the 16 tokens, one over the blocks of 32 columns carrying 8 f32
// accumulators of 16 lanes; in a block, the Q4_0 value bytes are loaded
// once as 4 x 64 bytes and split into low and high nibbles, each token's
// accumulator starts at -8 times its block sum, takes 8 byte dot products
// and is scaled by the 16 f16 weight scales times the token's scale.

module attributes {liquid.target = #liquid.target<triple = "x86_64-unknown-linux-gnu", cpu = "znver5", features = "avx512f,avx512vnni", vector_bits = 512, vector_registers = 32>} {
  // CHECK-LABEL: func.func @linear(
  // CHECK-SAME: %[[X:[^:]+]]: tensor<16x2x40xi8>, %[[W:[^:]+]]: tensor<2x576xi8>
  // CHECK: scf.for %[[P:.+]] = %c0 to %c2 step %c1 iter_args(
  // CHECK: scf.for %[[T:.+]] = %c0 to %c16 step %c8 iter_args(
  // CHECK: %{{.+}}:8 = scf.for %[[B:.+]] = %c0 to %c2 step %c1 iter_args({{.+}}) -> (vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>)
  // CHECK: vector.transfer_read %[[X]][%[[T]], %[[B]], %c36]
  // CHECK: arith.muli %{{.+}}, %c-8_i32 : i32
  // CHECK-COUNT-4: vector.transfer_read %[[W]][%[[P]], %{{.+}}]{{.+}} : tensor<2x576xi8>, vector<64xi8>
  // CHECK: arith.andi %{{.+}}, %{{.+}} : vector<64xi8>
  // CHECK: arith.shrui %{{.+}}, %{{.+}} : vector<64xi8>
  // CHECK-COUNT-64: liquid.dot4
  // CHECK: vector.transfer_read %[[W]][%[[P]], %{{.+}}]{{.+}} : tensor<2x576xi8>, vector<32xi8>
  // CHECK: vector.bitcast %{{.+}} : vector<32xi8> to vector<16xf16>
  // CHECK: arith.extf %{{.+}} : vector<16xf16> to vector<16xf32>
  // CHECK-COUNT-8: vector.fma
  // CHECK: scf.yield
  // CHECK-COUNT-8: vector.transfer_write %{{.+}} {in_bounds = [true]} : vector<16xf32>, tensor<16x32xf32>
  func.func @linear(%x: tensor<16x2x40xi8>, %w: tensor<2x576xi8>) -> tensor<16x32xf32> {
    %xq = liquid.bitcast %x : tensor<16x2x40xi8> to tensor<16x64x!liquid.q8_act>
    %wp = liquid.bitcast %w : tensor<2x576xi8> to tensor<32x64x!liquid.panels<!liquid.q4_0, 16>>
    %y = liquid.linear %xq, %wp : tensor<16x64x!liquid.q8_act>, tensor<32x64x!liquid.panels<!liquid.q4_0, 16>> -> tensor<16x32xf32>
    return %y : tensor<16x32xf32>
  }
}

// -----

// Tests the decode shape over panels of 64 rows (four slices of 16): one
// token, a tile of the four slices of a panel (one contiguous stream),
// each slice's eight Q8_0 dot products split over two chains that are
// added before scaling: 32 dot products and 4 accumulators per block.

module attributes {liquid.target = #liquid.target<triple = "x86_64-unknown-linux-gnu", cpu = "znver5", features = "avx512f,avx512vnni", vector_bits = 512, vector_registers = 32>} {
  // CHECK-LABEL: func.func @decode(
  // CHECK-SAME: %[[X:[^:]+]]: tensor<1x2x40xi8>, %[[W:[^:]+]]: tensor<2x4352xi8>
  // CHECK: scf.for %[[S:.+]] = %c0 to %c8 step %c4 iter_args(
  // CHECK: %[[PANEL:.+]] = arith.divui %[[S]], %c4
  // CHECK: %{{.+}}:4 = scf.for %[[B:.+]] = %c0 to %c2 step %c1 iter_args({{.+}}) -> (vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>)
  // CHECK: vector.transfer_read %[[W]][%[[PANEL]], %{{.+}}]{{.+}} : tensor<2x4352xi8>, vector<64xi8>
  // CHECK-COUNT-32: liquid.dot4
  // CHECK-COUNT-4: arith.addi %{{.+}}, %{{.+}} : vector<16xi32>
  // CHECK-COUNT-4: vector.transfer_write %{{.+}} : vector<16xf32>, tensor<1x128xf32>
  func.func @decode(%x: tensor<1x2x40xi8>, %w: tensor<2x4352xi8>) -> tensor<1x128xf32> {
    %xq = liquid.bitcast %x : tensor<1x2x40xi8> to tensor<1x64x!liquid.q8_act>
    %wp = liquid.bitcast %w : tensor<2x4352xi8> to tensor<128x64x!liquid.panels<!liquid.q8_0, 64>>
    %y = liquid.linear %xq, %wp : tensor<1x64x!liquid.q8_act>, tensor<128x64x!liquid.panels<!liquid.q8_0, 64>> -> tensor<1x128xf32>
    return %y : tensor<1x128xf32>
  }
}

// -----

// Tests liquid.quantize: per row and block of 32, one read of 32 values,
// the absolute maximum, d = max / 127, the inverse (0 when d is 0),
// round-to-even of x times the inverse, and the 40 bytes of the block: the
// values narrowed to i8, then d, then their sum.

// CHECK-LABEL: func.func @quantize(
// CHECK-SAME: %[[X:[^:]+]]: tensor<2x64xf32>
// CHECK: scf.for %[[T:.+]] = %c0 to %c2 step %c1
// CHECK: scf.for %[[B:.+]] = %c0 to %c2 step %c1
// CHECK: %[[V:.+]] = vector.transfer_read %[[X]][%[[T]], %{{.+}}], {{.+}} : tensor<2x64xf32>, vector<32xf32>
// CHECK: %[[ABS:.+]] = math.absf %[[V]]
// CHECK: %[[MAX:.+]] = vector.reduction <maximumf>, %[[ABS]]
// CHECK: %[[D:.+]] = arith.divf %[[MAX]], %cst
// CHECK: arith.cmpf oeq, %[[D]]
// CHECK: math.roundeven
// CHECK: %[[Q:.+]] = arith.fptosi %{{.+}} : vector<32xf32> to vector<32xi32>
// CHECK: %[[SUM:.+]] = vector.reduction <add>, %[[Q]] : vector<32xi32> into i32
// CHECK: arith.trunci %[[Q]] : vector<32xi32> to vector<32xi8>
// CHECK: vector.transfer_write {{.+}}[%[[T]], %[[B]], %c0]
// CHECK: vector.transfer_write {{.+}}[%[[T]], %[[B]], %c32]
// CHECK: vector.transfer_write {{.+}}[%[[T]], %[[B]], %c36]
// CHECK: liquid.bitcast %{{.+}} : tensor<2x2x40xi8> to tensor<2x64x!liquid.q8_act>
func.func @quantize(%x: tensor<2x64xf32>) -> tensor<2x64x!liquid.q8_act> {
  %q = liquid.quantize %x : tensor<2x64xf32> -> tensor<2x64x!liquid.q8_act>
  return %q : tensor<2x64x!liquid.q8_act>
}

// -----

// Tests the attention kernel's shape on a 512-bit target: the new keys and
// values transposed into the head-major caches, then per token and
// key/value head one loop over ceil((position + t + 1) / 16) blocks of keys
// for all the head's query heads (here 2 of 4), carrying each query head's
// running maximum and sum and its 4 output vectors of head_dim 64; in a
// block, 16 rows of keys read once, the query heads' scores gathered by a
// shuffle tree and masked past the token's position, vector exponentials,
// the rows of values read once, and each output scaled by 1 / sum.

module attributes {liquid.target = #liquid.target<triple = "x86_64-unknown-linux-gnu", cpu = "znver5", features = "avx512f", vector_bits = 512, vector_registers = 32>} {
  // CHECK-LABEL: func.func @attention(
  // CHECK-SAME: %[[Q:[^:]+]]: tensor<2x4x64xf32>, %[[K:[^:]+]]: tensor<2x2x64xf32>, %[[V:[^:]+]]: tensor<2x2x64xf32>, %[[KC:[^:]+]]: tensor<2x64x64xf32>, %[[VC:[^:]+]]: tensor<2x64x64xf32>, %[[POS:[^:]+]]: index
  // CHECK: %[[KT:.+]] = linalg.transpose ins(%[[K]] : tensor<2x2x64xf32>) outs(%{{.+}} : tensor<2x2x64xf32>) permutation = [1, 0, 2]
  // CHECK: %[[KEYS:.+]] = tensor.insert_slice %[[KT]] into %[[KC]][0, %[[POS]], 0] [2, 2, 64]
  // CHECK: %[[VT:.+]] = linalg.transpose ins(%[[V]]
  // CHECK: %[[VALUES:.+]] = tensor.insert_slice %[[VT]] into %[[VC]][0, %[[POS]], 0] [2, 2, 64]
  // CHECK: scf.for %[[T:.+]] = %c0 to %c2
  // CHECK: scf.for %[[H:.+]] = %c0 to %c2
  // CHECK: %[[LAST:.+]] = arith.addi %[[POS]], %[[T]]
  // CHECK: %[[N:.+]] = arith.addi %[[LAST]], %c16
  // CHECK: %[[BLOCKS:.+]] = arith.divui %[[N]], %c16
  // CHECK: scf.for %{{.+}} = %c0 to %[[BLOCKS]] step %c1 iter_args({{.+}}) -> (f32, f32, f32, f32, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>)
  // CHECK: vector.transfer_read %[[KEYS]][%[[H]],
  // CHECK: arith.cmpi ule
  // CHECK: vector.shuffle
  // CHECK: vector.reduction <maximumf>
  // CHECK: math.exp %{{.+}} : vector<16xf32>
  // CHECK: vector.reduction <maximumf>
  // CHECK: math.exp %{{.+}} : vector<16xf32>
  // CHECK: vector.transfer_read %[[VALUES]][%[[H]],
  // CHECK: arith.divf %cst{{.*}}, %{{.+}} : f32
  // CHECK: arith.divf %cst{{.*}}, %{{.+}} : f32
  // CHECK: return %{{.+}}, %[[KEYS]], %[[VALUES]]
  func.func @attention(%q: tensor<2x4x64xf32>, %k: tensor<2x2x64xf32>, %v: tensor<2x2x64xf32>,
                       %kc: tensor<2x64x64xf32>, %vc: tensor<2x64x64xf32>, %pos: index)
      -> (tensor<2x4x64xf32>, tensor<2x64x64xf32>, tensor<2x64x64xf32>) {
    %o, %k1, %v1 = liquid.attention %q, %k, %v, %kc, %vc, %pos
        : tensor<2x4x64xf32>, tensor<2x2x64xf32>, tensor<2x64x64xf32>
    return %o, %k1, %v1 : tensor<2x4x64xf32>, tensor<2x64x64xf32>, tensor<2x64x64xf32>
  }
}
