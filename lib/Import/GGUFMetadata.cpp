//===- GGUFMetadata.cpp - Accessors of a parsed GGUF file -----------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// This file implements the lookups and typed metadata getters of GGUFFile.
// Integer getters accept any integer type whose value fits; every failure
// is an error naming the file and the key, with the type that was found.
//
//===----------------------------------------------------------------------===//

#include "liquid/Import/GGUFReader.h"

#include "ReaderSupport.h"

#include <iterator>
#include <limits>

using namespace liquid;
using detail::readerError;
using gguf::ValueType;
using llvm::Error;
using llvm::Expected;
using llvm::StringRef;
using llvm::Twine;

StringRef liquid::ggufValueTypeName(ValueType type) {
  static const char *const names[] = {"u8",  "i8",  "u16",    "i16",   "u32",
                                      "i32", "f32", "bool",   "string", "array",
                                      "u64", "i64", "f64"};
  auto i = static_cast<uint32_t>(type);
  return i < std::size(names) ? names[i] : "unknown";
}

const GGUFValue *GGUFFile::lookup(StringRef key) const {
  auto it = values.find(key);
  return it == values.end() ? nullptr : &it->second;
}

const GGUFTensor *GGUFFile::findTensor(StringRef name) const {
  auto it = tensorIndex.find(name);
  return it == tensorIndex.end() ? nullptr : &tensorList[it->second];
}

Error GGUFFile::typeError(StringRef key, const GGUFValue &v,
                          StringRef expected) const {
  std::string found = ggufValueTypeName(v.type).str();
  if (v.type == ValueType::Array)
    found += " of " + ggufValueTypeName(v.elemType).str();
  return readerError(filePath, "key '" + key + "': expected " + expected +
                                   ", found " + found);
}

static bool isSigned(ValueType t) {
  return t == ValueType::Int8 || t == ValueType::Int16 ||
         t == ValueType::Int32 || t == ValueType::Int64;
}
static bool isUnsigned(ValueType t) {
  return t == ValueType::UInt8 || t == ValueType::UInt16 ||
         t == ValueType::UInt32 || t == ValueType::UInt64;
}

Expected<uint64_t> GGUFFile::getUInt(StringRef key) const {
  const GGUFValue *v = lookup(key);
  if (!v)
    return readerError(filePath, "missing key '" + key + "'");
  if (isUnsigned(v->type))
    return v->uint;
  if (isSigned(v->type) && v->sint >= 0)
    return static_cast<uint64_t>(v->sint);
  return typeError(key, *v, "a non-negative integer");
}

Expected<uint64_t> GGUFFile::getUInt(StringRef key, uint64_t dflt) const {
  return has(key) ? getUInt(key) : Expected<uint64_t>(dflt);
}

Expected<int64_t> GGUFFile::getInt(StringRef key) const {
  const GGUFValue *v = lookup(key);
  if (!v)
    return readerError(filePath, "missing key '" + key + "'");
  if (isSigned(v->type))
    return v->sint;
  if (isUnsigned(v->type) &&
      v->uint <= static_cast<uint64_t>(std::numeric_limits<int64_t>::max()))
    return static_cast<int64_t>(v->uint);
  return typeError(key, *v, "an integer");
}

Expected<int64_t> GGUFFile::getInt(StringRef key, int64_t dflt) const {
  return has(key) ? getInt(key) : Expected<int64_t>(dflt);
}

Expected<double> GGUFFile::getFloat(StringRef key) const {
  const GGUFValue *v = lookup(key);
  if (!v)
    return readerError(filePath, "missing key '" + key + "'");
  if (v->type == ValueType::Float32 || v->type == ValueType::Float64)
    return v->real;
  if (isSigned(v->type))
    return static_cast<double>(v->sint);
  if (isUnsigned(v->type))
    return static_cast<double>(v->uint);
  return typeError(key, *v, "a number");
}

Expected<double> GGUFFile::getFloat(StringRef key, double dflt) const {
  return has(key) ? getFloat(key) : Expected<double>(dflt);
}

Expected<bool> GGUFFile::getBool(StringRef key) const {
  const GGUFValue *v = lookup(key);
  if (!v)
    return readerError(filePath, "missing key '" + key + "'");
  if (v->type != ValueType::Bool)
    return typeError(key, *v, "a bool");
  return v->uint != 0;
}

Expected<bool> GGUFFile::getBool(StringRef key, bool dflt) const {
  return has(key) ? getBool(key) : Expected<bool>(dflt);
}

Expected<StringRef> GGUFFile::getString(StringRef key) const {
  const GGUFValue *v = lookup(key);
  if (!v)
    return readerError(filePath, "missing key '" + key + "'");
  if (v->type != ValueType::String)
    return typeError(key, *v, "a string");
  return v->str;
}

Expected<std::vector<int64_t>> GGUFFile::getIntArray(StringRef key) const {
  const GGUFValue *v = lookup(key);
  if (!v)
    return readerError(filePath, "missing key '" + key + "'");
  if (v->type != ValueType::Array ||
      !(isSigned(v->elemType) || isUnsigned(v->elemType)))
    return typeError(key, *v, "an array of integers");
  uint64_t width = *detail::ggufScalarSize(v->elemType);
  std::vector<int64_t> out;
  out.reserve(v->count);
  for (uint64_t i = 0; i < v->count; ++i) {
    GGUFValue elem;
    detail::decodeGGUFScalar(v->elemType, v->data + i * width, elem);
    if (isUnsigned(v->elemType) &&
        elem.uint > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()))
      return readerError(filePath, "key '" + key + "': element " + Twine(i) +
                                       " is out of range");
    out.push_back(isSigned(v->elemType) ? elem.sint
                                        : static_cast<int64_t>(elem.uint));
  }
  return out;
}

Expected<std::vector<StringRef>>
GGUFFile::getStringArray(StringRef key) const {
  const GGUFValue *v = lookup(key);
  if (!v)
    return readerError(filePath, "missing key '" + key + "'");
  if (v->type != ValueType::Array || v->elemType != ValueType::String)
    return typeError(key, *v, "an array of strings");
  return v->strings;
}

Expected<uint64_t> GGUFFile::getArrayLength(StringRef key) const {
  const GGUFValue *v = lookup(key);
  if (!v)
    return readerError(filePath, "missing key '" + key + "'");
  if (v->type != ValueType::Array)
    return typeError(key, *v, "an array");
  return v->count;
}
