//===- liquid-bench.cpp - Throughput of a compiled .lqm artifact ----------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// llama-bench for Liquid artifacts. For each thread count it runs two kinds
// of test on one session: pp<P>, a prefill of P pseudo-random token ids,
// and tg<N>, N single-token decode steps (pseudo-random ids too, so no
// sampler time is counted), each after a context of D tokens (-d, as
// llama-bench's; the context is evaluated untimed, the session reset before
// each run). Each test runs once to warm up (unless --no-warmup), then -r
// times; results are tokens/s as mean and sample standard deviation, as
// llama-bench's markdown table (-o md, the default, rows streamed) or as
// CSV / JSON with llama-bench's field names. --profile times every dispatch
// and adds, per test, each kernel's share of the time, its time per token
// and its bytes per second, with the dispatches per token and the cost of
// one empty launch. -p, -n, -d and -t take comma-separated lists; 0 in -p
// or -n skips that test. A header line on stderr names the artifact's
// target and limits.
// Errors read "liquid-bench: error: <file>: <what>: <why>" and exit 1.
//
//===----------------------------------------------------------------------===//

#include "Artifact.h"
#include "CommandLine.h"
#include "Report.h"
#include "liquid/runtime.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <string>
#include <unistd.h>
#include <vector>

using namespace liquid::bench;
using namespace liquid::runtime;
using namespace liquid::tools;

namespace {

const char usage[] =
    "usage: liquid-bench ART [-p 512] [-n 128] [-d 0] [-t THREADS] [-r 3]\n"
    "                        [-o md|csv|json] [--profile] [--no-warmup]\n"
    "Measures the prefill (pp) and decode (tg) throughput of a compiled\n"
    "Liquid artifact and prints tokens/s.\n"
    "  -p P[,P...]        prompt tokens per prefill test (default 512; 0 "
    "skips)\n"
    "  -n N[,N...]        decode steps per generation test (default 128; 0 "
    "skips)\n"
    "  -d D[,D...]        tokens of context before each test (default 0)\n"
    "  -t T[,T...]        threads per session (default: online CPUs)\n"
    "  -r R               repetitions of each test (default 3)\n"
    "  -o FORMAT          md (default), csv or json\n"
    "  --profile          time per kernel, share of each test, GB/s\n"
    "  --no-warmup        no untimed run before each test\n";

int fail(const std::string &message) {
  return reportError("liquid-bench", message);
}

enum class Format { Markdown, Csv, Json };

struct Options {
  std::string artifact;
  std::vector<unsigned long long> prompts{512}, generations{128}, depths{0},
      threads;
  unsigned long long repetitions = 3;
  Format format = Format::Markdown;
  bool warmup = true, profile = false;
};

/// Parses argv into `options`; on failure returns the message.
std::string parseArgs(int argc, char **argv, Options &options) {
  std::string error = parseToolArguments(
      argc, argv, usage,
      {"-p", "-n", "-d", "-t", "--threads", "-r", "--repetitions", "-o",
       "--output"},
      {"--no-warmup", "--profile"}, options.artifact,
      [&](const std::string &name, const std::string &value) -> std::string {
        if (name == "--no-warmup") {
          options.warmup = false;
        } else if (name == "--profile") {
          options.profile = true;
        } else if (name == "-p") {
          if (!parseUnsignedList(value, 0, UINT32_MAX, options.prompts))
            return "comma-separated non-negative integers";
        } else if (name == "-n") {
          if (!parseUnsignedList(value, 0, UINT32_MAX, options.generations))
            return "comma-separated non-negative integers";
        } else if (name == "-d") {
          if (!parseUnsignedList(value, 0, UINT32_MAX, options.depths))
            return "comma-separated non-negative integers";
        } else if (name == "-t" || name == "--threads") {
          if (!parseUnsignedList(value, 1, 1024, options.threads))
            return "comma-separated thread counts in [1, 1024]";
        } else if (name == "-o" || name == "--output") {
          if (value == "md")
            options.format = Format::Markdown;
          else if (value == "csv")
            options.format = Format::Csv;
          else if (value == "json")
            options.format = Format::Json;
          else
            return "md, csv or json";
        } else {
          if (!parseUnsigned(value.c_str(), options.repetitions) ||
              options.repetitions < 1 || options.repetitions > 1000000)
            return "a repetition count in [1, 1000000]";
        }
        return "";
      });
  if (error.empty() && options.profile && options.format == Format::Csv)
    return "--profile: the kernel tables go with -o md or -o json, not csv";
  return error;
}

double now() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return double(ts.tv_sec) + double(ts.tv_nsec) * 1e-9;
}

