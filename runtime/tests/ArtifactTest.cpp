//===- ArtifactTest.cpp - Opening, verifying and refusing artifacts -------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// Tests lq_model_open on the test model and on every kind of broken,
// truncated, corrupted and foreign artifact: each gives its status and a
// message naming the file, and none crashes.
//
//===----------------------------------------------------------------------===//

#include "Artifact.h"
#include "CpuFeatures.h"
#include "TestArtifact.h"
#include "liquid/format.h"
#include "liquid/runtime.h"

#include <gtest/gtest.h>

#include <random>
#include <sys/stat.h>

using namespace liquid::runtime;
using namespace liquid::runtime::test;

namespace {

/// Opens `bytes` written as a file; closes the model again on success.
lq_status openBytes(const Bytes &bytes, const char *name = "model.lqm") {
  std::string path = writeTemp(name, bytes);
  lq_model *model = nullptr;
  lq_status status = lq_model_open(path.c_str(), &model);
  EXPECT_EQ(status == LQ_OK, model != nullptr);
  lq_model_close(model);
  return status;
}

::testing::AssertionResult errorContains(const std::string &text) {
  std::string error = lq_last_error();
  if (error.find(text) != std::string::npos)
    return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure()
         << "error \"" << error << "\" lacks \"" << text << "\"";
}

} // namespace

// Tests that the test model opens and reports its metadata.
TEST(Artifact, OpensAndReportsInfo) {
  std::string path =
      writeTemp("model.lqm", writeArtifact(testModel(16, 4, 32)));
  lq_model *model = nullptr;
  ASSERT_EQ(lq_model_open(path.c_str(), &model), LQ_OK) << lq_last_error();
  lq_model_info info;
  lq_model_get_info(model, &info);
  EXPECT_STREQ(info.architecture, "lfm2");
  EXPECT_EQ(info.vocab_size, 16u);
  EXPECT_EQ(info.hidden_size, 4u);
  EXPECT_EQ(info.num_layers, 2u);
  EXPECT_EQ(info.num_experts, 0u);
  EXPECT_EQ(info.max_context, 32u);
  EXPECT_EQ(info.prefill_chunk, 4u);
  EXPECT_EQ(info.bos_token_id, 1);
  EXPECT_EQ(info.eos_token_id, 2);
  lq_model_close(model);
}

// Tests that the writer follows the layout of artifact.fbs's header.
TEST(Artifact, LayoutMatchesSchema) {
  Bytes bytes = writeArtifact(testModel());
  ArtifactView view;
  ASSERT_EQ(verifyArtifact(bytes.data(), bytes.size(), "m", view), LQ_OK)
      << lq_last_error();
  EXPECT_EQ(view.dataBase % 64, 0u);
  // The checksum sits at the next multiple of 8 after the table.
  EXPECT_GE(view.dataBase, view.tableSize + 8);
  EXPECT_LT(view.dataBase - view.tableSize, 64u + 8 + 7);
  EXPECT_EQ(memcmp(bytes.data() + 8, LQM_FILE_IDENTIFIER, 4), 0);
  for (const liquid::lqm::Weight *weight : *view.artifact->weights())
    EXPECT_EQ((view.segmentData(*weight->data()) - bytes.data()) % 64, 0);
}

// Tests that two models live side by side in one process.
TEST(Artifact, TwoModelsAtOnce) {
  std::string a = writeTemp("a.lqm", writeArtifact(testModel(16)));
  std::string b = writeTemp("b.lqm", writeArtifact(testModel(8)));
  lq_model *ma = nullptr, *mb = nullptr;
  ASSERT_EQ(lq_model_open(a.c_str(), &ma), LQ_OK) << lq_last_error();
  ASSERT_EQ(lq_model_open(b.c_str(), &mb), LQ_OK) << lq_last_error();
  lq_session *sa = nullptr, *sb = nullptr;
  ASSERT_EQ(lq_session_create(ma, 1, &sa), LQ_OK);
  ASSERT_EQ(lq_session_create(mb, 1, &sb), LQ_OK);
  EXPECT_EQ(lq_session_decode(sa, 3, nullptr), LQ_OK);
  EXPECT_EQ(lq_session_decode(sb, 3, nullptr), LQ_OK);
  EXPECT_FLOAT_EQ(lq_session_logits(sa)[15], 3.0f + 0.25f * 15);
  EXPECT_FLOAT_EQ(lq_session_logits(sb)[7], 3.0f + 0.25f * 7);
  lq_session_destroy(sa);
  lq_session_destroy(sb);
  lq_model_close(ma);
  lq_model_close(mb);
}

