//===- GGUFReader.cpp - Parse a GGUF v3 file ------------------------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// This file implements the GGUF container reader. A cursor over the mapped
// file checks every read against the bytes left, and every count read from
// the file is checked against what the remaining bytes could hold, key and
// tensor counts are capped, and items are appended only as they are read, so
// a corrupt count fails after a few items and never sizes an allocation.
// Tensor infos are checked for supported types, sane dimensions, alignment
// and a data range inside the file. The accessors of a parsed file are in
// GGUFMetadata.cpp.
//
//===----------------------------------------------------------------------===//

#include "liquid/Import/GGUFReader.h"

#include "ReaderSupport.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/Endian.h"
#include "llvm/Support/MathExtras.h"

#include <cstring>
#include <limits>

using namespace liquid;
using detail::readerError;
using gguf::ValueType;
using llvm::Error;
using llvm::Expected;
using llvm::StringRef;
using llvm::Twine;

/// Most metadata keys and most tensors a file may declare (far above any
/// real model's few hundred).
static constexpr uint64_t kMaxItems = uint64_t(1) << 20;

StringRef liquid::ggmlTypeName(uint32_t type) {
  static const char *const names[] = {
      "f32",    "f16",     "q4_0",    "q4_1",  "",       "",      "q5_0",
      "q5_1",   "q8_0",    "q8_1",    "q2_K",  "q3_K",   "q4_K",  "q5_K",
      "q6_K",   "q8_K",    "iq2_xxs", "iq2_xs", "iq3_xxs", "iq1_s", "iq4_nl",
      "iq3_s",  "iq2_s",   "iq4_xs",  "i8",    "i16",    "i32",   "i64",
      "f64",    "iq1_m",   "bf16",    "",      "",       "",      "tq1_0",
      "tq2_0",  "",        "",        "",      "mxfp4",  "nvfp4", "q1_0"};
  return type < std::size(names) ? names[type] : "";
}

std::optional<uint64_t> detail::ggufScalarSize(ValueType t) {
  switch (t) {
  case ValueType::UInt8:
  case ValueType::Int8:
  case ValueType::Bool:
    return 1;
  case ValueType::UInt16:
  case ValueType::Int16:
    return 2;
  case ValueType::UInt32:
  case ValueType::Int32:
  case ValueType::Float32:
    return 4;
  case ValueType::UInt64:
  case ValueType::Int64:
  case ValueType::Float64:
    return 8;
  case ValueType::String:
  case ValueType::Array:
    return 0;
  }
  return std::nullopt;
}

static std::optional<DType> dtypeOf(uint32_t ggmlType) {
  switch (static_cast<gguf::TensorType>(ggmlType)) {
  case gguf::TensorType::F32:
    return DType::F32;
  case gguf::TensorType::F16:
    return DType::F16;
  case gguf::TensorType::BF16:
    return DType::BF16;
  case gguf::TensorType::Q8_0:
    return DType::Q8_0;
  case gguf::TensorType::Q4_0:
    return DType::Q4_0;
  case gguf::TensorType::Q4_K:
    return DType::Q4_K;
  case gguf::TensorType::Q5_K:
    return DType::Q5_K;
  case gguf::TensorType::Q6_K:
    return DType::Q6_K;
  }
  return std::nullopt;
}

void detail::decodeGGUFScalar(ValueType t, const uint8_t *p, GGUFValue &v) {
  namespace endian = llvm::support::endian;
  switch (t) {
  case ValueType::UInt8:
  case ValueType::Bool:
    v.uint = p[0];
    break;
  case ValueType::Int8:
    v.sint = static_cast<int8_t>(p[0]);
    break;
  case ValueType::UInt16:
    v.uint = endian::read16le(p);
    break;
  case ValueType::Int16:
    v.sint = static_cast<int16_t>(endian::read16le(p));
    break;
  case ValueType::UInt32:
    v.uint = endian::read32le(p);
    break;
  case ValueType::Int32:
    v.sint = static_cast<int32_t>(endian::read32le(p));
    break;
  case ValueType::UInt64:
    v.uint = endian::read64le(p);
    break;
  case ValueType::Int64:
    v.sint = static_cast<int64_t>(endian::read64le(p));
    break;
  case ValueType::Float32: {
    uint32_t bits = endian::read32le(p);
    float f;
    std::memcpy(&f, &bits, sizeof(f));
    v.real = f;
    break;
  }
  case ValueType::Float64: {
    uint64_t bits = endian::read64le(p);
    std::memcpy(&v.real, &bits, sizeof(v.real));
    break;
  }
  case ValueType::String:
  case ValueType::Array:
    break;
  }
}