/// Token ids in [0, vocab), the same for every run (xorshift64).
std::vector<int32_t> pseudoRandomTokens(size_t count, uint32_t vocab) {
  std::vector<int32_t> ids(count);
  uint64_t x = 0x9E3779B97F4A7C15ull;
  for (int32_t &id : ids) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    id = int32_t(x % vocab);
  }
  return ids;
}

/// "5.34 MiB", "1.20 GiB" (llama-bench's size column).
std::string sizeText(uint64_t bytes) {
  char text[32];
  double mib = double(bytes) / (1024.0 * 1024.0);
  if (mib < 1024)
    snprintf(text, sizeof(text), "%.2f MiB", mib);
  else
    snprintf(text, sizeof(text), "%.2f GiB", mib / 1024);
  return text;
}

/// The context before a test: the session reset and `context` evaluated;
/// false with lq_last_error set.
bool prepare(lq_session *session, const std::vector<int32_t> &context) {
  lq_session_reset(session);
  return context.empty() || lq_session_prefill(session, context.data(),
                                               context.size(),
                                               nullptr) == LQ_OK;
}

/// One timed run of a test on `session` after `context` (unless `reset` is
/// false: then from where the session is); false with lq_last_error set.
bool prefillRun(lq_session *session, const std::vector<int32_t> &context,
                const std::vector<int32_t> &tokens, double &seconds,
                bool reset = true) {
  if (reset && !prepare(session, context))
    return false;
  double start = now();
  lq_status status =
      lq_session_prefill(session, tokens.data(), tokens.size(), nullptr);
  seconds = now() - start;
  return status == LQ_OK;
}

bool decodeRun(lq_session *session, const std::vector<int32_t> &context,
               const std::vector<int32_t> &tokens, double &seconds,
               bool reset = true) {
  if (reset && !prepare(session, context))
    return false;
  double start = now();
  for (int32_t token : tokens)
    if (lq_session_decode(session, token, nullptr) != LQ_OK)
      return false;
  seconds = now() - start;
  return true;
}

/// Adds the session's per-kernel counters to `total`.
void addProfile(const lq_session *session,
                std::vector<lq_kernel_profile> &total) {
  std::vector<lq_kernel_profile> kernels(lq_session_profile(session, nullptr, 0));
  lq_session_profile(session, kernels.data(), kernels.size());
  if (total.empty()) {
    total = kernels;
    return;
  }
  for (size_t i = 0; i < kernels.size() && i < total.size(); ++i) {
    total[i].dispatches += kernels[i].dispatches;
    total[i].workgroups += kernels[i].workgroups;
    total[i].nanoseconds += kernels[i].nanoseconds;
    total[i].bytes += kernels[i].bytes;
  }
}

} // namespace

