//===- Checkpoint.h - A loaded checkpoint: config plus mapped tensors -*- C++ -*-===//
//
// SPDX-License-Identifier: Apache-2.0
//
// A Checkpoint is what the HF and GGUF readers hand to the IR builder: the
// model config, the tensor table, the memory-mapped files the tensors live
// in, and the tokenizer. Tensors are described, never copied. Shapes are logical and
// outermost-first (PyTorch order); a GGUF tensor's `ne` is reversed on load,
// so `[out, in]` for a linear layer in both formats. Quantized tensors keep
// their logical element count: a Q8_0 `[V, H]` tensor holds V*H/32 blocks.
//
// All errors are llvm::Error values whose message reads
// "<file>: <what>: <why>", ready for "tool: error: " in front.
//
//===----------------------------------------------------------------------===//

#ifndef LIQUID_IMPORT_CHECKPOINT_H
#define LIQUID_IMPORT_CHECKPOINT_H

#include "liquid/Import/ModelConfig.h"
#include "liquid/Import/Tokenizer.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/MemoryBuffer.h"

#include <memory>
#include <string>
#include <vector>

namespace liquid {

/// Storage type of a tensor in a checkpoint. Values are ours, not GGUF's.
enum class DType { F32, F16, BF16, Q8_0, Q4_0, Q4_K, Q5_K, Q6_K };

/// "f32", "f16", "bf16", "q8_0", "q4_0", "q4_K", "q5_K", "q6_K" (ggml's
/// names).
llvm::StringRef dtypeName(DType t);
/// Elements per quantization block (1 for float types).
int64_t dtypeBlockSize(DType t);
/// Bytes per block (per element for float types).
int64_t dtypeBlockBytes(DType t);
/// Bytes that `numElements` elements occupy; the count must be a multiple of
/// the block size.
uint64_t dtypeStorageBytes(DType t, int64_t numElements);

/// Where one tensor's bytes are: a contiguous run of one mapped file.
struct TensorSegment {
  unsigned file = 0;       ///< Index into Checkpoint::files.
  uint64_t offset = 0;     ///< Byte offset inside that file.
  uint64_t size = 0;       ///< Bytes.
};

struct TensorInfo {
  std::string name;
  DType dtype = DType::F32;
  std::vector<int64_t> shape;   ///< Logical, outermost first.
  /// Usually one segment. Virtual tensors assembled by a reader (the HF
  /// per-expert weights stacked into [E, ...]) have one segment per part, in
  /// order; their bytes concatenated are the tensor.
  std::vector<TensorSegment> segments;

  int64_t numElements() const;
};

enum class CheckpointFormat { HF, GGUF };

class Checkpoint {
public:
  CheckpointFormat format = CheckpointFormat::HF;
  std::string path;                 ///< The directory or .gguf file given.
  ModelConfig config;
  std::vector<std::string> fileNames;                       ///< Per file index.
  std::vector<std::unique_ptr<llvm::MemoryBuffer>> files;   ///< mmapped.
  llvm::StringMap<TensorInfo> tensors;
  /// Names in modelTensors() order: embedding, layer by layer, final norm,
  /// output head (deterministic iteration).
  std::vector<std::string> tensorOrder;
  /// The tokenizer and chat settings, when the checkpoint has them.
  std::optional<Tokenizer> tokenizer;

  const TensorInfo *lookup(llvm::StringRef name) const {
    auto it = tensors.find(name);
    return it == tensors.end() ? nullptr : &it->second;
  }
  /// The bytes of a single-segment tensor.
  llvm::ArrayRef<uint8_t> bytes(const TensorSegment &s) const;
};

/// Reads a Hugging Face directory (config.json + model.safetensors or the
/// sharded model.safetensors.index.json form).
llvm::Expected<std::unique_ptr<Checkpoint>> readHFCheckpoint(llvm::StringRef dir);
/// Reads a GGUF v3 file with architecture lfm2 or lfm2moe.
llvm::Expected<std::unique_ptr<Checkpoint>> readGGUFCheckpoint(llvm::StringRef file);
/// Dispatches on the path: a directory is HF, a file is GGUF (by magic).
llvm::Expected<std::unique_ptr<Checkpoint>> readCheckpoint(llvm::StringRef path);

} // namespace liquid

#endif // LIQUID_IMPORT_CHECKPOINT_H
