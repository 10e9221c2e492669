//===- Session.cpp - One sequence through the reference forward pass -----===//
//
// SPDX-License-Identifier: Apache-2.0
//
// This file implements Session::eval, the whole-model forward of LFM2.md
// §1.1 and §1.7 over a chunk of T tokens: embedding rows, then per layer
// h += operator(rmsNorm(h) * operator_norm) and h += ffn(rmsNorm(h) *
// ffn_norm), with the gated short convolution (§1.5) or grouped-query
// attention (§1.4) as operator and SwiGLU (§1.6) or the routed experts
// (§2.3) as feed-forward; then the final norm and the output head. Every
// token's arithmetic is the same whether it is evaluated in a long prefill or
// as a one-token decode step, so the two give bit-identical logits.
//
//===----------------------------------------------------------------------===//

#include "liquid/Reference/Reference.h"

#include "llvm/ADT/Twine.h"

#include <algorithm>
#include <cmath>

using namespace liquid;
using namespace liquid::reference;

Session::Session(const Model &model) : m(model) { reset(); }

void Session::reset() {
  const ModelConfig &c = m.config();
  pos = 0;
  layerStates.assign(c.numLayers(), LayerState());
  for (int64_t i = 0; i < c.numLayers(); ++i)
    if (c.layers[i] == LayerKind::Conv)
      layerStates[i].convWindow.assign((c.convL - 1) * c.hiddenSize, 0.0f);
}

//===----------------------------------------------------------------------===//
// Operators
//===----------------------------------------------------------------------===//

/// The gated short convolution (LFM2.md §1.5): in_proj splits into
/// B = rows [0, H), C = [H, 2H), x = [2H, 3H); out = out_proj(C * conv(B*x)).
static void convBlock(const ModelConfig &c, const LayerWeights &l,
                      LayerState &state, const std::vector<float> &x,
                      int64_t T, std::vector<float> &out) {
  int64_t H = c.hiddenSize;
  std::vector<float> bcx(T * 3 * H);
  matmul(l.inProj, x.data(), T, bcx.data());
  std::vector<float> bx(T * H), conv(T * H), y(T * H);
  for (int64_t t = 0; t < T; ++t)
    for (int64_t i = 0; i < H; ++i)
      bx[t * H + i] = bcx[t * 3 * H + i] * bcx[t * 3 * H + 2 * H + i];
  shortConv(l.convKernel.data(), H, c.convL, state.convWindow.data(),
            bx.data(), T, conv.data());
  for (int64_t t = 0; t < T; ++t)
    for (int64_t i = 0; i < H; ++i)
      y[t * H + i] = bcx[t * 3 * H + H + i] * conv[t * H + i];
  matmul(l.outProj, y.data(), T, out.data());
}

/// Grouped-query attention (LFM2.md §1.4): per-head RMSNorm of q and k, then
/// RoPE at the absolute position, then causal softmax attention over the
/// cache; query head h reads key/value head h / (nh / nkv).
static void attentionBlock(const ModelConfig &c, const LayerWeights &l,
                           LayerState &state, const std::vector<float> &x,
                           int64_t T, int64_t pos0, std::vector<float> &out) {
  int64_t nh = c.numHeads, nkv = c.numKVHeads, hd = c.headDim;
  int64_t qDim = l.q.rows(), kvDim = l.k.rows();
  std::vector<float> q(T * qDim), k(T * kvDim), v(T * kvDim);
  matmul(l.q, x.data(), T, q.data());
  matmul(l.k, x.data(), T, k.data());
  matmul(l.v, x.data(), T, v.data());
  for (int64_t t = 0; t < T; ++t) {
    for (int64_t h = 0; h < nh; ++h) {
      float *head = &q[t * qDim + h * hd];
      rmsNorm(head, l.qNorm.data(), hd, c.normEps, head);
      applyRope(head, hd, pos0 + t, c.ropeTheta);
    }
    for (int64_t h = 0; h < nkv; ++h) {
      float *head = &k[t * kvDim + h * hd];
      rmsNorm(head, l.kNorm.data(), hd, c.normEps, head);
      applyRope(head, hd, pos0 + t, c.ropeTheta);
    }
  }
  state.keys.insert(state.keys.end(), k.begin(), k.end());
  state.values.insert(state.values.end(), v.begin(), v.end());

  int64_t group = nh / nkv;
  double scale = 1.0 / std::sqrt(static_cast<double>(hd));
  std::vector<float> attended(T * qDim);
  std::vector<double> weight;
  for (int64_t t = 0; t < T; ++t) {
    int64_t n = pos0 + t + 1; // Positions 0 .. pos0 + t: causal.
    weight.resize(n);
    for (int64_t h = 0; h < nh; ++h) {
      int64_t kvHead = h / group;
      const float *query = &q[t * qDim + h * hd];
      // Scores are f32 values; the softmax is computed in double from them.
      std::vector<float> score(n);
      for (int64_t j = 0; j < n; ++j)
        score[j] = static_cast<float>(
            dot(query, &state.keys[j * kvDim + kvHead * hd], hd) * scale);
      float maxScore = *std::max_element(score.begin(), score.end());
      double sum = 0;
      for (int64_t j = 0; j < n; ++j) {
        weight[j] = std::exp(static_cast<double>(score[j]) - maxScore);
        sum += weight[j];
      }
      for (int64_t i = 0; i < hd; ++i) {
        double acc = 0;
        for (int64_t j = 0; j < n; ++j)
          acc += weight[j] * state.values[j * kvDim + kvHead * hd + i];
        attended[t * qDim + h * hd + i] = static_cast<float>(acc / sum);
      }
    }
  }
  matmul(l.out, attended.data(), T, out.data());
}

