//===- TestArtifact.cpp - Write .lqm artifacts for the tests --------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// This file implements the test artifact writer: segments are laid out
// first (code of each target, then weights, each at the next multiple of
// 64 with no padding after the last), the table is built with the offsets
// and finished size-prefixed with the LQM1 identifier, and the file is the
// table, its checksum, zeros up to the data base, and the segments. The
// kernels' signatures are written into the code first.
//
//===----------------------------------------------------------------------===//

#include "TestArtifact.h"

#include "liquid/format.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>

using namespace liquid::runtime::test;
namespace lqm = liquid::lqm;
namespace fb = flatbuffers;

namespace {

uint64_t alignUp(uint64_t value) {
  return (value + LQM_SEGMENT_ALIGNMENT - 1) / LQM_SEGMENT_ALIGNMENT *
         LQM_SEGMENT_ALIGNMENT;
}

template <typename T> Bytes bytesOf(const std::vector<T> &values) {
  Bytes bytes(values.size() * sizeof(T));
  memcpy(bytes.data(), values.data(), bytes.size());
  return bytes;
}

fb::Offset<lqm::Model> buildModel(fb::FlatBufferBuilder &fbb,
                                  const ArtifactSpec &spec) {
  auto architecture = fbb.CreateString("lfm2");
  std::vector<fb::Offset<lqm::Layer>> layers = {
      lqm::CreateLayer(fbb, lqm::LayerKind_Conv, false),
      lqm::CreateLayer(fbb, lqm::LayerKind_Attention, false)};
  auto layerVector = fbb.CreateVector(layers);
  auto sourceFormat = fbb.CreateString("gguf");
  auto sourceName = fbb.CreateString("test.gguf");
  auto compiler = fbb.CreateString("liquid-runtime-tests");
  lqm::ModelBuilder model(fbb);
  model.add_architecture(architecture);
  model.add_hidden_size(4);
  model.add_intermediate_size(8);
  model.add_vocab_size(spec.vocab);
  model.add_num_heads(1);
  model.add_num_kv_heads(1);
  model.add_head_dim(4);
  model.add_conv_kernel(3);
  model.add_layers(layerVector);
  model.add_source_format(sourceFormat);
  model.add_source_name(sourceName);
  model.add_source_hash(spec.sourceHash);
  model.add_compiler_version(compiler);
  model.add_bos_token_id(1);
  model.add_eos_token_id(2);
  return model.Finish();
}

/// `bindings` as a vector whose elements start 4 bytes off a multiple of 8
/// (the builder builds back to front; the table's start is 8-aligned).
fb::Offset<fb::Vector<const lqm::Binding *>>
misalignedVector(fb::FlatBufferBuilder &fbb,
                 const std::vector<lqm::Binding> &bindings) {
  size_t bytes = bindings.size() * sizeof(lqm::Binding);
  fbb.StartVector(bindings.size(), 4);
  if ((fbb.GetSize() + bytes) % 8 == 0)
    fbb.PushElement<uint32_t>(0);
  fbb.PushBytes(reinterpret_cast<const uint8_t *>(bindings.data()), bytes);
  return fb::Offset<fb::Vector<const lqm::Binding *>>(
      fbb.EndVector(bindings.size()));
}

/// `target`'s code with its kernels' signatures written in.
Bytes codeWithSignatures(const TargetSpec &target) {
  Bytes code = target.code;
  for (size_t i = 0; i < target.signatures.size(); ++i) {
    int64_t marker = 0x7e5751676e000000ll | int64_t(i);
    const std::vector<int64_t> &words = target.signatures[i];
    for (size_t at = 0; at + 8 <= code.size(); at += 8) {
      int64_t word;
      memcpy(&word, code.data() + at, 8);
      if (word == marker && at + 8 * words.size() <= code.size()) {
        memcpy(code.data() + at, words.data(), 8 * words.size());
        break;
      }
    }
  }
  return code;
}

} // namespace

