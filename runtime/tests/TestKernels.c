/*===- TestKernels.c - Kernels of the unit tests' artifact ----------------===*\
|*                                                                            *|
|* SPDX-License-Identifier: Apache-2.0                                        *|
|*                                                                            *|
\*===----------------------------------------------------------------------===*/
/*
 * A tiny "model" with the kernel ABI of artifact.fbs, built as a shared
 * object and stored as the test artifact's code. Weight "params.<entry>" is
 * int32 {tokens, vocab}. Per token t at absolute position p = position + t:
 *   scan:   prefix[t] = running sum of all earlier tokens (state "sum")
 *   cache:  cache[p] = token (state "key_cache", one float per position)
 *   logits: logits[t][v] = bias[v] + token + 1000 p + 0.5 prefix[t]
 *                          + 10 cache[p - 1]        (one workgroup per v)
 * TestArtifact.cpp's Reference computes the same numbers in the same order.
 *
 * Each kernel's signature (format.h) depends on the model a test writes, so
 * it is a placeholder here: its first word is a marker, and TestArtifact.cpp
 * finds it in the code and writes the signature of the model it lays out.
 */
#include <stdint.h>

#define LQ_TEST_MARKER 0x7e5751676e000000ll
const int64_t lq_test_scan_signature[5 + 2 * 4] = {LQ_TEST_MARKER | 0};
const int64_t lq_test_cache_signature[5 + 2 * 3] = {LQ_TEST_MARKER | 1};
const int64_t lq_test_logits_signature[5 + 2 * 6] = {LQ_TEST_MARKER | 2};

void lq_test_scan(void *const *bindings, const int64_t *constants,
                  int64_t workgroup) {
  const int32_t *tokens = (const int32_t *)bindings[0];
  const int32_t *params = (const int32_t *)bindings[1];
  float *sum = (float *)bindings[2];
  float *prefix = (float *)bindings[3];
  (void)constants;
  (void)workgroup;
  for (int32_t t = 0; t < params[0]; ++t) {
    prefix[t] = sum[0];
    sum[0] += (float)tokens[t];
  }
}

void lq_test_cache(void *const *bindings, const int64_t *constants,
                   int64_t workgroup) {
  const int32_t *tokens = (const int32_t *)bindings[0];
  const int32_t *params = (const int32_t *)bindings[1];
  float *cache = (float *)bindings[2];
  (void)workgroup;
  for (int32_t t = 0; t < params[0]; ++t)
    cache[constants[0] + t] = (float)tokens[t];
}

void lq_test_logits(void *const *bindings, const int64_t *constants,
                    int64_t workgroup) {
  const int32_t *tokens = (const int32_t *)bindings[0];
  const int32_t *params = (const int32_t *)bindings[1];
  const float *prefix = (const float *)bindings[2];
  const float *cache = (const float *)bindings[3];
  const float *bias = (const float *)bindings[4];
  float *logits = (float *)bindings[5];
  int64_t v = workgroup, vocab = params[1];
  for (int32_t t = 0; t < params[0]; ++t) {
    int64_t p = constants[0] + t;
    double previous = p > 0 ? (double)cache[p - 1] : 0.0;
    double value = (double)bias[v] + (double)tokens[t] + 1000.0 * (double)p +
                   0.5 * (double)prefix[t] + 10.0 * previous;
    logits[t * vocab + v] = (float)value;
  }
}