int main(int argc, char **argv) {
  Options options;
  std::string error = parseArgs(argc, argv, options);
  if (!error.empty())
    return fail(error);
  const std::string &path = options.artifact;

  lq_model *model = nullptr;
  if (lq_model_open(path.c_str(), &model) != LQ_OK)
    return fail(lq_last_error());
  lq_model_info info;
  lq_model_get_info(model, &info);

  // Metadata the C API does not carry: source name, weight bytes, target.
  MappedFile file;
  ArtifactView view;
  if (openArtifact(path.c_str(), file, view) != LQ_OK) {
    lq_model_close(model);
    return fail(lq_last_error());
  }
  const liquid::lqm::Model &meta = *view.artifact->model();
  uint64_t weightBytes = 0;
  if (const auto *weights = view.artifact->weights())
    for (const liquid::lqm::Weight *w : *weights)
      weightBytes += w->data()->size();

  // Each test starts after its context, which must leave room for it.
  auto tooLong = [&](const std::vector<unsigned long long> &sizes,
                     const char *flag, const char *what) -> std::string {
    for (unsigned long long size : sizes)
      for (unsigned long long depth : options.depths)
        if (size + depth > info.max_context)
          return path + ": " + flag + " " + std::to_string(size) +
                 (depth ? " after -d " + std::to_string(depth) : "") +
                 ": more " + what + " than the artifact's max_context " +
                 std::to_string(info.max_context) + " (pass a smaller " +
                 flag + ", or compile with a larger --max-context)";
    return "";
  };
  for (std::string message : {tooLong(options.prompts, "-p", "tokens"),
                              tooLong(options.generations, "-n", "positions")})
    if (!message.empty()) {
      lq_model_close(model);
      return fail(message);
    }
  if (options.threads.empty()) {
    long online = sysconf(_SC_NPROCESSORS_ONLN);
    options.threads.push_back(online > 0 ? (unsigned long long)online : 1);
  }

  std::string name = std::string(info.architecture) + " " +
                     (meta.source_name() ? meta.source_name()->c_str() : "");
  fprintf(stderr,
          "liquid-bench: %s: %s, max context %u, prefill chunk %u, "
          "%llu repetition%s%s\n",
          path.c_str(), name.c_str(), info.max_context, info.prefill_chunk,
          options.repetitions, options.repetitions == 1 ? "" : "s",
          options.warmup ? "" : ", no warmup");

  MarkdownTable table(name);
  if (options.format == Format::Markdown)
    table.header();
  std::vector<Result> results;
  std::vector<std::pair<size_t, double>> profiles; // result, launch cost
  for (unsigned long long threads : options.threads) {
    lq_session *session = nullptr;
    if (lq_session_create(model, int(threads), &session) != LQ_OK) {
      lq_model_close(model);
      return fail(lq_last_error());
    }
    double launch =
        options.profile ? lq_session_launch_cost(session, 2000) : 0.0;
    struct Test {
      bool prefill;
      const std::vector<unsigned long long> *counts;
    } tests[] = {{true, &options.prompts}, {false, &options.generations}};
    for (unsigned long long depth : options.depths)
      for (const Test &test : tests)
        for (unsigned long long count : *test.counts) {
          if (count == 0)
            continue;
          Result result;
          result.model = name;
          result.size = sizeText(weightBytes);
          result.sizeBytes = weightBytes;
          result.threads = unsigned(threads);
          (test.prefill ? result.prompt : result.generated) = count;
          result.depth = depth;
          // The context and the test draw from one stream of ids.
          std::vector<int32_t> ids =
              pseudoRandomTokens(size_t(depth + count), info.vocab_size);
          std::vector<int32_t> context(ids.begin(), ids.begin() + depth),
              tokens(ids.begin() + depth, ids.end());
          auto *run = test.prefill ? prefillRun : decodeRun;
          double seconds = 0;
          bool ok =
              !options.warmup || run(session, context, tokens, seconds, true);
          for (unsigned long long r = 0; ok && r < options.repetitions; ++r) {
            ok = run(session, context, tokens, seconds, true);
            result.rates.push_back(seconds > 0 ? double(count) / seconds
                                               : 0.0);
          }
          // Profiled runs come apart from the timed ones (timing every
          // dispatch costs a little), and count the test, not its context.
          for (unsigned long long r = 0;
               ok && options.profile && r < options.repetitions; ++r) {
            ok = prepare(session, context);
            lq_session_set_profiling(session, 1);
            ok = ok && run(session, {}, tokens, seconds, /*reset=*/false);
            addProfile(session, result.kernels);
            lq_session_set_profiling(session, 0);
          }
          if (!ok) {
            error = lq_last_error();
            lq_session_destroy(session);
            lq_model_close(model);
            return fail(error);
          }
          if (options.format == Format::Markdown)
            table.row(result);
          if (options.profile)
            profiles.push_back({results.size(), launch});
          results.push_back(std::move(result));
        }
    lq_session_destroy(session);
  }
  // Printed before the model closes: kernel names point into it.
  if (options.format == Format::Csv)
    printCsv(results);
  if (options.format == Format::Json)
    printJson(results);
  if (options.format == Format::Markdown)
    for (auto [index, launch] : profiles)
      printProfile(results[index], launch);
  lq_model_close(model);
  return 0;
}
