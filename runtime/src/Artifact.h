//===- Artifact.h - Map and verify a .lqm artifact --------------*- C++ -*-===//
//
// SPDX-License-Identifier: Apache-2.0
//
// The runtime's one gate in front of an artifact's bytes: mapping a file
// read-only and checking the size prefix, the LQM1 identifier, the
// flatbuffer, the format version, every segment and every index the schedule
// holds. lq_model_open and liquid-inspect both go through it, so a table
// that passes here is safe to walk with the generated accessors. Target
// selection and code loading are separate (CpuFeatures.h, CodeLoader.h).
//
//===----------------------------------------------------------------------===//

#ifndef LIQUID_RUNTIME_ARTIFACT_H
#define LIQUID_RUNTIME_ARTIFACT_H

#include "liquid/artifact_generated.h"
#include "liquid/format.h"
#include "liquid/runtime.h"

#include <cstdint>
#include <vector>

namespace liquid::runtime {

/// A verified artifact in memory; it borrows the bytes it was made from.
struct ArtifactView {
  const uint8_t *file = nullptr;
  uint64_t fileSize = 0;
  /// The size prefix plus the flatbuffer: 4 + size.
  uint64_t tableSize = 0;
  /// File offset every Segment is relative to: lqm_data_base(tableSize).
  uint64_t dataBase = 0;
  const lqm::Artifact *artifact = nullptr;
  /// The largest chunk, writing every token's logits.
  const lqm::EntryPoint *prefill = nullptr;
  const lqm::EntryPoint *decode = nullptr;
  /// Every entry point of more than one token ("prefill", "prefill_last",
  /// "prefill_16", ...): chunks of several sizes, writing every token's
  /// logits or the last one's.
  std::vector<const lqm::EntryPoint *> chunks;

  const uint8_t *segmentData(const lqm::Segment &segment) const {
    return file + dataBase + segment.offset();
  }
  /// The checksum of the table and each target's code (format.h), as the
  /// file should store it at lqm_checksum_at(tableSize).
  uint64_t checksum() const {
    uint64_t h = lqm_checksum(LQM_CHECKSUM_SEED, file, tableSize);
    for (const lqm::Target *target : *artifact->targets())
      h = lqm_checksum(h, segmentData(*target->code()), target->code()->size());
    return h;
  }
};

/// Whether verifyArtifact compares the checksum. Skip is for fuzzing only:
/// the structural checks alone must keep a damaged table from crashing.
enum class ArtifactChecksum { Check, Skip };

/// Runs every structural check on `size` bytes at `data`, then the
/// checksum; `name` starts each message. Sets the thread's last error on
/// failure. What the code of a target touches is checked when it is loaded
/// (KernelCheck.h).
lq_status verifyArtifact(const void *data, uint64_t size, const char *name,
                         ArtifactView &out,
                         ArtifactChecksum checksum = ArtifactChecksum::Check);

/// A file mapped read-only for the object's lifetime.
class MappedFile {
public:
  MappedFile() = default;
  MappedFile(const MappedFile &) = delete;
  MappedFile &operator=(const MappedFile &) = delete;
  ~MappedFile();

  lq_status open(const char *path);
  const uint8_t *data() const { return static_cast<const uint8_t *>(addr); }
  uint64_t size() const { return length; }

private:
  /// `size` bytes of `fd` read-only at a 2 MiB-aligned address.
  static void *mapAligned(int fd, uint64_t size);

  void *addr = nullptr;
  uint64_t length = 0;
};

/// Maps `path` into `file` and verifies it into `view`.
lq_status openArtifact(const char *path, MappedFile &file, ArtifactView &view);

} // namespace liquid::runtime

#endif // LIQUID_RUNTIME_ARTIFACT_H
