//===- SessionTest.cpp - Prefill, decode, context, snapshot, threads ------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// Tests sessions of the test model against Reference: prefill of lengths
// that are and are not multiples of the chunk, decode, the context limit,
// bad token ids, reset, snapshot / restore, thread counts and pools.
//
//===----------------------------------------------------------------------===//

#include "Model.h"
#include "TestArtifact.h"
#include "liquid/runtime.h"

#include <gtest/gtest.h>

#include <cstring>
#include <dirent.h>
#include <functional>
#include <memory>
#include <numeric>
#include <thread>

using namespace liquid::runtime::test;

namespace {

constexpr uint32_t vocab = 16, chunk = 4, maxContext = 32;

struct ModelDeleter {
  void operator()(lq_model *model) const { lq_model_close(model); }
};
struct SessionDeleter {
  void operator()(lq_session *session) const { lq_session_destroy(session); }
};
using ModelPtr = std::unique_ptr<lq_model, ModelDeleter>;
using SessionPtr = std::unique_ptr<lq_session, SessionDeleter>;

class Session : public ::testing::Test {
protected:
  void SetUp() override {
    ArtifactSpec spec = testModel(vocab, chunk, maxContext);
    std::string path = writeTemp("model.lqm", writeArtifact(spec));
    lq_model *raw = nullptr;
    ASSERT_EQ(lq_model_open(path.c_str(), &raw), LQ_OK) << lq_last_error();
    model.reset(raw);
  }

  SessionPtr newSession(int threads = 1) {
    lq_session *raw = nullptr;
    EXPECT_EQ(lq_session_create(model.get(), threads, &raw), LQ_OK)
        << lq_last_error();
    return SessionPtr(raw);
  }

  /// Prefills `tokens` and returns every row of logits.
  std::vector<float> prefill(lq_session *session,
                             const std::vector<int32_t> &tokens) {
    std::vector<float> logits(tokens.size() * vocab, -1.0f);
    EXPECT_EQ(lq_session_prefill(session, tokens.data(), tokens.size(),
                                 logits.data()),
              LQ_OK)
        << lq_last_error();
    return logits;
  }

  static std::vector<int32_t> sequence(size_t n, int32_t start = 3) {
    std::vector<int32_t> tokens(n);
    for (size_t i = 0; i < n; ++i)
      tokens[i] = int32_t((start + 5 * i) % vocab);
    return tokens;
  }

  ModelPtr model;
};

} // namespace

// Tests prefill of 1..13 tokens: whole chunks, a remainder, or both.
TEST_F(Session, PrefillMatchesReference) {
  for (size_t n = 1; n <= 13; ++n) {
    SessionPtr session = newSession();
    std::vector<int32_t> tokens = sequence(n);
    Reference reference(vocab);
    EXPECT_EQ(prefill(session.get(), tokens), reference.eval(tokens))
        << n << " tokens";
    EXPECT_EQ(lq_session_position(session.get()), n);
  }
}

// Tests that several prefills and decodes continue one sequence.
TEST_F(Session, PrefillThenDecode) {
  SessionPtr session = newSession();
  Reference reference(vocab);
  EXPECT_EQ(lq_session_logits(session.get()), nullptr);
  EXPECT_EQ(prefill(session.get(), {1, 2, 3, 4, 5}),
            reference.eval({1, 2, 3, 4, 5}));
  EXPECT_EQ(prefill(session.get(), {6, 7, 8}), reference.eval({6, 7, 8}));
  for (int32_t token : {9, 10, 11}) {
    std::vector<float> row(vocab);
    ASSERT_EQ(lq_session_decode(session.get(), token, row.data()), LQ_OK);
    EXPECT_EQ(row, reference.eval({token}));
    EXPECT_EQ(std::vector<float>(lq_session_logits(session.get()),
                                 lq_session_logits(session.get()) + vocab),
              row);
  }
  EXPECT_EQ(lq_session_position(session.get()), 11u);
  // Null logits: evaluated all the same.
  ASSERT_EQ(lq_session_decode(session.get(), 12, nullptr), LQ_OK);
  std::vector<float> last = reference.eval({12});
  EXPECT_EQ(std::vector<float>(lq_session_logits(session.get()),
                               lq_session_logits(session.get()) + vocab),
            last);
}

