//===- Session.cpp - Sessions: state, prefill and decode ------------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// This file implements lq_session_*: creation allocates every state buffer,
// the scratch and the tokens / logits buffers sized for the largest entry
// point, and resolves each dispatch's bindings to pointers once. Prefill
// checks every token id and the context before evaluating anything, then
// runs full "prefill" chunks and single "decode" steps for the rest; each
// call runs its dispatches in order on the session's thread pool with
// constants[0] = the position before the call.
//
//===----------------------------------------------------------------------===//

#include "Model.h"

#include "Status.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <new>
#include <sys/mman.h>
#include <sys/resource.h>
#include <unistd.h>

using namespace liquid::runtime;
namespace lqm = liquid::lqm;

/// Buffers from this size on come straight from mmap: zero pages the
/// kernel supplies when first touched (a KV cache is touched as the context
/// grows, not when the session is made), in huge pages where asked.
static constexpr uint64_t kMappedBytes = uint64_t(1) << 16;

AlignedBuffer::~AlignedBuffer() { release(); }

void AlignedBuffer::release() {
  if (bytes && mapped)
    munmap(bytes, length);
  else
    free(bytes);
  bytes = nullptr;
  length = 0;
  mapped = false;
}

bool AlignedBuffer::allocate(uint64_t size, bool hugePages) {
  release();
  if (size >= kMappedBytes) {
    void *p = mmap(nullptr, size, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
      return false;
#ifdef MADV_HUGEPAGE
    if (hugePages)
      madvise(p, size, MADV_HUGEPAGE); // A hint; failure changes nothing.
#endif
    bytes = static_cast<uint8_t *>(p);
    length = size;
    mapped = true;
    return true;
  }
  void *p = nullptr;
  // Never zero bytes, so every binding is a valid pointer.
  uint64_t rounded = (size + 63) / 64 * 64;
  if (size > SIZE_MAX - 64 || posix_memalign(&p, 64, rounded ? rounded : 64))
    return false;
  bytes = static_cast<uint8_t *>(p);
  length = size;
  memset(bytes, 0, rounded ? rounded : 64);
  return true;
}

void AlignedBuffer::clear(uint64_t prefix) {
  if (bytes)
    memset(bytes, 0, prefix < length ? prefix : length);
}

namespace {

lq_status outOfMemory(const lq_session &session, const char *what,
                      uint64_t size) {
  return fail(LQ_ERROR_OUT_OF_MEMORY,
              "%s: session: cannot allocate %llu bytes for %s",
              session.model->path.c_str(), (unsigned long long)size, what);
}

/// True for a weight holding every expert's matrix, [experts, rows, cols].
bool isStackedExperts(const lq_model &model, const lqm::Weight &weight) {
  uint32_t experts = model.view.artifact->model()->num_experts();
  return experts && weight.shape() && weight.shape()->size() == 3 &&
         weight.shape()->Get(0) == int64_t(experts);
}

/// Resolves the bindings of `entry`'s dispatches into session.bindings.
void prepareEntry(lq_session &session, const lqm::EntryPoint &entry,
                  PreparedEntry &out) {
  const lq_model &model = *session.model;
  const lqm::Artifact &artifact = *model.view.artifact;
  out.tokens = entry.tokens();
  out.logitRows = entry.logit_rows() ? entry.logit_rows() : entry.tokens();
  out.constants.assign(entry.constants() && entry.constants()->size()
                           ? entry.constants()->size()
                           : 1,
                       0);
  if (!entry.dispatches())
    return;
  for (const lqm::Dispatch *dispatch : *entry.dispatches()) {
    out.dispatches.push_back({model.kernels[dispatch->kernel()],
                              dispatch->workgroups(), session.bindings.size(),
                              dispatch->kernel(), 0});
    if (!dispatch->bindings())
      continue;
    PreparedDispatch &prepared = out.dispatches.back();
    uint64_t &bytes = prepared.boundBytes;
    for (const lqm::Binding *binding : *dispatch->bindings()) {
      void *pointer = nullptr;
      switch (binding->kind()) {
      case lqm::BindingKind_Tokens:
        pointer = session.tokens.data();
        bytes += entry.tokens() * sizeof(int32_t);
        break;
      case lqm::BindingKind_Logits:
        pointer = session.logits.data();
        bytes += uint64_t(entry.tokens()) * model.info.vocab_size * 4;
        break;
      case lqm::BindingKind_State: {
        pointer = session.state[binding->index()].data();
        lqm::StateKind kind = artifact.state()->Get(binding->index())->kind();
        bool cache = kind == lqm::StateKind_KeyCache ||
                     kind == lqm::StateKind_ValueCache;
        (cache ? prepared.cacheBytes : bytes) +=
            session.state[binding->index()].size();
        break;
      }
      case lqm::BindingKind_Weight: {
        // Read-only mapped memory: kernels must not write weights.
        const lqm::Weight &weight = *artifact.weights()->Get(binding->index());
        pointer = const_cast<uint8_t *>(model.view.segmentData(*weight.data()));
        (isStackedExperts(model, weight) ? prepared.expertBytes : bytes) +=
            weight.data()->size();
        break;
      }
      case lqm::BindingKind_Scratch:
        pointer = session.scratch.data() + binding->offset();
        bytes += binding->size();
        break;
      }
      session.bindings.push_back(pointer);
    }
  }
}

/// The memory this process may use: physical memory, or less under an
/// address-space or data limit (ulimit -v / -d).
uint64_t memoryLimit() {
  long pages = sysconf(_SC_PHYS_PAGES), pageSize = sysconf(_SC_PAGESIZE);
  uint64_t limit = pages > 0 && pageSize > 0
                       ? uint64_t(pages) * uint64_t(pageSize)
                       : UINT64_MAX;
  for (int resource : {RLIMIT_AS, RLIMIT_DATA}) {
    rlimit r;
    if (getrlimit(resource, &r) == 0 && r.rlim_cur != RLIM_INFINITY &&
        uint64_t(r.rlim_cur) < limit)
      limit = uint64_t(r.rlim_cur);
  }
  return limit;
}

/// Refuses, before allocating anything, a session larger than the memory
/// the process may use: the key/value caches of a large max_context.
lq_status checkSessionMemory(const lq_session &session, uint64_t maxTokens) {
  const lqm::Artifact &artifact = *session.model->view.artifact;
  uint64_t vocab = artifact.model()->vocab_size();
  // Saturating sums: sizes come from the file.
  auto add = [](uint64_t a, uint64_t b) {
    uint64_t sum;
    return __builtin_add_overflow(a, b, &sum) ? UINT64_MAX : sum;
  };
  uint64_t state = 0;
  if (const auto *states = artifact.state())
    for (const lqm::StateBuffer *buffer : *states)
      state = add(state, buffer->size());
  // maxTokens < 2^32 and vocab < 2^32: the I/O buffers cannot wrap.
  uint64_t total = add(add(state, artifact.scratch_size()),
                       maxTokens * 4 + (maxTokens + 1) * vocab * 4);
  uint64_t limit = memoryLimit();
  if (total <= limit)
    return LQ_OK;
  return fail(LQ_ERROR_OUT_OF_MEMORY,
              "%s: session: needs %llu MiB (%llu MiB of state: key/value "
              "caches for a max_context of %u tokens), more than the %llu "
              "MiB of memory this process may use; compile the model with a "
              "smaller --max-context",
              session.model->path.c_str(), (unsigned long long)(total >> 20),
              (unsigned long long)(state >> 20), artifact.max_context(),
              (unsigned long long)(limit >> 20));
}

lq_status createSession(lq_session &session) {
  const lq_model &model = *session.model;
  const lqm::Artifact &artifact = *model.view.artifact;
  uint64_t vocab = model.info.vocab_size;
  uint64_t maxTokens = model.view.prefill->tokens();
  if (maxTokens < model.view.decode->tokens())
    maxTokens = model.view.decode->tokens();

  LQ_RETURN_IF_ERROR(checkSessionMemory(session, maxTokens));
  if (!session.tokens.allocate(maxTokens * sizeof(int32_t)))
    return outOfMemory(session, "the tokens buffer", maxTokens * 4);
  uint64_t logitsBytes;
  if (__builtin_mul_overflow(maxTokens * vocab, sizeof(float), &logitsBytes) ||
      !session.logits.allocate(logitsBytes))
    return outOfMemory(session, "the logits buffer", logitsBytes);
  if (!session.lastLogits.allocate(vocab * sizeof(float)))
    return outOfMemory(session, "the last logits", vocab * sizeof(float));
  if (!session.scratch.allocate(artifact.scratch_size()))
    return outOfMemory(session, "scratch", artifact.scratch_size());
  if (const auto *states = artifact.state()) {
    session.state.resize(states->size());
    for (unsigned i = 0; i < states->size(); ++i)
      // State is touched a row at a time (cache rows, conv windows): in
      // small pages. Huge pages zeroed on the first step cost 350m Q4_0
      // about 15 ms of its first token.
      if (!session.state[i].allocate(states->Get(i)->size(),
                                     /*hugePages=*/false))
        return outOfMemory(session, states->Get(i)->name()->c_str(),
                           states->Get(i)->size());
  }
  // Chunks by size, largest first, each with its two logits forms; equal
  // sizes keep the artifact's order (an insertion sort: a few entries).
  std::vector<const lqm::EntryPoint *> chunks = model.view.chunks;
  for (size_t i = 1; i < chunks.size(); ++i)
    for (size_t j = i; j > 0 && chunks[j - 1]->tokens() < chunks[j]->tokens();
         --j)
      std::swap(chunks[j - 1], chunks[j]);
  for (const lqm::EntryPoint *entry : chunks) {
    if (session.chunks.empty() || session.chunks.back().tokens != entry->tokens())
      session.chunks.push_back({entry->tokens(), {}, {}});
    bool lastOnly = entry->logit_rows() && entry->logit_rows() < entry->tokens();
    PreparedEntry &slot =
        lastOnly ? session.chunks.back().last : session.chunks.back().all;
    if (!slot.tokens)
      prepareEntry(session, *entry, slot);
  }
  prepareEntry(session, *model.view.decode, session.decode);
  return LQ_OK;
}

/// lq_session_create and lq_session_create_on: a session of `model` on
/// `pool`, which it owns when `owned`.
lq_status newSession(lq_model *model, lq_pool *pool,
                     std::unique_ptr<lq_pool> owned, lq_session **out) {
  auto *session = new (std::nothrow) lq_session(model);
  if (!session)
    return fail(LQ_ERROR_OUT_OF_MEMORY, "%s: session: out of memory",
                model->path.c_str());
  session->pool = pool;
  ++pool->sessions;
  session->ownPool = std::move(owned);
  lq_status status = createSession(*session);
  if (status != LQ_OK) {
    delete session;
    return status;
  }
  *out = session;
  return LQ_OK;
}

uint64_t nowNanoseconds() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return uint64_t(ts.tv_sec) * 1000000000u + uint64_t(ts.tv_nsec);
}

/// runEntry's dispatches, each timed into its kernel's counters. A call's
/// bytes count the cache rows up to its last token and, of stacked expert
/// weights, the experts its tokens can select.
void runProfiled(lq_session &session, const PreparedEntry &entry) {
  const lqm::Artifact &artifact = *session.model->view.artifact;
  const lqm::Model &info = *artifact.model();
  double capacity = double(artifact.max_context());
  double rows = double(session.position + entry.tokens);
  double cacheShare = capacity > 0 && rows < capacity ? rows / capacity : 1.0;
  double experts = double(info.num_experts());
  double selected = double(info.experts_per_token()) * entry.tokens;
  double expertShare = experts > 0 && selected < experts ? selected / experts
                                                         : 1.0;
  for (const PreparedDispatch &dispatch : entry.dispatches) {
    uint64_t start = nowNanoseconds();
    session.pool->threads.run(dispatch.kernel,
                              session.bindings.data() + dispatch.firstBinding,
                              entry.constants.data(), dispatch.workgroups);
    KernelCounters &counters = session.profile[dispatch.kernelIndex];
    counters.nanoseconds += nowNanoseconds() - start;
    counters.dispatches += 1;
    counters.workgroups += dispatch.workgroups;
    counters.bytes += dispatch.boundBytes +
                      uint64_t(double(dispatch.cacheBytes) * cacheShare) +
                      uint64_t(double(dispatch.expertBytes) * expertShare);
  }
}

/// Evaluates entry.tokens tokens from `tokens` and advances the position.
void runEntry(lq_session &session, PreparedEntry &entry,
              const int32_t *tokens) {
  memcpy(session.tokens.data(), tokens, entry.tokens * sizeof(int32_t));
  for (int64_t &constant : entry.constants)
    constant = session.position; // ConstantKind_Position, the only kind.
  if (session.profiling) {
    runProfiled(session, entry);
  } else {
    for (const PreparedDispatch &dispatch : entry.dispatches)
      session.pool->threads.run(dispatch.kernel,
                                session.bindings.data() + dispatch.firstBinding,
                                entry.constants.data(), dispatch.workgroups);
  }
  session.position += entry.tokens;
  if (session.position > session.reached)
    session.reached = session.position;
}

} // namespace