Bytes liquid::runtime::test::writeArtifact(const ArtifactSpec &spec) {
  // Lay out the segments: code of every target, then every weight.
  std::vector<Bytes> codes;
  for (const TargetSpec &target : spec.targets)
    codes.push_back(codeWithSignatures(target));
  std::vector<const Bytes *> blobs;
  for (const Bytes &code : codes)
    blobs.push_back(&code);
  for (const WeightSpec &weight : spec.weights)
    blobs.push_back(&weight.bytes);
  std::vector<uint64_t> offsets;
  uint64_t end = 0;
  for (const Bytes *blob : blobs) {
    offsets.push_back(alignUp(end));
    end = offsets.back() + blob->size();
  }

  fb::FlatBufferBuilder fbb;
  auto model = buildModel(fbb, spec);
  std::vector<fb::Offset<lqm::Target>> targets;
  for (size_t i = 0; i < spec.targets.size(); ++i) {
    const TargetSpec &t = spec.targets[i];
    std::vector<fb::Offset<lqm::Kernel>> kernels;
    for (const std::string &symbol : t.symbols)
      kernels.push_back(lqm::CreateKernelDirect(fbb, symbol.c_str()));
    lqm::Segment code(offsets[i], t.code.size());
    targets.push_back(lqm::CreateTargetDirect(fbb, t.triple.c_str(),
                                              t.cpu.c_str(), t.features.c_str(),
                                              &code, &kernels));
  }
  std::vector<fb::Offset<lqm::EntryPoint>> entries;
  for (const EntrySpec &e : spec.entries) {
    std::vector<fb::Offset<lqm::Dispatch>> dispatches;
    for (const DispatchSpec &d : e.dispatches) {
      std::vector<lqm::Binding> bindings;
      for (const BindingSpec &b : d.bindings)
        bindings.emplace_back(b.kind, b.index, b.offset, b.size);
      auto vector = d.misaligned ? misalignedVector(fbb, bindings)
                                 : fbb.CreateVectorOfStructs(bindings);
      dispatches.push_back(
          lqm::CreateDispatch(fbb, d.kernel, d.workgroups, vector));
    }
    std::vector<uint8_t> constants = {lqm::ConstantKind_Position};
    entries.push_back(lqm::CreateEntryPointDirect(fbb, e.name.c_str(), e.tokens,
                                                  &constants, &dispatches));
  }
  std::vector<fb::Offset<lqm::Weight>> weights;
  for (size_t i = 0; i < spec.weights.size(); ++i) {
    const WeightSpec &w = spec.weights[i];
    uint64_t offset = w.offset ? *w.offset : offsets[spec.targets.size() + i];
    lqm::Segment data(offset, w.bytes.size());
    weights.push_back(
        lqm::CreateWeightDirect(fbb, w.name.c_str(), w.type, &w.shape, &data));
  }
  std::vector<fb::Offset<lqm::StateBuffer>> states;
  for (const StateSpec &s : spec.states) {
    // A cache is [heads = 1, capacity, head_dim = 1]: one float a position.
    bool cache = s.kind == lqm::StateKind_KeyCache ||
                 s.kind == lqm::StateKind_ValueCache;
    std::vector<int64_t> shape = {int64_t(s.size / 4)};
    if (cache)
      shape = {1, int64_t(s.size / 4), 1};
    if (!s.shape.empty())
      shape = s.shape;
    states.push_back(lqm::CreateStateBufferDirect(
        fbb, s.name.c_str(), s.kind, 0, s.type, &shape, s.size));
  }
  auto sampler = lqm::CreateSamplerDefaults(fbb, 0.5f, 4, 0.9f);
  auto root = lqm::CreateArtifactDirect(
      fbb, spec.formatVersion, model, spec.maxContext, &targets, &entries,
      &weights, &states, spec.scratchSize, sampler);
  fbb.FinishSizePrefixed(root, lqm::ArtifactIdentifier());

  Bytes file(fbb.GetBufferPointer(), fbb.GetBufferPointer() + fbb.GetSize());
  uint64_t checksum = lqm_checksum(LQM_CHECKSUM_SEED, file.data(), file.size());
  for (const Bytes &code : codes)
    checksum = lqm_checksum(checksum, code.data(), code.size());
  uint64_t at = lqm_checksum_at(file.size());
  uint64_t base = lqm_data_base(file.size());
  file.resize(base + end, 0);
  for (int i = 0; i < 8; ++i)
    file[at + i] = uint8_t(checksum >> (8 * i));
  for (size_t i = 0; i < blobs.size(); ++i)
    std::copy(blobs[i]->begin(), blobs[i]->end(),
              file.begin() + base + offsets[i]);
  return file;
}

std::string liquid::runtime::test::hostTriple() {
#if defined(__aarch64__)
  return "aarch64-unknown-linux-gnu";
#else
  return "x86_64-unknown-linux-gnu";
#endif
}

std::string liquid::runtime::test::foreignTriple() {
#if defined(__aarch64__)
  return "x86_64-unknown-linux-gnu";
#else
  return "aarch64-unknown-linux-gnu";
#endif
}

