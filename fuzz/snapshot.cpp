//===- snapshot.cpp - Fuzz the session snapshot loader --------------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// The input is a session snapshot, restored into a session of the tiny
// model. A snapshot that is taken must leave a session that runs: it
// decodes a token, and is reset for the next input. Seeds: snapshots of
// liquid-run session files (make-seeds.sh).
//
//===----------------------------------------------------------------------===//

#include "FuzzSupport.h"
#include "liquid/runtime.h"

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
  if (lq_session_restore(session, data, size) == LQ_OK)
    (void)lq_session_decode(session, 1, nullptr);
  lq_session_reset(session);
  return 0;
}