// Tests the context limit: nothing is evaluated past max_context.
TEST_F(Session, ContextFull) {
  SessionPtr session = newSession();
  std::vector<int32_t> tooMany = sequence(maxContext + 1);
  EXPECT_EQ(lq_session_prefill(session.get(), tooMany.data(), tooMany.size(),
                               nullptr),
            LQ_ERROR_CONTEXT_FULL);
  EXPECT_NE(std::string(lq_last_error()).find("context full"),
            std::string::npos);
  EXPECT_EQ(lq_session_position(session.get()), 0u);
  std::vector<int32_t> all = sequence(maxContext);
  Reference reference(vocab);
  EXPECT_EQ(prefill(session.get(), all), reference.eval(all));
  EXPECT_EQ(lq_session_decode(session.get(), 1, nullptr),
            LQ_ERROR_CONTEXT_FULL);
  EXPECT_EQ(lq_session_position(session.get()), maxContext);
}

// Tests token ids outside [0, vocab): refused before anything runs.
TEST_F(Session, BadTokenIds) {
  SessionPtr session = newSession();
  std::vector<int32_t> bad = {1, 2, int32_t(vocab), 3};
  EXPECT_EQ(lq_session_prefill(session.get(), bad.data(), bad.size(), nullptr),
            LQ_ERROR_INVALID_ARGUMENT);
  EXPECT_NE(std::string(lq_last_error()).find("token id 16 at index 2"),
            std::string::npos)
      << lq_last_error();
  EXPECT_EQ(lq_session_decode(session.get(), -1, nullptr),
            LQ_ERROR_INVALID_ARGUMENT);
  EXPECT_EQ(lq_session_prefill(session.get(), nullptr, 2, nullptr),
            LQ_ERROR_INVALID_ARGUMENT);
  EXPECT_EQ(lq_session_prefill(nullptr, bad.data(), 1, nullptr),
            LQ_ERROR_INVALID_ARGUMENT);
  EXPECT_EQ(lq_session_position(session.get()), 0u);
  Reference reference(vocab);
  EXPECT_EQ(prefill(session.get(), {1, 2, 3}), reference.eval({1, 2, 3}));
  EXPECT_EQ(lq_session_prefill(session.get(), nullptr, 0, nullptr), LQ_OK);
}

// Tests that reset gives position 0, zeroed state and no logits.
TEST_F(Session, Reset) {
  SessionPtr session = newSession();
  std::vector<int32_t> tokens = sequence(7);
  std::vector<float> first = prefill(session.get(), tokens);
  lq_session_reset(session.get());
  EXPECT_EQ(lq_session_position(session.get()), 0u);
  EXPECT_EQ(lq_session_logits(session.get()), nullptr);
  EXPECT_EQ(prefill(session.get(), tokens), first);
}

// Tests that reset zeroes every state byte a sequence wrote, KV cache rows
// included, also after a restore: the state then equals a fresh session's.
TEST_F(Session, ResetClearsWrittenState) {
  SessionPtr fresh = newSession(), used = newSession();
  auto state = [](const lq_session *s) {
    std::vector<uint8_t> bytes;
    for (const liquid::runtime::AlignedBuffer &b : s->state)
      bytes.insert(bytes.end(), b.data(), b.data() + b.size());
    return bytes;
  };
  std::vector<uint8_t> clean = state(fresh.get());
  prefill(used.get(), sequence(11));
  EXPECT_NE(state(used.get()), clean);
  std::vector<uint8_t> busy(lq_session_snapshot_size(used.get()));
  ASSERT_EQ(lq_session_snapshot(used.get(), busy.data(), busy.size()), LQ_OK);
  lq_session_reset(used.get());
  EXPECT_EQ(state(used.get()), clean);
  ASSERT_EQ(lq_session_restore(used.get(), busy.data(), busy.size()), LQ_OK);
  lq_session_reset(used.get());
  EXPECT_EQ(state(used.get()), clean);
}

