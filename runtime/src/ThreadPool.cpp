//===- ThreadPool.cpp - Persistent pthread pool for dispatches ------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// This file implements ThreadPool. run() closes `ticket` (an odd
// generation), writes the dispatch, then opens it at (the next even
// generation, id 0) and wakes sleeping workers. Any thread claims id i by
// swapping (generation, i) for (generation, i + 1) after reading the
// dispatch (acquire loads of release stores, as in a seqlock): a claim with
// a stale generation fails, so a worker that wakes after its dispatch
// ended, or reads fields being rewritten, does nothing. Each finished id
// bumps `completed`; run() returns when it reaches the id count, spinning
// first and sleeping on `done` when a kernel runs long. Workers count
// themselves in `sleepers` before sleeping, so run() only signals when
// someone sleeps (the generation store and the sleepers load are
// sequentially consistent, as are the worker's increment and its check).
// Callers of a shared pool's run() take numbered turns (a ticket lock):
// the served number and the count of sleeping callers follow the
// same sequentially consistent pattern, so a turn ending never misses a
// caller about to sleep, and no waiting caller spins on cores the workers
// need.
//
//===----------------------------------------------------------------------===//

#include "ThreadPool.h"

#include "Status.h"

#include <cstring>

using namespace liquid::runtime;

namespace {

constexpr int spinIterations = 4000;

inline void cpuRelax() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  __asm__ volatile("yield");
#endif
}

inline uint32_t generationOf(uint64_t ticket) { return uint32_t(ticket >> 32); }

} // namespace

ThreadPool::~ThreadPool() {
  pthread_mutex_lock(&mutex);
  stopping.store(true);
  ticket.store(ticket.load() + (uint64_t(1) << 32));
  pthread_cond_broadcast(&wake);
  pthread_mutex_unlock(&mutex);
  for (pthread_t thread : workers)
    pthread_join(thread, nullptr);
}

lq_status ThreadPool::start(unsigned threads, bool isShared) {
  if (threads < 1 || threads > 4096)
    return fail(LQ_ERROR_INVALID_ARGUMENT,
                "thread pool: %u threads is out of range [1, 4096]", threads);
  shared = isShared;
  workers.reserve(threads - 1);
  for (unsigned i = 0; i + 1 < threads; ++i) {
    pthread_t thread;
    int err = pthread_create(&thread, nullptr, workerMain, this);
    if (err != 0)
      return fail(LQ_ERROR_OUT_OF_MEMORY,
                  "thread pool: cannot start worker thread %u: %s", i + 1,
                  strerror(err));
    workers.push_back(thread);
  }
  return LQ_OK;
}

void *ThreadPool::workerMain(void *pool) {
  static_cast<ThreadPool *>(pool)->workerLoop();
  return nullptr;
}

void ThreadPool::work(uint32_t generation) {
  if (generation % 2)
    return; // Closed: the next dispatch is being written.
  for (;;) {
    uint64_t current = ticket.load(std::memory_order_acquire);
    if (generationOf(current) != generation)
      return;
    // Acquire loads of release stores made after the ticket was closed: had
    // any of these been rewritten for a later dispatch, the claim below
    // would see the closed ticket and fail.
    KernelFn kernel = fn.load(std::memory_order_acquire);
    void *const *kernelBindings = bindings.load(std::memory_order_acquire);
    const int64_t *kernelConstants = constants.load(std::memory_order_acquire);
    uint32_t total = count.load(std::memory_order_acquire);
    uint32_t id = uint32_t(current);
    if (id >= total)
      return;
    if (!ticket.compare_exchange_strong(current, current + 1,
                                        std::memory_order_acq_rel,
                                        std::memory_order_relaxed))
      continue;
    kernel(kernelBindings, kernelConstants, id);
    if (completed.fetch_add(1) + 1 == total && waiting.load()) {
      pthread_mutex_lock(&mutex);
      pthread_cond_signal(&done);
      pthread_mutex_unlock(&mutex);
    }
  }
}

void ThreadPool::workerLoop() {
  uint32_t seen = 0;
  for (;;) {
    uint32_t generation = generationOf(ticket.load(std::memory_order_acquire));
    for (int i = 0; i < spinIterations && generation == seen; ++i) {
      cpuRelax();
      generation = generationOf(ticket.load(std::memory_order_acquire));
    }
    if (generation == seen) {
      pthread_mutex_lock(&mutex);
      sleepers.fetch_add(1);
      while ((generation = generationOf(ticket.load())) == seen)
        pthread_cond_wait(&wake, &mutex);
      sleepers.fetch_sub(1);
      pthread_mutex_unlock(&mutex);
    }
    seen = generation;
    if (stopping.load())
      return;
    work(generation);
  }
}

void ThreadPool::takeTurn() {
  uint64_t mine = nextTurn.fetch_add(1);
  if (servedTurn.load() == mine)
    return;
  for (int i = 0; i < spinIterations / 8; ++i) {
    cpuRelax();
    if (servedTurn.load() == mine)
      return;
  }
  pthread_mutex_lock(&mutex);
  turnWaiters.fetch_add(1);
  while (servedTurn.load() != mine)
    pthread_cond_wait(&turnDone, &mutex);
  turnWaiters.fetch_sub(1);
  pthread_mutex_unlock(&mutex);
}

void ThreadPool::endTurn() {
  servedTurn.fetch_add(1);
  if (turnWaiters.load() > 0) {
    pthread_mutex_lock(&mutex);
    pthread_cond_broadcast(&turnDone);
    pthread_mutex_unlock(&mutex);
  }
}

void ThreadPool::run(KernelFn kernel, void *const *kernelBindings,
                     const int64_t *kernelConstants, uint32_t workgroups) {
  if (workers.empty() || workgroups <= 1) {
    for (uint32_t id = 0; id < workgroups; ++id)
      kernel(kernelBindings, kernelConstants, id);
    return;
  }
  if (!shared)
    return dispatch(kernel, kernelBindings, kernelConstants, workgroups);
  takeTurn();
  dispatch(kernel, kernelBindings, kernelConstants, workgroups);
  endTurn();
}

void ThreadPool::dispatch(KernelFn kernel, void *const *kernelBindings,
                          const int64_t *kernelConstants,
                          uint32_t workgroups) {
  // Close the ticket (odd generation), write the dispatch, open it (even).
  uint32_t closed = generationOf(ticket.load()) + 1;
  ticket.store(uint64_t(closed) << 32);
  fn.store(kernel, std::memory_order_release);
  bindings.store(kernelBindings, std::memory_order_release);
  constants.store(kernelConstants, std::memory_order_release);
  count.store(workgroups, std::memory_order_release);
  completed.store(0, std::memory_order_relaxed);
  uint32_t generation = closed + 1;
  ticket.store(uint64_t(generation) << 32);
  if (sleepers.load() > 0) {
    pthread_mutex_lock(&mutex);
    pthread_cond_broadcast(&wake);
    pthread_mutex_unlock(&mutex);
  }

  work(generation);
  for (int i = 0; i < spinIterations; ++i) {
    if (completed.load(std::memory_order_acquire) == workgroups)
      return;
    cpuRelax();
  }
  pthread_mutex_lock(&mutex);
  waiting.store(true);
  while (completed.load() != workgroups)
    pthread_cond_wait(&done, &mutex);
  waiting.store(false);
  pthread_mutex_unlock(&mutex);
}
