//===- Checkpoint.cpp - A loaded checkpoint: config plus mapped tensors ---===//
//
// SPDX-License-Identifier: Apache-2.0
//
// This file implements the storage-type table, the Checkpoint accessors, the
// format dispatch of readCheckpoint (which reads only a file's first 4 bytes
// to tell GGUF from anything else), and the helpers the HF and GGUF readers
// share (ReaderSupport.h): error construction, checked element counts, file
// mapping and the final validation of a tensor table against the config.
//
//===----------------------------------------------------------------------===//

#include "liquid/Import/Checkpoint.h"

#include "ReaderSupport.h"
#include "liquid/Import/GGUFFormat.h"
#include "liquid/Import/TensorNames.h"
#include "liquid/Support/OutputFile.h"

#include "llvm/ADT/StringSet.h"
#include "llvm/Support/Endian.h"
#include "llvm/Support/ErrorHandling.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

#include <cerrno>
#include <cstring>
#include <limits>
#include <unistd.h>

using namespace liquid;
using llvm::Error;
using llvm::Expected;
using llvm::StringRef;
using llvm::Twine;

//===----------------------------------------------------------------------===//
// Storage types
//===----------------------------------------------------------------------===//

StringRef liquid::dtypeName(DType t) {
  switch (t) {
  case DType::F32:
    return "f32";
  case DType::F16:
    return "f16";
  case DType::BF16:
    return "bf16";
  case DType::Q8_0:
    return "q8_0";
  case DType::Q4_0:
    return "q4_0";
  case DType::Q4_K:
    return "q4_K";
  case DType::Q5_K:
    return "q5_K";
  case DType::Q6_K:
    return "q6_K";
  }
  llvm_unreachable("unknown dtype");
}

int64_t liquid::dtypeBlockSize(DType t) {
  switch (t) {
  case DType::F32:
  case DType::F16:
  case DType::BF16:
    return 1;
  case DType::Q8_0:
  case DType::Q4_0:
    return gguf::kQBlock;
  case DType::Q4_K:
  case DType::Q5_K:
  case DType::Q6_K:
    return gguf::kKBlock;
  }
  llvm_unreachable("unknown dtype");
}

int64_t liquid::dtypeBlockBytes(DType t) {
  switch (t) {
  case DType::F32:
    return 4;
  case DType::F16:
  case DType::BF16:
    return 2;
  case DType::Q8_0:
    return gguf::kQ8_0Bytes;
  case DType::Q4_0:
    return gguf::kQ4_0Bytes;
  case DType::Q4_K:
    return gguf::kQ4_KBytes;
  case DType::Q5_K:
    return gguf::kQ5_KBytes;
  case DType::Q6_K:
    return gguf::kQ6_KBytes;
  }
  llvm_unreachable("unknown dtype");
}

uint64_t liquid::dtypeStorageBytes(DType t, int64_t numElements) {
  assert(numElements >= 0 && numElements % dtypeBlockSize(t) == 0 &&
         "element count must be a whole number of blocks");
  return static_cast<uint64_t>(numElements / dtypeBlockSize(t)) *
         static_cast<uint64_t>(dtypeBlockBytes(t));
}

int64_t TensorInfo::numElements() const {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  return n;
}

llvm::ArrayRef<uint8_t> Checkpoint::bytes(const TensorSegment &s) const {
  assert(s.file < files.size() && "segment names no file");
  const llvm::MemoryBuffer &buffer = *files[s.file];
  assert(s.offset <= buffer.getBufferSize() &&
         s.size <= buffer.getBufferSize() - s.offset &&
         "segment outside its file");
  const auto *start =
      reinterpret_cast<const uint8_t *>(buffer.getBufferStart());
  return llvm::ArrayRef<uint8_t>(start + s.offset, s.size);
}

//===----------------------------------------------------------------------===//
// Reader support
//===----------------------------------------------------------------------===//

Error detail::readerError(const Twine &file, const Twine &message) {
  return llvm::createStringError(file + ": " + message);
}

std::string detail::shapeString(llvm::ArrayRef<int64_t> shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i) {
    if (i)
      s += ", ";
    s += std::to_string(shape[i]);
  }
  return s + "]";
}

std::optional<int64_t>
detail::checkedNumElements(llvm::ArrayRef<int64_t> dims) {
  int64_t n = 1;
  for (int64_t d : dims) {
    if (d < 0)
      return std::nullopt;
    if (d != 0 && n > std::numeric_limits<int64_t>::max() / d)
      return std::nullopt;
    n *= d;
  }
  return n;
}

Expected<std::unique_ptr<llvm::MemoryBuffer>>
detail::openFileForReading(StringRef path) {
  // A FIFO is refused, not waited on: opened non-blocking, checked regular.
  std::string error;
  int fd = openRegularFile(path.str(), error);
  if (fd < 0)
    return llvm::createStringError(error);
  // A size of -1: the buffer takes it from the descriptor, as getFile does.
  auto buffer = llvm::MemoryBuffer::getOpenFile(
      llvm::sys::fs::convertFDToNativeFile(fd), path, uint64_t(-1),
      /*RequiresNullTerminator=*/false, /*IsVolatile=*/false);
  ::close(fd);
  if (!buffer)
    return readerError(path, "cannot read: " + buffer.getError().message());
  return std::move(*buffer);
}

