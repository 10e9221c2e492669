//===- Report.cpp - liquid-bench's results and their formats --------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// This file implements Report.h.
//
//===----------------------------------------------------------------------===//

#include "Report.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

using namespace liquid::bench;

/// `text` quoted for JSON.
static std::string json(const std::string &text) {
  std::string out = "\"";
  for (unsigned char c : text) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += char(c);
    } else if (c < 0x20) {
      char escaped[8];
      snprintf(escaped, sizeof(escaped), "\\u%04x", c);
      out += escaped;
    } else {
      out += char(c);
    }
  }
  return out + "\"";
}

/// `text` quoted for CSV.
static std::string csv(const std::string &text) {
  std::string out = "\"";
  for (char c : text)
    out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

std::string liquid::bench::testName(const Result &r) {
  std::string name = r.prompt ? "pp" + std::to_string(r.prompt)
                              : "tg" + std::to_string(r.generated);
  if (r.depth)
    name += " @ d" + std::to_string(r.depth);
  return name;
}

double liquid::bench::mean(const std::vector<double> &values) {
  double sum = 0;
  for (double v : values)
    sum += v;
  return values.empty() ? 0 : sum / double(values.size());
}

double liquid::bench::deviation(const std::vector<double> &values) {
  if (values.size() < 2)
    return 0;
  double m = mean(values), squares = 0;
  for (double v : values)
    squares += (v - m) * (v - m);
  return std::sqrt(squares / double(values.size() - 1));
}

MarkdownTable::MarkdownTable(const std::string &model)
    : modelWidth(std::max<size_t>(model.size(), 5)) {}

void MarkdownTable::header() const {
  printf("| %-*s | %10s | %7s | %13s | %20s |\n", int(modelWidth), "model",
         "size", "threads", "test", "t/s");
  printf("| %s | ---------: | ------: | ------------: | "
         "-------------------: |\n",
         std::string(modelWidth, '-').c_str());
  fflush(stdout);
}

void MarkdownTable::row(const Result &r) const {
  char rate[64];
  snprintf(rate, sizeof(rate), "%.2f \xC2\xB1 %.2f", mean(r.rates),
           deviation(r.rates));
  // "±" is two bytes and one column: pad by one more.
  printf("| %-*s | %10s | %7u | %13s | %21s |\n", int(modelWidth),
         r.model.c_str(), r.size.c_str(), r.threads, testName(r).c_str(),
         rate);
  fflush(stdout);
}

void liquid::bench::printProfile(const Result &r, double launch) {
  uint64_t total = 0, dispatches = 0;
  for (const lq_kernel_profile &k : r.kernels) {
    total += k.nanoseconds;
    dispatches += k.dispatches;
  }
  uint64_t tokens = (r.prompt + r.generated) * r.rates.size();
  if (!total || !tokens)
    return;
  std::vector<lq_kernel_profile> kernels = r.kernels;
  std::sort(kernels.begin(), kernels.end(),
            [](const lq_kernel_profile &a, const lq_kernel_profile &b) {
              return a.nanoseconds > b.nanoseconds;
            });
  printf("\n%s, %u thread%s: %.1f dispatches per token, one empty launch "
         "%.2f us\n\n",
         testName(r).c_str(), r.threads, r.threads == 1 ? "" : "s",
         double(dispatches) / double(tokens), launch / 1000.0);
  printf("| kernel | calls/token | us/token | share | GB/s |\n");
  printf("| --- | ---: | ---: | ---: | ---: |\n");
  for (const lq_kernel_profile &k : kernels) {
    if (!k.dispatches)
      continue;
    std::string name = k.kernel;
    if (name.rfind("liquid_kernel_", 0) == 0)
      name = name.substr(14);
    printf("| %s | %.2f | %.1f | %.1f%% | %.1f |\n", name.c_str(),
           double(k.dispatches) / double(tokens),
           double(k.nanoseconds) / 1000.0 / double(tokens),
           100.0 * double(k.nanoseconds) / double(total),
           k.nanoseconds ? double(k.bytes) / double(k.nanoseconds) : 0.0);
  }
  fflush(stdout);
}

void liquid::bench::printCsv(const std::vector<Result> &results) {
  printf("model,size,n_threads,n_prompt,n_gen,n_depth,test,avg_ts,"
         "stddev_ts,samples_ts\n");
  for (const Result &r : results) {
    std::string samples;
    for (double rate : r.rates)
      samples += (samples.empty() ? "" : " ") + std::to_string(rate);
    printf("%s,%llu,%u,%llu,%llu,%llu,\"%s\",%.6f,%.6f,\"%s\"\n",
           csv(r.model).c_str(), (unsigned long long)r.sizeBytes, r.threads,
           (unsigned long long)r.prompt, (unsigned long long)r.generated,
           (unsigned long long)r.depth, testName(r).c_str(), mean(r.rates),
           deviation(r.rates), samples.c_str());
  }
}

void liquid::bench::printJson(const std::vector<Result> &results) {
  printf("[");
  for (size_t i = 0; i < results.size(); ++i) {
    const Result &r = results[i];
    printf("%s\n  {\"model\": %s, \"size\": %llu, \"n_threads\": %u, "
           "\"n_prompt\": %llu, \"n_gen\": %llu, \"n_depth\": %llu, "
           "\"test\": \"%s\", \"avg_ts\": %.6f, \"stddev_ts\": %.6f, "
           "\"samples_ts\": [",
           i ? "," : "", json(r.model).c_str(), (unsigned long long)r.sizeBytes,
           r.threads, (unsigned long long)r.prompt,
           (unsigned long long)r.generated, (unsigned long long)r.depth,
           testName(r).c_str(), mean(r.rates), deviation(r.rates));
    for (size_t j = 0; j < r.rates.size(); ++j)
      printf("%s%.6f", j ? ", " : "", r.rates[j]);
    printf("]");
    if (!r.kernels.empty()) {
      printf(", \"kernels\": [");
      bool first = true;
      for (const lq_kernel_profile &k : r.kernels) {
        if (!k.dispatches)
          continue;
        printf("%s{\"kernel\": %s, \"dispatches\": %llu, "
               "\"nanoseconds\": %llu, \"bytes\": %llu}",
               first ? "" : ", ", json(k.kernel).c_str(),
               (unsigned long long)k.dispatches,
               (unsigned long long)k.nanoseconds, (unsigned long long)k.bytes);
        first = false;
      }
      printf("]");
    }
    printf("}");
  }
  printf("\n]\n");
}
