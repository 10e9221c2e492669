//===- ReferenceTest.cpp - Tests of the reference forward pass ------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// Two kinds of tests. Consistency on synthesized tiny and tiny-moe
// checkpoints: decode steps after a prefill give the logits one long prefill
// gives, two chunks give what one chunk gives, reset() restores the start,
// and the HF and GGUF files of one seed give identical logits. And the math
// against values worked out by hand in the test: a one-layer conv model
// built in memory (the B / C / x split, the kernel's tap order and the
// window carried across calls), the MoE routing (the bias choosing, the
// unbiased weights, ties, the sum guard, the scaling), RMSNorm and RoPE; and
// the errors. Plus a few logits llama.cpp computed for the same files;
// test/tools/liquid-synth/llama-cpp.sh compares with llama.cpp row by row.
//
//===----------------------------------------------------------------------===//

#include "SynthTestSupport.h"

#include "liquid/Reference/Reference.h"

#include <cmath>
#include <map>

using namespace liquid;
using namespace liquid::test;
using reference::Model;
using reference::Session;

namespace {

constexpr uint64_t kSeed = 7;
constexpr CheckpointFormat kHF = CheckpointFormat::HF;
constexpr CheckpointFormat kGGUF = CheckpointFormat::GGUF;

const std::vector<int64_t> kTokens = {1,  739, 585, 58,   276, 597,
                                      12, 900, 3,   1000, 44,  7};

/// A checkpoint and the Model over it (the Model points into it).
struct Loaded {
  std::unique_ptr<Checkpoint> ckpt;
  std::unique_ptr<Model> model;
};

Loaded loadModel(std::unique_ptr<Checkpoint> ckpt) {
  Loaded l;
  if (!ckpt)
    return l;
  auto model = Model::load(*ckpt);
  if (!model) {
    ADD_FAILURE() << llvm::toString(model.takeError());
    return l;
  }
  l.ckpt = std::move(ckpt);
  l.model = std::move(*model);
  return l;
}

/// Session::eval, failing the test on an error.
std::vector<float> eval(Session &s, llvm::ArrayRef<int64_t> tokens) {
  auto logits = s.eval(tokens);
  if (!logits) {
    ADD_FAILURE() << llvm::toString(logits.takeError());
    return {};
  }
  return std::move(*logits);
}

/// Every row of `got` is within `tolerance` * max |row of want| of `want`.
void expectRowsNear(const std::vector<float> &got,
                    const std::vector<float> &want, int64_t vocab,
                    double tolerance) {
  ASSERT_EQ(got.size(), want.size());
  for (size_t row = 0; row * vocab < want.size(); ++row) {
    double maxWant = 0, maxDiff = 0;
    for (int64_t i = 0; i < vocab; ++i) {
      maxWant = std::max(maxWant, double(std::fabs(want[row * vocab + i])));
      maxDiff = std::max(maxDiff, double(std::fabs(got[row * vocab + i] -
                                                   want[row * vocab + i])));
    }
    EXPECT_GT(maxWant, 0.0) << "row " << row;
    EXPECT_LE(maxDiff, tolerance * maxWant) << "row " << row;
  }
}

//===----------------------------------------------------------------------===//
// Consistency on synthesized checkpoints
//===----------------------------------------------------------------------===//

using Param = std::tuple<const char *, DType>;

std::string paramName(const ::testing::TestParamInfo<Param> &info) {
  std::string name = std::get<0>(info.param);
  std::replace(name.begin(), name.end(), '-', '_');
  return name + "_" + dtypeName(std::get<1>(info.param)).str();
}

class SessionTest : public SynthTest,
                    public ::testing::WithParamInterface<Param> {
protected:
  Loaded loadGGUF() {
    auto [preset, dtype] = GetParam();
    return loadModel(read(synthesize("model.gguf", preset, kGGUF, dtype,
                                     kSeed)));
  }
};

TEST_P(SessionTest, DecodeStepsMatchOnePrefill) {
  Loaded l = loadGGUF();
  ASSERT_TRUE(l.model);
  int64_t vocab = l.model->config().vocabSize;
  Session whole(*l.model);
  std::vector<float> want = eval(whole, kTokens);

  Session stepwise(*l.model);
  llvm::ArrayRef<int64_t> tokens(kTokens);
  std::vector<float> got = eval(stepwise, tokens.take_front(5));
  for (size_t i = 5; i < kTokens.size(); ++i) {
    std::vector<float> row = eval(stepwise, {kTokens[i]});
    EXPECT_EQ(row.size(), size_t(vocab));
    got.insert(got.end(), row.begin(), row.end());
  }
  EXPECT_EQ(stepwise.position(), int64_t(kTokens.size()));
  expectRowsNear(got, want, vocab, 1e-5);
}

TEST_P(SessionTest, TwoChunksMatchOneChunk) {
  Loaded l = loadGGUF();
  ASSERT_TRUE(l.model);
  Session whole(*l.model);
  std::vector<float> want = eval(whole, kTokens);
  Session chunked(*l.model);
  llvm::ArrayRef<int64_t> tokens(kTokens);
  std::vector<float> got = eval(chunked, tokens.take_front(7));
  std::vector<float> rest = eval(chunked, tokens.drop_front(7));
  got.insert(got.end(), rest.begin(), rest.end());
  expectRowsNear(got, want, l.model->config().vocabSize, 1e-5);
}

TEST_P(SessionTest, ResetRestoresTheStart) {
  Loaded l = loadGGUF();
  ASSERT_TRUE(l.model);
  const ModelConfig &c = l.model->config();
  Session fresh(*l.model);
  std::vector<float> want = eval(fresh, kTokens);

  Session reused(*l.model);
  eval(reused, {5, 6, 7, 8, 9});
  reused.reset();
  EXPECT_EQ(reused.position(), 0);
  for (int64_t i = 0; i < c.numLayers(); ++i) {
    const reference::LayerState &s = reused.state(i);
    EXPECT_TRUE(s.keys.empty() && s.values.empty()) << "layer " << i;
    size_t window = c.layers[i] == LayerKind::Conv
                        ? size_t((c.convL - 1) * c.hiddenSize)
                        : 0;
    EXPECT_EQ(s.convWindow, std::vector<float>(window, 0.0f)) << "layer " << i;
  }
  // Bit for bit: nothing of the first sequence may survive.
  EXPECT_EQ(firstDifference(eval(reused, kTokens), want), -1);
}

TEST_P(SessionTest, StateHasTheDocumentedShape) {
  Loaded l = loadGGUF();
  ASSERT_TRUE(l.model);
  const ModelConfig &c = l.model->config();
  Session s(*l.model);
  eval(s, llvm::ArrayRef(kTokens).take_front(4));
  eval(s, {kTokens[4]});
  for (int64_t i = 0; i < c.numLayers(); ++i) {
    const reference::LayerState &st = s.state(i);
    if (c.layers[i] == LayerKind::Conv) {
      EXPECT_EQ(st.convWindow.size(), size_t((c.convL - 1) * c.hiddenSize));
      EXPECT_TRUE(st.keys.empty());
    } else {
      EXPECT_EQ(st.keys.size(), size_t(5 * c.numKVHeads * c.headDim));
      EXPECT_EQ(st.values.size(), st.keys.size());
      EXPECT_TRUE(st.convWindow.empty());
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Presets, SessionTest,
                         ::testing::Values(Param{"tiny", DType::F32},
                                           Param{"tiny", DType::Q4_0},
                                           Param{"tiny", DType::Q4_K},
                                           Param{"tiny-moe", DType::F32},
                                           Param{"tiny-moe", DType::Q8_0}),
                         paramName);

class FormatTest : public SynthTest,
                   public ::testing::WithParamInterface<Param> {};

TEST_P(FormatTest, HFAndGGUFGiveIdenticalLogits) {
  auto [preset, dtype] = GetParam();
  Loaded hf = loadModel(read(synthesize("hf", preset, kHF, dtype, kSeed)));
  Loaded gguf =
      loadModel(read(synthesize("model.gguf", preset, kGGUF, dtype, kSeed)));
  ASSERT_TRUE(hf.model && gguf.model);
  Session a(*hf.model), b(*gguf.model);
  std::vector<float> fromHF = eval(a, kTokens);
  std::vector<float> fromGGUF = eval(b, kTokens);
  ASSERT_EQ(fromHF.size(), kTokens.size() * hf.model->config().vocabSize);
  EXPECT_EQ(firstDifference(fromHF, fromGGUF), -1);
  // And one decode step each.
  EXPECT_EQ(firstDifference(eval(a, {42}), eval(b, {42})), -1);
}

INSTANTIATE_TEST_SUITE_P(Presets, FormatTest,
                         ::testing::Values(Param{"tiny", DType::F32},
                                           Param{"tiny", DType::BF16},
                                           Param{"tiny-moe", DType::F32},
                                           Param{"tiny-moe", DType::F16}),
                         paramName);

//===----------------------------------------------------------------------===//
// Logits llama.cpp computed
//===----------------------------------------------------------------------===//

/// Logits 0..9 and the arg-max at prompt positions 0 and 5 of
/// [1, 739, 585, 58, 276, 597] on `liquid-synth --preset P --dtype f32
/// --seed 0` GGUF files, as computed by the llama.cpp of node-llama-cpp
/// 3.22.1 on x86-64 with an f32 KV cache and no flash attention, in one
/// batch (llama-cpp.sh compares whole rows of the same files with llama.cpp
/// when node is available). llama.cpp and the reference are independent
/// implementations: agreement to ~1e-6 checks the whole forward pass, the
/// GQA head mapping and the RoPE layout included, without node.
struct Golden {
  const char *preset;
  int64_t position;
  int64_t argmax;
  float logits[10];
};

const Golden kGolden[] = {
    {"tiny", 0, 591,
     {0.438132107f, 0.646006644f, -0.444086283f, 0.265734851f, 0.0987571329f,
      0.303414464f, -0.0481122658f, -0.662451029f, 0.375678182f,
      0.200631604f}},
    {"tiny", 5, 173,
     {0.279056251f, -0.330465019f, -0.00760424137f, 0.286172599f,
      -0.0320895910f, -0.206403777f, -0.369131535f, -0.572770119f,
      -0.204450250f, 0.195925236f}},
    {"tiny-moe", 0, 1,
     {0.809934020f, 1.09179759f, -0.785036325f, 0.486288846f, -0.0800472647f,
      0.0910321325f, -0.152998000f, -0.557607412f, 0.437262118f,
      0.329821259f}},
    {"tiny-moe", 5, 646,
     {0.413717508f, -0.338484108f, -0.542132854f, 0.362136215f,
      -0.376983970f, -0.0662325770f, -0.858798862f, -0.665637195f,
      0.186891347f, 0.0460239127f}},
};

TEST_F(SynthTest, MatchesLogitsOfLlamaCpp) {
  for (const char *preset : {"tiny", "tiny-moe"}) {
    SCOPED_TRACE(preset);
    Loaded l = loadModel(
        read(synthesize(std::string(preset) + ".gguf", preset, kGGUF,
                        DType::F32, /*seed=*/0)));
    ASSERT_TRUE(l.model);
    int64_t vocab = l.model->config().vocabSize;
    Session s(*l.model);
    std::vector<float> logits = eval(s, {1, 739, 585, 58, 276, 597});
    ASSERT_EQ(logits.size(), size_t(6 * vocab));
    for (const Golden &g : kGolden) {
      if (llvm::StringRef(g.preset) != preset)
        continue;
      const float *row = &logits[g.position * vocab];
      EXPECT_EQ(std::max_element(row, row + vocab) - row, g.argmax)
          << "position " << g.position;
      for (int i = 0; i < 10; ++i)
        EXPECT_NEAR(row[i], g.logits[i], 1e-5)
            << "position " << g.position << ", logit " << i;
    }
  }
}

//===----------------------------------------------------------------------===//
// A one-layer conv model worked out by hand
//===----------------------------------------------------------------------===//

/// An in-memory HF checkpoint of `config` with f32 tensors: zeros except the
/// values given by name.
std::unique_ptr<Checkpoint>
makeCheckpoint(const ModelConfig &config,
               const std::map<std::string, std::vector<float>> &values) {
  auto ckpt = std::make_unique<Checkpoint>();
  ckpt->format = kHF;
  ckpt->path = "micro";
  ckpt->config = config;
  std::string blob;
  for (const TensorSpec &spec : modelTensors(config, kHF)) {
    TensorInfo t;
    t.name = spec.name;
    t.shape = spec.shape;
    std::vector<float> v(t.numElements(), 0.0f);
    auto it = values.find(spec.name);
    if (it != values.end()) {
      EXPECT_EQ(it->second.size(), v.size()) << spec.name;
      v = it->second;
      v.resize(t.numElements());
    }
    t.segments.push_back({0, blob.size(), v.size() * 4});
    blob.append(reinterpret_cast<const char *>(v.data()), v.size() * 4);
    ckpt->tensorOrder.push_back(spec.name);
    ckpt->tensors[spec.name] = t;
  }
  ckpt->fileNames.push_back("micro");
  ckpt->files.push_back(llvm::MemoryBuffer::getMemBufferCopy(blob, "micro"));
  return ckpt;
}

/// H = 2, vocabulary 2, one conv layer, no FFN (w2 = 0), eps = 0.
/// Token 0 embeds as (1, -1), token 1 as (1, 1): both have RMS 1, so the
/// operator norm passes them through. Only channel 1 of the conv is used:
///   B = x0 + 0.5 x1,  C = 0.5 x0 - 0.25 x1,  x = 0.5 x0 + x1
///   token 1: B = 1.5, C = 0.25, x = 1.5, B*x = 2.25
///   token 0: B = 0.5, C = 0.75, x = -0.5, B*x = -0.25
/// kernel taps (0.5, -1, 0.25), the last one on the current token;
/// out_proj adds C * conv to component 1 of the residual; component 0 stays 1.
ModelConfig microConfig() {
  ModelConfig c;
  c.vocabSize = 2;
  c.hiddenSize = 2;
  c.numHeads = 1;
  c.numKVHeads = 1;
  c.headDim = 2;
  c.ffnSize = 1;
  c.convL = 3;
  c.maxPositions = 8;
  c.normEps = 0;
  c.layers = {LayerKind::Conv};
  return c;
}

std::map<std::string, std::vector<float>> microWeights() {
  return {
      {"model.embed_tokens.weight", {1, -1, 1, 1}},
      {"model.layers.0.operator_norm.weight", {1, 1}},
      {"model.layers.0.ffn_norm.weight", {1, 1}},
      {"model.embedding_norm.weight", {1, 1}},
      // Rows B0, B1, C0, C1, x0, x1.
      {"model.layers.0.conv.in_proj.weight",
       {0, 0, 1, 0.5f, 0, 0, 0.5f, -0.25f, 0, 0, 0.5f, 1}},
      {"model.layers.0.conv.conv.weight", {0, 0, 0, 0.5f, -1, 0.25f}},
      {"model.layers.0.conv.out_proj.weight", {0, 0, 0, 1}},
  };
}

/// The logits for a residual (1, h1): the final norm scales by
/// r = 1 / sqrt((1 + h1^2) / 2); the tied head dots with (1, -1) and (1, 1).
std::vector<float> microLogits(llvm::ArrayRef<double> h1) {
  std::vector<float> logits;
  for (double h : h1) {
    double r = 1 / std::sqrt((1 + h * h) / 2);
    logits.push_back(float((1 - h) * r));
    logits.push_back(float((1 + h) * r));
  }
  return logits;
}

TEST(MicroModelTest, ConvBlockByHand) {
  Loaded l = loadModel(makeCheckpoint(microConfig(), microWeights()));
  ASSERT_TRUE(l.model);
  // Tokens 1, 0, 1, 0: B*x = 2.25, -0.25, 2.25, -0.25.
  //   conv0 = 0.25*2.25                          =  0.5625, y =  0.140625
  //   conv1 = -1*2.25 + 0.25*(-0.25)             = -2.3125, y = -1.734375
  //   conv2 = 0.5*2.25 - 1*(-0.25) + 0.25*2.25   =  1.9375, y =  0.484375
  //   conv3 = 0.5*(-0.25) - 1*2.25 + 0.25*(-0.25) = -2.4375, y = -1.828125
  // h1 = embedding component 1 + y.
  std::vector<float> want = microLogits({1 + 0.140625, -1 - 1.734375,
                                         1 + 0.484375, -1 - 1.828125});
  const std::vector<int64_t> tokens = {1, 0, 1, 0};

  Session once(*l.model);
  std::vector<float> got = eval(once, tokens);
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < want.size(); ++i)
    EXPECT_NEAR(got[i], want[i], 1e-6) << "logit " << i;
  // The window holds B*x of the last two tokens, oldest first, [L-1][H].
  EXPECT_EQ(once.state(0).convWindow,
            (std::vector<float>{0, 2.25f, 0, -0.25f}));

  // The same through a two-token prefill and two decode steps.
  Session steps(*l.model);
  std::vector<float> stepped = eval(steps, {1, 0});
  EXPECT_EQ(steps.state(0).convWindow,
            (std::vector<float>{0, 2.25f, 0, -0.25f}));
  for (int64_t t : {1, 0}) {
    std::vector<float> row = eval(steps, {t});
    stepped.insert(stepped.end(), row.begin(), row.end());
  }
  EXPECT_EQ(stepped, got);
}

TEST(MicroModelTest, LoadErrorsNameTheTensor) {
  {
    auto ckpt = makeCheckpoint(microConfig(), microWeights());
    ckpt->tensors.erase("model.layers.0.conv.out_proj.weight");
    auto model = Model::load(*ckpt);
    ASSERT_FALSE(model);
    EXPECT_EQ(llvm::toString(model.takeError()),
              "micro: missing tensor 'model.layers.0.conv.out_proj.weight'");
  }
  {
    auto ckpt = makeCheckpoint(microConfig(), microWeights());
    ckpt->tensors["model.layers.0.conv.bias"] =
        ckpt->tensors["model.layers.0.ffn_norm.weight"];
    auto model = Model::load(*ckpt);
    ASSERT_FALSE(model);
    EXPECT_EQ(llvm::toString(model.takeError()),
              "micro: unexpected tensor 'model.layers.0.conv.bias': the "
              "reference does not know what it does");
  }
  {
    auto ckpt = makeCheckpoint(microConfig(), microWeights());
    ckpt->tensors["model.layers.0.conv.out_proj.weight"].segments[0].size -= 4;
    auto model = Model::load(*ckpt);
    ASSERT_FALSE(model);
    EXPECT_EQ(llvm::toString(model.takeError()),
              "micro: tensor 'model.layers.0.conv.out_proj.weight': a part of "
              "12 bytes is not a whole number of 8-byte rows");
  }
  {
    auto ckpt = makeCheckpoint(microConfig(), microWeights());
    ckpt->tensors["model.embedding_norm.weight"].segments[0].offset = 1 << 20;
    auto model = Model::load(*ckpt);
    ASSERT_FALSE(model);
    EXPECT_NE(llvm::toString(model.takeError())
                  .find("tensor 'model.embedding_norm.weight': bytes"),
              std::string::npos);
  }
}

TEST(MicroModelTest, EvalErrorsLeaveTheStateAlone) {
  Loaded l = loadModel(makeCheckpoint(microConfig(), microWeights()));
  ASSERT_TRUE(l.model);
  Session s(*l.model);
  std::vector<float> first = eval(s, {1, 0});

  auto bad = s.eval({1, 2});
  ASSERT_FALSE(bad);
  EXPECT_EQ(llvm::toString(bad.takeError()),
            "micro: token 2: out of range: the vocabulary has 2 tokens");
  auto tooLong = s.eval({1, 1, 1, 1, 1, 1, 1});
  ASSERT_FALSE(tooLong);
  EXPECT_EQ(llvm::toString(tooLong.takeError()),
            "micro: position 8: past the context length: the model has 8 "
            "positions");
  EXPECT_EQ(s.position(), 2);

  Session fresh(*l.model);
  std::vector<float> want = eval(fresh, {1, 0, 1, 0});
  std::vector<float> got = first;
  std::vector<float> rest = eval(s, {1, 0});
  got.insert(got.end(), rest.begin(), rest.end());
  EXPECT_EQ(got, want);
  EXPECT_TRUE(eval(s, {}).empty());
}

//===----------------------------------------------------------------------===//
// The pieces of math by hand
//===----------------------------------------------------------------------===//

/// Logits whose sigmoids are (0.5, 0.75, 0.25, 0.5).
const std::vector<float> kRouterLogits = {0.0f, float(std::log(3.0)),
                                          float(-std::log(3.0)), 0.0f};

TEST(RoutingTest, TopKOfSigmoidTiesToTheLowerIndex) {
  // Scores 0.5, 0.75, 0.25, 0.5: expert 1, then the tie 0 / 3 goes to 0.
  reference::Routing r =
      reference::routeExperts(kRouterLogits, {}, 2, true, 1.0);
  EXPECT_EQ(r.experts, (std::vector<int64_t>{1, 0}));
  ASSERT_EQ(r.weights.size(), 2u);
  EXPECT_NEAR(r.weights[0], 0.75 / 1.25, 1e-6);
  EXPECT_NEAR(r.weights[1], 0.5 / 1.25, 1e-6);
}

TEST(RoutingTest, BiasChoosesButDoesNotWeigh) {
  // The bias lifts expert 2 from 0.25 to 0.55, above experts 0 and 3; its
  // weight is its unbiased 0.25: weights 0.75 / 1.0 and 0.25 / 1.0.
  reference::Routing r = reference::routeExperts(
      kRouterLogits, {0.0f, 0.0f, 0.3f, 0.0f}, 2, true, 1.0);
  EXPECT_EQ(r.experts, (std::vector<int64_t>{1, 2}));
  EXPECT_NEAR(r.weights[0], 0.75, 1e-6);
  EXPECT_NEAR(r.weights[1], 0.25, 1e-6);
  // A small bias breaks the tie the other way.
  r = reference::routeExperts(kRouterLogits, {0.0f, 0.0f, 0.0f, 1e-3f}, 2,
                              true, 1.0);
  EXPECT_EQ(r.experts, (std::vector<int64_t>{1, 3}));
  EXPECT_NEAR(r.weights[1], 0.5 / 1.25, 1e-6);
}

TEST(RoutingTest, NormalizationGuardAndScaling) {
  // Without normalization: the raw sigmoids.
  reference::Routing r =
      reference::routeExperts(kRouterLogits, {}, 2, false, 1.0);
  EXPECT_NEAR(r.weights[0], 0.75, 1e-6);
  EXPECT_NEAR(r.weights[1], 0.5, 1e-6);
  // A scaling factor other than 0 and 1 multiplies; 0 means none.
  r = reference::routeExperts(kRouterLogits, {}, 2, true, 2.5);
  EXPECT_NEAR(r.weights[0], 1.5, 1e-6);
  EXPECT_NEAR(r.weights[1], 1.0, 1e-6);
  r = reference::routeExperts(kRouterLogits, {}, 2, true, 0.0);
  EXPECT_NEAR(r.weights[0], 0.6, 1e-6);
  // Sigmoids of -20 sum to ~4e-9, under the 6.103515625e-5 guard: each
  // weight is p / 6.103515625e-5, not 0.5.
  std::vector<float> low(4, -20.0f);
  r = reference::routeExperts(low, {}, 2, true, 1.0);
  double p = 1 / (1 + std::exp(20.0));
  EXPECT_EQ(r.experts, (std::vector<int64_t>{0, 1}));
  EXPECT_NEAR(r.weights[0], p / 6.103515625e-5, 1e-9);
}

TEST(MathTest, RMSNormByHand) {
  // mean(3^2, 4^2) = 12.5.
  float x[2] = {3, 4}, w[2] = {1, 2}, y[2];
  reference::rmsNorm(x, w, 2, 0.0, y);
  EXPECT_NEAR(y[0], 3 / std::sqrt(12.5), 1e-6);
  EXPECT_NEAR(y[1], 8 / std::sqrt(12.5), 1e-6);
  // eps is added to the mean.
  reference::rmsNorm(x, w, 2, 0.5, y);
  EXPECT_NEAR(y[0], 3 / std::sqrt(13.0), 1e-6);
}

TEST(MathTest, RopeByHand) {
  // d = 4, theta = 100: inv_freq = 1 and 1/100^(2/4) = 0.1. Half-split
  // layout: (x0, x2) turns by position * 1, (x1, x3) by position * 0.1.
  float x[4] = {1, 2, 3, 4};
  reference::applyRope(x, 4, 0, 100.0);
  EXPECT_EQ(std::vector<float>(x, x + 4), (std::vector<float>{1, 2, 3, 4}));
  reference::applyRope(x, 4, 2, 100.0);
  EXPECT_NEAR(x[0], 1 * std::cos(2.0) - 3 * std::sin(2.0), 1e-6);
  EXPECT_NEAR(x[2], 3 * std::cos(2.0) + 1 * std::sin(2.0), 1e-6);
  EXPECT_NEAR(x[1], 2 * std::cos(0.2) - 4 * std::sin(0.2), 1e-6);
  EXPECT_NEAR(x[3], 4 * std::cos(0.2) + 2 * std::sin(0.2), 1e-6);
}

TEST(MathTest, ShortConvCarriesTheWindow) {
  // One channel, taps (1, 10, 100): out[t] = bx[t-2] + 10 bx[t-1] + 100 bx[t].
  float kernel[3] = {1, 10, 100}, window[2] = {0, 0}, out[2];
  float first[2] = {1, 2};
  reference::shortConv(kernel, 1, 3, window, first, 2, out);
  EXPECT_EQ(std::vector<float>(out, out + 2), (std::vector<float>{100, 210}));
  EXPECT_EQ(std::vector<float>(window, window + 2),
            (std::vector<float>{1, 2}));
  float next = 3;
  reference::shortConv(kernel, 1, 3, window, &next, 1, out);
  EXPECT_EQ(out[0], 1 + 20 + 300);
  EXPECT_EQ(std::vector<float>(window, window + 2),
            (std::vector<float>{2, 3}));
}

} // namespace
