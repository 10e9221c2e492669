//===- Reference.h - Plain-loop reference forward pass ----------*- C++ -*-===//
//
// SPDX-License-Identifier: Apache-2.0
//
// The project's independent oracle for LFM2 / LFM2-MoE logits: straight C++
// loops written from LFM2.md, reading a loaded Checkpoint directly. A Model
// views the checkpoint's weights (small vectors decoded to f32 once, matrices
// left in their storage type and decoded one row at a time); a Session over
// it holds the explicit state of one sequence (per conv layer the previous
// L-1 columns of B*x, per attention layer the K and V caches, the position)
// and evaluates tokens, returning the logits of every evaluated position.
// Decoding is an eval of one token. The math follows LFM2.md §0: every
// activation is an f32 value whatever the weights' storage type; each stored
// value is computed in double from its f32 inputs and rounded once, so the
// reference's own error is half an ulp per value and does not depend on a
// loop order. Correctness over speed, but no gratuitous slowness: a weight
// row is decoded once per call and dotted with every token's activations.
//
// A Model points into the checkpoint's mapped files: the Checkpoint must
// outlive it, and the Model must outlive its Sessions. Errors are
// llvm::Error values reading "<file>: <what>: <why>".
//
//===----------------------------------------------------------------------===//

#ifndef LIQUID_REFERENCE_REFERENCE_H
#define LIQUID_REFERENCE_REFERENCE_H

#include "liquid/Import/Checkpoint.h"
#include "liquid/Import/ModelConfig.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <memory>
#include <vector>

namespace liquid::reference {

//===----------------------------------------------------------------------===//
// Weights
//===----------------------------------------------------------------------===//

/// One checkpoint tensor viewed as a row-major matrix: the innermost
/// dimension is the columns, all outer dimensions fold into the rows (a
/// stacked expert tensor [E, I, H] is E*I rows of H). Rows are decoded to
/// f32 on demand: GGUF Q8_0 / Q4_0 / Q4_K / Q5_K / Q6_K exactly as ggml
/// dequantizes them (value = d * q; the K-quants with their sub-block
/// scales and mins), f16 / bf16 exactly.
class WeightMatrix {
public:
  /// A view of `tensor`, one of `ckpt`'s tensors. An error if its rows are
  /// not whole quantization blocks, or its segments leave their files, split
  /// a row, or do not add up to the bytes its shape needs.
  static llvm::Expected<WeightMatrix> create(const Checkpoint &ckpt,
                                             const TensorInfo &tensor);

  int64_t rows() const { return numRows; }
  int64_t cols() const { return numCols; }
  DType dtype() const { return type; }
  /// Writes row `r` as f32 to `out[0, cols)`.
  void decodeRow(int64_t r, float *out) const;
  /// For Q8_0 / Q4_0: row `r`'s signed values to `q[0, cols)` and its
  /// block scales to `d[0, cols / 32)`, value = d * q.
  void decodeRowBlocks(int64_t r, int8_t *q, float *d) const;
  /// Whether products with this matrix quantize their input to int8 blocks
  /// first (LoadOptions::quantizeActivations, Q8_0 / Q4_0 only).
  bool quantizesInput() const { return quantizedInput; }
  void setQuantizedInput(bool on) { quantizedInput = on; }
  /// Every value, row-major.
  std::vector<float> decodeAll() const;

private:
  struct Part {
    int64_t firstRow;
    const uint8_t *data;
  };
  const uint8_t *rowData(int64_t r) const;

  DType type = DType::F32;
  bool quantizedInput = false;
  int64_t numRows = 0, numCols = 0;
  uint64_t rowBytes = 0;
  /// The tensor's segments, each a whole number of rows, by first row.
  std::vector<Part> parts;
};

/// The weights of one decoder layer. Which members are set depends on the
/// layer's operator (attention or conv) and feed-forward (dense or MoE).
struct LayerWeights {
  LayerKind kind = LayerKind::Conv;
  bool moe = false;
  std::vector<float> operatorNorm, ffnNorm;        ///< [H]
  // Attention.
  WeightMatrix q, k, v, out;                       ///< [nh*hd|nkv*hd|H, ...]
  std::vector<float> qNorm, kNorm;                 ///< [hd]
  // Short convolution.
  WeightMatrix inProj, outProj;                    ///< [3H, H], [H, H]
  std::vector<float> convKernel;                   ///< [H][L]
  // Dense SwiGLU.
  WeightMatrix gate, up, down;                     ///< w1, w3, w2
  // Mixture of experts.
  std::vector<float> router;                       ///< [E][H], f32
  std::vector<float> expertBias;                   ///< [E]; zeros if none
  WeightMatrix expertsGate, expertsUp, expertsDown; ///< [E*I, H], [E*H, I]
};

/// How a Model computes, beyond what the checkpoint says.
struct LoadOptions {
  /// Quantize the input of every product with a Q8_0 / Q4_0 matrix to int8
  /// blocks (quantizeBlock) and multiply the integers exactly, as liquidc's
  /// int8 kernels do. Off: the activations stay f32 (LFM2.md §0).
  bool quantizeActivations = false;
};

/// A checkpoint's weights, checked against the tensor table of its config
/// (every tensor present with the expected shape and size, nothing else).
class Model {
public:
  static llvm::Expected<std::unique_ptr<Model>>
  load(const Checkpoint &ckpt, LoadOptions options = {});