extern "C" lq_status lq_session_create(lq_model *model, int threads,
                                       lq_session **out) {
  if (!out)
    return fail(LQ_ERROR_INVALID_ARGUMENT, "lq_session_create: out is null");
  *out = nullptr;
  if (!model)
    return fail(LQ_ERROR_INVALID_ARGUMENT, "lq_session_create: model is null");
  if (threads < 0)
    return fail(LQ_ERROR_INVALID_ARGUMENT,
                "%s: session: threads must be >= 0, got %d",
                model->path.c_str(), threads);
  lq_pool *pool = nullptr;
  if (threads == 0) {
    LQ_RETURN_IF_ERROR(processPool(pool));
    return newSession(model, pool, nullptr, out);
  }
  LQ_RETURN_IF_ERROR(newPool(unsigned(threads), /*shared=*/false, pool));
  return newSession(model, pool, std::unique_ptr<lq_pool>(pool), out);
}

extern "C" lq_status lq_session_create_on(lq_model *model, lq_pool *pool,
                                          lq_session **out) {
  if (!out)
    return fail(LQ_ERROR_INVALID_ARGUMENT, "lq_session_create_on: out is null");
  *out = nullptr;
  if (!model || !pool)
    return fail(LQ_ERROR_INVALID_ARGUMENT,
                "lq_session_create_on: model or pool is null");
  return newSession(model, pool, nullptr, out);
}

