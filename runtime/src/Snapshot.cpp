//===- Snapshot.cpp - Session snapshot, restore and fork ------------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// This file implements lq_session_snapshot_size / _snapshot / _restore and
// lq_session_fork. A snapshot holds what the session's position uses, so
// its size grows with the context used, not with max_context: a 56-byte
// header (magic "LQS2", format version, the artifact's identity: its
// source hash and max_context, the position, vocab size, whether logits
// are valid, the number of state buffers, the payload's size and its
// lqm_checksum from LQM_CHECKSUM_SEED), then the last logits row when
// valid, then every state buffer in Artifact.state order: convolution and
// cell state whole, of each key/value cache ([heads, capacity, head_dim])
// the rows below the position of every head. Host byte order. Restore
// checks the header and the checksum before it touches the session.
//
//===----------------------------------------------------------------------===//

#include "Model.h"

#include "Status.h"
#include "liquid/format.h"

#include <cstddef>
#include <cstring>
#include <new>

using namespace liquid::runtime;
namespace lqm = liquid::lqm;

namespace {

struct SnapshotHeader {
  char magic[4];
  uint32_t formatVersion;
  uint64_t sourceHash;
  uint32_t maxContext;
  uint32_t position;
  uint32_t vocabSize;
  uint32_t hasLogits;
  uint32_t stateCount;
  uint32_t reserved;
  uint64_t payloadSize;
  uint64_t checksum;
};
static_assert(sizeof(SnapshotHeader) == LQM_SNAPSHOT_HEADER_SIZE &&
                  offsetof(SnapshotHeader, checksum) + 8 ==
                      LQM_SNAPSHOT_HEADER_SIZE,
              "snapshot header layout");

/// The bytes of `session`'s state that position `position` uses, region by
/// region, in snapshot order: fn(pointer, bytes).
template <typename Fn>
void forEachRegion(const lq_session &session, uint32_t position, Fn fn) {
  const auto *states = session.model->view.artifact->state();
  uint64_t capacity = session.model->info.max_context;
  for (size_t i = 0; i < session.state.size(); ++i) {
    const lqm::StateBuffer &info = *states->Get(i);
    const AlignedBuffer &buffer = session.state[i];
    bool cache = info.kind() == lqm::StateKind_KeyCache ||
                 info.kind() == lqm::StateKind_ValueCache;
    const auto *shape = info.shape();
    if (!cache || !shape || shape->size() != 3 || shape->Get(0) <= 0 ||
        capacity == 0 || buffer.size() % (uint64_t(shape->Get(0)) * capacity)) {
      fn(buffer.data(), buffer.size());
      continue;
    }
    uint64_t heads = uint64_t(shape->Get(0)), perHead = buffer.size() / heads;
    uint64_t used = perHead / capacity * position;
    for (uint64_t h = 0; h < heads; ++h)
      fn(buffer.data() + h * perHead, used);
  }
}

uint64_t payloadSize(const lq_session &session, uint32_t position,
                     bool hasLogits) {
  uint64_t size = hasLogits ? session.lastLogits.size() : 0;
  forEachRegion(session, position,
                [&](uint8_t *, uint64_t bytes) { size += bytes; });
  return size;
}

uint64_t identity(const lq_model &model) {
  return model.view.artifact->model()->source_hash();
}

} // namespace

extern "C" size_t lq_session_snapshot_size(const lq_session *session) {
  return session
             ? sizeof(SnapshotHeader) +
                   payloadSize(*session, session->position, session->hasLogits)
             : 0;
}

extern "C" lq_status lq_session_snapshot(const lq_session *session,
                                         void *buffer, size_t size) {
  if (!session || !buffer)
    return fail(LQ_ERROR_INVALID_ARGUMENT,
                "lq_session_snapshot: session or buffer is null");
  uint64_t payload =
      payloadSize(*session, session->position, session->hasLogits);
  uint64_t needed = sizeof(SnapshotHeader) + payload;
  if (size < needed)
    return fail(LQ_ERROR_INVALID_ARGUMENT,
                "%s: snapshot: buffer of %zu bytes, the snapshot needs %llu",
                session->model->path.c_str(), size, (unsigned long long)needed);
  auto *payloadStart = static_cast<uint8_t *>(buffer) + sizeof(SnapshotHeader);
  uint8_t *out = payloadStart;
  auto put = [&](const uint8_t *p, uint64_t n) {
    memcpy(out, p, n);
    out += n;
  };
  if (session->hasLogits)
    put(session->lastLogits.data(), session->lastLogits.size());
  forEachRegion(*session, session->position, put);

  const lq_model &model = *session->model;
  SnapshotHeader header = {};
  memcpy(header.magic, LQM_SNAPSHOT_MAGIC, 4);
  header.formatVersion = LQM_FORMAT_VERSION;
  header.sourceHash = identity(model);
  header.maxContext = model.info.max_context;
  header.position = session->position;
  header.vocabSize = model.info.vocab_size;
  header.hasLogits = session->hasLogits;
  header.stateCount = uint32_t(session->state.size());
  header.payloadSize = payload;
  header.checksum = lqm_checksum(LQM_CHECKSUM_SEED, payloadStart, payload);
  memcpy(buffer, &header, sizeof(header));
  return LQ_OK;
}