// Tests the profile: off by default; while on, each kernel's launches,
// workgroups, time and bound bytes add up; starting again clears them.
TEST_F(Session, Profile) {
  SessionPtr session = newSession(2);
  size_t kernels = lq_session_profile(session.get(), nullptr, 0);
  ASSERT_GT(kernels, 0u);
  std::vector<lq_kernel_profile> profile(kernels);
  prefill(session.get(), sequence(3));
  lq_session_profile(session.get(), profile.data(), kernels);
  for (const lq_kernel_profile &k : profile)
    EXPECT_EQ(k.dispatches, 0u) << k.kernel;

  lq_session_set_profiling(session.get(), 1);
  EXPECT_EQ(lq_session_decode(session.get(), 2, nullptr), LQ_OK);
  lq_session_profile(session.get(), profile.data(), kernels);
  uint64_t dispatches = 0;
  for (const lq_kernel_profile &k : profile) {
    ASSERT_NE(k.kernel, nullptr);
    dispatches += k.dispatches;
    if (k.dispatches) {
      EXPECT_GE(k.workgroups, k.dispatches) << k.kernel;
      EXPECT_GT(k.bytes, 0u) << k.kernel;
    }
  }
  EXPECT_EQ(dispatches, lq_session_decode_dispatches(session.get()));

  lq_session_set_profiling(session.get(), 0);
  EXPECT_EQ(lq_session_decode(session.get(), 3, nullptr), LQ_OK);
  std::vector<lq_kernel_profile> same(kernels);
  lq_session_profile(session.get(), same.data(), kernels);
  for (size_t i = 0; i < kernels; ++i)
    EXPECT_EQ(same[i].dispatches, profile[i].dispatches);
  lq_session_set_profiling(session.get(), 1);
  lq_session_profile(session.get(), same.data(), kernels);
  for (const lq_kernel_profile &k : same)
    EXPECT_EQ(k.dispatches, 0u);
  EXPECT_GT(lq_session_launch_cost(session.get(), 100), 0.0);
}

// Tests snapshot -> restore -> continue, in the same and another session.
TEST_F(Session, SnapshotRestore) {
  SessionPtr session = newSession();
  prefill(session.get(), sequence(5));
  std::vector<uint8_t> snapshot(lq_session_snapshot_size(session.get()));
  ASSERT_EQ(
      lq_session_snapshot(session.get(), snapshot.data(), snapshot.size()),
      LQ_OK);
  std::vector<int32_t> more = {4, 9, 1, 7, 7, 2};
  std::vector<float> expected = prefill(session.get(), more);

  SessionPtr other = newSession(2);
  ASSERT_EQ(lq_session_restore(other.get(), snapshot.data(), snapshot.size()),
            LQ_OK)
      << lq_last_error();
  EXPECT_EQ(lq_session_position(other.get()), 5u);
  EXPECT_EQ(prefill(other.get(), more), expected);
  ASSERT_EQ(lq_session_restore(session.get(), snapshot.data(), snapshot.size()),
            LQ_OK);
  ASSERT_NE(lq_session_logits(session.get()), nullptr);
  EXPECT_EQ(prefill(session.get(), more), expected);
}

