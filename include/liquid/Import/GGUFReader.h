//===- GGUFReader.h - Parse a GGUF v3 file ----------------------*- C++ -*-===//
//
// SPDX-License-Identifier: Apache-2.0
//
// A bounds-checked reader of the GGUF container (GGUFFormat.h): every read is
// checked against the mapped file, so a truncated or corrupt file gives an
// error naming the file and the item being read, never a crash or a huge
// allocation. Metadata is kept in file order with typed getters; tensors are
// described with their logical (ne reversed) shape and absolute byte range.
// Only the tensor types Liquid handles (F32, F16, BF16, Q8_0, Q4_0, Q4_K,
// Q5_K, Q6_K) are accepted. Strings and arrays point into the mapped file.
//
//===----------------------------------------------------------------------===//

#ifndef LIQUID_IMPORT_GGUFREADER_H
#define LIQUID_IMPORT_GGUFREADER_H

#include "liquid/Import/Checkpoint.h"
#include "liquid/Import/GGUFFormat.h"

#include "llvm/ADT/StringMap.h"

#include <string>
#include <vector>

namespace liquid {

/// One metadata value. For scalars exactly one of `sint` (signed integers),
/// `uint` (unsigned integers and bool), `real` (floats) or `str` is set. For
/// arrays, `elemType` and `count` describe the elements: numbers are the
/// raw little-endian bytes at `data`, strings are in `strings`.
struct GGUFValue {
  gguf::ValueType type = gguf::ValueType::UInt8;
  int64_t sint = 0;
  uint64_t uint = 0;
  double real = 0;
  llvm::StringRef str;
  gguf::ValueType elemType = gguf::ValueType::UInt8;
  uint64_t count = 0;
  const uint8_t *data = nullptr;
  std::vector<llvm::StringRef> strings;
};

struct GGUFTensor {
  std::string name;
  DType dtype = DType::F32;
  std::vector<int64_t> ne;     ///< As stored: innermost first.
  std::vector<int64_t> shape;  ///< Logical: `ne` reversed.
  uint64_t offset = 0;         ///< Absolute byte offset in the file.
  uint64_t size = 0;           ///< Bytes.
};

class GGUFFile {
public:
  /// Maps and parses `path`.
  static llvm::Expected<std::unique_ptr<GGUFFile>> open(llvm::StringRef path);
  /// Parses a file already in memory; `path` names it in messages.
  static llvm::Expected<std::unique_ptr<GGUFFile>>
  parse(std::unique_ptr<llvm::MemoryBuffer> buffer, llvm::StringRef path);

  llvm::StringRef path() const { return filePath; }
  uint32_t version() const { return fileVersion; }
  uint64_t alignment() const { return dataAlignment; }
  /// Start of the tensor data section.
  uint64_t dataOffset() const { return dataStart; }

  /// Keys in file order.
  const std::vector<std::string> &keys() const { return keyOrder; }
  const GGUFValue *lookup(llvm::StringRef key) const;
  bool has(llvm::StringRef key) const { return lookup(key) != nullptr; }

  // Typed getters. Without a default, a missing key is an error
  // "<file>: missing key 'k'"; a value of the wrong type always is. Integer
  // getters accept any integer type whose value fits.
  llvm::Expected<uint64_t> getUInt(llvm::StringRef key) const;
  llvm::Expected<uint64_t> getUInt(llvm::StringRef key, uint64_t dflt) const;
  llvm::Expected<int64_t> getInt(llvm::StringRef key) const;
  llvm::Expected<int64_t> getInt(llvm::StringRef key, int64_t dflt) const;
  /// Accepts f32, f64 and integers.
  llvm::Expected<double> getFloat(llvm::StringRef key) const;
  llvm::Expected<double> getFloat(llvm::StringRef key, double dflt) const;
  llvm::Expected<bool> getBool(llvm::StringRef key) const;
  llvm::Expected<bool> getBool(llvm::StringRef key, bool dflt) const;
  llvm::Expected<llvm::StringRef> getString(llvm::StringRef key) const;
  /// An array of any integer type (e.g. a per-layer count).
  llvm::Expected<std::vector<int64_t>>
  getIntArray(llvm::StringRef key) const;
  llvm::Expected<std::vector<llvm::StringRef>>
  getStringArray(llvm::StringRef key) const;
  /// Number of elements of an array of any type.
  llvm::Expected<uint64_t> getArrayLength(llvm::StringRef key) const;

  /// Tensors in file order.
  const std::vector<GGUFTensor> &tensors() const { return tensorList; }
  const GGUFTensor *findTensor(llvm::StringRef name) const;

  const llvm::MemoryBuffer &buffer() const { return *fileBuffer; }
  /// Hands the mapping over (e.g. to a Checkpoint). Strings and array views
  /// stay valid as long as the new owner keeps it.
  std::unique_ptr<llvm::MemoryBuffer> takeBuffer() {
    return std::move(fileBuffer);
  }

private:
  friend class GGUFParser;
  GGUFFile() = default;
  llvm::Error typeError(llvm::StringRef key, const GGUFValue &v,
                        llvm::StringRef expected) const;

  std::string filePath;
  std::unique_ptr<llvm::MemoryBuffer> fileBuffer;
  uint32_t fileVersion = 0;
  uint64_t dataAlignment = gguf::kDefaultAlignment;
  uint64_t dataStart = 0;
  std::vector<std::string> keyOrder;
  llvm::StringMap<GGUFValue> values;
  std::vector<GGUFTensor> tensorList;
  llvm::StringMap<size_t> tensorIndex;
};

/// The ModelConfig of an lfm2 / lfm2moe file's metadata (LFM2.md §4.1,
/// §4.3). The output head is left tied and the MoE router bias is assumed
/// present exactly when the file stores exp_probs_b tensors.
llvm::Expected<ModelConfig> configFromGGUF(const GGUFFile &file);

/// "u32", "string", "array", ... for messages.
llvm::StringRef ggufValueTypeName(gguf::ValueType type);
/// "q4_K" etc. for a ggml tensor type number, or "" if unknown.
llvm::StringRef ggmlTypeName(uint32_t type);

} // namespace liquid

#endif // LIQUID_IMPORT_GGUFREADER_H