//===----------------------------------------------------------------------===//
// Feed-forwards
//===----------------------------------------------------------------------===//

/// w2(silu(w1 x) * w3 x) with w1/w3 rows [firstRow, firstRow + F) and w2 rows
/// [downFirstRow, downFirstRow + H) of possibly stacked matrices.
static void swigluFFN(const WeightMatrix &gate, const WeightMatrix &up,
                      const WeightMatrix &down, int64_t firstRow, int64_t F,
                      int64_t downFirstRow, int64_t H, const float *x,
                      int64_t T, float *out) {
  std::vector<float> g(T * F), u(T * F);
  matmulRows(gate, firstRow, F, x, T, g.data());
  matmulRows(up, firstRow, F, x, T, u.data());
  for (int64_t i = 0; i < T * F; ++i)
    g[i] = swiglu(g[i], u[i]);
  matmulRows(down, downFirstRow, H, g.data(), T, out);
}

/// The routed experts (LFM2.md §2.3): each token's top-k experts, weighted.
/// Experts are visited in index order, each with the tokens routed to it, so
/// every expert row is decoded once per call.
static void moeFFN(const ModelConfig &c, const LayerWeights &l,
                   const std::vector<float> &x, int64_t T,
                   std::vector<float> &out) {
  int64_t H = c.hiddenSize, E = c.numExperts, I = c.moeFfnSize;
  std::vector<Routing> routes;
  std::vector<float> logits(E);
  for (int64_t t = 0; t < T; ++t) {
    for (int64_t e = 0; e < E; ++e)
      logits[e] =
          static_cast<float>(dot(&l.router[e * H], &x[t * H], H));
    routes.push_back(routeExperts(logits, l.expertBias, c.expertsPerToken,
                                  c.normTopKProb, c.routedScalingFactor));
  }

  std::vector<double> sum(T * H, 0.0);
  for (int64_t e = 0; e < E; ++e) {
    std::vector<int64_t> tokens;
    std::vector<float> weights;
    for (int64_t t = 0; t < T; ++t)
      for (size_t j = 0; j < routes[t].experts.size(); ++j)
        if (routes[t].experts[j] == e) {
          tokens.push_back(t);
          weights.push_back(routes[t].weights[j]);
        }
    if (tokens.empty())
      continue;
    int64_t n = static_cast<int64_t>(tokens.size());
    std::vector<float> xs(n * H), ys(n * H);
    for (int64_t j = 0; j < n; ++j)
      std::copy_n(&x[tokens[j] * H], H, &xs[j * H]);
    swigluFFN(l.expertsGate, l.expertsUp, l.expertsDown, e * I, I, e * H, H,
              xs.data(), n, ys.data());
    for (int64_t j = 0; j < n; ++j)
      for (int64_t i = 0; i < H; ++i)
        sum[tokens[j] * H + i] +=
            static_cast<double>(weights[j]) * ys[j * H + i];
  }
  for (int64_t i = 0; i < T * H; ++i)
    out[i] = static_cast<float>(sum[i]);
}

//===----------------------------------------------------------------------===//
// The model
//===----------------------------------------------------------------------===//

llvm::Expected<std::vector<float>>
Session::eval(llvm::ArrayRef<int64_t> tokens) {
  const ModelConfig &c = m.config();
  int64_t T = static_cast<int64_t>(tokens.size()), H = c.hiddenSize;
  for (int64_t token : tokens)
    if (token < 0 || token >= c.vocabSize)
      return llvm::createStringError(
          m.path() + ": token " + llvm::Twine(token) +
          ": out of range: the vocabulary has " + llvm::Twine(c.vocabSize) +
          " tokens");
  if (c.maxPositions > 0 && pos + T > c.maxPositions)
    return llvm::createStringError(
        m.path() + ": position " + llvm::Twine(pos + T - 1) +
        ": past the context length: the model has " +
        llvm::Twine(c.maxPositions) + " positions");
  if (T == 0)
    return std::vector<float>();

  std::vector<float> h(T * H), x(T * H), out(T * H);
  for (int64_t t = 0; t < T; ++t)
    m.embedding.decodeRow(tokens[t], &h[t * H]);

  for (int64_t i = 0; i < c.numLayers(); ++i) {
    const LayerWeights &l = m.layers[i];
    for (int64_t t = 0; t < T; ++t)
      rmsNorm(&h[t * H], l.operatorNorm.data(), H, c.normEps, &x[t * H]);
    if (l.kind == LayerKind::Conv)
      convBlock(c, l, layerStates[i], x, T, out);
    else
      attentionBlock(c, l, layerStates[i], x, T, pos, out);
    for (int64_t j = 0; j < T * H; ++j)
      h[j] += out[j];

    for (int64_t t = 0; t < T; ++t)
      rmsNorm(&h[t * H], l.ffnNorm.data(), H, c.normEps, &x[t * H]);
    if (l.moe)
      moeFFN(c, l, x, T, out);
    else
      swigluFFN(l.gate, l.up, l.down, 0, l.gate.rows(), 0, H, x.data(), T,
                out.data());
    for (int64_t j = 0; j < T * H; ++j)
      h[j] += out[j];
  }

  for (int64_t t = 0; t < T; ++t)
    rmsNorm(&h[t * H], m.finalNorm.data(), H, c.normEps, &x[t * H]);
  std::vector<float> logits(T * c.vocabSize);
  matmul(m.output, x.data(), T, logits.data());
  pos += T;
  return logits;
}
