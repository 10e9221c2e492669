//===- Report.h - liquid-bench's results and their formats ------*- C++ -*-===//
//
// SPDX-License-Identifier: Apache-2.0
//
// What one liquid-bench test measured, and the three ways it is printed:
// llama-bench's markdown table (streamed, one row per test), CSV and JSON
// with llama-bench's field names (n_prompt, n_gen, n_depth, n_threads,
// avg_ts, stddev_ts, samples_ts), and the --profile table of a test: each
// kernel's share of the test's time, its time per token and the rate at
// which it went through its bound buffers.
//
//===----------------------------------------------------------------------===//

#ifndef LIQUID_TOOLS_LIQUID_BENCH_REPORT_H
#define LIQUID_TOOLS_LIQUID_BENCH_REPORT_H

#include "liquid/runtime.h"

#include <cstdint>
#include <string>
#include <vector>

namespace liquid::bench {

/// One test: pp (prompt > 0) or tg (generated > 0), after `depth` tokens.
struct Result {
  std::string model, size;
  uint64_t sizeBytes = 0;
  unsigned threads = 0;
  uint64_t prompt = 0, generated = 0, depth = 0;
  std::vector<double> rates; ///< tokens/s, one per repetition
  /// With --profile: per kernel, summed over the timed repetitions.
  std::vector<lq_kernel_profile> kernels;
};

/// "pp512", "tg128", "pp512 @ d4096".
std::string testName(const Result &r);
double mean(const std::vector<double> &values);
double deviation(const std::vector<double> &values);

/// The markdown table, row by row (flushed).
class MarkdownTable {
public:
  explicit MarkdownTable(const std::string &model);
  void header() const;
  void row(const Result &r) const;

private:
  size_t modelWidth;
};

/// The kernels of a profiled test, the costliest first; `launch` is the
/// cost of one empty launch on the test's pool, in nanoseconds.
void printProfile(const Result &r, double launch);
void printCsv(const std::vector<Result> &results);
void printJson(const std::vector<Result> &results);

} // namespace liquid::bench

#endif // LIQUID_TOOLS_LIQUID_BENCH_REPORT_H