//===----------------------------------------------------------------------===//
// Parser
//===----------------------------------------------------------------------===//

namespace liquid {
/// Reads the file front to back; every read is bounds-checked.
class GGUFParser {
public:
  GGUFParser(GGUFFile &file)
      : f(file), base(reinterpret_cast<const uint8_t *>(
                     file.fileBuffer->getBufferStart())),
        size(file.fileBuffer->getBufferSize()) {}

  Error parse();

private:
  uint64_t left() const { return size - pos; }
  Error need(uint64_t n, const Twine &what) {
    if (n <= left())
      return Error::success();
    return readerError(f.filePath, "truncated: " + what + " at offset " +
                                       Twine(pos) + " needs " + Twine(n) +
                                       " bytes, " + Twine(left()) + " left");
  }
  Error readU32(uint32_t &out, const Twine &what) {
    if (Error err = need(4, what))
      return err;
    out = llvm::support::endian::read32le(base + pos);
    pos += 4;
    return Error::success();
  }
  Error readU64(uint64_t &out, const Twine &what) {
    if (Error err = need(8, what))
      return err;
    out = llvm::support::endian::read64le(base + pos);
    pos += 8;
    return Error::success();
  }
  Error readString(StringRef &out, const Twine &what) {
    uint64_t len = 0;
    if (Error err = readU64(len, what))
      return err;
    if (Error err = need(len, what))
      return err;
    out = StringRef(reinterpret_cast<const char *>(base + pos), len);
    pos += len;
    return Error::success();
  }
  /// Checks that `count` items of at least `minBytes` each can fit, and
  /// that there are at most `max` of them.
  Error checkCount(uint64_t count, uint64_t minBytes, const Twine &what,
                   uint64_t max = std::numeric_limits<uint64_t>::max()) {
    if (count > left() / minBytes)
      return readerError(f.filePath, "truncated: " + what + " count " +
                                         Twine(count) + " at offset " +
                                         Twine(pos) + " cannot fit in the " +
                                         Twine(left()) + " bytes left");
    if (count > max)
      return readerError(f.filePath, what + " count " + Twine(count) +
                                         " exceeds the limit of " + Twine(max));
    return Error::success();
  }
  Error parseValue(StringRef key, ValueType type, GGUFValue &v);
  Error parseTensorInfo(uint64_t index, GGUFTensor &t, uint64_t &relOffset);

  GGUFFile &f;
  const uint8_t *base;
  uint64_t size;
  uint64_t pos = 0;
};
} // namespace liquid

Error GGUFParser::parseValue(StringRef key, ValueType type, GGUFValue &v) {
  v.type = type;
  std::optional<uint64_t> width = detail::ggufScalarSize(type);
  if (!width)
    return readerError(f.filePath, "key '" + key + "': unknown value type " +
                                       Twine(static_cast<uint32_t>(type)));
  std::string what = ("value of key '" + key + "'").str();
  if (type == ValueType::String)
    return readString(v.str, what);
  if (type != ValueType::Array) {
    if (Error err = need(*width, what))
      return err;
    detail::decodeGGUFScalar(type, base + pos, v);
    pos += *width;
    return Error::success();
  }

  uint32_t elem = 0;
  if (Error err = readU32(elem, what))
    return err;
  v.elemType = static_cast<ValueType>(elem);
  std::optional<uint64_t> elemWidth = detail::ggufScalarSize(v.elemType);
  if (!elemWidth)
    return readerError(f.filePath, "key '" + key +
                                       "': unknown array element type " +
                                       Twine(elem));
  if (v.elemType == ValueType::Array)
    return readerError(f.filePath,
                       "key '" + key + "': nested arrays are not supported");
  if (Error err = readU64(v.count, what))
    return err;
  if (v.elemType == ValueType::String) {
    if (Error err = checkCount(v.count, 8, what))
      return err;
    // Appended as read: a corrupt count fails at the first bad element.
    for (uint64_t i = 0; i < v.count; ++i) {
      StringRef elem;
      if (Error err =
              readString(elem, "element " + Twine(i) + " of key '" + key + "'"))
        return err;
      v.strings.push_back(elem);
    }
    return Error::success();
  }
  if (Error err = checkCount(v.count, *elemWidth, what))
    return err;
  v.data = base + pos;
  pos += v.count * *elemWidth;
  return Error::success();
}

