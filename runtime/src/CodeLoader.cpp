//===- CodeLoader.cpp - memfd + dlopen of a target's code -----------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// This file implements CodeObject. The code bytes are checked to be an ELF
// shared object for this machine with every loadable segment inside them,
// go into a memfd (or, when the kernel lacks memfd_create, an unlinked
// temporary file) and are opened with RTLD_NOW | RTLD_LOCAL: every
// undefined symbol resolves at load time, and kernels of two models in one
// process never see each other.
//
//===----------------------------------------------------------------------===//

#include "CodeLoader.h"

#include "Status.h"

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <dlfcn.h>
#include <elf.h>
#include <fcntl.h>
#include <sys/syscall.h>
#include <unistd.h>

using namespace liquid::runtime;

namespace {

int createMemoryFile() {
#ifdef SYS_memfd_create
  // MFD_CLOEXEC = 1; called through syscall() so older C libraries build.
  return static_cast<int>(syscall(SYS_memfd_create, "liquid-code", 1u));
#else
  errno = ENOSYS;
  return -1;
#endif
}

bool writeAll(int fd, const void *bytes, size_t size) {
  const char *p = static_cast<const char *>(bytes);
  while (size > 0) {
    ssize_t n = write(fd, p, size);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      return false;
    p += n;
    size -= static_cast<size_t>(n);
  }
  return true;
}

/// The checks the dynamic loader trusts the file for: an ELF shared object
/// for this machine whose program headers and segments lie inside `size`
/// bytes (a cut-off object would fault inside dlopen). Empty when it passes.
const char *checkElf(const void *bytes, size_t size) {
#if defined(__x86_64__)
  const unsigned machine = EM_X86_64;
#elif defined(__aarch64__)
  const unsigned machine = EM_AARCH64;
#else
  const unsigned machine = EM_NONE;
#endif
  Elf64_Ehdr header;
  if (size < sizeof(header))
    return "not an ELF shared object: too small";
  memcpy(&header, bytes, sizeof(header));
  if (memcmp(header.e_ident, ELFMAG, SELFMAG) != 0)
    return "not an ELF shared object: no ELF magic";
  if (header.e_ident[EI_CLASS] != ELFCLASS64 ||
      header.e_ident[EI_DATA] != ELFDATA2LSB || header.e_type != ET_DYN ||
      header.e_machine != machine)
    return "not a 64-bit little-endian shared object for this machine";
  uint64_t end;
  if (header.e_phentsize != sizeof(Elf64_Phdr) ||
      __builtin_mul_overflow(uint64_t(header.e_phnum), sizeof(Elf64_Phdr),
                             &end) ||
      __builtin_add_overflow(end, header.e_phoff, &end) || end > size)
    return "the ELF program headers lie outside the code object";
  for (unsigned i = 0; i < header.e_phnum; ++i) {
    Elf64_Phdr segment;
    memcpy(&segment,
           static_cast<const char *>(bytes) + header.e_phoff +
               i * sizeof(Elf64_Phdr),
           sizeof(segment));
    if (segment.p_type != PT_LOAD && segment.p_type != PT_DYNAMIC)
      continue;
    if (__builtin_add_overflow(segment.p_offset, segment.p_filesz, &end) ||
        end > size || segment.p_filesz > segment.p_memsz)
      return "an ELF segment lies outside the code object (truncated?)";
  }
  return "";
}

} // namespace

CodeObject::~CodeObject() {
  if (handle)
    dlclose(handle);
  if (fd >= 0)
    close(fd);
}

lq_status CodeObject::load(const void *bytes, size_t size, const char *name) {
  if (const char *why = checkElf(bytes, size); *why)
    return fail(LQ_ERROR_CODE, "%s: cannot load code: %s", name, why);
  char path[4096];
  bool temporary = false;
  fd = createMemoryFile();
  if (fd >= 0) {
    snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
  } else if (errno == ENOSYS) {
    const char *dir = getenv("TMPDIR");
    snprintf(path, sizeof(path), "%s/liquid-code-XXXXXX",
             dir && *dir ? dir : "/tmp");
    fd = mkostemp(path, O_CLOEXEC);
    temporary = true;
  }
  if (fd < 0)
    return fail(LQ_ERROR_CODE, "%s: cannot load code: no memory file: %s", name,
                strerror(errno));
  if (!writeAll(fd, bytes, size)) {
    int err = errno;
    if (temporary)
      unlink(path);
    return fail(LQ_ERROR_CODE, "%s: cannot load code: writing it failed: %s",
                name, strerror(err));
  }
  dlerror();
  handle = dlopen(path, RTLD_NOW | RTLD_LOCAL);
  if (temporary)
    unlink(path);
  if (!handle) {
    const char *why = dlerror();
    return fail(LQ_ERROR_CODE, "%s: cannot load code: %s", name,
                why ? why : "dlopen failed");
  }
  return LQ_OK;
}

lq_status CodeObject::lookup(const char *symbol, const char *name,
                             void *&out) const {
  dlerror();
  out = handle ? dlsym(handle, symbol) : nullptr;
  if (!out)
    return fail(LQ_ERROR_CODE,
                "%s: cannot load code: kernel '%s' is not in the code object",
                name, symbol);
  return LQ_OK;
}
