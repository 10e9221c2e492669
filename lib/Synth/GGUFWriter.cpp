//===- GGUFWriter.cpp - Streaming GGUF v3 writer --------------------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// Metadata is serialized as it is added; tensor offsets are assigned as
// tensors are declared. write() emits magic, version, counts, metadata,
// tensor infos, padding to the alignment, then each tensor's data followed
// by padding to the alignment (as gguf-py does, including after the last).
//
//===----------------------------------------------------------------------===//

#include "liquid/Synth/GGUFWriter.h"

#include "llvm/Support/EndianStream.h"

using namespace liquid;
using namespace liquid::synth;
using llvm::StringRef;

namespace {
/// Appends little-endian values to a byte vector.
class Out {
public:
  explicit Out(llvm::SmallVectorImpl<char> &buf) : os(buf) {}
  template <typename T> void put(T v) {
    llvm::support::endian::write<T>(os, v, llvm::endianness::little);
  }
  void str(StringRef s) {
    put<uint64_t>(s.size());
    os << s;
  }

private:
  llvm::raw_svector_ostream os;
};
} // namespace

GGUFWriter::GGUFWriter(uint32_t alignment) : alignment(alignment) {}

uint64_t GGUFWriter::padded(uint64_t n) const {
  return (n + alignment - 1) / alignment * alignment;
}

void GGUFWriter::beginKey(StringRef key, gguf::ValueType type) {
  ++numKV;
  Out out(kvBytes);
  out.str(key);
  out.put<uint32_t>(static_cast<uint32_t>(type));
}

void GGUFWriter::beginArray(StringRef key, gguf::ValueType elem, uint64_t n) {
  beginKey(key, gguf::ValueType::Array);
  Out out(kvBytes);
  out.put<uint32_t>(static_cast<uint32_t>(elem));
  out.put<uint64_t>(n);
}

#define LIQUID_GGUF_SCALAR(NAME, CTYPE, VTYPE)                                 \
  void GGUFWriter::NAME(StringRef key, CTYPE v) {                              \
    beginKey(key, gguf::ValueType::VTYPE);                                     \
    Out(kvBytes).put<CTYPE>(v);                                                \
  }
LIQUID_GGUF_SCALAR(addUInt8, uint8_t, UInt8)
LIQUID_GGUF_SCALAR(addInt8, int8_t, Int8)
LIQUID_GGUF_SCALAR(addUInt16, uint16_t, UInt16)
LIQUID_GGUF_SCALAR(addInt16, int16_t, Int16)
LIQUID_GGUF_SCALAR(addUInt32, uint32_t, UInt32)
LIQUID_GGUF_SCALAR(addInt32, int32_t, Int32)
LIQUID_GGUF_SCALAR(addUInt64, uint64_t, UInt64)
LIQUID_GGUF_SCALAR(addInt64, int64_t, Int64)
LIQUID_GGUF_SCALAR(addFloat32, float, Float32)
LIQUID_GGUF_SCALAR(addFloat64, double, Float64)
#undef LIQUID_GGUF_SCALAR

void GGUFWriter::addBool(StringRef key, bool v) {
  beginKey(key, gguf::ValueType::Bool);
  Out(kvBytes).put<uint8_t>(v ? 1 : 0);
}

void GGUFWriter::addString(StringRef key, StringRef v) {
  beginKey(key, gguf::ValueType::String);
  Out(kvBytes).str(v);
}

void GGUFWriter::addInt32Array(StringRef key, llvm::ArrayRef<int32_t> v) {
  beginArray(key, gguf::ValueType::Int32, v.size());
  Out out(kvBytes);
  for (int32_t x : v)
    out.put<int32_t>(x);
}

void GGUFWriter::addUInt32Array(StringRef key, llvm::ArrayRef<uint32_t> v) {
  beginArray(key, gguf::ValueType::UInt32, v.size());
  Out out(kvBytes);
  for (uint32_t x : v)
    out.put<uint32_t>(x);
}

void GGUFWriter::addFloat32Array(StringRef key, llvm::ArrayRef<float> v) {
  beginArray(key, gguf::ValueType::Float32, v.size());
  Out out(kvBytes);
  for (float x : v)
    out.put<float>(x);
}

void GGUFWriter::addStringArray(StringRef key,
                                llvm::ArrayRef<std::string> v) {
  beginArray(key, gguf::ValueType::String, v.size());
  Out out(kvBytes);
  for (const std::string &s : v)
    out.str(s);
}

void GGUFWriter::addTensor(StringRef name, gguf::TensorType type,
                           llvm::ArrayRef<int64_t> shape, uint64_t bytes) {
  Tensor t{name.str(), type, std::vector<int64_t>(shape.rbegin(), shape.rend()),
           bytes, dataSize};
  dataSize = padded(dataSize + bytes);
  tensors.push_back(std::move(t));
}

uint64_t GGUFWriter::headerSize() const {
  uint64_t n = 4 + 4 + 8 + 8 + kvBytes.size();
  for (const Tensor &t : tensors)
    n += 8 + t.name.size() + 4 + 8 * t.ne.size() + 4 + 8;
  return padded(n);
}

uint64_t GGUFWriter::fileSize() const { return headerSize() + dataSize; }

llvm::Error GGUFWriter::write(
    llvm::raw_ostream &os,
    llvm::function_ref<void(size_t, llvm::raw_ostream &)> produce) const {
  llvm::SmallVector<char, 0> head;
  {
    Out out(head);
    out.put<uint32_t>(gguf::kMagic);
    out.put<uint32_t>(gguf::kVersion);
    out.put<uint64_t>(tensors.size());
    out.put<uint64_t>(numKV);
  }
  head.append(kvBytes.begin(), kvBytes.end());
  {
    Out out(head);
    for (const Tensor &t : tensors) {
      out.str(t.name);
      out.put<uint32_t>(static_cast<uint32_t>(t.ne.size()));
      for (int64_t d : t.ne)
        out.put<uint64_t>(static_cast<uint64_t>(d));
      out.put<uint32_t>(static_cast<uint32_t>(t.type));
      out.put<uint64_t>(t.offset);
    }
  }
  head.resize(headerSize(), 0);
  os.write(head.data(), head.size());

  static const char zeros[64] = {};
  uint64_t pos = 0; // Within the data section.
  for (size_t i = 0; i < tensors.size(); ++i) {
    const Tensor &t = tensors[i];
    uint64_t start = os.tell();
    produce(i, os);
    uint64_t written = os.tell() - start;
    if (written != t.bytes)
      return llvm::createStringError(
          "tensor " + t.name + ": produced " + std::to_string(written) +
          " bytes, expected " + std::to_string(t.bytes));
    pos += t.bytes;
    uint64_t pad = padded(pos) - pos;
    while (pad > 0) {
      uint64_t n = std::min<uint64_t>(pad, sizeof(zeros));
      os.write(zeros, n);
      pad -= n;
    }
    pos = padded(pos);
  }
  return llvm::Error::success();
}
