//===- ToolsTest.cpp - The runtime's tools on the test model --------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// Runs liquid-run, liquid-inspect, liquid-bench and liquid-embed-example on
// the test artifact: generated ids, the logits dump, the timing line,
// inspect's sections, the bench table, snapshot/restore in the C example,
// and the error conventions ("tool: error: <file>: <what>: <why>", exit 1,
// no output file left).
//
//===----------------------------------------------------------------------===//

#include "TestArtifact.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <cstring>
#include <sys/wait.h>
#include <unistd.h>

using namespace liquid::runtime::test;

#if defined(LQ_TEST_LIQUID_RUN) && defined(LQ_TEST_LIQUID_INSPECT) &&          \
    defined(LQ_TEST_LIQUID_BENCH) && defined(LQ_TEST_EMBED_EXAMPLE)

namespace {

struct Result {
  int exitCode;
  std::string out, err;
};

/// Runs `command` through the shell, stdout and stderr captured apart.
Result run(const std::string &command) {
  std::string errPath = tempDir() + "/stderr.txt";
  FILE *pipe = popen((command + " 2>" + errPath).c_str(), "r");
  Result result{-1, "", ""};
  if (!pipe)
    return result;
  char buffer[4096];
  size_t n;
  while ((n = fread(buffer, 1, sizeof(buffer), pipe)) > 0)
    result.out.append(buffer, n);
  int status = pclose(pipe);
  result.exitCode = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  Bytes err = readFile(errPath);
  result.err.assign(err.begin(), err.end());
  return result;
}

std::string model() {
  return writeTemp("model.lqm", writeArtifact(testModel(16, 4, 32)));
}

} // namespace

// Tests greedy generation, the logits dump and the timing line.
TEST(Tools, RunGreedy) {
  std::string art = model(), dump = tempDir() + "/logits.f32";
  Result r =
      run(std::string(LQ_TEST_LIQUID_RUN) + " " + art +
          " --tokens 1,2,3,4,5 -n 4 -t 2 --temp 0 --dump-logits " + dump);
  ASSERT_EQ(r.exitCode, 0) << r.err;
  EXPECT_EQ(r.out, "15,15,15,15\n");
  EXPECT_EQ(r.err.rfind("prefill: 5 tokens in ", 0), 0u) << r.err;
  EXPECT_NE(r.err.find("decode: 3 tokens in "), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("threads: 2\n"), std::string::npos) << r.err;

  Reference reference(16);
  std::vector<float> expected = reference.eval({1, 2, 3, 4, 5, 15, 15, 15});
  Bytes bytes = readFile(dump);
  ASSERT_EQ(bytes.size(), expected.size() * 4);
  std::vector<float> got(expected.size());
  memcpy(got.data(), bytes.data(), bytes.size());
  EXPECT_EQ(got, expected);
  EXPECT_NE(access((dump + ".tmp").c_str(), F_OK), 0);
}

// Tests sampled generation: seeded, so repeatable.
TEST(Tools, RunSampled) {
  std::string art = model();
  std::string command = std::string(LQ_TEST_LIQUID_RUN) + " " + art +
                        " --tokens=3 -n 8 --temp 1.5 --top-k 5 --top-p 0.95 "
                        "--seed 7";
  Result a = run(command), b = run(command);
  ASSERT_EQ(a.exitCode, 0) << a.err;
  EXPECT_EQ(a.out, b.out);
  // The default prompt is the BOS id, and the default -n is 16.
  Result c = run(std::string(LQ_TEST_LIQUID_RUN) + " " + art + " --temp 0");
  ASSERT_EQ(c.exitCode, 0) << c.err;
  EXPECT_EQ(c.out, "15,15,15,15,15,15,15,15,15,15,15,15,15,15,15,15\n");
  EXPECT_EQ(c.err.rfind("prefill: 1 tokens in ", 0), 0u) << c.err;
}

// Tests liquid-run's errors: message format, exit 1, no output left.
TEST(Tools, RunErrors) {
  std::string art = model(), run_ = LQ_TEST_LIQUID_RUN;
  std::string dump = tempDir() + "/never.f32";
  struct Case {
    std::string args, message;
  };
  const Case cases[] = {
      {"", "liquid-run: error: missing artifact"},
      {art + " -p hello", "liquid-run: error: " + art +
                              ": no tokenizer: the artifact was compiled from "
                              "a checkpoint without one (it runs on token "
                              "ids)\n"},
      {art + " --tokens 1,x", "liquid-run: error: --tokens: invalid token id "
                              "'x': expected comma-separated non-negative "
                              "integers\n"},
      {art + " -n -3", "liquid-run: error: -n: invalid value '-3'"},
      {art + " --bogus", "liquid-run: error: unknown option '--bogus'"},
      {art + " --tokens 99 --dump-logits " + dump,
       "liquid-run: error: " + art +
           ": prefill: token id 99 at index 0 is "
           "out of range [0, 16)\n"},
      {art + " -n 40", "liquid-run: error: " + art + ": -n: "},
      {tempDir() + "/none.lqm",
       "liquid-run: error: " + tempDir() + "/none.lqm: cannot open: "},
  };
  for (const Case &c : cases) {
    Result r = run(run_ + " " + c.args);
    EXPECT_EQ(r.exitCode, 1) << c.args;
    EXPECT_EQ(r.err.rfind(c.message, 0), 0u) << c.args << "\n" << r.err;
    EXPECT_EQ(r.out, "") << c.args;
  }
  EXPECT_NE(access(dump.c_str(), F_OK), 0);
  EXPECT_NE(access((dump + ".tmp").c_str(), F_OK), 0);
}

