//===- SafetensorsWriter.cpp - Streaming safetensors writer ---------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// The header is compact JSON written with llvm::json::OStream, so the same
// tensor list always gives the same bytes.
//
//===----------------------------------------------------------------------===//

#include "liquid/Synth/SafetensorsWriter.h"

#include "liquid/Synth/Quantize.h"
#include "llvm/Support/EndianStream.h"
#include "llvm/Support/ErrorHandling.h"
#include "llvm/Support/JSON.h"

using namespace liquid;
using namespace liquid::synth;

llvm::StringRef liquid::synth::safetensorsDType(DType t) {
  switch (t) {
  case DType::F32:
    return "F32";
  case DType::F16:
    return "F16";
  case DType::BF16:
    return "BF16";
  default:
    llvm_unreachable("safetensors holds float tensors only");
  }
}

void SafetensorsWriter::addMetadata(llvm::StringRef key,
                                    llvm::StringRef value) {
  metadata.emplace_back(key.str(), value.str());
}

void SafetensorsWriter::addTensor(llvm::StringRef name, DType dtype,
                                  llvm::ArrayRef<int64_t> shape) {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  uint64_t bytes = dtypeStorageBytes(dtype, n);
  tensors.push_back({name.str(), dtype, shape.vec(), size, size + bytes});
  size += bytes;
}

std::string SafetensorsWriter::header() const {
  std::string text;
  llvm::raw_string_ostream os(text);
  llvm::json::OStream j(os);
  j.object([&] {
    if (!metadata.empty())
      j.attributeObject("__metadata__", [&] {
        for (const auto &[key, value] : metadata)
          j.attribute(key, value);
      });
    for (const Tensor &t : tensors)
      j.attributeObject(t.name, [&] {
        j.attribute("dtype", safetensorsDType(t.dtype));
        j.attributeArray("shape", [&] {
          for (int64_t d : t.shape)
            j.value(d);
        });
        j.attributeArray("data_offsets", [&] {
          j.value(t.begin);
          j.value(t.end);
        });
      });
  });
  os.flush();
  text.resize((text.size() + 7) / 8 * 8, ' ');
  return text;
}

uint64_t SafetensorsWriter::fileSize() const {
  return 8 + header().size() + size;
}

llvm::Error SafetensorsWriter::write(
    llvm::raw_ostream &os,
    llvm::function_ref<void(size_t, llvm::raw_ostream &)> produce) const {
  std::string head = header();
  llvm::support::endian::write<uint64_t>(os, head.size(),
                                         llvm::endianness::little);
  os << head;
  for (size_t i = 0; i < tensors.size(); ++i) {
    uint64_t start = os.tell();
    produce(i, os);
    uint64_t written = os.tell() - start;
    if (written != tensors[i].end - tensors[i].begin)
      return llvm::createStringError(
          "tensor " + tensors[i].name + ": produced " +
          std::to_string(written) + " bytes, expected " +
          std::to_string(tensors[i].end - tensors[i].begin));
  }
  return llvm::Error::success();
}
