//===- Math.cpp - The pieces of the reference forward pass ----------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// This file implements the arithmetic of the reference, one function per
// piece of LFM2.md: the dot product and row-at-a-time matrix product, RMSNorm
// (§1.2), NeoX RoPE (§1.3), the short convolution with its window state
// (§1.5, §4.4), SwiGLU (§1.6) and the MoE routing (§2.3, §4.4). Every
// function takes and returns f32 values and computes each result in double
// from them, rounding once. Quantized weights are dequantized exactly and
// the activations stay f32: llama.cpp's CPU matmul for Q8_0 / Q4_0 weights
// (and its f16 / bf16 matmuls) rounds the activations to the weight's
// vec_dot type first, which the reference deliberately does not do.
//
//===----------------------------------------------------------------------===//

#include "liquid/Reference/Reference.h"

#include "liquid/Synth/Quantize.h"

#include <algorithm>
#include <cmath>
#include <numeric>

using namespace liquid;
using namespace liquid::reference;

//===----------------------------------------------------------------------===//
// Weights
//===----------------------------------------------------------------------===//

const uint8_t *WeightMatrix::rowData(int64_t r) const {
  assert(r >= 0 && r < numRows && "row out of range");
  // The last part whose first row is <= r.
  auto it = std::upper_bound(
      parts.begin(), parts.end(), r,
      [](int64_t row, const Part &p) { return row < p.firstRow; });
  assert(it != parts.begin() && "rows start at part 0");
  const Part &part = *std::prev(it);
  return part.data + (r - part.firstRow) * rowBytes;
}

void WeightMatrix::decodeRow(int64_t r, float *out) const {
  if (numCols == 0)
    return;
  synth::decodeValues(type, rowData(r), numCols, out);
}

void WeightMatrix::decodeRowBlocks(int64_t r, int8_t *q, float *d) const {
  assert((type == DType::Q8_0 || type == DType::Q4_0) && "block types only");
  const uint8_t *row = rowData(r);
  int64_t blockBytes = type == DType::Q8_0 ? 34 : 18;
  for (int64_t b = 0; b < numCols / 32; ++b) {
    const uint8_t *block = row + b * blockBytes;
    d[b] = synth::halfToFloat(uint16_t(block[0] | block[1] << 8));
    for (int64_t i = 0; i < 32; ++i) {
      if (type == DType::Q8_0)
        q[32 * b + i] = static_cast<int8_t>(block[2 + i]);
      else // Element i: low nibble of byte i, then high nibbles.
        q[32 * b + i] = static_cast<int8_t>(
            (i < 16 ? block[2 + i] & 0x0F : block[2 + i - 16] >> 4) - 8);
    }
  }
}

std::vector<float> WeightMatrix::decodeAll() const {
  std::vector<float> values(numRows * numCols);
  for (int64_t r = 0; r < numRows; ++r)
    decodeRow(r, values.data() + r * numCols);
  return values;
}

//===----------------------------------------------------------------------===//
// Products
//===----------------------------------------------------------------------===//

double reference::dot(const float *a, const float *b, int64_t n) {
  // Eight fixed lanes so the compiler can vectorize without reassociating;
  // the result depends only on n, never on the caller.
  double lane[8] = {0, 0, 0, 0, 0, 0, 0, 0};
  int64_t i = 0;
  for (; i + 8 <= n; i += 8)
    for (int l = 0; l < 8; ++l)
      lane[l] += static_cast<double>(a[i + l]) * static_cast<double>(b[i + l]);
  double sum = 0;
  for (; i < n; ++i)
    sum += static_cast<double>(a[i]) * static_cast<double>(b[i]);
  for (double l : lane)
    sum += l;
  return sum;
}

float reference::quantizeBlock(const float *x, int8_t *q) {
  float amax = 0;
  for (int i = 0; i < 32; ++i)
    amax = std::max(amax, std::fabs(x[i]));
  float d = amax / 127.0f;
  float inverse = d != 0 ? 1.0f / d : 0.0f;
  for (int i = 0; i < 32; ++i)
    q[i] = static_cast<int8_t>(std::nearbyint(x[i] * inverse));
  return d;
}

/// matmulRows with the input quantized to int8 blocks.
static void matmulRowsInt8(const WeightMatrix &w, int64_t firstRow,
                           int64_t numRows, const float *x, int64_t T,
                           float *y) {
  int64_t n = w.cols(), blocks = n / 32;
  std::vector<int8_t> xq(T * n), wq(n);
  std::vector<float> xd(T * blocks), wd(blocks);
  for (int64_t t = 0; t < T; ++t)
    for (int64_t b = 0; b < blocks; ++b)
      xd[t * blocks + b] =
          quantizeBlock(x + t * n + 32 * b, &xq[t * n + 32 * b]);
  for (int64_t r = 0; r < numRows; ++r) {
    w.decodeRowBlocks(firstRow + r, wq.data(), wd.data());
    for (int64_t t = 0; t < T; ++t) {
      double sum = 0;
      for (int64_t b = 0; b < blocks; ++b) {
        int64_t exact = 0;
        for (int64_t i = 32 * b; i < 32 * b + 32; ++i)
          exact += int64_t(wq[i]) * int64_t(xq[t * n + i]);
        sum += static_cast<double>(wd[b]) *
               static_cast<double>(xd[t * blocks + b]) *
               static_cast<double>(exact);
      }
      y[t * numRows + r] = static_cast<float>(sum);
    }
  }
}

