// RUN: liquid-opt %s --liquid-approximate-math | FileCheck %s

// Tests that exponentials, of vectors and of scalars, become the
// polynomial approximation (arithmetic and a bit-level exponent, no
// math.exp left for LLVM to turn into libm calls), and that other math
// ops are left alone.

// CHECK-LABEL: func.func @exp(
// CHECK-NOT: math.exp
// CHECK: arith.fptosi {{.+}} : vector<16xf32> to vector<16xi32>
// CHECK: arith.shli {{.+}} : vector<16xi32>
// CHECK: arith.bitcast {{.+}} : vector<16xi32> to vector<16xf32>
// CHECK: math.sqrt
// CHECK-NOT: math.exp
func.func @exp(%x: vector<16xf32>, %y: f32) -> (vector<16xf32>, f32) {
  %e = math.exp %x : vector<16xf32>
  %f = math.exp %y : f32
  %g = math.sqrt %f : f32
  return %e, %g : vector<16xf32>, f32
}