// Tests I/O failures: a missing file and a directory.
TEST(Artifact, IoErrors) {
  lq_model *model = nullptr;
  std::string missing = tempDir() + "/missing.lqm";
  EXPECT_EQ(lq_model_open(missing.c_str(), &model), LQ_ERROR_IO);
  EXPECT_TRUE(errorContains(missing + ": cannot open: No such file"));
  EXPECT_EQ(lq_model_open(tempDir().c_str(), &model), LQ_ERROR_IO);
  EXPECT_EQ(model, nullptr);
  // A FIFO with no writer: refused at once, where opening it waited for a
  // writer before.
  std::string fifo = tempDir() + "/fifo.lqm";
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  EXPECT_EQ(lq_model_open(fifo.c_str(), &model), LQ_ERROR_IO);
  EXPECT_TRUE(errorContains(fifo + ": cannot open: not a regular file"));
  EXPECT_EQ(lq_model_open("/dev/null", &model), LQ_ERROR_IO);
  EXPECT_EQ(lq_model_open(nullptr, &model), LQ_ERROR_INVALID_ARGUMENT);
  EXPECT_EQ(lq_model_open(missing.c_str(), nullptr), LQ_ERROR_INVALID_ARGUMENT);
}

// Tests that a file without the identifier is not taken for an artifact.
TEST(Artifact, WrongIdentifier) {
  Bytes bytes = writeArtifact(testModel());
  bytes[8] = 'X';
  EXPECT_EQ(openBytes(bytes), LQ_ERROR_INVALID_ARTIFACT);
  EXPECT_TRUE(errorContains("model.lqm: not a Liquid artifact: missing LQM1 "
                            "identifier"));
  Bytes gguf = {'G', 'G', 'U', 'F', 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
  EXPECT_EQ(openBytes(gguf), LQ_ERROR_INVALID_ARTIFACT);
  EXPECT_EQ(openBytes({}), LQ_ERROR_INVALID_ARTIFACT);
  EXPECT_TRUE(errorContains("too small"));
}

// Tests every truncation: in memory at each length, and as files at some.
TEST(Artifact, TruncatedAtEveryLength) {
  Bytes bytes = writeArtifact(testModel());
  for (size_t length = 0; length < bytes.size(); ++length) {
    ArtifactView view;
    ASSERT_EQ(verifyArtifact(bytes.data(), length, "m", view),
              LQ_ERROR_INVALID_ARTIFACT)
        << "length " << length;
  }
  for (size_t length = 0; length < bytes.size(); length += 97) {
    Bytes cut(bytes.begin(), bytes.begin() + length);
    EXPECT_EQ(openBytes(cut), LQ_ERROR_INVALID_ARTIFACT) << "length " << length;
  }
  EXPECT_EQ(openBytes(Bytes(bytes.begin(), bytes.end() - 1)),
            LQ_ERROR_INVALID_ARTIFACT);
  EXPECT_TRUE(errorContains("truncated: segment 'bias' ends at byte " +
                            std::to_string(bytes.size()) + " past the file's " +
                            std::to_string(bytes.size() - 1) + " bytes"));
}

// Tests one flipped byte at every position of the table: a status, no crash.
TEST(Artifact, FlippedTableBytes) {
  Bytes bytes = writeArtifact(testModel());
  ArtifactView good;
  ASSERT_EQ(verifyArtifact(bytes.data(), bytes.size(), "m", good), LQ_OK);
  for (size_t i = 0; i < good.tableSize; ++i) {
    Bytes flipped = bytes;
    flipped[i] ^= 0xFF;
    lq_status status = openBytes(flipped);
    EXPECT_TRUE(status == LQ_OK || status == LQ_ERROR_INVALID_ARTIFACT ||
                status == LQ_ERROR_VERSION || status == LQ_ERROR_TARGET ||
                status == LQ_ERROR_CODE)
        << "byte " << i << ": " << status;
    if (i < 4 || (i >= 8 && i < 12)) {
      EXPECT_EQ(status, LQ_ERROR_INVALID_ARTIFACT) << "byte " << i;
    }
  }
}

// Tests random multi-byte corruption anywhere in the file.
TEST(Artifact, RandomCorruption) {
  Bytes bytes = writeArtifact(testModel());
  std::mt19937 random(7);
  for (int round = 0; round < 300; ++round) {
    Bytes broken = bytes;
    for (int n = 0; n < 4; ++n)
      broken[random() % broken.size()] = uint8_t(random());
    ArtifactView view;
    lq_status status = verifyArtifact(broken.data(), broken.size(), "m", view);
    const liquid::lqm::Target *target;
    if (status == LQ_OK)
      status = selectTarget(view, "m", target);
    EXPECT_NE(status, LQ_ERROR_IO);
  }
}

// Tests a weight segment past the end of the file and a misaligned one.
TEST(Artifact, SegmentOutOfRange) {
  ArtifactSpec spec = testModel();
  spec.weights[2].offset = uint64_t(1) << 40;
  EXPECT_EQ(openBytes(writeArtifact(spec)), LQ_ERROR_INVALID_ARTIFACT);
  EXPECT_TRUE(errorContains("truncated: segment 'bias' ends at byte"));
  spec.weights[2].offset = ~uint64_t(0) - 63;
  EXPECT_EQ(openBytes(writeArtifact(spec)), LQ_ERROR_INVALID_ARTIFACT);
  EXPECT_TRUE(errorContains("segment 'bias'"));
  spec.weights[2].offset = 32;
  EXPECT_EQ(openBytes(writeArtifact(spec)), LQ_ERROR_INVALID_ARTIFACT);
  EXPECT_TRUE(errorContains("is not 64-byte aligned"));
}

// Tests that another format version is refused as such.
TEST(Artifact, WrongFormatVersion) {
  ArtifactSpec spec = testModel();
  spec.formatVersion = LQM_FORMAT_VERSION + 1;
  EXPECT_EQ(openBytes(writeArtifact(spec)), LQ_ERROR_VERSION);
  EXPECT_TRUE(errorContains(
      "model.lqm: format version " + std::to_string(LQM_FORMAT_VERSION + 1) +
      ": this runtime reads version " + std::to_string(LQM_FORMAT_VERSION)));
}

// Tests a target of another architecture, and a fallback to a second one.
TEST(Artifact, ForeignTriple) {
  ArtifactSpec spec = testModel();
  spec.targets[0].triple = foreignTriple();
  EXPECT_EQ(openBytes(writeArtifact(spec)), LQ_ERROR_TARGET);
  EXPECT_TRUE(errorContains("model.lqm: compiled for " + foreignTriple() +
                            ", this machine is " + hostArchitecture()));
  spec.targets.push_back(testModel().targets[0]);
  EXPECT_EQ(openBytes(writeArtifact(spec)), LQ_OK) << lq_last_error();
  spec.targets.clear();
  EXPECT_EQ(openBytes(writeArtifact(spec)), LQ_ERROR_TARGET);
}

// Tests unknown and missing CPU features.
TEST(Artifact, Features) {
  ArtifactSpec spec = testModel();
#if defined(__x86_64__)
  spec.targets[0].features = "+sse2,sse4.2,-avx512f, ";
  EXPECT_EQ(openBytes(writeArtifact(spec)), LQ_OK) << lq_last_error();
#endif
  spec.targets[0].features = "frobnicate";
  EXPECT_EQ(openBytes(writeArtifact(spec)), LQ_ERROR_TARGET);
  EXPECT_TRUE(errorContains("requires unknown CPU feature 'frobnicate'"));

  const char *candidates[] = {"amx-tile",   "avx512fp16", "avx512bf16",
                              "avx512vnni", "avx512f",    "xop",
                              "fma4",       "sve2",       "i8mm"};
  for (const char *name : candidates) {
    if (hostFeature(name) != Feature::Missing)
      continue;
    spec.targets[0].features = std::string("+") + name;
    EXPECT_EQ(openBytes(writeArtifact(spec)), LQ_ERROR_TARGET);
    EXPECT_TRUE(errorContains(std::string("needs CPU feature '") + name +
                              "', which this machine lacks"));
    return;
  }
  GTEST_SKIP() << "this CPU has every candidate feature";
}

// Tests code that does not load and a kernel that is not in it.
TEST(Artifact, CodeErrors) {
  ArtifactSpec spec = testModel();
  spec.targets[0].symbols.push_back("lq_test_missing");
  EXPECT_EQ(openBytes(writeArtifact(spec)), LQ_ERROR_CODE);
  EXPECT_TRUE(errorContains("kernel 'lq_test_missing'"));
  spec = testModel();
  spec.targets[0].code = Bytes(4096, 0x5a);
  EXPECT_EQ(openBytes(writeArtifact(spec)), LQ_ERROR_CODE);
  EXPECT_TRUE(errorContains("cannot load code: not an ELF shared object"));

  // Code cut short: refused before the loader maps past its end.
  Bytes code = testModel().targets[0].code;
  spec.targets[0].code.assign(code.begin(), code.begin() + code.size() / 2);
  EXPECT_EQ(openBytes(writeArtifact(spec)), LQ_ERROR_CODE);
  EXPECT_TRUE(errorContains("outside the code object"));
  for (size_t length = 0; length < code.size(); length += 101) {
    spec.targets[0].code.assign(code.begin(), code.begin() + length);
    lq_status status = openBytes(writeArtifact(spec));
    EXPECT_TRUE(status == LQ_OK || status == LQ_ERROR_CODE) << length;
  }
}

// Tests schedules whose indices or entry points are wrong.
TEST(Artifact, BadSchedules) {
  struct Case {
    const char *name;
    void (*edit)(ArtifactSpec &);
    const char *message;
  };
  const Case cases[] = {
      {"weight index",
       [](ArtifactSpec &s) {
         s.entries[0].dispatches[0].bindings[1].index = 9;
       },
       "weight index 9 out of range (3 weights)"},
      {"state index",
       [](ArtifactSpec &s) {
         s.entries[1].dispatches[1].bindings[2].index = 2;
       },
       "state index 2 out of range (2 buffers)"},
      {"scratch range",
       [](ArtifactSpec &s) {
         s.entries[0].dispatches[0].bindings[3].size = 999;
       },
       "exceeds scratch_size"},
      {"scratch overflow",
       [](ArtifactSpec &s) {
         s.entries[0].dispatches[0].bindings[3].offset = ~uint64_t(0);
       },
       "exceeds scratch_size"},
      {"binding kind",
       [](ArtifactSpec &s) {
         s.entries[0].dispatches[0].bindings[0].kind =
             static_cast<liquid::lqm::BindingKind>(9);
       },
       "unknown binding kind 9"},
      {"kernel index",
       [](ArtifactSpec &s) { s.entries[1].dispatches[2].kernel = 3; },
       "kernel 3 out of range"},
      {"no decode", [](ArtifactSpec &s) { s.entries.pop_back(); },
       "no 'decode' entry point"},
      {"two prefills",
       [](ArtifactSpec &s) { s.entries.push_back(s.entries[0]); },
       "two entry points named 'prefill'"},
      {"decode tokens", [](ArtifactSpec &s) { s.entries[1].tokens = 2; },
       "must evaluate exactly 1 token"},
      {"prefill tokens", [](ArtifactSpec &s) { s.entries[0].tokens = 0; },
       "evaluates 0 tokens"},
      {"vocab", [](ArtifactSpec &s) { s.vocab = 0; }, "vocab_size is 0"},
      {"max context", [](ArtifactSpec &s) { s.maxContext = 0; },
       "max_context is 0"},
      // Found by the session fuzz target: kernels take distinct bindings
      // as not overlapping (noalias); a memcpy inside one ran over its
      // own source.
      {"overlapping scratch",
       [](ArtifactSpec &s) {
         s.entries[0].dispatches[0].bindings.push_back(
             {liquid::lqm::BindingKind_Scratch, 0, 60, 8});
       },
       "entry point 'prefill' dispatch 0: bindings 3 and 4 overlap"},
      {"state twice",
       [](ArtifactSpec &s) {
         s.entries[1].dispatches[1].bindings.push_back(
             {liquid::lqm::BindingKind_State, 1});
       },
       "entry point 'decode' dispatch 1: bindings 2 and 3 overlap"},
      {"misaligned bindings",
       [](ArtifactSpec &s) { s.entries[1].dispatches[1].misaligned = true; },
       "entry point 'decode': misaligned bindings"},
      // The table against itself: a state's size, type and shape.
      {"state size",
       [](ArtifactSpec &s) { s.states[0].shape = {3}; },
       "invalid artifact: state buffer 'layers.0.conv': size 8 is not the 12 "
       "bytes of its shape"},
      {"state type",
       [](ArtifactSpec &s) { s.states[0].type = liquid::lqm::ElementType_Q4_0; },
       "unknown element type"},
      {"cache shape",
       [](ArtifactSpec &s) { s.states[1].shape = {2, 16, 1}; },
       "not [heads, max_context, head_dim]"},
      // The table against the code (KernelCheck.cpp): a state that shrank
      // with its shape, a workgroup count that grew, a dispatch pointed at
      // another kernel, a vocabulary the code was not compiled for. Each of
      // these ran a kernel past a buffer before.
      {"state shrank",
       [](ArtifactSpec &s) {
         s.states[0].size = 4;
         s.states[0].shape = {1};
       },
       "entry point 'prefill' dispatch 0 (lq_test_scan): binding 2 holds 4 "
       "bytes, the kernel touches 8"},
      {"workgroups",
       [](ArtifactSpec &s) { s.entries[1].dispatches[2].workgroups = 1073741828; },
       "dispatch 2 (lq_test_logits): runs 1073741828 workgroups, the kernel "
       "is split into 16"},
      {"other kernel",
       [](ArtifactSpec &s) { s.entries[1].dispatches[0].kernel = 2; },
       "entry point 'decode' dispatch 0 (lq_test_logits): binds 4 buffers, "
       "the kernel takes 6"},
      {"vocabulary",
       [](ArtifactSpec &s) { s.vocab = 32; },
       "kernel lq_test_scan was compiled for a vocabulary of 16 and a context "
       "of 32, the table says 32 and 32"},
      {"scratch shrank",
       [](ArtifactSpec &s) { s.entries[0].dispatches[0].bindings[3].size = 0; },
       "binding 3 holds 0 bytes, the kernel touches 4"},
      // Found by the session fuzz target: a kernel's output bound to a
      // weight, which is mapped read-only (SIGSEGV inside the kernel); the
      // tokens are the caller's const array.
      {"weight written",
       [](ArtifactSpec &s) {
         s.entries[1].dispatches[0].bindings[3] = {
             liquid::lqm::BindingKind_Weight, 2};
       },
       "entry point 'decode' dispatch 0 (lq_test_scan): binding 3 is a "
       "weight, which is read-only; the kernel writes it"},
      {"tokens written",
       [](ArtifactSpec &s) {
         s.entries[1].dispatches[0].bindings[3] = {
             liquid::lqm::BindingKind_Tokens, 0};
       },
       "binding 3 is the tokens, which is read-only; the kernel writes it"},
  };
  for (const Case &c : cases) {
    ArtifactSpec spec = testModel();
    c.edit(spec);
    EXPECT_EQ(openBytes(writeArtifact(spec)), LQ_ERROR_INVALID_ARTIFACT)
        << c.name;
    EXPECT_TRUE(errorContains(c.message)) << c.name;
  }
}

// Tests that a changed byte of the table or of the code fails the checksum
// even where the table stays well formed, and that the checksum is what
// failed.
TEST(Artifact, Checksum) {
  Bytes bytes = writeArtifact(testModel());
  ArtifactView view;
  ASSERT_EQ(verifyArtifact(bytes.data(), bytes.size(), "m", view), LQ_OK);
  uint64_t tableSize = view.tableSize;
  uint64_t code = view.dataBase + view.artifact->targets()->Get(0)->code()->offset();
  // Every one-bit change of the table that still passes the structural
  // checks (other numbers in a well-formed table).
  for (uint64_t i = 12; i + 4 <= tableSize; ++i) {
    Bytes edited = bytes;
    ArtifactView other;
    edited[i] ^= 1;
    if (verifyArtifact(edited.data(), edited.size(), "m", other,
                       ArtifactChecksum::Skip) != LQ_OK)
      continue;
    EXPECT_EQ(verifyArtifact(edited.data(), edited.size(), "m", other),
              LQ_ERROR_INVALID_ARTIFACT) << "byte " << i;
    EXPECT_TRUE(errorContains("m: damaged artifact: the checksum of its table "
                              "and code does not match"));
  }
  Bytes edited = bytes;
  edited[code + 100] ^= 0x40;
  EXPECT_EQ(openBytes(edited), LQ_ERROR_INVALID_ARTIFACT);
  EXPECT_TRUE(errorContains("damaged artifact"));
  // The stored checksum itself.
  edited = bytes;
  edited[lqm_checksum_at(tableSize)] ^= 1;
  EXPECT_EQ(openBytes(edited), LQ_ERROR_INVALID_ARTIFACT);
  EXPECT_TRUE(errorContains("damaged artifact"));
}

// Tests that every status has a name.
TEST(Artifact, StatusStrings) {
  EXPECT_STREQ(lq_status_string(LQ_OK), "ok");
  for (int s = LQ_ERROR_IO; s <= LQ_ERROR_UNSUPPORTED; ++s)
    EXPECT_STRNE(lq_status_string(lq_status(s)), "unknown status");
  EXPECT_STREQ(lq_status_string(lq_status(99)), "unknown status");
}
