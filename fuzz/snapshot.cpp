//===- snapshot.cpp - Fuzz the session snapshot loader --------------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// The input is a session snapshot, restored into a session of the tiny
// model. Its payload checksum is written in first (the header's last 8
// bytes, format.h), so mutations reach the checks and the copy behind it
// instead of stopping at a checksum no mutation matches. A snapshot that
// is taken must leave a session that runs: it decodes a token, and is
// reset for the next input. Seeds: snapshots of liquid-run session files
// (make-seeds.sh).
//
//===----------------------------------------------------------------------===//

#include "FuzzSupport.h"
#include "liquid/format.h"
#include "liquid/runtime.h"

#include <cstring>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static lq_session *session = [] {
    lq_model *model = nullptr;
    lq_session *out = nullptr;
    if (lq_model_open(liquid::fuzz::dataFile("tiny.lqm").c_str(), &model) !=
            LQ_OK ||
        lq_session_create(model, 1, &out) != LQ_OK)
      abort();
    return out;
  }();
  std::vector<uint8_t> snapshot(data, data + size);
  const size_t header = LQM_SNAPSHOT_HEADER_SIZE;
  if (size >= header) {
    uint64_t checksum =
        lqm_checksum(LQM_CHECKSUM_SEED, data + header, size - header);
    memcpy(snapshot.data() + header - 8, &checksum, 8);
  }
  if (lq_session_restore(session, snapshot.data(), snapshot.size()) == LQ_OK)
    (void)lq_session_decode(session, 1, nullptr);
  lq_session_reset(session);
  return 0;
}