void reference::matmulRows(const WeightMatrix &w, int64_t firstRow,
                           int64_t numRows, const float *x, int64_t T,
                           float *y) {
  assert(firstRow >= 0 && firstRow + numRows <= w.rows() && "rows in range");
  if (w.quantizesInput())
    return matmulRowsInt8(w, firstRow, numRows, x, T, y);
  int64_t n = w.cols();
  std::vector<float> row(n);
  for (int64_t r = 0; r < numRows; ++r) {
    w.decodeRow(firstRow + r, row.data());
    for (int64_t t = 0; t < T; ++t)
      y[t * numRows + r] = static_cast<float>(dot(row.data(), x + t * n, n));
  }
}

void reference::matmul(const WeightMatrix &w, const float *x, int64_t T,
                       float *y) {
  matmulRows(w, 0, w.rows(), x, T, y);
}

//===----------------------------------------------------------------------===//
// Norm, RoPE, convolution, SwiGLU
//===----------------------------------------------------------------------===//

void reference::rmsNorm(const float *x, const float *w, int64_t n, double eps,
                        float *y) {
  double sumSquares = 0;
  for (int64_t i = 0; i < n; ++i)
    sumSquares += static_cast<double>(x[i]) * static_cast<double>(x[i]);
  // eps is added at f32, as both transformers and llama.cpp add it to an f32
  // mean; so a GGUF file (which stores eps as f32) and an HF config agree.
  double epsF32 = static_cast<float>(eps);
  double scale = 1.0 / std::sqrt(sumSquares / static_cast<double>(n) + epsF32);
  for (int64_t i = 0; i < n; ++i)
    y[i] = static_cast<float>(static_cast<double>(x[i]) * scale *
                              static_cast<double>(w[i]));
}

void reference::applyRope(float *x, int64_t d, int64_t position,
                          double theta) {
  int64_t half = d / 2;
  float base = static_cast<float>(theta);
  for (int64_t i = 0; i < half; ++i) {
    // transformers: inv_freq = 1 / base ** (arange(0, d, 2).float() / d),
    // freqs = position * inv_freq, all in f32.
    float exponent = static_cast<float>(2 * i) / static_cast<float>(d);
    float invFreq = 1.0f / std::pow(base, exponent);
    float angle = static_cast<float>(position) * invFreq;
    double c = std::cos(static_cast<double>(angle));
    double s = std::sin(static_cast<double>(angle));
    double a = x[i], b = x[i + half];
    x[i] = static_cast<float>(a * c - b * s);
    x[i + half] = static_cast<float>(b * c + a * s);
  }
}

void reference::shortConv(const float *kernel, int64_t H, int64_t L,
                          float *window, const float *bx, int64_t T,
                          float *out) {
  // The L-1 remembered columns followed by the T new ones.
  int64_t keep = L - 1;
  std::vector<float> columns((keep + T) * H);
  std::copy(window, window + keep * H, columns.begin());
  std::copy(bx, bx + T * H, columns.begin() + keep * H);
  for (int64_t t = 0; t < T; ++t)
    for (int64_t c = 0; c < H; ++c) {
      // Column t + k of `columns` is new column t - (L-1) + k; tap L-1
      // multiplies the current token.
      double sum = 0;
      for (int64_t k = 0; k < L; ++k)
        sum += static_cast<double>(kernel[c * L + k]) *
               static_cast<double>(columns[(t + k) * H + c]);
      out[t * H + c] = static_cast<float>(sum);
    }
  std::copy(columns.begin() + T * H, columns.end(), window);
}

float reference::swiglu(float g, float u) {
  double gate = g;
  return static_cast<float>(gate / (1.0 + std::exp(-gate)) *
                            static_cast<double>(u));
}

//===----------------------------------------------------------------------===//
// MoE routing
//===----------------------------------------------------------------------===//

Routing reference::routeExperts(llvm::ArrayRef<float> logits,
                                llvm::ArrayRef<float> bias, int64_t k,
                                bool normalize, double scale) {
  int64_t E = static_cast<int64_t>(logits.size());
  assert((bias.empty() || static_cast<int64_t>(bias.size()) == E) &&
         k >= 0 && k <= E && "routing arguments");
  std::vector<float> p(E), score(E);
  for (int64_t e = 0; e < E; ++e) {
    double logit = logits[e];
    p[e] = static_cast<float>(1.0 / (1.0 + std::exp(-logit)));
    // The bias only chooses; f32 like transformers' p + expert_bias.
    score[e] = bias.empty() ? p[e] : p[e] + bias[e];
  }
  std::vector<int64_t> order(E);
  std::iota(order.begin(), order.end(), 0);
  // Ties go to the lower expert index.
  std::sort(order.begin(), order.end(), [&](int64_t a, int64_t b) {
    return score[a] != score[b] ? score[a] > score[b] : a < b;
  });

  Routing routing;
  routing.experts.assign(order.begin(), order.begin() + k);
  double sum = 0;
  for (int64_t e : routing.experts) {
    routing.weights.push_back(p[e]);
    sum += p[e];
  }
  if (normalize) {
    // llama.cpp's clamp; transformers' w / (sum + 1e-6) is the same for any
    // sum of sigmoids of real router logits.
    double denominator = std::max(sum, 6.103515625e-5);
    for (float &w : routing.weights)
      w = static_cast<float>(static_cast<double>(w) / denominator);
  }
  if (scale != 0 && scale != 1)
    for (float &w : routing.weights)
      w = static_cast<float>(static_cast<double>(w) * scale);
  return routing;
}