// Tests liquid-inspect's report and its errors.
TEST(Tools, Inspect) {
  std::string art = model();
  Result r = run(std::string(LQ_TEST_LIQUID_INSPECT) + " " + art);
  ASSERT_EQ(r.exitCode, 0) << r.err;
  for (const char *text :
       {"architecture: lfm2", "layers: 2 (1 conv, 1 attention)",
        "0 conv, 1 attention", "vocab: 16", "runs here: yes", "0 lq_test_scan",
        "prefill: 4 tokens, 3 dispatches",
        "lq_test_logits x16: tokens, weight params.prefill, scratch [64, +16)"
        ", state layers.1.key_cache, weight bias, logits",
        "KV cache at max context 32: 128 bytes in 1 buffer\n",
        "weights: 80 bytes in 3 segments"})
    EXPECT_NE(r.out.find(text), std::string::npos) << text << "\n" << r.out;

  Bytes bytes = writeArtifact(testModel());
  bytes[9] = 'x';
  std::string bad = writeTemp("bad.lqm", bytes);
  r = run(std::string(LQ_TEST_LIQUID_INSPECT) + " " + bad);
  EXPECT_EQ(r.exitCode, 1);
  EXPECT_EQ(r.err, "liquid-inspect: error: " + bad +
                       ": not a Liquid artifact: missing LQM1 identifier\n");

  ArtifactSpec foreign = testModel();
  foreign.targets[0].triple = foreignTriple();
  r = run(std::string(LQ_TEST_LIQUID_INSPECT) + " " +
          writeTemp("foreign.lqm", writeArtifact(foreign)));
  EXPECT_EQ(r.exitCode, 0) << r.err;
  EXPECT_NE(r.out.find("runs here: no: compiled for " + foreignTriple()),
            std::string::npos)
      << r.out;
}

// Tests liquid-bench's table: one pp and one tg row per thread count, and
// the context check.
TEST(Tools, Bench) {
  std::string art = model(), bench = LQ_TEST_LIQUID_BENCH;
  Result r = run(bench + " " + art + " -p 8 -n 4 -t 1,2 -r 2");
  ASSERT_EQ(r.exitCode, 0) << r.err;
  EXPECT_EQ(r.err.rfind("liquid-bench: " + art +
                            ": lfm2 test.gguf, max context 32, prefill chunk "
                            "4, 2 repetitions\n",
                        0),
            0u)
      << r.err;
  std::vector<std::string> lines;
  for (size_t start = 0, end;
       (end = r.out.find('\n', start)) != std::string::npos; start = end + 1)
    lines.push_back(r.out.substr(start, end - start));
  ASSERT_EQ(lines.size(), 6u) << r.out;
  EXPECT_EQ(lines[0], "| model          |       size | threads |          "
                      "test |                  t/s |");
  const char *const rows[] = {
      "|       1 |           pp8 |", "|       1 |           tg4 |",
      "|       2 |           pp8 |", "|       2 |           tg4 |"};
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(lines[2 + i].rfind("| lfm2 test.gguf |   0.00 MiB ", 0), 0u)
        << lines[2 + i];
    EXPECT_NE(lines[2 + i].find(rows[i]), std::string::npos) << lines[2 + i];
    EXPECT_NE(lines[2 + i].find(" \xC2\xB1 "), std::string::npos)
        << lines[2 + i];
  }

  r = run(bench + " " + art + " -p 33 -n 4");
  EXPECT_EQ(r.exitCode, 1);
  EXPECT_EQ(r.err.rfind("liquid-bench: error: " + art +
                            ": -p 33: more tokens than the artifact's "
                            "max_context 32",
                        0),
            0u)
      << r.err;
  EXPECT_EQ(r.out, "");
}

// Tests examples/embed-c: snapshot, greedy decode, restore, same logits.
TEST(Tools, EmbedExample) {
  std::string art = model();
  Result r = run(std::string(LQ_TEST_EMBED_EXAMPLE) + " " + art + " 1,2,3 5");
  ASSERT_EQ(r.exitCode, 0) << r.err;
  EXPECT_NE(r.out.find("\ngenerated: 15,15,15,15,15\n"
                       "snapshot/restore: identical\n"),
            std::string::npos)
      << r.out;
  r = run(std::string(LQ_TEST_EMBED_EXAMPLE) + " " + art + " 1,2,3 30");
  EXPECT_EQ(r.exitCode, 1);
  EXPECT_NE(r.err.find("exceed the model's max context 32"), std::string::npos)
      << r.err;
}

#endif
