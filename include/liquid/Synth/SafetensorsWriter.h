//===- SafetensorsWriter.h - Streaming safetensors writer -------*- C++ -*-===//
//
// SPDX-License-Identifier: Apache-2.0
//
// Writes one .safetensors file: a little-endian u64 header length, the JSON
// header ({"__metadata__": {...}, name: {dtype, shape, data_offsets}}, in
// the order tensors were added, padded with spaces to a multiple of 8), then
// the tensors' bytes back to back in the same order. As with GGUFWriter the
// data comes from a callback per tensor, so nothing large is held in memory.
//
//===----------------------------------------------------------------------===//

#ifndef LIQUID_SYNTH_SAFETENSORSWRITER_H
#define LIQUID_SYNTH_SAFETENSORSWRITER_H

#include "liquid/Import/Checkpoint.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/raw_ostream.h"

#include <string>
#include <utility>
#include <vector>

namespace liquid::synth {

class SafetensorsWriter {
public:
  /// A string entry of "__metadata__".
  void addMetadata(llvm::StringRef key, llvm::StringRef value);
  /// Declares a tensor of float type `dtype` (F32, F16 or BF16).
  void addTensor(llvm::StringRef name, DType dtype,
                 llvm::ArrayRef<int64_t> shape);

  uint64_t dataSize() const { return size; }
  uint64_t fileSize() const;
  size_t numTensors() const { return tensors.size(); }

  /// Writes the file; `produce(i, os)` must write exactly tensor i's bytes.
  llvm::Error
  write(llvm::raw_ostream &os,
        llvm::function_ref<void(size_t, llvm::raw_ostream &)> produce) const;

private:
  struct Tensor {
    std::string name;
    DType dtype;
    std::vector<int64_t> shape;
    uint64_t begin, end;
  };
  std::string header() const;

  std::vector<std::pair<std::string, std::string>> metadata;
  std::vector<Tensor> tensors;
  uint64_t size = 0;
};

/// "F32", "F16", "BF16": the safetensors name of a float dtype.
llvm::StringRef safetensorsDType(DType t);

} // namespace liquid::synth

#endif // LIQUID_SYNTH_SAFETENSORSWRITER_H