extern "C" void lq_session_destroy(lq_session *session) { delete session; }

extern "C" void lq_session_reset(lq_session *session) {
  if (!session)
    return;
  // A KV cache ([heads, capacity, head_dim]) holds rows [0, position) of
  // each head only: the rows any position ever reached are cleared, the
  // others were never written.
  const auto *states = session->model->view.artifact->state();
  for (size_t i = 0; i < session->state.size(); ++i) {
    const lqm::StateBuffer &info = *states->Get(i);
    AlignedBuffer &buffer = session->state[i];
    bool cache = info.kind() == lqm::StateKind_KeyCache ||
                 info.kind() == lqm::StateKind_ValueCache;
    const auto *shape = info.shape();
    if (!cache || !shape || shape->size() != 3 || shape->Get(0) <= 0 ||
        buffer.size() % uint64_t(shape->Get(0))) {
      buffer.clear();
      continue;
    }
    uint64_t heads = uint64_t(shape->Get(0)), perHead = buffer.size() / heads;
    uint64_t capacity = session->model->info.max_context;
    uint64_t used = capacity ? perHead / capacity * session->reached : perHead;
    for (uint64_t h = 0; h < heads; ++h)
      memset(buffer.data() + h * perHead, 0, used < perHead ? used : perHead);
  }
  session->lastLogits.clear();
  session->position = 0;
  session->reached = 0;
  session->hasLogits = false;
}

