//===- ReaderSupport.h - Helpers shared by the checkpoint readers -*- C++ -*-===//
//
// SPDX-License-Identifier: Apache-2.0
//
// Private to lib/Import: the error constructor that gives every reader
// message its "<file>: <what>: <why>" form, checked arithmetic for sizes read
// from untrusted files, and the final check of a loaded tensor table against
// the table the config implies (TensorNames.h), which the HF and GGUF readers
// share.
//
//===----------------------------------------------------------------------===//

#ifndef LIQUID_LIB_IMPORT_READERSUPPORT_H
#define LIQUID_LIB_IMPORT_READERSUPPORT_H

#include "liquid/Import/Checkpoint.h"
#include "liquid/Import/GGUFFormat.h"
#include "llvm/ADT/Twine.h"
#include "llvm/Support/JSON.h"

#include <optional>
#include <string>

namespace liquid {
struct GGUFValue;
} // namespace liquid

namespace liquid::detail {

/// Most layers a config may declare: per-layer tables are allocated from
/// this count, so a corrupt value must not reach the allocator.
constexpr int64_t kMaxLayers = 1 << 16;

/// "<file>: <message>" as an llvm::Error.
llvm::Error readerError(const llvm::Twine &file, const llvm::Twine &message);

/// "[a, b, c]".
std::string shapeString(llvm::ArrayRef<int64_t> shape);

/// The product of `dims`, or nothing if a dimension is negative or the
/// product exceeds INT64_MAX. An empty shape has one element.
std::optional<int64_t> checkedNumElements(llvm::ArrayRef<int64_t> dims);

/// Maps a whole file read-only (never copied for large files).
llvm::Expected<std::unique_ptr<llvm::MemoryBuffer>>
openFileForReading(llvm::StringRef path);

/// Largest vocabulary accepted: twice the largest published ones (262,144).
/// A session holds logits for a prefill chunk of this many columns, so a
/// corrupt or absurd value must stop at import, naming the limit.
constexpr int64_t kMaxVocab = int64_t(1) << 19;

/// Deepest nesting of arrays and objects parseJSON accepts: llvm::json
/// parses and destroys values recursively, and 50,000 levels overflow the
/// stack. Real configs, headers and tokenizers nest fewer than 10.
constexpr unsigned kMaxJSONNesting = 512;

/// Parses `text`, refusing nesting deeper than kMaxJSONNesting before
/// llvm::json sees it; errors read "<file>: <what>: ...".
llvm::Expected<llvm::json::Value> parseJSON(llvm::StringRef text,
                                            llvm::StringRef file,
                                            llvm::StringRef what);

/// Reads and parses a whole JSON file; errors read "<path>: cannot open:
/// ..." or "<path>: invalid JSON: ...".
llvm::Expected<llvm::json::Value> readJSONFile(llvm::StringRef path);

/// Checks `ckpt.tensors` against modelTensors(ckpt.config, ckpt.format):
/// every expected tensor present with the expected shape, float-only roles
/// stored as floats, nothing else present. A stored output head unties the
/// embedding first. On entry `ckpt.tensorOrder` lists the tensors in file
/// order (used to report the first unexpected one); on success it holds the
/// table's order. Missing tensors are reported against `mainFile`.
llvm::Error validateTensorTable(Checkpoint &ckpt, llvm::StringRef mainFile);

/// Bytes of a fixed-size GGUF metadata value, 0 for strings and arrays, or
/// nothing for an unknown type.
std::optional<uint64_t> ggufScalarSize(gguf::ValueType type);

/// Decodes a fixed-size little-endian GGUF scalar at `p` into `v`.
void decodeGGUFScalar(gguf::ValueType type, const uint8_t *p, GGUFValue &v);

} // namespace liquid::detail

#endif // LIQUID_LIB_IMPORT_READERSUPPORT_H
