//===- Model.h - The lq_model and lq_session objects ------------*- C++ -*-===//
//
// SPDX-License-Identifier: Apache-2.0
//
// The structs behind the C API's opaque handles. A model owns the mapped
// file, its verified view, the chosen target and the loaded code; a session
// owns its state, scratch and I/O buffers and the binding pointers of every
// dispatch resolved once at creation, and runs on a thread pool: its own,
// or one it shares with other sessions.
//
//===----------------------------------------------------------------------===//

#ifndef LIQUID_RUNTIME_MODEL_H
#define LIQUID_RUNTIME_MODEL_H

#include "Artifact.h"
#include "CodeLoader.h"
#include "Template/Template.h"
#include "ThreadPool.h"
#include "Tokenizer.h"

#include <atomic>
#include <memory>
#include <string>
#include <vector>

struct lq_pool {
  liquid::runtime::ThreadPool threads;
  /// Sessions running on it, counted from creation to destruction.
  std::atomic<unsigned> sessions{0};
};

namespace liquid::runtime {
/// A pool of `threads` threads; `shared` when sessions on several threads
/// may run on it at once.
lq_status newPool(unsigned threads, bool shared, lq_pool *&out);
/// The pool of lq_session_create(model, 0, ...): one per process, one
/// thread per CPU this process may run on, started on first use and never
/// stopped.
lq_status processPool(lq_pool *&out);
/// The CPUs this process may run on (its affinity mask), at least 1.
unsigned machineThreads();
} // namespace liquid::runtime

struct lq_model {
  std::string path;
  liquid::runtime::MappedFile file;
  liquid::runtime::ArtifactView view;
  const liquid::lqm::Target *target = nullptr;
  liquid::runtime::CodeObject code;
  /// Sessions alive: lq_model_close refuses to free the model under them.
  std::atomic<uint32_t> sessions{0};
  /// The target's kernels, in Target.kernels order.
  std::vector<liquid::runtime::KernelFn> kernels;
  /// Empty (present() false) when the artifact has no tokenizer.
  liquid::runtime::Tokenizer tokenizer;
  /// The chat template, parsed at open; a parse error is kept for
  /// lq_chat_render to report.
  bool hasChatTemplate = false;
  liquid::runtime::tmpl::Template chatTemplate;
  std::string chatTemplateError;
  lq_model_info info = {};
};

namespace liquid::runtime {

/// Parses the artifact's chat template into `model` (Chat.cpp).
lq_status parseChatTemplate(lq_model &model);

/// Zeroed, 64-byte aligned memory owned by the object.
class AlignedBuffer {
public:
  AlignedBuffer() = default;
  AlignedBuffer(AlignedBuffer &&other) noexcept
      : bytes(other.bytes), length(other.length), mapped(other.mapped) {
    other.bytes = nullptr;
    other.length = 0;
    other.mapped = false;
  }
  AlignedBuffer(const AlignedBuffer &) = delete;
  AlignedBuffer &operator=(const AlignedBuffer &) = delete;
  ~AlignedBuffer();

  /// Allocates `size` zeroed bytes; false when out of memory. A large
  /// buffer comes from mmap, in huge pages when `hugePages` (for buffers a
  /// step touches throughout; a key/value cache is touched a row per head
  /// at a time, and a huge page would be zeroed for each).
  bool allocate(uint64_t size, bool hugePages = true);
  /// Zeroes the first `prefix` bytes (all of them by default).
  void clear(uint64_t prefix = UINT64_MAX);
  uint8_t *data() const { return bytes; }
  uint64_t size() const { return length; }

private:
  void release();

  uint8_t *bytes = nullptr;
  uint64_t length = 0;
  bool mapped = false; ///< From mmap (large), else from posix_memalign.
};

/// One dispatch with its kernel resolved.
struct PreparedDispatch {
  KernelFn kernel;
  uint32_t workgroups;
  /// Index of its first pointer in lq_session::bindings.
  size_t firstBinding;
  /// Its kernel's index in Target.kernels and, for profiles, the bytes a
  /// call reads and writes: all of `boundBytes`, the reached rows of the
  /// key/value caches in `cacheBytes` and the selected experts' share of
  /// the stacked expert weights in `expertBytes`.
  uint32_t kernelIndex;
  uint64_t boundBytes;
  uint64_t cacheBytes = 0;
  uint64_t expertBytes = 0;
};

/// A profiled session's counters of one kernel.
struct KernelCounters {
  uint64_t dispatches = 0, workgroups = 0, nanoseconds = 0, bytes = 0;
};

/// One entry point, ready to run.
struct PreparedEntry {
  uint32_t tokens = 0;
  /// Rows of logits it writes: those of its last `logitRows` tokens.
  uint32_t logitRows = 0;
  std::vector<PreparedDispatch> dispatches;
  /// Run-time constant values, refreshed before each call (at least one).
  std::vector<int64_t> constants;
};

} // namespace liquid::runtime

struct lq_session {
  /// Counted in model->sessions from creation to destruction.
  explicit lq_session(lq_model *model) : model(model) { ++model->sessions; }
  ~lq_session() {
    if (pool)
      --pool->sessions;
    --model->sessions;
  }
  lq_session(const lq_session &) = delete;
  lq_session &operator=(const lq_session &) = delete;

  lq_model *model;
  /// Where its dispatches run: ownPool, or a pool it shares.
  lq_pool *pool = nullptr;
  std::unique_ptr<lq_pool> ownPool;
  liquid::runtime::AlignedBuffer tokens;
  liquid::runtime::AlignedBuffer logits;
  liquid::runtime::AlignedBuffer lastLogits;
  liquid::runtime::AlignedBuffer scratch;
  std::vector<liquid::runtime::AlignedBuffer> state;
  std::vector<void *> bindings;
  /// Per chunk size, largest first: the entry writing every token's logits
  /// and, where the artifact has one, the entry writing the last token's
  /// only (tokens 0 when absent).
  struct Chunk {
    uint32_t tokens;
    liquid::runtime::PreparedEntry all, last;
  };
  std::vector<Chunk> chunks;
  liquid::runtime::PreparedEntry decode;
  uint32_t position = 0;
  /// The largest position reached since the state was last zeroed: KV
  /// cache rows at and past it are still zero.
  uint32_t reached = 0;
  bool hasLogits = false;
  /// Per kernel, while profiling.
  bool profiling = false;
  std::vector<liquid::runtime::KernelCounters> profile;
};

namespace liquid::runtime {

/// lq_model_open, with the checksum comparison optional: the fuzz target of
/// damaged tables skips it to reach the checks behind it.
lq_status openModel(const char *path, ArtifactChecksum checksum,
                    lq_model **out);

} // namespace liquid::runtime

#endif // LIQUID_RUNTIME_MODEL_H