extern "C" void lq_session_set_profiling(lq_session *session, int enabled) {
  if (!session)
    return;
  session->profiling = enabled != 0;
  if (session->profiling)
    session->profile.assign(session->model->kernels.size(), KernelCounters());
}

extern "C" size_t lq_session_profile(const lq_session *session,
                                     lq_kernel_profile *out,
                                     size_t capacity) {
  if (!session)
    return 0;
  const lq_model &model = *session->model;
  size_t count = model.kernels.size();
  for (size_t i = 0; out && i < count && i < capacity; ++i) {
    KernelCounters counters;
    if (i < session->profile.size())
      counters = session->profile[i];
    out[i] = {model.target->kernels()->Get(i)->symbol()->c_str(),
              counters.dispatches, counters.workgroups, counters.nanoseconds,
              counters.bytes};
  }
  return count;
}

extern "C" uint32_t lq_session_decode_dispatches(const lq_session *session) {
  return session ? uint32_t(session->decode.dispatches.size()) : 0;
}

namespace {
void emptyKernel(void *const *, const int64_t *, int64_t) {}
} // namespace

extern "C" double lq_session_launch_cost(lq_session *session,
                                         uint32_t iterations) {
  if (!session || iterations == 0)
    return 0;
  liquid::runtime::ThreadPool &threads = session->pool->threads;
  uint32_t workgroups = threads.size();
  uint64_t start = nowNanoseconds();
  for (uint32_t i = 0; i < iterations; ++i)
    threads.run(emptyKernel, nullptr, nullptr, workgroups);
  return double(nowNanoseconds() - start) / iterations;
}