// Tests that broken or foreign snapshots are refused and change nothing.
TEST_F(Session, BadSnapshots) {
  SessionPtr session = newSession();
  prefill(session.get(), sequence(3));
  std::vector<uint8_t> good(lq_session_snapshot_size(session.get()));
  ASSERT_EQ(lq_session_snapshot(session.get(), good.data(), good.size()),
            LQ_OK);
  EXPECT_EQ(lq_session_snapshot(session.get(), good.data(), good.size() - 1),
            LQ_ERROR_INVALID_ARGUMENT);

  SessionPtr target = newSession();
  auto restore = [&](const std::vector<uint8_t> &bytes) {
    return lq_session_restore(target.get(), bytes.data(), bytes.size());
  };
  std::vector<uint8_t> bad = good;
  bad[0] = 'X';
  EXPECT_EQ(restore(bad), LQ_ERROR_INVALID_ARGUMENT);
  EXPECT_NE(std::string(lq_last_error()).find("not a session snapshot"),
            std::string::npos);
  EXPECT_EQ(restore(std::vector<uint8_t>(good.begin(), good.end() - 1)),
            LQ_ERROR_INVALID_ARGUMENT);
  EXPECT_EQ(restore(std::vector<uint8_t>(good.begin(), good.begin() + 10)),
            LQ_ERROR_INVALID_ARGUMENT);
  bad = good;
  bad.back() ^= 0x10; // payload: the checksum no longer matches
  EXPECT_EQ(restore(bad), LQ_ERROR_INVALID_ARGUMENT);
  EXPECT_NE(std::string(lq_last_error()).find("checksum"), std::string::npos);
  bad = good;
  bad[8] ^= 1; // source hash
  EXPECT_EQ(restore(bad), LQ_ERROR_INVALID_ARGUMENT);
  EXPECT_NE(std::string(lq_last_error()).find("another model"),
            std::string::npos);
  EXPECT_EQ(lq_session_position(target.get()), 0u);

  // A snapshot of a model with another hash (and another context size).
  ArtifactSpec spec = testModel(vocab, chunk, 16);
  spec.sourceHash = 77;
  std::string path = writeTemp("other.lqm", writeArtifact(spec));
  lq_model *otherModel = nullptr;
  ASSERT_EQ(lq_model_open(path.c_str(), &otherModel), LQ_OK);
  lq_session *otherSession = nullptr;
  ASSERT_EQ(lq_session_create(otherModel, 1, &otherSession), LQ_OK);
  EXPECT_EQ(lq_session_restore(otherSession, good.data(), good.size()),
            LQ_ERROR_INVALID_ARGUMENT);
  lq_session_destroy(otherSession);
  lq_model_close(otherModel);
}

// Tests that a snapshot holds the caches' rows up to the position only (it
// grows with the context used), and that fork gives an independent session
// that continues exactly as the original does.
TEST_F(Session, SnapshotSizeAndFork) {
  SessionPtr session = newSession();
  size_t empty = lq_session_snapshot_size(session.get());
  prefill(session.get(), sequence(3));
  size_t three = lq_session_snapshot_size(session.get());
  prefill(session.get(), sequence(4));
  size_t seven = lq_session_snapshot_size(session.get());
  // The test model's key cache is 4 bytes a position; logits come with
  // the first token.
  EXPECT_EQ(seven - three, 4u * 4u);
  EXPECT_EQ(three - empty, 3u * 4u + vocab * sizeof(float));

  lq_session *forked = nullptr;
  ASSERT_EQ(lq_session_fork(session.get(), 2, &forked), LQ_OK)
      << lq_last_error();
  SessionPtr fork(forked);
  EXPECT_EQ(lq_session_position(fork.get()), 7u);
  std::vector<int32_t> more = {4, 9, 1};
  std::vector<float> expected = prefill(session.get(), more);
  EXPECT_EQ(prefill(fork.get(), more), expected);
  // The original moved on; the fork did not follow it.
  EXPECT_EQ(lq_session_position(session.get()), 10u);
  EXPECT_EQ(lq_session_position(fork.get()), 10u);
  EXPECT_EQ(lq_session_fork(nullptr, 1, &forked), LQ_ERROR_INVALID_ARGUMENT);
}

// Tests that 1, 2, 4 threads and one per CPU give identical logits.
TEST_F(Session, ThreadCountsAgree) {
  std::vector<int32_t> tokens = sequence(23, 1);
  std::vector<float> one;
  for (int threads : {1, 2, 4, 0}) {
    SessionPtr session = newSession(threads);
    std::vector<float> logits = prefill(session.get(), tokens);
    for (int32_t token : {3, 4, 5}) {
      std::vector<float> row(vocab);
      ASSERT_EQ(lq_session_decode(session.get(), token, row.data()), LQ_OK);
      logits.insert(logits.end(), row.begin(), row.end());
    }
    if (one.empty())
      one = logits;
    EXPECT_EQ(logits, one) << threads << " threads";
  }
  lq_session *session = nullptr;
  EXPECT_EQ(lq_session_create(model.get(), -1, &session),
            LQ_ERROR_INVALID_ARGUMENT);
  EXPECT_EQ(lq_session_create(nullptr, 1, &session), LQ_ERROR_INVALID_ARGUMENT);
}

