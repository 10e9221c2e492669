//===- CpuFeatures.h - Does this machine run a target? ----------*- C++ -*-===//
//
// SPDX-License-Identifier: Apache-2.0
//
// The host's architecture and CPU features, in LLVM's spelling, and the
// choice of the artifact target that runs here. A target runs when its
// triple's architecture is the host's and every feature it lists ("avx2",
// "+fma", ...) is present; a feature name the runtime does not know is a
// refusal, never a guess.
//
//===----------------------------------------------------------------------===//

#ifndef LIQUID_RUNTIME_CPUFEATURES_H
#define LIQUID_RUNTIME_CPUFEATURES_H

#include "Artifact.h"

#include <string>
#include <string_view>

namespace liquid::runtime {

/// "x86_64", "aarch64", or "unknown".
const char *hostArchitecture();

/// Whether the architecture of LLVM triple `triple` is the host's.
bool tripleMatchesHost(std::string_view triple);

enum class Feature { Present, Missing, Unknown };

/// Whether the host has the CPU feature `name` (LLVM spelling, no '+').
Feature hostFeature(std::string_view name);

/// Whether `target` runs here; when not, `why` says what is missing.
bool targetRunsHere(const lqm::Target &target, std::string &why);

/// The first target of `view` that runs here, or LQ_ERROR_TARGET with a
/// message starting with `name`.
lq_status selectTarget(const ArtifactView &view, const char *name,
                       const lqm::Target *&out);

} // namespace liquid::runtime

#endif // LIQUID_RUNTIME_CPUFEATURES_H
