//===- TestArtifact.h - Write .lqm artifacts for the tests ------*- C++ -*-===//
//
// SPDX-License-Identifier: Apache-2.0
//
// A plain description of an artifact (ArtifactSpec), a writer that lays it
// out exactly as runtime/schema/artifact.fbs says, the spec of the test model
// whose code is TestKernels.c, and Reference, which computes that model's
// logits in C++. Tests edit a spec to build broken artifacts.
//
//===----------------------------------------------------------------------===//

#ifndef LIQUID_RUNTIME_TESTS_TESTARTIFACT_H
#define LIQUID_RUNTIME_TESTS_TESTARTIFACT_H

#include "liquid/artifact_generated.h"

#include <optional>
#include <string>
#include <vector>

namespace liquid::runtime::test {

using Bytes = std::vector<uint8_t>;

struct BindingSpec {
  lqm::BindingKind kind;
  uint32_t index = 0;
  uint64_t offset = 0, size = 0;
};
struct DispatchSpec {
  uint32_t kernel;
  uint32_t workgroups;
  std::vector<BindingSpec> bindings;
  /// Places the bindings at a multiple of 4 that is not one of 8: a table
  /// the flatbuffers Verifier accepts, where Binding may not be read.
  bool misaligned = false;
};
struct EntrySpec {
  std::string name;
  uint32_t tokens;
  std::vector<DispatchSpec> dispatches;
};
struct WeightSpec {
  std::string name;
  lqm::ElementType type;
  std::vector<int64_t> shape;
  Bytes bytes;
  /// Replaces the laid-out segment offset (to break it).
  std::optional<uint64_t> offset;
};
struct StateSpec {
  std::string name;
  lqm::StateKind kind;
  uint64_t size;
  /// Empty: [size / 4] for conv state, [1, size / 4, 1] for a cache.
  std::vector<int64_t> shape = {};
  lqm::ElementType type = lqm::ElementType_F32;
};
struct TargetSpec {
  std::string triple, cpu, features;
  Bytes code;
  std::vector<std::string> symbols;
  /// Written over the code's placeholders, kernel i's at the array whose
  /// first word is TestKernels.c's marker | i (format.h's layout).
  std::vector<std::vector<int64_t>> signatures;
};
struct ArtifactSpec {
  uint32_t formatVersion;
  uint32_t vocab, maxContext;
  uint64_t sourceHash = 0x5eed;
  uint64_t scratchSize = 0;
  std::vector<TargetSpec> targets;
  std::vector<EntrySpec> entries;
  std::vector<WeightSpec> weights;
  std::vector<StateSpec> states;
};

/// The file: size-prefixed table, checksum, padding to 64, 64-aligned
/// segments.
Bytes writeArtifact(const ArtifactSpec &spec);

/// "x86_64-unknown-linux-gnu" on x86-64 hosts, the aarch64 triple on
/// AArch64; foreignTriple() is the other one.
std::string hostTriple();
std::string foreignTriple();

/// The model of TestKernels.c: kernels scan, cache, logits.
ArtifactSpec testModel(uint32_t vocab = 16, uint32_t chunk = 4,
                       uint32_t maxContext = 32);

/// That model's logits, one row of `vocab` per token, computed in C++.
class Reference {
public:
  explicit Reference(uint32_t vocab) : vocab(vocab) {}
  std::vector<float> eval(const std::vector<int32_t> &tokens);

private:
  uint32_t vocab;
  std::vector<int32_t> history;
};

/// A fresh directory for one test, and a file written into it.
std::string tempDir();
std::string writeTemp(const std::string &name, const Bytes &bytes);
Bytes readFile(const std::string &path);

} // namespace liquid::runtime::test

#endif // LIQUID_RUNTIME_TESTS_TESTARTIFACT_H