namespace {

/// Prefill, a snapshot, three decodes and a restore, 20 times over, on a
/// session `create` makes: the logits of the last round.
std::vector<float>
roundTrips(const std::function<lq_status(lq_session **)> &create) {
  std::vector<int32_t> tokens(11);
  for (size_t i = 0; i < tokens.size(); ++i)
    tokens[i] = int32_t((2 + 5 * i) % vocab);
  std::vector<float> out;
  lq_session *raw = nullptr;
  if (create(&raw) != LQ_OK)
    return out;
  SessionPtr session(raw);
  std::vector<float> rows(tokens.size() * vocab);
  for (int repeat = 0; repeat < 200; ++repeat) {
    lq_session_reset(session.get());
    if (lq_session_prefill(session.get(), tokens.data(), tokens.size(),
                           rows.data()) != LQ_OK)
      return {};
    out.assign(rows.begin(), rows.end());
    std::vector<uint8_t> snapshot(lq_session_snapshot_size(session.get()));
    if (lq_session_snapshot(session.get(), snapshot.data(), snapshot.size()) !=
        LQ_OK)
      return {};
    for (int32_t token : {7, 8, 9}) {
      std::vector<float> row(vocab);
      if (lq_session_decode(session.get(), token, row.data()) != LQ_OK)
        return {};
      out.insert(out.end(), row.begin(), row.end());
    }
    if (lq_session_restore(session.get(), snapshot.data(), snapshot.size()) !=
        LQ_OK)
      return {};
  }
  return out;
}

/// roundTrips on 4 threads at once, each with a session of its own.
std::vector<std::vector<float>>
concurrentRoundTrips(const std::function<lq_status(lq_session **)> &create) {
  std::vector<std::vector<float>> results(4);
  std::vector<std::thread> threads;
  for (auto &result : results)
    threads.emplace_back([&] { result = roundTrips(create); });
  for (std::thread &thread : threads)
    thread.join();
  return results;
}

/// Threads of this process now.
size_t processThreads() {
  size_t count = 0;
  if (DIR *dir = opendir("/proc/self/task")) {
    while (dirent *entry = readdir(dir))
      count += entry->d_name[0] != '.';
    closedir(dir);
  }
  return count;
}

} // namespace

// Tests 4 sessions of one model on 4 threads at once against one session
// alone: bit-identical logits from every one, through prefill, decode and a
// snapshot taken midway; each session with 2 threads of its own, then all
// on one shared lq_pool of 3, then all on the process pool (threads 0).
TEST_F(Session, ConcurrentSessionsAgree) {
  std::vector<float> alone = roundTrips([&](lq_session **out) {
    return lq_session_create(model.get(), 1, out);
  });
  ASSERT_EQ(alone.size(), (11 + 3) * vocab);
  auto own = concurrentRoundTrips([&](lq_session **out) {
    return lq_session_create(model.get(), 2, out);
  });
  for (size_t i = 0; i < own.size(); ++i)
    EXPECT_EQ(own[i], alone) << "session " << i << " on 2 threads of its own";

  lq_pool *pool = nullptr;
  ASSERT_EQ(lq_pool_create(3, &pool), LQ_OK) << lq_last_error();
  EXPECT_EQ(lq_pool_threads(pool), 3);
  auto shared = concurrentRoundTrips([&](lq_session **out) {
    return lq_session_create_on(model.get(), pool, out);
  });
  for (size_t i = 0; i < shared.size(); ++i)
    EXPECT_EQ(shared[i], alone) << "session " << i << " on a shared pool";
  EXPECT_EQ(lq_pool_destroy(pool), LQ_OK);

  auto process = concurrentRoundTrips([&](lq_session **out) {
    return lq_session_create(model.get(), 0, out);
  });
  for (size_t i = 0; i < process.size(); ++i)
    EXPECT_EQ(process[i], alone) << "session " << i << " on the process pool";
}

