//===- SeedArtifact.h - A fuzzed table over a real model's segments -*- C++ -*-===//
//
// SPDX-License-Identifier: Apache-2.0
//
// The artifact and session targets mutate the table of the tiny model
// liquidc compiled (make-seeds.sh) and keep its code and weights: a file is
// the input as the size-prefixed table, zeros up to the data base (the
// checksum left 0), then the seed's segments. Mutating 6 MB of weights
// would find nothing the table cannot say.
//
//===----------------------------------------------------------------------===//

#ifndef LIQUID_FUZZ_SEEDARTIFACT_H
#define LIQUID_FUZZ_SEEDARTIFACT_H

#include "Artifact.h"
#include "FuzzSupport.h"
#include "liquid/format.h"

#include <algorithm>
#include <fstream>
#include <iterator>
#include <vector>

namespace liquid::fuzz {

/// `table` followed by the tiny model's code and weights. The file is kept
/// from one input to the next: only the table and the padding after it are
/// rewritten while the data base stays where it was (most mutations), so
/// the 6 MB of segments are copied only when it moves. A caller may write
/// into the padding (the checksum): the next call clears it.
inline std::vector<uint8_t> &withSeedSegments(const uint8_t *table,
                                                    size_t size) {
  static const std::vector<uint8_t> segments = [] {
    std::ifstream in(dataFile("tiny.lqm"), std::ios::binary);
    std::vector<uint8_t> file((std::istreambuf_iterator<char>(in)),
                              std::istreambuf_iterator<char>());
    runtime::ArtifactView view;
    if (runtime::verifyArtifact(file.data(), file.size(), "seed", view) !=
        LQ_OK)
      abort();
    return std::vector<uint8_t>(file.begin() + view.dataBase, file.end());
  }();
  static std::vector<uint8_t> file;
  static uint64_t base = ~uint64_t(0);
  if (lqm_data_base(size) != base) {
    base = lqm_data_base(size);
    file.assign(base, 0);
    file.insert(file.end(), segments.begin(), segments.end());
  }
  std::copy(table, table + size, file.begin());
  std::fill(file.begin() + size, file.begin() + base, 0);
  return file;
}

} // namespace liquid::fuzz

#endif // LIQUID_FUZZ_SEEDARTIFACT_H
