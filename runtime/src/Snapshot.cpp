//===- Snapshot.cpp - Session snapshot and restore ------------------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// This file implements lq_session_snapshot_size / _snapshot / _restore. A
// snapshot is a 40-byte header (magic "LQS1", format version, the model's
// source hash, position, vocab size, whether logits are valid, the number
// of state buffers and the total size), the last logits row, then every
// state buffer in Artifact.state order, in host byte order. Restore checks
// the whole header before it touches the session.
//
//===----------------------------------------------------------------------===//

#include "Model.h"

#include "Status.h"
#include "liquid/format.h"

#include <cstring>

using namespace liquid::runtime;

namespace {

struct SnapshotHeader {
  char magic[4];
  uint32_t formatVersion;
  uint64_t sourceHash;
  uint32_t position;
  uint32_t vocabSize;
  uint32_t hasLogits;
  uint32_t stateCount;
  uint64_t totalSize;
};
static_assert(sizeof(SnapshotHeader) == 40, "snapshot header layout");

uint64_t snapshotSize(const lq_session &session) {
  uint64_t size = sizeof(SnapshotHeader) + session.lastLogits.size();
  for (const AlignedBuffer &buffer : session.state)
    size += buffer.size();
  return size;
}

} // namespace

extern "C" size_t lq_session_snapshot_size(const lq_session *session) {
  return session ? snapshotSize(*session) : 0;
}

extern "C" lq_status lq_session_snapshot(const lq_session *session,
                                         void *buffer, size_t size) {
  if (!session || !buffer)
    return fail(LQ_ERROR_INVALID_ARGUMENT,
                "lq_session_snapshot: session or buffer is null");
  uint64_t needed = snapshotSize(*session);
  if (size < needed)
    return fail(LQ_ERROR_INVALID_ARGUMENT,
                "%s: snapshot: buffer of %zu bytes, the snapshot needs %llu",
                session->model->path.c_str(), size, (unsigned long long)needed);
  SnapshotHeader header;
  memcpy(header.magic, LQM_SNAPSHOT_MAGIC, 4);
  header.formatVersion = LQM_FORMAT_VERSION;
  header.sourceHash = session->model->view.artifact->model()->source_hash();
  header.position = session->position;
  header.vocabSize = session->model->info.vocab_size;
  header.hasLogits = session->hasLogits;
  header.stateCount = uint32_t(session->state.size());
  header.totalSize = needed;
  auto *out = static_cast<uint8_t *>(buffer);
  memcpy(out, &header, sizeof(header));
  out += sizeof(header);
  memcpy(out, session->lastLogits.data(), session->lastLogits.size());
  out += session->lastLogits.size();
  for (const AlignedBuffer &state : session->state) {
    memcpy(out, state.data(), state.size());
    out += state.size();
  }
  return LQ_OK;
}

extern "C" lq_status lq_session_restore(lq_session *session, const void *buffer,
                                        size_t size) {
  if (!session || !buffer)
    return fail(LQ_ERROR_INVALID_ARGUMENT,
                "lq_session_restore: session or buffer is null");
  const char *path = session->model->path.c_str();
  uint64_t needed = snapshotSize(*session);
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
  if (header.sourceHash != model.view.artifact->model()->source_hash() ||
      header.vocabSize != model.info.vocab_size ||
      header.stateCount != session->state.size() || header.totalSize != needed)
    return fail(LQ_ERROR_INVALID_ARGUMENT,
                "%s: restore: the snapshot is of another model", path);
  if (size != needed)
    return fail(LQ_ERROR_INVALID_ARGUMENT,
                "%s: restore: snapshot is %zu bytes, this model's are %llu",
                path, size, (unsigned long long)needed);
  if (header.position > model.info.max_context || header.hasLogits > 1)
    return fail(LQ_ERROR_INVALID_ARGUMENT,
                "%s: restore: corrupted snapshot header", path);

  const auto *in = static_cast<const uint8_t *>(buffer) + sizeof(header);
  memcpy(session->lastLogits.data(), in, session->lastLogits.size());
  in += session->lastLogits.size();
  for (AlignedBuffer &state : session->state) {
    memcpy(state.data(), in, state.size());
    in += state.size();
  }
  session->position = header.position;
  // Every cache row came from the snapshot, not only those before the
  // position: a reset must clear them all.
  session->reached = model.info.max_context;
  session->hasLogits = header.hasLogits != 0;
  return LQ_OK;
}
