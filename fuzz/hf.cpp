//===- hf.cpp - Fuzz the Hugging Face checkpoint reader -------------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// A directory of liquid-synth's sharded tiny checkpoint in which the input
// replaces one file: its first byte picks config.json, the first shard's
// safetensors (the input is its head; 64 MiB of zeros follow as data), the
// shard index, tokenizer.json or tokenizer_config.json. The other files are
// links to the build's copies. readHFCheckpoint reads them all.
//
//===----------------------------------------------------------------------===//

#include "FuzzSupport.h"
#include "liquid/Import/Checkpoint.h"

#include <cstdio>
#include <fcntl.h>
#include <sys/stat.h>

namespace {

const char *const kFiles[] = {
    "config.json", "model-00001-of-00002.safetensors",
    "model.safetensors.index.json", "tokenizer.json", "tokenizer_config.json",
    "model-00002-of-00002.safetensors"};
constexpr int kReplaceable = 5;

/// A directory under /dev/shm (else TMPDIR) of links to the seed checkpoint.
std::string makeDirectory() {
  const char *base = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : getenv("TMPDIR");
  std::string dir = std::string(base ? base : "/tmp") + "/liquid-fuzz-hf-XXXXXX";
  if (!mkdtemp(dir.data()))
    abort();
  for (const char *name : kFiles) {
    std::string seed = liquid::fuzz::dataFile("hf") + "/" + name;
    if (symlink(seed.c_str(), (dir + "/" + name).c_str()) != 0)
      abort();
  }
  return dir;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static const std::string dir = makeDirectory();
  if (size < 1)
    return 0;
  int which = data[0] % kReplaceable;
  std::string path = dir + "/" + kFiles[which];
  std::string seed = liquid::fuzz::dataFile("hf") + "/" + kFiles[which];
  unlink(path.c_str());
  int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0 || write(fd, data + 1, size - 1) != ssize_t(size - 1))
    abort();
  if (which == 1 && ftruncate(fd, off_t(size - 1 + (size_t(64) << 20))) != 0)
    abort();
  close(fd);
  auto checkpoint = liquid::readHFCheckpoint(dir);
  if (!checkpoint)
    llvm::consumeError(checkpoint.takeError());
  unlink(path.c_str());
  if (symlink(seed.c_str(), path.c_str()) != 0)
    abort();
  return 0;
}
