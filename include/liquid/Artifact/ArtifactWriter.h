//===- ArtifactWriter.h - Write the .lqm artifact ---------------*- C++ -*-===//
//
// SPDX-License-Identifier: Apache-2.0
//
// Writes one compiled model as a .lqm file (runtime/schema/artifact.fbs):
// the model's metadata (from the module's #liquid.model and
// liquid.checkpoint), the CPU code object and its kernels, the schedule of
// each entry point, the memory plan, and the weights streamed from the
// checkpoint into 64-byte-aligned segments. The checkpoint supplies only
// weight bytes. The same inputs give the same bytes.
//
//===----------------------------------------------------------------------===//

#ifndef LIQUID_ARTIFACT_ARTIFACTWRITER_H
#define LIQUID_ARTIFACT_ARTIFACTWRITER_H

#include "liquid/Import/Checkpoint.h"
#include "liquid/Target/CPU/ObjectCode.h"

#include "mlir/IR/BuiltinOps.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/raw_ostream.h"

namespace liquid {

struct ArtifactParts {
  const Checkpoint *checkpoint = nullptr;
  /// The model after Phase::LLVM: its kernels' arguments carry the binding
  /// tags (liquid.buffer, liquid.state, liquid.weight, liquid.result).
  mlir::ModuleOp module;
  CPUTarget target;
  /// The ELF shared object holding the kernels.
  std::string code;
};

/// Streams the artifact to `os` (a file: liquidc writes it to a temporary
/// and renames it). Fails when the module's entry points cannot be
/// described by the schedule format.
llvm::Error writeArtifact(const ArtifactParts &parts, llvm::raw_ostream &os);

} // namespace liquid

#endif // LIQUID_ARTIFACT_ARTIFACTWRITER_H
