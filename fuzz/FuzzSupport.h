//===- FuzzSupport.h - What the fuzz targets share --------------*- C++ -*-===//
//
// SPDX-License-Identifier: Apache-2.0
//
// Bytes as a file the readers open by path (an anonymous memory file named
// /proc/self/fd/N: nothing touches the disk), and the files the build wrote
// for the targets that need a real model (LIQUID_FUZZ_DATA, set by
// fuzz/CMakeLists.txt).
//
//===----------------------------------------------------------------------===//

#ifndef LIQUID_FUZZ_FUZZSUPPORT_H
#define LIQUID_FUZZ_FUZZSUPPORT_H

#include <cstdint>
#include <cstdlib>
#include <string>
#include <sys/mman.h>
#include <unistd.h>

namespace liquid::fuzz {

/// A memory file holding `size` bytes then `zeros` zero bytes (sparse: a
/// header can stand for a file whose data is all zeros at no cost).
class MemoryFile {
public:
  MemoryFile(const uint8_t *data, size_t size, size_t zeros = 0) {
    fd = memfd_create("liquid-fuzz", MFD_CLOEXEC);
    if (fd < 0)
      abort();
    for (size_t done = 0; done < size;) {
      ssize_t n = write(fd, data + done, size - done);
      if (n <= 0)
        abort();
      done += size_t(n);
    }
    if (zeros && ftruncate(fd, off_t(size + zeros)) != 0)
      abort();
  }
  MemoryFile(const MemoryFile &) = delete;
  MemoryFile &operator=(const MemoryFile &) = delete;
  ~MemoryFile() { close(fd); }
  /// Writes `size` bytes at `offset` over what the file holds.
  void rewrite(size_t offset, const uint8_t *data, size_t size) {
    for (size_t done = 0; done < size;) {
      ssize_t n = pwrite(fd, data + done, size - done, off_t(offset + done));
      if (n <= 0)
        abort();
      done += size_t(n);
    }
  }
  std::string path() const { return "/proc/self/fd/" + std::to_string(fd); }

private:
  int fd;
};

/// A file the build wrote into the fuzz data directory, or into
/// $LIQUID_FUZZ_DATA where set (a copy of the targets run while the build
/// tree is rebuilt, which rewrites its data directory).
inline std::string dataFile(const char *name) {
  const char *dir = getenv("LIQUID_FUZZ_DATA");
  return std::string(dir && *dir ? dir : LIQUID_FUZZ_DATA) + "/" + name;
}

} // namespace liquid::fuzz

#endif // LIQUID_FUZZ_FUZZSUPPORT_H
