//===- session.cpp - Fuzz sessions on damaged artifact tables -------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// The input replaces the table (the size-prefixed flatbuffer) of a tiny
// model liquidc compiled; its code and weights follow at the new data
// base. The model is opened without the checksum comparison, so the table
// reaches the structural checks and the check of every dispatch against
// its kernel's signature; whatever passes must run: a session prefills two
// tokens, decodes one, snapshots and restores. A crash here is a check
// missing from Artifact.cpp or KernelCheck.cpp. Seed: that model's table.
//
//===----------------------------------------------------------------------===//

#include "Model.h"
#include "SeedArtifact.h"

#include <memory>
#include <vector>

using namespace liquid::runtime;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  // One memory file while the data base stays: only its head is rewritten.
  static std::unique_ptr<liquid::fuzz::MemoryFile> memory;
  static size_t fileSize = 0;
  const std::vector<uint8_t> &file = liquid::fuzz::withSeedSegments(data, size);
  if (!memory || file.size() != fileSize) {
    memory = std::make_unique<liquid::fuzz::MemoryFile>(file.data(), file.size());
    fileSize = file.size();
  } else {
    memory->rewrite(0, file.data(), lqm_data_base(size));
  }

  lq_model *model = nullptr;
  if (openModel(memory->path().c_str(), ArtifactChecksum::Skip, &model) !=
      LQ_OK)
    return 0;
  lq_model_info info;
  lq_model_get_info(model, &info);
  lq_session *session = nullptr;
  if (lq_session_create(model, 1, &session) == LQ_OK) {
    int32_t vocab = int32_t(info.vocab_size);
    int32_t tokens[2] = {1 % vocab, 2 % vocab};
    if (lq_session_prefill(session, tokens, 2, nullptr) == LQ_OK &&
        lq_session_decode(session, 3 % vocab, nullptr) == LQ_OK) {
      std::vector<uint8_t> snapshot(lq_session_snapshot_size(session));
      if (lq_session_snapshot(session, snapshot.data(), snapshot.size()) ==
          LQ_OK)
        (void)lq_session_restore(session, snapshot.data(), snapshot.size());
    }
    lq_session_destroy(session);
  }
  lq_model_close(model);
  return 0;
}
