// RUN: liquid-opt %s --liquid-lower-dot4 --split-input-file | FileCheck %s

// Tests that on a target with AVX-512 VNNI (and VL) every width of
// liquid.dot4 becomes vpdpbusd: the 512-bit form, and the 256- and 128-bit
// forms through AVX512-VL.

module attributes {liquid.target = #liquid.target<triple = "x86_64-unknown-linux-gnu", cpu = "znver5", features = "avx2,avx512f,avx512vl,avx512vnni", vector_bits = 512, vector_registers = 32>} {
  // CHECK-LABEL: func.func @vnni(
  // CHECK: llvm.call_intrinsic "llvm.x86.avx512.vpdpbusd.512"(%{{.+}}, %{{.+}}, %{{.+}}) : (vector<16xi32>, vector<64xi8>, vector<64xi8>) -> vector<16xi32>
  // CHECK: llvm.call_intrinsic "llvm.x86.avx512.vpdpbusd.256"(%{{.+}}, %{{.+}}, %{{.+}}) : (vector<8xi32>, vector<32xi8>, vector<32xi8>) -> vector<8xi32>
  // CHECK: llvm.call_intrinsic "llvm.x86.avx512.vpdpbusd.128"
  // CHECK-NOT: liquid.dot4
  func.func @vnni(%a16: vector<16xi32>, %w64: vector<64xi8>, %x64: vector<64xi8>,
                  %a8: vector<8xi32>, %w32: vector<32xi8>, %x32: vector<32xi8>,
                  %a4: vector<4xi32>, %w16: vector<16xi8>, %x16: vector<16xi8>)
      -> (vector<16xi32>, vector<8xi32>, vector<4xi32>) {
    %r16 = liquid.dot4 %a16, %w64, %x64 : vector<64xi8> into vector<16xi32>
    %r8 = liquid.dot4 %a8, %w32, %x32 : vector<32xi8> into vector<8xi32>
    %r4 = liquid.dot4 %a4, %w16, %x16 : vector<16xi8> into vector<4xi32>
    return %r16, %r8, %r4 : vector<16xi32>, vector<8xi32>, vector<4xi32>
  }
}

// -----

// Tests AVX-VNNI without AVX-512: the 256-bit form is vpdpbusd (the same
// LLVM intrinsic, VEX-encoded), the 512-bit form has no instruction.

module attributes {liquid.target = #liquid.target<triple = "x86_64-unknown-linux-gnu", cpu = "alderlake", features = "avx2,avxvnni", vector_bits = 256, vector_registers = 16>} {
  // CHECK-LABEL: func.func @avxvnni(
  // CHECK: llvm.call_intrinsic "llvm.x86.avx512.vpdpbusd.256"
  // CHECK-NOT: llvm.call_intrinsic
  // CHECK: vector.shuffle
  func.func @avxvnni(%a8: vector<8xi32>, %w32: vector<32xi8>, %x32: vector<32xi8>,
                     %a16: vector<16xi32>, %w64: vector<64xi8>, %x64: vector<64xi8>)
      -> (vector<8xi32>, vector<16xi32>) {
    %r8 = liquid.dot4 %a8, %w32, %x32 : vector<32xi8> into vector<8xi32>
    %r16 = liquid.dot4 %a16, %w64, %x64 : vector<64xi8> into vector<16xi32>
    return %r8, %r16 : vector<8xi32>, vector<16xi32>
  }
}

// -----

// Tests the portable form on a target without a byte dot product: the
// bytes widened (lhs unsigned, rhs signed), multiplied, and the products
// 4i + j of each lane added to the accumulator through four strided
// shuffles.

