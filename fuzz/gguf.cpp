//===- gguf.cpp - Fuzz the GGUF reader and importer -----------------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// The input is the head of a GGUF file: header, metadata, tensor infos. The
// file read is the input followed by 64 MiB of zeros, so tensor data the
// input does not hold still lies inside the file and the reader goes on to
// the config, the tensor table and the tokenizer with its chat template.
// Seeds: liquid-synth's GGUF files cut at their data (make-seeds.sh).
//
//===----------------------------------------------------------------------===//

#include "FuzzSupport.h"
#include "liquid/Import/Checkpoint.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  liquid::fuzz::MemoryFile file(data, size, size_t(64) << 20);
  auto checkpoint = liquid::readGGUFCheckpoint(file.path());
  if (!checkpoint)
    llvm::consumeError(checkpoint.takeError());
  return 0;
}