Expected<llvm::json::Value> detail::parseJSON(StringRef text, StringRef file,
                                              StringRef what) {
  // Brackets outside strings, which may hold escaped quotes.
  unsigned depth = 0;
  bool inString = false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (inString) {
      if (c == '\\')
        ++i;
      else if (c == '"')
        inString = false;
    } else if (c == '"') {
      inString = true;
    } else if (c == '[' || c == '{') {
      if (++depth > kMaxJSONNesting)
        return readerError(file, what + ": arrays and objects nest deeper "
                                        "than " +
                                     llvm::Twine(kMaxJSONNesting) +
                                     " levels at byte " + llvm::Twine(i));
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  Expected<llvm::json::Value> root = llvm::json::parse(text);
  if (!root)
    return readerError(file, what + ": " + llvm::toString(root.takeError()));
  return root;
}

Expected<llvm::json::Value> detail::readJSONFile(StringRef path) {
  auto buffer = openFileForReading(path);
  if (!buffer)
    return buffer.takeError();
  return parseJSON((*buffer)->getBuffer(), path, "invalid JSON");
}

Error detail::validateTensorTable(Checkpoint &ckpt, StringRef mainFile) {
  auto fileOf = [&](const TensorInfo &t) -> StringRef {
    if (t.segments.empty() || t.segments.front().file >= ckpt.fileNames.size())
      return mainFile;
    return ckpt.fileNames[t.segments.front().file];
  };
  // LFM2.md §0: tied unless the checkpoint stores the output head.
  if (ckpt.tensors.count(tensorName(ckpt.format, TensorRole::Output)))
    ckpt.config.tiedEmbeddings = false;

  std::vector<TensorSpec> specs = modelTensors(ckpt.config, ckpt.format);
  llvm::StringSet<> expected;
  for (const TensorSpec &spec : specs) {
    expected.insert(spec.name);
    const TensorInfo *t = ckpt.lookup(spec.name);
    if (!t)
      return readerError(mainFile, "missing tensor '" + spec.name + "'");
    if (t->shape != spec.shape)
      return readerError(fileOf(*t), "tensor '" + spec.name + "': shape " +
                                         shapeString(t->shape) +
                                         " does not match the config's " +
                                         shapeString(spec.shape));
    if (isFloatOnlyRole(spec.role) && dtypeBlockSize(t->dtype) != 1)
      return readerError(fileOf(*t),
                         "tensor '" + spec.name + "': storage type " +
                             dtypeName(t->dtype) +
                             " is not supported for this tensor (it must be "
                             "f32, f16 or bf16)");
  }
  for (const std::string &name : ckpt.tensorOrder)
    if (!expected.count(name)) {
      const TensorInfo *t = ckpt.lookup(name);
      return readerError(t ? fileOf(*t) : mainFile,
                         "unexpected tensor '" + name + "'");
    }
  // Anything in the map but not in the file order is a reader bug; still,
  // never leave an unchecked tensor behind.
  for (const auto &entry : ckpt.tensors)
    if (!expected.count(entry.getKey()))
      return readerError(mainFile,
                         "unexpected tensor '" + entry.getKey() + "'");

  ckpt.tensorOrder.clear();
  for (const TensorSpec &spec : specs)
    ckpt.tensorOrder.push_back(spec.name);
  return Error::success();
}

//===----------------------------------------------------------------------===//
// Format dispatch
//===----------------------------------------------------------------------===//

Expected<std::unique_ptr<Checkpoint>> liquid::readCheckpoint(StringRef path) {
  llvm::sys::fs::file_status status;
  if (std::error_code ec = llvm::sys::fs::status(path, status))
    return detail::readerError(path, "cannot open: " + ec.message());
  if (llvm::sys::fs::is_directory(status))
    return readHFCheckpoint(path);

  // Sniff the magic from the first 4 bytes only; the GGUF reader maps the
  // file itself. A FIFO or a device is refused here, not waited on.
  std::string error;
  int fd = openRegularFile(path.str(), error);
  if (fd < 0)
    return llvm::createStringError(error);
  char magic[4];
  size_t got = 0;
  while (got < sizeof(magic)) {
    ssize_t n = ::read(fd, magic + got, sizeof(magic) - got);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0) {
      int err = errno;
      ::close(fd);
      return detail::readerError(path, Twine("cannot read: ") + strerror(err));
    }
    if (n == 0)
      break;
    got += size_t(n);
  }
  ::close(fd);
  if (got == sizeof(magic) &&
      llvm::support::endian::read32le(magic) == gguf::kMagic)
    return readGGUFCheckpoint(path);

  StringRef hint = "expected a GGUF file or a Hugging Face directory";
  StringRef ext = llvm::sys::path::extension(path);
  if (ext == ".safetensors" || ext == ".json")
    hint = "give the Hugging Face directory that holds it, not the file";
  else if (ext == ".gguf")
    hint = "the file does not start with the GGUF magic";
  return detail::readerError(path, "not a checkpoint: " + hint);
}
