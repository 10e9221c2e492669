//===- CodeLoader.h - Load a target's code object ---------------*- C++ -*-===//
//
// SPDX-License-Identifier: Apache-2.0
//
// A CPU target's code is an ELF shared object stored in the artifact. It is
// copied into an anonymous memory file (memfd_create) and opened with
// dlopen("/proc/self/fd/N"), so nothing is written to disk; only where the
// kernel has no memfd_create does it go through a temporary file, removed
// as soon as it is loaded.
//
//===----------------------------------------------------------------------===//

#ifndef LIQUID_RUNTIME_CODELOADER_H
#define LIQUID_RUNTIME_CODELOADER_H

#include "liquid/runtime.h"

#include <cstddef>

namespace liquid::runtime {

class CodeObject {
public:
  CodeObject() = default;
  CodeObject(const CodeObject &) = delete;
  CodeObject &operator=(const CodeObject &) = delete;
  /// dlclose, then closes the memory file.
  ~CodeObject();

  /// Loads `size` bytes of ELF; `name` starts any error message.
  lq_status load(const void *bytes, size_t size, const char *name);
  /// The address of `symbol` in `out`, or LQ_ERROR_CODE naming it.
  lq_status lookup(const char *symbol, const char *name, void *&out) const;

private:
  void *handle = nullptr;
  // Kept open while loaded: the loader knows the object by the path
  // "/proc/self/fd/N", which must not name another file meanwhile.
  int fd = -1;
};

} // namespace liquid::runtime

#endif // LIQUID_RUNTIME_CODELOADER_H