// Tests that sessions created with 0 threads share the process pool: once
// it exists, more of them start no thread.
TEST_F(Session, ProcessPoolIsShared) {
  SessionPtr first = newSession(0);
  size_t before = processThreads();
  std::vector<SessionPtr> more;
  for (int i = 0; i < 8; ++i)
    more.push_back(newSession(0));
  EXPECT_EQ(processThreads(), before);
  std::vector<int32_t> tokens = sequence(9);
  std::vector<float> expected = Reference(vocab).eval(tokens);
  for (SessionPtr &session : more)
    EXPECT_EQ(prefill(session.get(), tokens), expected);
  // A session of its own starts its threads: 3 more, the caller is the 4th.
  SessionPtr own = newSession(4);
  EXPECT_EQ(processThreads(), before + 3);
}

// Tests a pool's lifetime: destroying it under a session is refused and
// leaves both usable; it is destroyed once its sessions are gone.
TEST_F(Session, PoolOutlivesItsSessions) {
  lq_pool *pool = nullptr;
  EXPECT_EQ(lq_pool_create(-1, &pool), LQ_ERROR_INVALID_ARGUMENT);
  EXPECT_EQ(pool, nullptr);
  EXPECT_EQ(lq_pool_create(5000, &pool), LQ_ERROR_INVALID_ARGUMENT);
  EXPECT_NE(std::string(lq_last_error()).find(
                "thread pool: 5000 threads is out of range [1, 4096]"),
            std::string::npos)
      << lq_last_error();
  ASSERT_EQ(lq_pool_create(0, &pool), LQ_OK);
  EXPECT_GE(lq_pool_threads(pool), 1);
  lq_session *raw = nullptr;
  EXPECT_EQ(lq_session_create_on(model.get(), nullptr, &raw),
            LQ_ERROR_INVALID_ARGUMENT);
  ASSERT_EQ(lq_session_create_on(model.get(), pool, &raw), LQ_OK);
  SessionPtr session(raw);
  EXPECT_EQ(lq_pool_destroy(pool), LQ_ERROR_INVALID_ARGUMENT);
  EXPECT_NE(std::string(lq_last_error()).find(
                "lq_pool_destroy: 1 session is still running on this pool"),
            std::string::npos)
      << lq_last_error();
  std::vector<int32_t> tokens = sequence(6);
  EXPECT_EQ(prefill(session.get(), tokens), Reference(vocab).eval(tokens));
  session.reset();
  EXPECT_EQ(lq_pool_destroy(pool), LQ_OK);
  EXPECT_EQ(lq_pool_destroy(nullptr), LQ_OK);
}

// Tests that closing a model under a live session is refused with a status
// and leaves both usable; it closes once the session is gone.
TEST_F(Session, CloseWithLiveSession) {
  SessionPtr session = newSession();
  EXPECT_EQ(lq_model_close(model.get()), LQ_ERROR_INVALID_ARGUMENT);
  EXPECT_NE(std::string(lq_last_error()).find(
                "lq_model_close: 1 session of this model is still alive"),
            std::string::npos)
      << lq_last_error();
  SessionPtr second = newSession();
  EXPECT_EQ(lq_model_close(model.get()), LQ_ERROR_INVALID_ARGUMENT);
  EXPECT_NE(std::string(lq_last_error()).find("2 sessions"), std::string::npos);
  std::vector<int32_t> tokens = sequence(5);
  EXPECT_EQ(prefill(session.get(), tokens), Reference(vocab).eval(tokens));
  session.reset();
  second.reset();
  EXPECT_EQ(lq_model_close(model.release()), LQ_OK);
  EXPECT_EQ(lq_model_close(nullptr), LQ_OK);
}
