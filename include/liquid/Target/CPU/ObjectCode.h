//===- ObjectCode.h - LLVM dialect to a loadable shared object --*- C++ -*-===//
//
// SPDX-License-Identifier: Apache-2.0
//
// The last steps of the CPU path: the LLVM-dialect module becomes LLVM IR,
// is optimized and compiled for a chosen CPU, and the object is linked into
// an ELF shared object with LLD inside this process (no external compiler
// or linker runs). The runtime loads that object from the artifact.
//
//===----------------------------------------------------------------------===//

#ifndef LIQUID_TARGET_CPU_OBJECTCODE_H
#define LIQUID_TARGET_CPU_OBJECTCODE_H

#include "mlir/IR/BuiltinOps.h"
#include "llvm/Support/Error.h"

#include <string>

namespace liquid {

/// What code is generated for, and what a machine must have to run it.
struct CPUTarget {
  std::string triple;       ///< e.g. "x86_64-unknown-linux-gnu"
  std::string cpu;          ///< LLVM CPU name, e.g. "znver5"
  std::string llvmFeatures; ///< "+avx2,+fma,..." handed to LLVM
  /// The vector ISA features the code may use, comma-separated in LLVM's
  /// spelling ("avx2,fma,avx512f"): what the runtime checks before loading.
  std::string requiredFeatures;
  /// Width of the vector registers kernels are shaped for: 512 with
  /// AVX-512, 256 with AVX2, else 128.
  unsigned vectorBits = 128;
  /// How many vector registers there are: 32 with AVX-512, else 16.
  unsigned vectorRegisters = 16;
};

/// Resolves `cpu` ("" or "native": this machine; else an LLVM CPU name such
/// as "x86-64-v3" or "znver4") for x86-64 Linux. Fails on unknown names.
llvm::Expected<CPUTarget> resolveCPUTarget(llvm::StringRef cpu);

/// Compiles a module in the LLVM dialect for `target` at -O3 and links it
/// into an ELF shared object; returns its bytes.
llvm::Expected<std::string> emitSharedObject(mlir::ModuleOp module,
                                             const CPUTarget &target);

} // namespace liquid

#endif // LIQUID_TARGET_CPU_OBJECTCODE_H
