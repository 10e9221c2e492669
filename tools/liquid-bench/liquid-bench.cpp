//===- liquid-bench.cpp - Throughput of a compiled .lqm artifact ----------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// llama-bench for Liquid artifacts. For each thread count it runs two tests
// on one session: pp<P>, a prefill of P pseudo-random token ids from position
// 0 (the session reset before each run), and tg<N>, N single-token decode
// steps from position 0 (pseudo-random ids too, so no sampler time is
// counted). Each test runs once to warm up (unless --no-warmup), then -r
// times; the table on stdout gives tokens/s as mean ± sample standard
// deviation, in llama-bench's markdown layout. -p, -n and -t take
// comma-separated lists; 0 in -p or -n skips that test. A header line on
// stderr names the artifact's target and limits.
// Errors read "liquid-bench: error: <file>: <what>: <why>" and exit 1.
//
//===----------------------------------------------------------------------===//

#include "Artifact.h"
#include "CommandLine.h"
#include "liquid/runtime.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <string>
#include <unistd.h>
#include <vector>

using namespace liquid::runtime;
using namespace liquid::tools;

namespace {

const char usage[] =
    "usage: liquid-bench ART [-p 512] [-n 128] [-t THREADS] [-r 3] "
    "[--no-warmup]\n"
    "Measures the prefill (pp) and decode (tg) throughput of a compiled\n"
    "Liquid artifact and prints a markdown table of tokens/s.\n"
    "  -p P[,P...]        prompt tokens per prefill test (default 512; 0 "
    "skips)\n"
    "  -n N[,N...]        decode steps per generation test (default 128; 0 "
    "skips)\n"
    "  -t T[,T...]        threads per session (default: online CPUs)\n"
    "  -r R               repetitions of each test (default 3)\n"
    "  --no-warmup        no untimed run before each test\n";

int fail(const std::string &message) {
  return reportError("liquid-bench", message);
}

struct Options {
  std::string artifact;
  std::vector<unsigned long long> prompts{512}, generations{128}, threads;
  unsigned long long repetitions = 3;
  bool warmup = true;
};

/// Parses argv into `options`; on failure returns the message.
std::string parseArgs(int argc, char **argv, Options &options) {
  return parseToolArguments(
      argc, argv, usage, {"-p", "-n", "-t", "--threads", "-r", "--repetitions"},
      {"--no-warmup"}, options.artifact,
      [&](const std::string &name, const std::string &value) -> std::string {
        if (name == "--no-warmup") {
          options.warmup = false;
        } else if (name == "-p") {
          if (!parseUnsignedList(value, 0, UINT32_MAX, options.prompts))
            return "comma-separated non-negative integers";
        } else if (name == "-n") {
          if (!parseUnsignedList(value, 0, UINT32_MAX, options.generations))
            return "comma-separated non-negative integers";
        } else if (name == "-t" || name == "--threads") {
          if (!parseUnsignedList(value, 1, 1024, options.threads))
            return "comma-separated thread counts in [1, 1024]";
        } else {
          if (!parseUnsigned(value.c_str(), options.repetitions) ||
              options.repetitions < 1 || options.repetitions > 1000000)
            return "a repetition count in [1, 1000000]";
        }
        return "";
      });
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

/// "1234.56 ± 7.89": mean and sample standard deviation.
std::string rateText(const std::vector<double> &rates) {
  double mean = 0, squares = 0;
  for (double r : rates)
    mean += r;
  mean /= double(rates.size());
  for (double r : rates)
    squares += (r - mean) * (r - mean);
  double stddev =
      rates.size() > 1 ? std::sqrt(squares / double(rates.size() - 1)) : 0.0;
  char text[64];
  snprintf(text, sizeof(text), "%.2f \xC2\xB1 %.2f", mean, stddev);
  return text;
}

/// The markdown table: the model column as wide as the model's name, the
/// others at llama-bench's widths; rows go out (flushed) as tests finish.
class Table {
public:
  explicit Table(const std::string &model)
      : modelWidth(std::max<size_t>(model.size(), 5)) {}

  void header() const {
    printf("| %-*s | %10s | %7s | %13s | %20s |\n", int(modelWidth), "model",
           "size", "threads", "test", "t/s");
    printf("| %s | ---------: | ------: | ------------: | "
           "-------------------: |\n",
           std::string(modelWidth, '-').c_str());
    fflush(stdout);
  }
  void row(const std::string &model, const std::string &size,
           unsigned long long threads, const std::string &test,
           const std::string &rate) const {
    // "±" is two bytes and one column: pad by one more.
    printf("| %-*s | %10s | %7llu | %13s | %21s |\n", int(modelWidth),
           model.c_str(), size.c_str(), threads, test.c_str(), rate.c_str());
    fflush(stdout);
  }

private:
  size_t modelWidth;
};

/// One timed run of a test on `session`; false with lq_last_error set.
bool prefillRun(lq_session *session, const std::vector<int32_t> &tokens,
                double &seconds) {
  lq_session_reset(session);
  double start = now();
  lq_status status =
      lq_session_prefill(session, tokens.data(), tokens.size(), nullptr);
  seconds = now() - start;
  return status == LQ_OK;
}

bool decodeRun(lq_session *session, const std::vector<int32_t> &tokens,
               double &seconds) {
  lq_session_reset(session);
  double start = now();
  for (int32_t token : tokens)
    if (lq_session_decode(session, token, nullptr) != LQ_OK)
      return false;
  seconds = now() - start;
  return true;
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

  // Each test starts at position 0, so its tokens must fit in the context.
  auto tooLong = [&](const std::vector<unsigned long long> &sizes,
                     const char *flag, const char *what) -> std::string {
    for (unsigned long long size : sizes)
      if (size > info.max_context)
        return path + ": " + flag + " " + std::to_string(size) +
               ": more " + what + " than the artifact's max_context " +
               std::to_string(info.max_context) + " (pass a smaller " + flag +
               ", or compile with a larger --max-context)";
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
  std::string size = sizeText(weightBytes);
  fprintf(stderr,
          "liquid-bench: %s: %s, max context %u, prefill chunk %u, "
          "%llu repetition%s%s\n",
          path.c_str(), name.c_str(), info.max_context, info.prefill_chunk,
          options.repetitions, options.repetitions == 1 ? "" : "s",
          options.warmup ? "" : ", no warmup");

  Table table(name);
  table.header();
  for (unsigned long long threads : options.threads) {
    lq_session *session = nullptr;
    if (lq_session_create(model, int(threads), &session) != LQ_OK) {
      lq_model_close(model);
      return fail(lq_last_error());
    }
    struct Test {
      const char *prefix;
      const std::vector<unsigned long long> *counts;
      bool (*run)(lq_session *, const std::vector<int32_t> &, double &);
    } tests[] = {{"pp", &options.prompts, prefillRun},
                 {"tg", &options.generations, decodeRun}};
    for (const Test &test : tests)
      for (unsigned long long count : *test.counts) {
        if (count == 0)
          continue;
        std::vector<int32_t> tokens =
            pseudoRandomTokens(size_t(count), info.vocab_size);
        std::vector<double> rates;
        double seconds = 0;
        bool ok = !options.warmup || test.run(session, tokens, seconds);
        for (unsigned long long r = 0; ok && r < options.repetitions; ++r) {
          ok = test.run(session, tokens, seconds);
          rates.push_back(seconds > 0 ? double(count) / seconds : 0.0);
        }
        if (!ok) {
          error = lq_last_error();
          lq_session_destroy(session);
          lq_model_close(model);
          return fail(error);
        }
        table.row(name, size, threads, test.prefix + std::to_string(count),
                  rateText(rates));
      }
    lq_session_destroy(session);
  }
  lq_model_close(model);
  return 0;
}