extern "C" lq_status lq_session_restore(lq_session *session, const void *buffer,
                                        size_t size) {
  if (!session || !buffer)
    return fail(LQ_ERROR_INVALID_ARGUMENT,
                "lq_session_restore: session or buffer is null");
  const char *path = session->model->path.c_str();
  SnapshotHeader header;
  if (size < sizeof(header))
    return fail(LQ_ERROR_INVALID_ARGUMENT,
                "%s: restore: %zu bytes is too small for a snapshot", path,
                size);
  memcpy(&header, buffer, sizeof(header));
  if (memcmp(header.magic, LQM_SNAPSHOT_MAGIC, 4) != 0)
    return fail(LQ_ERROR_INVALID_ARGUMENT,
                "%s: restore: not a session snapshot (no %s magic)", path,
                LQM_SNAPSHOT_MAGIC);
  if (header.formatVersion != LQM_FORMAT_VERSION)
    return fail(LQ_ERROR_INVALID_ARGUMENT,
                "%s: restore: snapshot of format version %u, this runtime "
                "reads %d",
                path, header.formatVersion, LQM_FORMAT_VERSION);
  const lq_model &model = *session->model;
  if (header.sourceHash != identity(model) ||
      header.maxContext != model.info.max_context ||
      header.vocabSize != model.info.vocab_size ||
      header.stateCount != session->state.size())
    return fail(LQ_ERROR_INVALID_ARGUMENT,
                "%s: restore: the snapshot is of another model (artifact "
                "%016llx with %u positions, this one %016llx with %u)",
                path, (unsigned long long)header.sourceHash, header.maxContext,
                (unsigned long long)identity(model), model.info.max_context);
  if (header.position > model.info.max_context || header.hasLogits > 1)
    return fail(LQ_ERROR_INVALID_ARGUMENT,
                "%s: restore: corrupted snapshot header", path);
  uint64_t payload =
      payloadSize(*session, header.position, header.hasLogits != 0);
  if (header.payloadSize != payload || size != sizeof(header) + payload)
    return fail(LQ_ERROR_INVALID_ARGUMENT,
                "%s: restore: the snapshot is %zu bytes, its header needs "
                "%llu (truncated or damaged)",
                path, size, (unsigned long long)(sizeof(header) + payload));
  const auto *in = static_cast<const uint8_t *>(buffer) + sizeof(header);
  if (lqm_checksum(LQM_CHECKSUM_SEED, in, payload) != header.checksum)
    return fail(LQ_ERROR_INVALID_ARGUMENT,
                "%s: restore: the snapshot's checksum does not match its "
                "contents (damaged)",
                path);

  // From a clean state, so cache rows past the position are zero again.
  lq_session_reset(session);
  if (header.hasLogits) {
    memcpy(session->lastLogits.data(), in, session->lastLogits.size());
    in += session->lastLogits.size();
  }
  forEachRegion(*session, header.position, [&](uint8_t *p, uint64_t n) {
    memcpy(p, in, n);
    in += n;
  });
  session->position = header.position;
  session->reached = header.position;
  session->hasLogits = header.hasLogits != 0;
  return LQ_OK;
}

extern "C" lq_status lq_session_fork(const lq_session *source, int threads,
                                     lq_session **out) {
  if (!source || !out)
    return fail(LQ_ERROR_INVALID_ARGUMENT,
                "lq_session_fork: source or out is null");
  *out = nullptr;
  lq_session *session = nullptr;
  LQ_RETURN_IF_ERROR(lq_session_create(source->model, threads, &session));
  // Same model, same layout: copy region by region.
  std::vector<uint8_t *> targets;
  forEachRegion(*session, source->position,
                [&](uint8_t *p, uint64_t) { targets.push_back(p); });
  size_t next = 0;
  forEachRegion(*source, source->position,
                [&](uint8_t *p, uint64_t n) { memcpy(targets[next++], p, n); });
  memcpy(session->lastLogits.data(), source->lastLogits.data(),
         source->lastLogits.size());
  session->position = source->position;
  session->reached = source->position;
  session->hasLogits = source->hasLogits;
  *out = session;
  return LQ_OK;
}
