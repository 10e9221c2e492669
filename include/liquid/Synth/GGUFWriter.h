//===- GGUFWriter.h - Streaming GGUF v3 writer ------------------*- C++ -*-===//
//
// SPDX-License-Identifier: Apache-2.0
//
// Writes a GGUF v3 file (layout in liquid/Import/GGUFFormat.h). Metadata
// and tensor descriptions are collected first; write() then emits the
// header, and asks a callback for each tensor's bytes in turn, so tensor
// data streams straight to the file and never has to be held in memory.
// Every tensor starts at a multiple of the alignment (general.alignment,
// which the writer adds itself).
//
//===----------------------------------------------------------------------===//

#ifndef LIQUID_SYNTH_GGUFWRITER_H
#define LIQUID_SYNTH_GGUFWRITER_H

#include "liquid/Import/GGUFFormat.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/raw_ostream.h"

#include <string>
#include <vector>

namespace liquid::synth {

class GGUFWriter {
public:
  explicit GGUFWriter(uint32_t alignment = gguf::kDefaultAlignment);

  void addUInt8(llvm::StringRef key, uint8_t v);
  void addInt8(llvm::StringRef key, int8_t v);
  void addUInt16(llvm::StringRef key, uint16_t v);
  void addInt16(llvm::StringRef key, int16_t v);
  void addUInt32(llvm::StringRef key, uint32_t v);
  void addInt32(llvm::StringRef key, int32_t v);
  void addUInt64(llvm::StringRef key, uint64_t v);
  void addInt64(llvm::StringRef key, int64_t v);
  void addFloat32(llvm::StringRef key, float v);
  void addFloat64(llvm::StringRef key, double v);
  void addBool(llvm::StringRef key, bool v);
  void addString(llvm::StringRef key, llvm::StringRef v);
  void addInt32Array(llvm::StringRef key, llvm::ArrayRef<int32_t> v);
  void addUInt32Array(llvm::StringRef key, llvm::ArrayRef<uint32_t> v);
  void addFloat32Array(llvm::StringRef key, llvm::ArrayRef<float> v);
  void addStringArray(llvm::StringRef key, llvm::ArrayRef<std::string> v);

  /// Adds general.alignment with this writer's alignment.
  void addAlignmentKey() { addUInt32("general.alignment", alignment); }

  /// Declares a tensor; `shape` is logical (outermost first) and is written
  /// reversed as ggml's ne. `bytes` is the size of its data.
  void addTensor(llvm::StringRef name, gguf::TensorType type,
                 llvm::ArrayRef<int64_t> shape, uint64_t bytes);

  /// Size of the whole file write() produces.
  uint64_t fileSize() const;
  size_t numTensors() const { return tensors.size(); }

  /// Writes the file. `produce(i, os)` must write exactly the declared
  /// bytes of tensor i; a mismatch is an error.
  llvm::Error
  write(llvm::raw_ostream &os,
        llvm::function_ref<void(size_t, llvm::raw_ostream &)> produce) const;

private:
  struct Tensor {
    std::string name;
    gguf::TensorType type;
    std::vector<int64_t> ne;
    uint64_t bytes;
    uint64_t offset; ///< Relative to the data section.
  };

  void beginKey(llvm::StringRef key, gguf::ValueType type);
  void beginArray(llvm::StringRef key, gguf::ValueType elem, uint64_t n);
  uint64_t headerSize() const;
  uint64_t padded(uint64_t n) const;

  uint32_t alignment;
  uint64_t numKV = 0;
  llvm::SmallVector<char, 0> kvBytes;
  std::vector<Tensor> tensors;
  uint64_t dataSize = 0;
};

} // namespace liquid::synth

#endif // LIQUID_SYNTH_GGUFWRITER_H