extern "C" uint32_t lq_session_position(const lq_session *session) {
  return session ? session->position : 0;
}

namespace {

/// lq_session_prefill / lq_session_decode; `what` names the call in errors.
lq_status evaluate(lq_session *session, const int32_t *tokens, size_t count,
                   float *logits, const char *what) {
  if (!session)
    return fail(LQ_ERROR_INVALID_ARGUMENT, "lq_session_%s: session is null",
                what);
  const char *path = session->model->path.c_str();
  if (count > 0 && !tokens)
    return fail(LQ_ERROR_INVALID_ARGUMENT, "%s: %s: tokens is null", path,
                what);
  const lq_model_info &info = session->model->info;
  for (size_t i = 0; i < count; ++i)
    if (tokens[i] < 0 || uint32_t(tokens[i]) >= info.vocab_size)
      return fail(LQ_ERROR_INVALID_ARGUMENT,
                  "%s: %s: token id %d at index %zu is out of range [0, %u)",
                  path, what, tokens[i], i, info.vocab_size);
  if (count > uint64_t(info.max_context) - session->position)
    return fail(LQ_ERROR_CONTEXT_FULL,
                "%s: %s: context full: %zu tokens at position %u exceed "
                "max_context %u",
                path, what, count, session->position, info.max_context);

  size_t vocab = info.vocab_size;
  const auto *rows = reinterpret_cast<const float *>(session->logits.data());
  size_t done = 0;
  while (done < count) {
    // The largest chunk that fits, else one decode step. Without a logits
    // buffer only the last token's row is kept, so a chunk skips the output
    // head for the others where the artifact allows.
    PreparedEntry *entry = &session->decode;
    for (lq_session::Chunk &chunk : session->chunks) {
      PreparedEntry &candidate =
          !logits && chunk.last.tokens ? chunk.last : chunk.all;
      if (candidate.tokens && candidate.tokens <= count - done) {
        entry = &candidate;
        break;
      }
    }
    runEntry(*session, *entry, tokens + done);
    if (logits)
      memcpy(logits + done * vocab, rows, entry->tokens * vocab * sizeof(float));
    done += entry->tokens;
    memcpy(session->lastLogits.data(), rows + (entry->logitRows - 1) * vocab,
           vocab * sizeof(float));
    session->hasLogits = true;
  }
  return LQ_OK;
}

} // namespace

extern "C" lq_status lq_session_prefill(lq_session *session,
                                        const int32_t *tokens, size_t count,
                                        float *logits) {
  return evaluate(session, tokens, count, logits, "prefill");
}

extern "C" lq_status lq_session_decode(lq_session *session, int32_t token,
                                       float *logits) {
  return evaluate(session, &token, 1, logits, "decode");
}

extern "C" const float *lq_session_logits(const lq_session *session) {
  if (!session || !session->hasLogits)
    return nullptr;
  return reinterpret_cast<const float *>(session->lastLogits.data());
}
