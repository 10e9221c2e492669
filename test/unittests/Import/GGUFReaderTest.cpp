//===- GGUFReaderTest.cpp - Tests of the GGUF container reader ------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// Tests the GGUF container reader on files built byte by byte: the typed
// metadata getters, logical shapes, unsupported tensor types, offsets and
// alignment; errors for truncation at every cut point, bad magic, corrupt
// counts (which must fail without allocating in proportion to the count)
// and random corruption.
//
//===----------------------------------------------------------------------===//

#include "AllocationTracker.h"
#include "Builders.h"

#include "liquid/Import/GGUFReader.h"

#include <random>

using namespace liquid;
using namespace liquid::test;

namespace {

TEST_F(GGUFReaderTest, ContainerAndGetters) {
  GGUFBuilder b = ggufModel(tinyDense());
  b.arrStr("tokenizer.ggml.tokens", {"<pad>", "a", "bc"});
  b.boolean("x.flag", true);
  auto parsed = GGUFFile::open(write("m.gguf", b.build()));
  ASSERT_TRUE(static_cast<bool>(parsed)) << llvm::toString(parsed.takeError());
  const GGUFFile &f = **parsed;
  EXPECT_EQ(f.version(), 3u);
  EXPECT_EQ(f.alignment(), 32u);
  EXPECT_EQ(f.dataOffset() % 32, 0u);
  EXPECT_EQ(f.keys().front(), "general.architecture");
  EXPECT_EQ(*f.getString("general.architecture"), "lfm2");
  EXPECT_EQ(*f.getUInt("lfm2.block_count"), 3u);
  EXPECT_EQ(*f.getInt("lfm2.block_count"), 3);
  EXPECT_DOUBLE_EQ(*f.getFloat("lfm2.rope.freq_base"), 1e6);
  EXPECT_TRUE(*f.getBool("x.flag"));
  EXPECT_FALSE(*f.getBool("x.other", false));
  EXPECT_EQ(*f.getUInt("x.absent", 9), 9u);
  EXPECT_EQ(*f.getIntArray("lfm2.attention.head_count_kv"),
            (std::vector<int64_t>{0, 2, 0}));
  EXPECT_EQ(*f.getArrayLength("tokenizer.ggml.tokens"), 3u);
  auto tokens = f.getStringArray("tokenizer.ggml.tokens");
  ASSERT_TRUE(static_cast<bool>(tokens));
  EXPECT_EQ((*tokens)[2], "bc");
  expectError(f.getUInt("general.architecture"),
              {file() + ": key 'general.architecture': expected a "
                        "non-negative integer, found string"});
  expectError(f.getIntArray("tokenizer.ggml.tokens"),
              {"expected an array of integers, found array of string"});
  expectError(f.getString("lfm2.nothing"),
              {file() + ": missing key 'lfm2.nothing'"});

  const GGUFTensor *embd = f.findTensor("token_embd.weight");
  ASSERT_TRUE(embd);
  EXPECT_EQ(embd->ne, (std::vector<int64_t>{64, 32}));
  EXPECT_EQ(embd->shape, (std::vector<int64_t>{32, 64}));

  // Vocabulary from the token list, then from the embedding's rows.
  b.remove("lfm2.vocab_size");
  auto ckpt = load(b);
  ASSERT_FALSE(static_cast<bool>(ckpt));
  expectError(std::move(ckpt), {"token_embd.weight", "shape [32, 64]",
                                "does not match the config's [3, 64]"});
  b.remove("tokenizer.ggml.tokens");
  ckpt = load(b);
  ASSERT_TRUE(static_cast<bool>(ckpt)) << llvm::toString(ckpt.takeError());
  EXPECT_EQ((*ckpt)->config.vocabSize, 32);
}

TEST_F(GGUFReaderTest, TensorErrors) {
  GGUFBuilder base = ggufModel(tinyDense());
  GGUFBuilder b = base;
  b.tensor("blk.0.attn_norm.weight")->type = 11;
  expectError(load(b), {file() + ": tensor 'blk.0.attn_norm.weight': "
                                 "unsupported tensor type 11 (q3_K"});
  b = base;
  b.tensor("blk.0.attn_norm.weight")->type = 12; // Q4_K: rows of 256
  expectError(load(b), {file() + ": tensor 'blk.0.attn_norm.weight': "
                                 "row length 64 is not a multiple of the "
                                 "q4_K block size 256"});
  b = base;
  b.tensor("blk.0.attn_norm.weight")->type = 3;
  expectError(load(b), {"unsupported tensor type 3 (q4_1"});
  b = base;
  b.tensor("blk.0.attn_norm.weight")->type = 8; // norms must stay float
  expectError(load(b), {"tensor 'blk.0.attn_norm.weight': storage type q8_0"});
  b = base;
  b.tensor("blk.0.shortconv.conv.weight")->type = 8; // row of 3
  expectError(load(b), {"row length 3 is not a multiple"});
  b = base;
  b.tensor("token_embd_norm.weight")->offsetOverride = 1u << 30;
  expectError(load(b), {file() + ": tensor 'token_embd_norm.weight': data",
                        "runs past the end of the file"});
  b = base;
  b.tensor("token_embd_norm.weight")->offsetOverride = ~uint64_t(0) << 5;
  expectError(load(b), {"tensor 'token_embd_norm.weight'"});
  b = base;
  b.tensor("token_embd_norm.weight")->offsetOverride = 4;
  expectError(load(b), {"not a multiple of the alignment 32"});
  // Two tensors over the same bytes: the first tensor's offset (0) again.
  b = base;
  b.tensor("token_embd_norm.weight")->offsetOverride = 0;
  expectError(load(b), {file() + ": tensor '", "': data overlaps tensor '"});
  b = base;
  b.removeTensor("blk.1.attn_k_norm.weight");
  expectError(load(b), {file() + ": missing tensor 'blk.1.attn_k_norm.weight'"});
  b = base;
  b.tensor("blk.1.attn_k.weight")->shape = {64, 64};
  expectError(load(b), {file() + ": tensor 'blk.1.attn_k.weight': shape "
                                 "[64, 64] does not match the config's "
                                 "[32, 64]"});
  b = base;
  b.tensors.push_back({"dense_2.weight", 0, {64, 64}, std::nullopt});
  expectError(load(b), {file() + ": unexpected tensor 'dense_2.weight'"});
  b = base;
  b.tensors.push_back({"dense_2.weight", 0, {4, 4, 4, 4, 4}, std::nullopt});
  expectError(load(b), {"tensor 'dense_2.weight': 5 dimensions"});
  b = base;
  b.tensors.push_back(b.tensors.front());
  expectError(load(b), {"duplicate tensor 'token_embd.weight'"});
}

TEST_F(GGUFReaderTest, HeaderErrors) {
  GGUFBuilder b = ggufModel(tinyDense());
  b.magic = 0x46554746;
  expectError(load(b), {file() + ": not a GGUF file: bad magic"});
  b = ggufModel(tinyDense());
  b.version = 1;
  expectError(load(b), {"unsupported GGUF version 1"});

  // Corrupt counts are caught before anything is allocated for them.
  std::string good = ggufModel(tinyDense()).build();
  auto patch64 = [&](size_t at, uint64_t v) {
    std::string s = good;
    for (int i = 0; i < 8; ++i)
      s[at + i] = static_cast<char>(v >> (8 * i));
    return write("m.gguf", s);
  };
  expectError(readGGUFCheckpoint(patch64(8, ~uint64_t(0) >> 1)),
              {file() + ": truncated: tensor info count"});
  expectError(readGGUFCheckpoint(patch64(16, ~uint64_t(0))),
              {file() + ": truncated: metadata count"});
  // The first key's length.
  expectError(readGGUFCheckpoint(patch64(24, uint64_t(1) << 62)),
              {file() + ": truncated: key 0"});
  // The architecture string's length (after "general.architecture", type).
  expectError(readGGUFCheckpoint(patch64(24 + 8 + 20 + 4, uint64_t(1) << 40)),
              {"truncated: value of key 'general.architecture'"});

  GGUFBuilder arr = ggufModel(tinyDense());
  Bytes big;
  big.u32(4);
  big.u64(uint64_t(1) << 61);
  arr.raw("x.array", 9, big);
  expectError(load(arr), {"truncated: value of key 'x.array' count"});
  Bytes nested;
  nested.u32(9);
  nested.u64(0);
  arr.raw("x.array", 9, nested);
  expectError(load(arr), {"key 'x.array': nested arrays are not supported"});
  arr.raw("x.array", 77, Bytes());
  expectError(load(arr), {"key 'x.array': unknown value type 77"});
}

/// A GGUF header claiming `tensors` tensor infos and `keys` keys, followed
/// by `body`, a u64 of 2^40 (a corrupt length) and `padding` zero bytes.
std::string corruptCountFile(uint64_t tensors, uint64_t keys,
                             const std::string &body, size_t padding) {
  Bytes b;
  b.u32(0x46554747);
  b.u32(3);
  b.u64(tensors);
  b.u64(keys);
  b.s += body;
  b.u64(uint64_t(1) << 40);
  b.s.resize(b.s.size() + padding, '\0');
  return b.s;
}

/// Parses `data` in place, returning the error message and the largest
/// single allocation made while parsing.
std::pair<std::string, size_t> parseTracked(const std::string &data) {
  auto buffer = llvm::MemoryBuffer::getMemBuffer(data, "corrupt.gguf",
                                                 /*RequiresNullTerminator=*/
                                                 false);
  std::string message;
  size_t largest = 0;
  {
    AllocationScope scope;
    auto file = GGUFFile::parse(std::move(buffer), "corrupt.gguf");
    largest = scope.largest();
    message = file ? "no error" : llvm::toString(file.takeError());
  }
  return {message, largest};
}

// A count that fits in the file but is corrupt fails at the first bad item,
// and nothing is allocated in proportion to it: every allocation stays far
// below the 4 MB file.
TEST(GGUFParserTest, CorruptCountsAllocateNothing) {
  if (!AllocationScope::supported())
    GTEST_SKIP() << "heap requests cannot be watched in this build";
  constexpr size_t padding = 4 << 20;
  constexpr size_t limit = 64 << 10;

  Bytes keys; // Two good u32 keys; the third key's length is corrupt.
  for (const char *key : {"a", "b"}) {
    keys.str(key);
    keys.u32(4);
    keys.u32(7);
  }
  auto [message, largest] =
      parseTracked(corruptCountFile(0, padding / 12, keys.s, padding));
  EXPECT_NE(message.find("corrupt.gguf: truncated: key 2"), std::string::npos)
      << message;
  EXPECT_LT(largest, limit);

  Bytes tensor; // One good tensor info; the second name's length is corrupt.
  tensor.str("t");
  tensor.u32(1);
  tensor.u64(32);
  tensor.u32(0);
  tensor.u64(0);
  std::tie(message, largest) =
      parseTracked(corruptCountFile(padding / 28, 0, tensor.s, padding));
  EXPECT_NE(message.find("corrupt.gguf: truncated: tensor info 1"),
            std::string::npos)
      << message;
  EXPECT_LT(largest, limit);

  Bytes strings; // A string array of two good strings, then a corrupt one.
  strings.str("x");
  strings.u32(9);
  strings.u32(8);
  strings.u64(padding / 8);
  strings.str("a");
  strings.str("b");
  std::tie(message, largest) =
      parseTracked(corruptCountFile(0, 1, strings.s, padding));
  EXPECT_NE(message.find("corrupt.gguf: truncated: element 2 of key 'x'"),
            std::string::npos)
      << message;
  EXPECT_LT(largest, limit);
}

// More than 2^20 keys or tensors is refused even when the file is big
// enough to hold them.
TEST(GGUFParserTest, CountsAreCapped) {
  constexpr uint64_t over = (uint64_t(1) << 20) + 1;
  auto [message, largest] =
      parseTracked(corruptCountFile(0, over, "", over * 12));
  EXPECT_EQ(message, "corrupt.gguf: metadata count 1048577 exceeds the limit "
                     "of 1048576");
  std::tie(message, largest) =
      parseTracked(corruptCountFile(over, 0, "", over * 28));
  EXPECT_EQ(message, "corrupt.gguf: tensor info count 1048577 exceeds the "
                     "limit of 1048576");
}

TEST_F(GGUFReaderTest, TruncatedAtEveryCut) {
  std::string good = ggufModel(tinyMoE()).build();
  auto parsed = GGUFFile::open(write("m.gguf", good));
  ASSERT_TRUE(static_cast<bool>(parsed));
  size_t header = (*parsed)->dataOffset();
  std::vector<size_t> cuts;
  for (size_t cut = 0; cut < header; ++cut)
    cuts.push_back(cut);
  for (size_t cut = header; cut < good.size(); cut += good.size() / 97)
    cuts.push_back(cut);
  cuts.push_back(good.size() - 1);
  for (size_t cut : cuts) {
    auto ckpt = readGGUFCheckpoint(write("m.gguf", good.substr(0, cut)));
    ASSERT_FALSE(static_cast<bool>(ckpt)) << "cut at " << cut;
    std::string message = llvm::toString(ckpt.takeError());
    EXPECT_EQ(message.rfind(file() + ": ", 0), 0u) << message;
    // Cuts inside the header are truncation errors; cuts in the data section
    // leave some tensor's data outside the file. (The last 32 bytes before
    // the data may be either: the infos end somewhere in there.)
    if (cut < header - 32) {
      EXPECT_NE(message.find("truncated"), std::string::npos) << message;
    } else if (cut >= header) {
      EXPECT_NE(message.find("runs past the end"), std::string::npos)
          << message;
    }
  }
}

TEST_F(GGUFReaderTest, SurvivesCorruption) {
  std::string good = ggufModel(tinyMoE()).build();
  auto parsed = GGUFFile::open(write("m.gguf", good));
  ASSERT_TRUE(static_cast<bool>(parsed));
  size_t header = (*parsed)->dataOffset();
  std::mt19937 rng(11);
  for (int i = 0; i < 2000; ++i) {
    std::string bad = good;
    for (int k = 0; k < 3; ++k)
      bad[rng() % header] = static_cast<char>(rng());
    auto file = GGUFFile::parse(
        llvm::MemoryBuffer::getMemBufferCopy(bad, "fuzz"), "fuzz");
    if (!file) {
      llvm::consumeError(file.takeError());
      continue;
    }
    auto config = configFromGGUF(**file);
    if (!config)
      llvm::consumeError(config.takeError());
  }
}

} // namespace
