//===- KernelCheck.h - The schedule against what the code touches -*- C++ -*-===//
//
// SPDX-License-Identifier: Apache-2.0
//
// The artifact table says what each dispatch binds; the code says what each
// kernel touches (its `<symbol>_signature`, format.h). Before a session can
// run anything, every dispatch is checked against its kernel's signature, so
// a table damaged in ways the structural checks cannot see (a state buffer
// that shrank, a workgroup count that grew, a dispatch pointed at another
// kernel) is refused with a message instead of running past a buffer.
//
//===----------------------------------------------------------------------===//

#ifndef LIQUID_RUNTIME_KERNELCHECK_H
#define LIQUID_RUNTIME_KERNELCHECK_H

#include "Artifact.h"
#include "CodeLoader.h"
#include "ThreadPool.h"

#include <vector>

namespace liquid::runtime {

/// Resolves the kernels of `target` in `code` into `kernels` (Target.kernels
/// order) and checks every dispatch of every entry point of `view` against
/// its kernel's signature; `name` starts each message.
lq_status loadKernels(const ArtifactView &view, const lqm::Target &target,
                      const CodeObject &code, const char *name,
                      std::vector<KernelFn> &kernels);

} // namespace liquid::runtime

#endif // LIQUID_RUNTIME_KERNELCHECK_H
