//===- Pool.cpp - Thread pools that sessions share ------------------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// This file implements lq_pool_create / lq_pool_destroy and the process
// pool that sessions created with 0 threads share. A pool is a ThreadPool
// and the count of sessions running on it; destroying one that sessions
// still use is refused. The process pool is never destroyed: a session may
// be alive on any thread until the process exits, and its sleeping workers
// cost nothing.
//
//===----------------------------------------------------------------------===//

#include "Model.h"

#include "Status.h"

#include <new>
#include <pthread.h>
#include <sched.h>
#include <unistd.h>

using namespace liquid::runtime;

unsigned liquid::runtime::machineThreads() {
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof(set), &set) == 0 && CPU_COUNT(&set) > 0)
    return unsigned(CPU_COUNT(&set));
  long online = sysconf(_SC_NPROCESSORS_ONLN);
  return online > 0 ? unsigned(online) : 1;
}

lq_status liquid::runtime::newPool(unsigned threads, bool shared,
                                   lq_pool *&out) {
  out = nullptr;
  auto *pool = new (std::nothrow) lq_pool;
  if (!pool)
    return fail(LQ_ERROR_OUT_OF_MEMORY, "thread pool: out of memory");
  lq_status status = pool->threads.start(threads, shared);
  if (status != LQ_OK) {
    delete pool;
    return status;
  }
  out = pool;
  return LQ_OK;
}

namespace {

pthread_mutex_t processPoolMutex = PTHREAD_MUTEX_INITIALIZER;
lq_pool *processPoolInstance = nullptr;

} // namespace

lq_status liquid::runtime::processPool(lq_pool *&out) {
  pthread_mutex_lock(&processPoolMutex);
  lq_status status = LQ_OK;
  if (!processPoolInstance)
    status = newPool(machineThreads(), /*shared=*/true, processPoolInstance);
  out = processPoolInstance;
  pthread_mutex_unlock(&processPoolMutex);
  return status;
}

extern "C" lq_status lq_pool_create(int threads, lq_pool **out) {
  if (!out)
    return fail(LQ_ERROR_INVALID_ARGUMENT, "lq_pool_create: out is null");
  *out = nullptr;
  if (threads < 0)
    return fail(LQ_ERROR_INVALID_ARGUMENT,
                "lq_pool_create: threads must be >= 0, got %d", threads);
  return newPool(threads ? unsigned(threads) : machineThreads(),
                 /*shared=*/true, *out);
}

extern "C" lq_status lq_pool_destroy(lq_pool *pool) {
  if (!pool)
    return LQ_OK;
  if (unsigned live = pool->sessions.load())
    return fail(LQ_ERROR_INVALID_ARGUMENT,
                "lq_pool_destroy: %u session%s %s still running on this "
                "pool; destroy them first",
                live, live == 1 ? "" : "s", live == 1 ? "is" : "are");
  delete pool;
  return LQ_OK;
}

extern "C" int lq_pool_threads(const lq_pool *pool) {
  return pool ? int(pool->threads.size()) : 0;
}