Error GGUFParser::parseTensorInfo(uint64_t index, GGUFTensor &t,
                                  uint64_t &relOffset) {
  std::string what = ("tensor info " + Twine(index)).str();
  StringRef name;
  if (Error err = readString(name, what))
    return err;
  t.name = name.str();
  auto bad = [&](const Twine &why) {
    return readerError(f.filePath, "tensor '" + name + "': " + why);
  };
  std::string whatNamed = ("info of tensor '" + name + "'").str();
  uint32_t nDims = 0;
  if (Error err = readU32(nDims, whatNamed))
    return err;
  if (nDims < 1 || nDims > 4)
    return bad(Twine(nDims) + " dimensions (must be 1 to 4)");
  for (uint32_t d = 0; d < nDims; ++d) {
    uint64_t ne = 0;
    if (Error err = readU64(ne, whatNamed))
      return err;
    if (ne > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()))
      return bad("dimension " + Twine(d) + " is negative");
    t.ne.push_back(static_cast<int64_t>(ne));
  }
  t.shape.assign(t.ne.rbegin(), t.ne.rend());
  uint32_t type = 0;
  if (Error err = readU32(type, whatNamed))
    return err;
  if (Error err = readU64(relOffset, whatNamed))
    return err;

  std::optional<DType> dtype = dtypeOf(type);
  if (!dtype) {
    StringRef typeName = ggmlTypeName(type);
    return bad("unsupported tensor type " + Twine(type) + " (" +
               (typeName.empty() ? StringRef("unknown") : typeName) +
               "; supported: f32, f16, bf16, q8_0, q4_0, q4_K, q5_K, q6_K)");
  }
  t.dtype = *dtype;
  std::optional<int64_t> numel = detail::checkedNumElements(t.shape);
  if (!numel)
    return bad("shape " + detail::shapeString(t.shape) + " is too large");
  int64_t block = dtypeBlockSize(t.dtype);
  if (t.ne[0] % block != 0)
    return bad("row length " + Twine(t.ne[0]) + " is not a multiple of the " +
               dtypeName(t.dtype) + " block size " + Twine(block));
  // numel / block * blockBytes <= INT64_MAX / 32 * 34: fits in uint64.
  t.size = dtypeStorageBytes(t.dtype, *numel);
  return Error::success();
}