  const ModelConfig &config() const { return cfg; }
  /// The checkpoint path, for error messages.
  const std::string &path() const { return file; }

  WeightMatrix embedding;          ///< [V, H]
  WeightMatrix output;             ///< [V, H]; the embedding when tied
  std::vector<float> finalNorm;    ///< [H]
  std::vector<LayerWeights> layers;

private:
  Model() = default;
  ModelConfig cfg;
  std::string file;
};

//===----------------------------------------------------------------------===//
// Session
//===----------------------------------------------------------------------===//

/// The recurrent state of one layer.
struct LayerState {
  /// Conv layers: the previous L-1 columns of B*x, oldest first,
  /// [L-1][H]; zero at the start of a sequence.
  std::vector<float> convWindow;
  /// Attention layers: keys (after q/k norm and RoPE) and values of every
  /// position so far, [position][nkv * hd].
  std::vector<float> keys, values;
};

class Session {
public:
  explicit Session(const Model &model);

  /// Evaluates `tokens` at positions position() .. position()+T-1 after
  /// everything evaluated so far, and returns the logits of each of them,
  /// row-major [T][vocab]. Prefill is an eval of the prompt, a decode step
  /// an eval of one token. On error (a token out of range, a position past
  /// the context length) the state is unchanged.
  llvm::Expected<std::vector<float>> eval(llvm::ArrayRef<int64_t> tokens);
  /// Back to the start of a sequence: zero windows, empty caches.
  void reset();

  int64_t position() const { return pos; }
  const LayerState &state(int64_t layer) const { return layerStates[layer]; }
  const Model &model() const { return m; }

private:
  const Model &m;
  int64_t pos = 0;
  std::vector<LayerState> layerStates;
};

//===----------------------------------------------------------------------===//
// The pieces of math (used by Session, public for tests)
//===----------------------------------------------------------------------===//

/// sum_i a[i] * b[i], accumulated in double (each product of two floats is
/// exact in double).
double dot(const float *a, const float *b, int64_t n);

/// One block of 32 activations as int8: d = max|x| / 127 and
/// q[i] = round_even(x[i] * (1 / d)) in f32 (all 0 when d is 0); returns d.
float quantizeBlock(const float *x, int8_t *q);

/// y[t][r] = sum_i W[firstRow + r][i] * x[t][i] for r < numRows, t < T;
/// x is [T][W.cols()], y is [T][numRows]. Each row of W is decoded once.
/// When W.quantizesInput(), x is quantized block by block (quantizeBlock)
/// and y[t][r] = sum_b d_w[b] * d_x[t][b] * (exact integer dot product of
/// block b).
void matmulRows(const WeightMatrix &w, int64_t firstRow, int64_t numRows,
                const float *x, int64_t T, float *y);
/// matmulRows over all rows of `w`.
void matmul(const WeightMatrix &w, const float *x, int64_t T, float *y);

/// y = x * rsqrt(mean(x^2) + eps) * w over n values (y may alias x).
void rmsNorm(const float *x, const float *w, int64_t n, double eps, float *y);

/// RoPE in the half-split ("NeoX") layout on one head of `d` values at
/// absolute position `position`: for i < d/2, with
/// inv_freq = 1 / theta^(2i/d) and angle = position * inv_freq computed in
/// f32 (as transformers does), (x[i], x[i+d/2]) is rotated by the angle.
void applyRope(float *x, int64_t d, int64_t position, double theta);

/// The causal depthwise short convolution over T new columns of B*x with
/// the window state: out[t][c] = sum_{k<L} kernel[c][k] * bx[t-(L-1)+k][c],
/// where columns before the new ones come from `window` ([L-1][H], oldest
/// first), which is then advanced to the last L-1 columns.
void shortConv(const float *kernel, int64_t H, int64_t L, float *window,
               const float *bx, int64_t T, float *out);

/// silu(g) * u.
float swiglu(float g, float u);

/// The experts one token is routed to and their weights.
struct Routing {
  std::vector<int64_t> experts; ///< By descending p + bias; ties: lower index.
  std::vector<float> weights;   ///< Unbiased p of each, normalised, scaled.
};

/// LFM2-MoE routing (LFM2.md §2.3, §4.4): p = sigmoid(logits); the top k
/// of p + bias are chosen; their weights are the unbiased p, divided by
/// max(sum, 6.103515625e-5) when `normalize`, times `scale` when it is
/// neither 0 nor 1. `bias` is empty or has one value per expert.
Routing routeExperts(llvm::ArrayRef<float> logits, llvm::ArrayRef<float> bias,
                     int64_t k, bool normalize, double scale);

} // namespace liquid::reference

#endif // LIQUID_REFERENCE_REFERENCE_H
