//===- CpuFeaturesTest.cpp - Host architecture and features ---------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// Tests the host queries behind target selection: the architecture, triple
// matching, and feature names that are always present, or unknown.
//
//===----------------------------------------------------------------------===//

#include "CpuFeatures.h"

#include <gtest/gtest.h>

using namespace liquid::runtime;

// Tests that the host triple matches and a foreign one does not.
TEST(CpuFeatures, Triples) {
#if defined(__x86_64__)
  EXPECT_STREQ(hostArchitecture(), "x86_64");
  EXPECT_TRUE(tripleMatchesHost("x86_64-unknown-linux-gnu"));
  EXPECT_TRUE(tripleMatchesHost("x86_64"));
  EXPECT_FALSE(tripleMatchesHost("aarch64-unknown-linux-gnu"));
#elif defined(__aarch64__)
  EXPECT_STREQ(hostArchitecture(), "aarch64");
  EXPECT_TRUE(tripleMatchesHost("aarch64-linux-android"));
  EXPECT_FALSE(tripleMatchesHost("x86_64-unknown-linux-gnu"));
#endif
  EXPECT_FALSE(tripleMatchesHost("nvptx64-nvidia-cuda"));
  EXPECT_FALSE(tripleMatchesHost(""));
}

// Tests baseline features and unknown names.
TEST(CpuFeatures, Names) {
#if defined(__x86_64__)
  EXPECT_EQ(hostFeature("sse2"), Feature::Present);
  EXPECT_EQ(hostFeature("64bit"), Feature::Present);
  EXPECT_EQ(hostFeature("cx8"), Feature::Present);
  EXPECT_NE(hostFeature("avx512bf16"), Feature::Unknown);
#elif defined(__aarch64__)
  EXPECT_EQ(hostFeature("neon"), Feature::Present);
#endif
  EXPECT_EQ(hostFeature("frobnicate"), Feature::Unknown);
  EXPECT_EQ(hostFeature(""), Feature::Unknown);
}
