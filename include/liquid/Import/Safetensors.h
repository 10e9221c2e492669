//===- Safetensors.h - Parse one .safetensors file --------------*- C++ -*-===//
//
// SPDX-License-Identifier: Apache-2.0
//
// A .safetensors file is a little-endian u64 header length, a JSON header
// {name: {"dtype", "shape", "data_offsets": [begin, end]}, "__metadata__":
// {string: string}}, then the data section the offsets are relative to. The
// reader maps the file, checks every entry (known float dtype, offsets inside
// the data section, size = elements x element size) and describes each
// tensor by its absolute byte range; nothing is copied.
//
//===----------------------------------------------------------------------===//

#ifndef LIQUID_IMPORT_SAFETENSORS_H
#define LIQUID_IMPORT_SAFETENSORS_H

#include "liquid/Import/Checkpoint.h"

#include <map>
#include <string>
#include <vector>

namespace liquid {

struct SafetensorsTensor {
  std::string name;
  DType dtype = DType::F32;     ///< F32, F16 or BF16.
  std::vector<int64_t> shape;   ///< Outermost first; [] is a scalar.
  uint64_t offset = 0;          ///< Absolute byte offset in the file.
  uint64_t size = 0;            ///< Bytes.
};

struct SafetensorsFile {
  std::string path;
  std::unique_ptr<llvm::MemoryBuffer> buffer;   ///< The mapped file.
  std::vector<SafetensorsTensor> tensors;       ///< By data offset.
  std::map<std::string, std::string> metadata;  ///< "__metadata__".
};

/// Maps and parses `path`.
llvm::Expected<SafetensorsFile> readSafetensors(llvm::StringRef path);

/// Parses a file already in memory; `path` names it in messages.
llvm::Expected<SafetensorsFile>
parseSafetensors(std::unique_ptr<llvm::MemoryBuffer> buffer,
                 llvm::StringRef path);

} // namespace liquid

#endif // LIQUID_IMPORT_SAFETENSORS_H
