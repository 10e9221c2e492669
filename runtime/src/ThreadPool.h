//===- ThreadPool.h - Run one dispatch's workgroups on threads --*- C++ -*-===//
//
// SPDX-License-Identifier: Apache-2.0
//
// A persistent pool of pthreads that sessions run their dispatches on.
// run() publishes a dispatch; the calling thread and the workers claim its
// workgroup ids one at a time, and run() returns once every claimed id has
// finished, so consecutive dispatches are ordered. The caller never waits
// for a worker that has not claimed anything: a worker slow to wake costs
// nothing. Idle workers spin briefly for the next dispatch, then sleep.
// Sessions on several threads may share a pool started as shared: their
// dispatches take turns in the order they arrive, each spread over every
// thread. A pool of one session's own skips the turns.
//
//===----------------------------------------------------------------------===//

#ifndef LIQUID_RUNTIME_THREADPOOL_H
#define LIQUID_RUNTIME_THREADPOOL_H

#include "liquid/runtime.h"

#include <atomic>
#include <cstdint>
#include <pthread.h>
#include <vector>

namespace liquid::runtime {

/// The kernel ABI of artifact.fbs.
using KernelFn = void (*)(void *const *bindings, const int64_t *constants,
                          int64_t workgroup);

class ThreadPool {
public:
  ThreadPool() = default;
  ThreadPool(const ThreadPool &) = delete;
  ThreadPool &operator=(const ThreadPool &) = delete;
  ~ThreadPool();

  /// Starts `threads` - 1 workers (the caller of run() is the last thread).
  /// A `shared` pool may be run() from several threads at once.
  lq_status start(unsigned threads, bool shared = false);
  /// Threads taking part in run(), the caller included.
  unsigned size() const { return unsigned(workers.size()) + 1; }
  /// Calls fn(bindings, constants, id) for each id in [0, workgroups). On
  /// a shared pool concurrent calls take turns (first come, first served);
  /// a call of one workgroup runs on its caller at once.
  void run(KernelFn fn, void *const *bindings, const int64_t *constants,
           uint32_t workgroups);

private:
  /// run() of more than one workgroup, once the pool is the caller's.
  void dispatch(KernelFn fn, void *const *bindings, const int64_t *constants,
                uint32_t workgroups);
  /// Waits for this caller's turn at the pool, then ends it.
  void takeTurn();
  void endTurn();

  static void *workerMain(void *pool);
  void workerLoop();
  /// Claims and runs ids of dispatch `generation` until none are left.
  void work(uint32_t generation);

  pthread_mutex_t mutex = PTHREAD_MUTEX_INITIALIZER;
  pthread_cond_t wake = PTHREAD_COND_INITIALIZER;
  pthread_cond_t done = PTHREAD_COND_INITIALIZER;
  /// (generation << 32) | next id: an id is claimed by a compare-exchange,
  /// so a worker holding an old generation can never claim a new id.
  std::atomic<uint64_t> ticket{0};
  std::atomic<uint32_t> completed{0};
  std::atomic<unsigned> sleepers{0};
  std::atomic<bool> waiting{false};
  std::atomic<bool> stopping{false};
  std::vector<pthread_t> workers;
  // The dispatch being run (atomics: a late worker may read them while the
  // next dispatch is published; its claim then fails).
  std::atomic<KernelFn> fn{nullptr};
  std::atomic<void *const *> bindings{nullptr};
  std::atomic<const int64_t *> constants{nullptr};
  std::atomic<uint32_t> count{0};
  // Turns of a shared pool: a caller takes the next number and runs when it
  // is served; callers that find another's turn in progress sleep on
  // `turnDone`. A line of their own, away from what idle workers spin on.
  bool shared = false;
  alignas(64) std::atomic<uint64_t> nextTurn{0};
  std::atomic<uint64_t> servedTurn{0};
  std::atomic<unsigned> turnWaiters{0};
  pthread_cond_t turnDone = PTHREAD_COND_INITIALIZER;
};

} // namespace liquid::runtime

#endif // LIQUID_RUNTIME_THREADPOOL_H