Error GGUFParser::parse() {
  uint32_t magic = 0;
  if (Error err = readU32(magic, "magic"))
    return err;
  if (magic != gguf::kMagic)
    return readerError(f.filePath, "not a GGUF file: bad magic");
  if (Error err = readU32(f.fileVersion, "version"))
    return err;
  // v2 has the same layout as v3 (v3 only added big-endian files).
  if (f.fileVersion != 2 && f.fileVersion != 3)
    return readerError(f.filePath, "unsupported GGUF version " +
                                       Twine(f.fileVersion) +
                                       (f.fileVersion > 0xffff
                                            ? " (big-endian file?)"
                                            : " (supported: 2, 3)"));
  uint64_t tensorCount = 0, kvCount = 0;
  if (Error err = readU64(tensorCount, "tensor count"))
    return err;
  if (Error err = readU64(kvCount, "metadata count"))
    return err;
  // A key/value needs at least 12 bytes; a tensor info at least 28. Nothing
  // is reserved from either count.
  if (Error err = checkCount(kvCount, 12, "metadata", kMaxItems))
    return err;
  for (uint64_t i = 0; i < kvCount; ++i) {
    StringRef key;
    if (Error err = readString(key, "key " + Twine(i)))
      return err;
    uint32_t type = 0;
    if (Error err = readU32(type, "type of key '" + key + "'"))
      return err;
    GGUFValue value;
    if (Error err = parseValue(key, static_cast<ValueType>(type), value))
      return err;
    if (!f.values.try_emplace(key, std::move(value)).second)
      return readerError(f.filePath, "duplicate key '" + key + "'");
    f.keyOrder.push_back(key.str());
  }

  if (f.has("general.alignment")) {
    Expected<uint64_t> align = f.getUInt("general.alignment");
    if (!align)
      return align.takeError();
    if (*align == 0 || !llvm::isPowerOf2_64(*align) || *align > (1u << 30))
      return readerError(f.filePath, "key 'general.alignment': " +
                                         Twine(*align) +
                                         " is not a power of two up to 2^30");
    f.dataAlignment = *align;
  }

  if (Error err = checkCount(tensorCount, 28, "tensor info", kMaxItems))
    return err;
  std::vector<uint64_t> relOffsets;
  for (uint64_t i = 0; i < tensorCount; ++i) {
    GGUFTensor t;
    uint64_t relOffset = 0;
    if (Error err = parseTensorInfo(i, t, relOffset))
      return err;
    if (!f.tensorIndex.try_emplace(t.name, i).second)
      return readerError(f.filePath, "duplicate tensor '" + t.name + "'");
    f.tensorList.push_back(std::move(t));
    relOffsets.push_back(relOffset);
  }

  f.dataStart = llvm::alignTo(pos, f.dataAlignment);
  for (uint64_t i = 0; i < tensorCount; ++i) {
    GGUFTensor &t = f.tensorList[i];
    if (relOffsets[i] % f.dataAlignment != 0)
      return readerError(f.filePath,
                         "tensor '" + t.name + "': data offset " +
                             Twine(relOffsets[i]) +
                             " is not a multiple of the alignment " +
                             Twine(f.dataAlignment));
    uint64_t start = f.dataStart + relOffsets[i];
    if (f.dataStart > size || relOffsets[i] > size - f.dataStart ||
        t.size > size - start)
      return readerError(
          f.filePath, "tensor '" + t.name + "': data at offset " +
                          Twine(relOffsets[i]) + " + " + Twine(t.size) +
                          " bytes runs past the end of the file (" +
                          Twine(size) +
                          " bytes; truncated, or a corrupt offset)");
    t.offset = start;
  }

  // Tensors own distinct bytes: sorted by offset, each ends before the next
  // starts (llama.cpp writes them so; overlapping ranges mean a corrupt or
  // crafted file).
  std::vector<const GGUFTensor *> byOffset;
  for (const GGUFTensor &t : f.tensorList)
    if (t.size)
      byOffset.push_back(&t);
  llvm::sort(byOffset, [](const GGUFTensor *a, const GGUFTensor *b) {
    return a->offset < b->offset;
  });
  for (size_t i = 1; i < byOffset.size(); ++i)
    if (byOffset[i - 1]->offset + byOffset[i - 1]->size > byOffset[i]->offset)
      return readerError(f.filePath, "tensor '" + byOffset[i]->name +
                                         "': data overlaps tensor '" +
                                         byOffset[i - 1]->name + "'");
  return Error::success();
}

//===----------------------------------------------------------------------===//
// GGUFFile construction
//===----------------------------------------------------------------------===//

Expected<std::unique_ptr<GGUFFile>>
GGUFFile::parse(std::unique_ptr<llvm::MemoryBuffer> buffer, StringRef path) {
  std::unique_ptr<GGUFFile> file(new GGUFFile());
  file->filePath = path.str();
  file->fileBuffer = std::move(buffer);
  GGUFParser parser(*file);
  if (Error err = parser.parse())
    return std::move(err);
  return std::move(file);
}

Expected<std::unique_ptr<GGUFFile>> GGUFFile::open(StringRef path) {
  auto buffer = detail::openFileForReading(path);
  if (!buffer)
    return buffer.takeError();
  return parse(std::move(*buffer), path);
}
