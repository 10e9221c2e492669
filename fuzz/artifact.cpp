//===- artifact.cpp - Fuzz the artifact verifier --------------------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// The input is verified as a whole file (a table alone is a truncated
// artifact), then as the table of the tiny model over its segments
// (SeedArtifact.h) without the checksum. A table that passes is walked as
// the runtime and liquid-inspect walk it, its tokenizer, whatever the
// vocabulary, tokenizes a text and gives the pieces back, and with its
// checksum written in, the file must pass the full verification. No code
// is loaded: the code segment is the one part of a file taken on trust.
// Seeds: the tables of liquidc's artifacts (make-seeds.sh).
//
//===----------------------------------------------------------------------===//

#include "CpuFeatures.h"
#include "SeedArtifact.h"
#include "Tokenizer.h"

#include <string_view>

using namespace liquid::runtime;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  ArtifactView view;
  (void)verifyArtifact(data, size, "fuzz", view);
  std::vector<uint8_t> &file = liquid::fuzz::withSeedSegments(data, size);
  if (verifyArtifact(file.data(), file.size(), "fuzz", view,
                     ArtifactChecksum::Skip) != LQ_OK)
    return 0;
  const liquid::lqm::Target *target = nullptr;
  (void)selectTarget(view, "fuzz", target);
  // What liquid-inspect and the runtime read of a table that passed.
  uint64_t bytes = 0;
  if (const auto *weights = view.artifact->weights())
    for (const liquid::lqm::Weight *weight : *weights) {
      bytes += weight->data()->size() + weight->name()->size();
      if (weight->shape())
        for (int64_t dim : *weight->shape())
          bytes += uint64_t(dim);
    }
  if (const auto *states = view.artifact->state())
    for (const liquid::lqm::StateBuffer *state : *states)
      bytes += state->size() + uint64_t(state->shape()->Get(0));
  for (const liquid::lqm::EntryPoint *entry : view.chunks)
    if (const auto *dispatches = entry->dispatches())
      for (const liquid::lqm::Dispatch *dispatch : *dispatches)
        if (const auto *bindings = dispatch->bindings())
          for (const liquid::lqm::Binding *binding : *bindings)
            bytes += binding->offset() + binding->size() + binding->index();
  Tokenizer tokenizer(view.artifact->tokenizer());
  if (tokenizer.present()) {
    std::vector<int32_t> ids;
    tokenizer.encode("<|im_start|>user\nThe liquid model's 123 tokens: é, 中文!",
                     /*addSpecial=*/true, /*parseSpecial=*/true, ids);
    for (int32_t id : ids) {
      std::string_view piece = tokenizer.piece(id);
      bytes += piece.size() + tokenizer.isControl(id) + tokenizer.isEnd(id);
    }
  }
  // The checksum written in: the file is a good artifact now.
  uint64_t h = view.checksum();
  uint64_t at = lqm_checksum_at(view.tableSize);
  for (int i = 0; i < 8; ++i)
    file[at + i] = uint8_t(h >> (8 * i));
  if (verifyArtifact(file.data(), file.size(), "fuzz", view) != LQ_OK)
    __builtin_trap();
  return bytes == UINT64_MAX;
}
