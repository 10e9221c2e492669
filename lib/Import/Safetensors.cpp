//===- Safetensors.cpp - Parse one .safetensors file ----------------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// This file implements the safetensors reader: it bounds-checks the header
// length (at most 100 MB, the format's own limit), parses the JSON header
// with llvm::json, and validates each entry's dtype, shape (element and byte
// counts must not overflow) and data offsets against the mapped file before
// describing the tensor. Any inconsistency is an error naming the file and
// the tensor.
//
//===----------------------------------------------------------------------===//

#include "liquid/Import/Safetensors.h"

#include "ReaderSupport.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/Endian.h"
#include "llvm/Support/JSON.h"

#include <limits>

using namespace liquid;
using detail::readerError;
using llvm::Error;
using llvm::Expected;
using llvm::StringRef;

namespace json = llvm::json;

/// The safetensors format caps the JSON header at 100 MB (MAX_HEADER_SIZE).
static constexpr uint64_t kMaxHeaderBytes = 100'000'000;

/// The storage type and element size of a safetensors dtype string.
static std::optional<std::pair<DType, uint64_t>> parseDType(StringRef s) {
  if (s == "F32")
    return std::make_pair(DType::F32, uint64_t(4));
  if (s == "F16")
    return std::make_pair(DType::F16, uint64_t(2));
  if (s == "BF16")
    return std::make_pair(DType::BF16, uint64_t(2));
  return std::nullopt;
}

/// Parses one header entry into `t` (offsets still relative to the data
/// section, which is `dataSize` bytes long).
static Error parseEntry(StringRef path, StringRef name, const json::Value &v,
                        uint64_t dataSize, SafetensorsTensor &t) {
  auto bad = [&](const llvm::Twine &why) {
    return readerError(path, "tensor '" + name + "': " + why);
  };
  const json::Object *obj = v.getAsObject();
  if (!obj)
    return bad("header entry is not an object");
  t.name = name.str();

  std::optional<StringRef> dtypeStr = obj->getString("dtype");
  if (!dtypeStr)
    return bad("missing or non-string 'dtype'");
  auto dtype = parseDType(*dtypeStr);
  if (!dtype)
    return bad("unsupported dtype '" + *dtypeStr +
               "' (supported: F32, F16, BF16)");
  t.dtype = dtype->first;

  const json::Array *shape = obj->getArray("shape");
  if (!shape)
    return bad("missing or non-array 'shape'");
  for (const json::Value &d : *shape) {
    std::optional<int64_t> dim = d.getAsInteger();
    if (!dim || *dim < 0)
      return bad("'shape' entries must be non-negative integers");
    t.shape.push_back(*dim);
  }
  std::optional<int64_t> numel = detail::checkedNumElements(t.shape);
  if (!numel)
    return bad("shape " + detail::shapeString(t.shape) + " is too large");

  const json::Array *offsets = obj->getArray("data_offsets");
  if (!offsets || offsets->size() != 2)
    return bad("'data_offsets' must be an array [begin, end]");
  std::optional<uint64_t> begin = (*offsets)[0].getAsUINT64();
  std::optional<uint64_t> end = (*offsets)[1].getAsUINT64();
  if (!begin || !end)
    return bad("'data_offsets' must be non-negative integers");
  if (*begin > *end || *end > dataSize)
    return bad("data_offsets [" + llvm::Twine(*begin) + ", " +
               llvm::Twine(*end) + "] lie outside the data section (" +
               llvm::Twine(dataSize) + " bytes; file truncated?)");
  if (static_cast<uint64_t>(*numel) >
      std::numeric_limits<uint64_t>::max() / dtype->second)
    return bad("shape " + detail::shapeString(t.shape) + " of " + *dtypeStr +
               " needs more than 2^64 bytes");
  uint64_t expectedBytes = static_cast<uint64_t>(*numel) * dtype->second;
  if (*end - *begin != expectedBytes)
    return bad("data_offsets [" + llvm::Twine(*begin) + ", " +
               llvm::Twine(*end) + "] hold " + llvm::Twine(*end - *begin) +
               " bytes, but " + *dtypeStr + " " +
               detail::shapeString(t.shape) + " needs " +
               llvm::Twine(expectedBytes));
  t.offset = *begin;
  t.size = expectedBytes;
  return Error::success();
}

Expected<SafetensorsFile>
liquid::parseSafetensors(std::unique_ptr<llvm::MemoryBuffer> buffer,
                         StringRef path) {
  SafetensorsFile file;
  file.path = path.str();
  StringRef data = buffer->getBuffer();
  if (data.size() < 8)
    return readerError(path, "truncated: the file has " +
                                 llvm::Twine(data.size()) +
                                 " bytes, less than the 8-byte header length");
  uint64_t headerLen = llvm::support::endian::read64le(data.data());
  if (headerLen > kMaxHeaderBytes)
    return readerError(path, "header length " + llvm::Twine(headerLen) +
                                 " exceeds the format's limit of " +
                                 llvm::Twine(kMaxHeaderBytes) +
                                 " bytes (not a safetensors file?)");
  if (headerLen > data.size() - 8)
    return readerError(path, "truncated: header length " +
                                 llvm::Twine(headerLen) + " exceeds the " +
                                 llvm::Twine(data.size() - 8) +
                                 " bytes after it (not a safetensors file?)");
  uint64_t dataStart = 8 + headerLen;
  uint64_t dataSize = data.size() - dataStart;

  Expected<json::Value> header =
      detail::parseJSON(data.substr(8, headerLen), path, "invalid JSON header");
  if (!header)
    return header.takeError();
  const json::Object *root = header->getAsObject();
  if (!root)
    return readerError(path, "invalid header: not a JSON object");

  for (const auto &kv : *root) {
    StringRef name = kv.first;
    if (name == "__metadata__") {
      const json::Object *meta = kv.second.getAsObject();
      if (!meta)
        return readerError(path, "'__metadata__' is not an object");
      for (const auto &m : *meta) {
        std::optional<StringRef> value = m.second.getAsString();
        if (!value)
          return readerError(path, "'__metadata__' entry '" + m.first.str() +
                                       "' is not a string");
        file.metadata[m.first.str()] = value->str();
      }
      continue;
    }
    SafetensorsTensor t;
    if (Error err = parseEntry(path, name, kv.second, dataSize, t))
      return std::move(err);
    t.offset += dataStart;
    file.tensors.push_back(std::move(t));
  }
  // json::Object does not keep the header's order; the data order does.
  llvm::sort(file.tensors,
             [](const SafetensorsTensor &a, const SafetensorsTensor &b) {
               return std::tie(a.offset, a.name) < std::tie(b.offset, b.name);
             });
  file.buffer = std::move(buffer);
  return std::move(file);
}

Expected<SafetensorsFile> liquid::readSafetensors(StringRef path) {
  auto buffer = detail::openFileForReading(path);
  if (!buffer)
    return buffer.takeError();
  return parseSafetensors(std::move(*buffer), path);
}
