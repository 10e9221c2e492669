//===- ThreadPoolTest.cpp - Every workgroup runs exactly once -------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// Tests ThreadPool: for many thread and workgroup counts, over many
// consecutive dispatches, each id runs exactly once and run() returns only
// after all have run, also with callers on several threads at once.
//
//===----------------------------------------------------------------------===//

#include "ThreadPool.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

using namespace liquid::runtime;

namespace {

/// bindings[0]: std::atomic<int> per workgroup.
void countKernel(void *const *bindings, const int64_t *constants,
                 int64_t workgroup) {
  auto *counts = static_cast<std::atomic<int> *>(bindings[0]);
  counts[workgroup].fetch_add(int(constants[0]), std::memory_order_relaxed);
}

} // namespace

// Tests that each workgroup id runs exactly once per dispatch.
TEST(ThreadPool, EachWorkgroupOnce) {
  for (unsigned threads : {1u, 2u, 3u, 8u}) {
    ThreadPool pool;
    ASSERT_EQ(pool.start(threads), LQ_OK);
    EXPECT_EQ(pool.size(), threads);
    for (uint32_t workgroups : {0u, 1u, 2u, 7u, 64u, 1000u}) {
      std::vector<std::atomic<int>> counts(workgroups + 1);
      void *bindings[] = {counts.data()};
      const int rounds = 50;
      for (int round = 0; round < rounds; ++round) {
        int64_t one = 1;
        pool.run(countKernel, bindings, &one, workgroups);
      }
      for (uint32_t i = 0; i < workgroups; ++i)
        ASSERT_EQ(counts[i].load(), rounds)
            << threads << " threads, " << workgroups << " workgroups";
      EXPECT_EQ(counts[workgroups].load(), 0);
    }
  }
}

// Tests back-to-back dispatches of alternating sizes, each with its own
// constants: a worker late for one dispatch must not run ids of the next.
TEST(ThreadPool, AlternatingDispatches) {
  ThreadPool pool;
  ASSERT_EQ(pool.start(3), LQ_OK);
  const int rounds = 20000;
  const uint32_t sizes[] = {2, 37, 3, 1, 64};
  std::vector<int64_t> constants(rounds);
  std::vector<std::atomic<int>> counts(64);
  std::vector<long long> expected(64);
  void *bindings[] = {counts.data()};
  for (int round = 0; round < rounds; ++round) {
    uint32_t size = sizes[round % 5];
    constants[round] = round % 7 + 1;
    pool.run(countKernel, bindings, &constants[round], size);
    for (uint32_t i = 0; i < size; ++i)
      expected[i] += constants[round];
  }
  for (size_t i = 0; i < counts.size(); ++i)
    EXPECT_EQ(counts[i].load(), expected[i]) << "id " << i;
}

// Tests callers on 4 threads sharing one pool, each with its own counters
// and constants: every call runs each of its ids exactly once, and no id of
// one caller's dispatch runs with another's bindings or constants.
TEST(ThreadPool, ConcurrentCallers) {
  ThreadPool pool;
  ASSERT_EQ(pool.start(3, /*shared=*/true), LQ_OK);
  const int rounds = 3000;
  const uint32_t sizes[] = {2, 37, 3, 1, 64};
  struct Caller {
    std::vector<std::atomic<int>> counts =
        std::vector<std::atomic<int>>(64);
    std::vector<long long> expected = std::vector<long long>(64);
  };
  std::vector<Caller> callers(4);
  std::vector<std::thread> threads;
  for (size_t c = 0; c < callers.size(); ++c)
    threads.emplace_back([&, c] {
      Caller &caller = callers[c];
      void *bindings[] = {caller.counts.data()};
      for (int round = 0; round < rounds; ++round) {
        uint32_t size = sizes[(round + c) % 5];
        int64_t constant = int64_t(c) * 10 + round % 7 + 1;
        pool.run(countKernel, bindings, &constant, size);
        for (uint32_t i = 0; i < size; ++i)
          caller.expected[i] += constant;
      }
    });
  for (std::thread &thread : threads)
    thread.join();
  for (size_t c = 0; c < callers.size(); ++c)
    for (size_t i = 0; i < 64; ++i)
      ASSERT_EQ(callers[c].counts[i].load(), callers[c].expected[i])
          << "caller " << c << ", id " << i;
}

// Tests that a pool can be started and stopped without running anything.
TEST(ThreadPool, IdleStartStop) {
  for (int i = 0; i < 20; ++i) {
    ThreadPool pool;
    ASSERT_EQ(pool.start(4), LQ_OK);
  }
  ThreadPool pool;
  EXPECT_EQ(pool.start(0), LQ_ERROR_INVALID_ARGUMENT);
}