ArtifactSpec liquid::runtime::test::testModel(uint32_t vocab, uint32_t chunk,
                                              uint32_t maxContext) {
  ArtifactSpec spec;
  spec.formatVersion = LQM_FORMAT_VERSION;
  spec.vocab = vocab;
  spec.maxContext = maxContext;
  spec.targets.push_back({hostTriple(),
                          "generic",
                          "",
                          readFile(LQ_TEST_KERNELS),
                          {"lq_test_scan", "lq_test_cache", "lq_test_logits"},
                          {}});
  // What each kernel touches in its smallest call (decode's one token):
  // workgroups, vocabulary, context, constants, then bytes per binding,
  // then whether it writes each.
  int64_t v = vocab, c = maxContext;
  spec.targets[0].signatures = {
      {1, v, c, 1, 4, 4, 8, 8, 4, 0, 0, 1, 1},
      {1, v, c, 1, 3, 4, 8, 4 * c, 0, 0, 1},
      {v, v, c, 1, 6, 4, 8, 4, 4 * c, 4 * v, 4 * v, 0, 0, 0, 0, 0, 1}};
  std::vector<float> bias(vocab);
  for (uint32_t v = 0; v < vocab; ++v)
    bias[v] = 0.25f * float(v);
  spec.weights = {
      {"params.prefill",
       lqm::ElementType_I32,
       {2},
       bytesOf(std::vector<int32_t>{int32_t(chunk), int32_t(vocab)}),
       {}},
      {"params.decode",
       lqm::ElementType_I32,
       {2},
       bytesOf(std::vector<int32_t>{1, int32_t(vocab)}),
       {}},
      {"bias", lqm::ElementType_F32, {int64_t(vocab)}, bytesOf(bias), {}}};
  spec.states = {
      {"layers.0.conv", lqm::StateKind_Conv, 8},
      {"layers.1.key_cache", lqm::StateKind_KeyCache, 4ull * maxContext}};
  spec.scratchSize = 64 + 4ull * chunk;
  for (uint32_t e = 0; e < 2; ++e) {
    uint32_t tokens = e == 0 ? chunk : 1;
    BindingSpec in{lqm::BindingKind_Tokens};
    BindingSpec params{lqm::BindingKind_Weight, e};
    BindingSpec prefix{lqm::BindingKind_Scratch, 0, 64, 4ull * tokens};
    BindingSpec sum{lqm::BindingKind_State, 0};
    BindingSpec cache{lqm::BindingKind_State, 1};
    BindingSpec bias{lqm::BindingKind_Weight, 2};
    BindingSpec out{lqm::BindingKind_Logits};
    spec.entries.push_back(
        {e == 0 ? "prefill" : "decode",
         tokens,
         {{0, 1, {in, params, sum, prefix}},
          {1, 1, {in, params, cache}},
          {2, vocab, {in, params, prefix, cache, bias, out}}}});
  }
  return spec;
}

std::vector<float> Reference::eval(const std::vector<int32_t> &tokens) {
  std::vector<float> rows;
  for (int32_t token : tokens) {
    int64_t p = int64_t(history.size());
    float prefix = 0.0f;
    for (int32_t earlier : history)
      prefix += float(earlier);
    double previous = p > 0 ? double(float(history.back())) : 0.0;
    for (uint32_t v = 0; v < vocab; ++v) {
      double value = double(0.25f * float(v)) + double(token) +
                     1000.0 * double(p) + 0.5 * double(prefix) +
                     10.0 * previous;
      rows.push_back(float(value));
    }
    history.push_back(token);
  }
  return rows;
}

std::string liquid::runtime::test::tempDir() {
  static std::string dir = [] {
    const char *root = getenv("TMPDIR");
    std::string pattern =
        std::string(root && *root ? root : "/tmp") + "/lq-runtime-test-XXXXXX";
    if (!mkdtemp(pattern.data()))
      abort();
    static std::string created = pattern;
    atexit([] { std::filesystem::remove_all(created); });
    return pattern;
  }();
  return dir;
}

std::string liquid::runtime::test::writeTemp(const std::string &name,
                                             const Bytes &bytes) {
  std::string path = tempDir() + "/" + name;
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char *>(bytes.data()),
            std::streamsize(bytes.size()));
  return path;
}

Bytes liquid::runtime::test::readFile(const std::string &path) {
  std::ifstream in(path, std::ios::binary);
  return Bytes(std::istreambuf_iterator<char>(in),
               std::istreambuf_iterator<char>());
}