// CHECK-LABEL: func.func @portable(
// CHECK-SAME: %[[A:[^:]+]]: vector<4xi32>, %[[W:[^:]+]]: vector<16xi8>, %[[X:[^:]+]]: vector<16xi8>
// CHECK: %[[WW:.+]] = arith.extui %[[W]] : vector<16xi8> to vector<16xi32>
// CHECK: %[[XW:.+]] = arith.extsi %[[X]] : vector<16xi8> to vector<16xi32>
// CHECK: %[[P:.+]] = arith.muli %[[WW]], %[[XW]] : vector<16xi32>
// CHECK: %[[P0:.+]] = vector.shuffle %[[P]], %[[P]] [0, 4, 8, 12]
// CHECK: %[[S0:.+]] = arith.addi %[[A]], %[[P0]]
// CHECK: vector.shuffle %[[P]], %[[P]] [1, 5, 9, 13]
// CHECK: vector.shuffle %[[P]], %[[P]] [2, 6, 10, 14]
// CHECK: vector.shuffle %[[P]], %[[P]] [3, 7, 11, 15]
// CHECK-NOT: llvm.call_intrinsic
func.func @portable(%a: vector<4xi32>, %w: vector<16xi8>, %x: vector<16xi8>) -> vector<4xi32> {
  %r = liquid.dot4 %a, %w, %x : vector<16xi8> into vector<4xi32>
  return %r : vector<4xi32>
}

// -----

// Tests AVX2 without VNNI: a byte product through vpmaddubsw (unsigned x
// signed bytes into i16 pairs) and vpmaddwd (i16 pairs into i32). Bytes
// below 2^4 (lhs_bits = 4, Q4_0 nibbles) go in as they are; full bytes are
// split into nibbles, the high one weighed 16, so no i16 pair saturates.

module attributes {liquid.target = #liquid.target<triple = "x86_64-unknown-linux-gnu", cpu = "x86-64-v3", features = "avx2,fma", vector_bits = 256, vector_registers = 16>} {
  // CHECK-LABEL: func.func @avx2(
  // CHECK-SAME: %[[A:[^:]+]]: vector<8xi32>, %[[W:[^:]+]]: vector<32xi8>, %[[X:[^:]+]]: vector<32xi8>
  // CHECK-DAG: %[[ONE:.+]] = arith.constant dense<1> : vector<16xi16>
  // CHECK-DAG: %[[SIXTEEN:.+]] = arith.constant dense<16> : vector<16xi16>
  // CHECK: %[[P:.+]] = llvm.call_intrinsic "llvm.x86.avx2.pmadd.ub.sw"(%[[W]], %[[X]]) : (vector<32xi8>, vector<32xi8>) -> vector<16xi16>
  // CHECK: %[[S:.+]] = llvm.call_intrinsic "llvm.x86.avx2.pmadd.wd"(%[[P]], %[[ONE]]) : (vector<16xi16>, vector<16xi16>) -> vector<8xi32>
  // CHECK: %[[R4:.+]] = arith.addi %[[A]], %[[S]]
  // CHECK: %[[LO:.+]] = arith.andi %[[W]]
  // CHECK: %[[HI:.+]] = arith.shrui %[[W]]
  // CHECK: %[[PL:.+]] = llvm.call_intrinsic "llvm.x86.avx2.pmadd.ub.sw"(%[[LO]], %[[X]])
  // CHECK: %[[SL:.+]] = llvm.call_intrinsic "llvm.x86.avx2.pmadd.wd"(%[[PL]], %[[ONE]])
  // CHECK: %[[R8A:.+]] = arith.addi %[[A]], %[[SL]]
  // CHECK: %[[PH:.+]] = llvm.call_intrinsic "llvm.x86.avx2.pmadd.ub.sw"(%[[HI]], %[[X]])
  // CHECK: %[[SH:.+]] = llvm.call_intrinsic "llvm.x86.avx2.pmadd.wd"(%[[PH]], %[[SIXTEEN]])
  // CHECK: %[[R8:.+]] = arith.addi %[[R8A]], %[[SH]]
  // CHECK: return %[[R4]], %[[R8]]
  func.func @avx2(%a: vector<8xi32>, %w: vector<32xi8>, %x: vector<32xi8>)
      -> (vector<8xi32>, vector<8xi32>) {
    %r4 = liquid.dot4 %a, %w, %x {lhs_bits = 4 : i64} : vector<32xi8> into vector<8xi32>
    %r8 = liquid.dot4 %a, %w, %x : vector<32xi8> into vector<8xi32>
    return %r4, %r8 : vector<8xi32>, vector<8xi32>
  }
}
