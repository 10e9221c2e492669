//===- TokenizerTest.cpp - Reading tokenizers from GGUF and HF ------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// The tokenizer each reader hands to the artifact writer (tokens, types,
// merges, special ids, end-of-turn ids, chat template, sampler settings)
// and the errors for tokenizers Liquid cannot run.
//
//===----------------------------------------------------------------------===//

#include "Builders.h"

#include "liquid/Import/GGUFReader.h"
#include "liquid/Import/Tokenizer.h"

using namespace liquid;
using namespace liquid::test;

namespace {

/// A 32-token vocabulary: <|startoftext|>, <|im_end|>, then bytes and
/// merges spelled in GPT-2's byte-level alphabet.
std::vector<std::string> vocabulary() {
  std::vector<std::string> t = {
      "<|startoftext|>", "<|im_end|>", "Ġ", "h", "e", "l", "o", "he"};
  while (t.size() < 32)
    t.push_back("t" + std::to_string(t.size()));
  return t;
}

GGUFBuilder withTokenizer() {
  GGUFBuilder b = ggufModel(tinyDense());
  b.str("tokenizer.ggml.model", "gpt2");
  b.str("tokenizer.ggml.pre", "lfm2");
  b.arrStr("tokenizer.ggml.tokens", vocabulary());
  std::vector<int32_t> types(32, 1);
  types[0] = types[1] = 3;
  b.arrI32("tokenizer.ggml.token_type", types);
  b.arrStr("tokenizer.ggml.merges", {"h e"});
  b.u32("tokenizer.ggml.bos_token_id", 0);
  b.u32("tokenizer.ggml.eos_token_id", 1);
  b.boolean("tokenizer.ggml.add_bos_token", true);
  b.str("tokenizer.chat_template", "{{ messages }}");
  return b;
}

TEST_F(GGUFReaderTest, Tokenizer) {
  auto ckpt = load(withTokenizer());
  ASSERT_TRUE(static_cast<bool>(ckpt)) << llvm::toString(ckpt.takeError());
  ASSERT_TRUE((*ckpt)->tokenizer.has_value());
  const Tokenizer &t = *(*ckpt)->tokenizer;
  EXPECT_EQ(t.tokens, vocabulary());
  EXPECT_EQ(t.kinds[0], gguf::TokenType::Control);
  EXPECT_EQ(t.kinds[2], gguf::TokenType::Normal);
  ASSERT_EQ(t.merges.size(), 1u);
  EXPECT_EQ(t.merges[0], std::make_pair(std::string("h"), std::string("e")));
  EXPECT_EQ(t.bosId, 0);
  EXPECT_EQ(t.eosId, 1);
  EXPECT_EQ(t.endIds, std::vector<int64_t>{1});
  EXPECT_TRUE(t.addBos);
  EXPECT_FALSE(t.addEos);
  EXPECT_EQ(t.chatTemplate, "{{ messages }}");
}

TEST_F(GGUFReaderTest, NoTokenizer) {
  GGUFBuilder b = ggufModel(tinyDense());
  auto ckpt = load(b);
  ASSERT_TRUE(static_cast<bool>(ckpt)) << llvm::toString(ckpt.takeError());
  EXPECT_FALSE((*ckpt)->tokenizer.has_value());
}

TEST_F(GGUFReaderTest, TokenizerErrors) {
  GGUFBuilder b = withTokenizer();
  b.str("tokenizer.ggml.model", "llama");
  expectError(load(b),
              {file(), "tokenizer.ggml.model", "'llama'", "not supported"});
  b = withTokenizer();
  b.str("tokenizer.ggml.pre", "qwen2");
  expectError(load(b), {"tokenizer.ggml.pre", "'qwen2'", "not supported"});
  b = withTokenizer();
  std::vector<std::string> many = vocabulary();
  many.push_back("extra");
  b.arrStr("tokenizer.ggml.tokens", many);
  expectError(load(b), {"33 tokens, more than the model's vocabulary of 32"});
  b = withTokenizer();
  b.arrI32("tokenizer.ggml.token_type", std::vector<int32_t>(32, 9));
  expectError(load(b), {"token 0 has unknown type 0"});
  b = withTokenizer();
  b.u32("tokenizer.ggml.eos_token_id", 40);
  expectError(load(b), {"EOS token id 40 is out of range [0, 32)"});
  b = withTokenizer();
  b.arrStr("tokenizer.ggml.merges", {"he"});
  expectError(load(b), {"merge 0 ('he') is not two texts"});
}

TEST(Tokenizer, DecodeByteLevel) {
  EXPECT_EQ(decodeByteLevel("Ġhello"), std::string(" hello"));
  EXPECT_EQ(decodeByteLevel("Ċ"), std::string("\n"));
  EXPECT_EQ(decodeByteLevel("Ã©"), std::string("\xC3\xA9")); // "é"
  EXPECT_EQ(decodeByteLevel(""), std::string());
  EXPECT_FALSE(decodeByteLevel("日").has_value());
  EXPECT_FALSE(decodeByteLevel(" ").has_value()); // a space is moved
  EXPECT_FALSE(decodeByteLevel("\xFF").has_value());
}

/// tokenizer.json with `extra` members merged in.
std::string tokenizerJSON(llvm::json::Object extra = {}) {
  llvm::json::Object vocab;
  std::vector<std::string> v = vocabulary();
  for (size_t i = 2; i < v.size(); ++i)
    vocab[v[i]] = int64_t(i);
  llvm::json::Object root{
      {"added_tokens",
       llvm::json::Array{
           llvm::json::Object{
               {"id", 0}, {"content", "<|startoftext|>"}, {"special", true}},
           llvm::json::Object{
               {"id", 1}, {"content", "<|im_end|>"}, {"special", true}}}},
      {"normalizer", nullptr},
      {"pre_tokenizer",
       llvm::json::Object{
           {"type", "Sequence"},
           {"pretokenizers",
            llvm::json::Array{
                llvm::json::Object{
                    {"type", "Split"},
                    {"pattern",
                     llvm::json::Object{
                         {"Regex",
                          "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?"
                          "\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|"
                          "\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+"}}},
                    {"behavior", "Isolated"},
                    {"invert", false}},
                llvm::json::Object{{"type", "ByteLevel"},
                                   {"use_regex", false}}}}}},
      {"model", llvm::json::Object{{"type", "BPE"},
                                   {"vocab", std::move(vocab)},
                                   {"merges", llvm::json::Array{"h e"}}}}};
  for (auto &kv : extra)
    root[kv.first] = std::move(kv.second);
  return toText(root);
}

TEST_F(ImportTest, HFTokenizer) {
  write("tokenizer.json", tokenizerJSON());
  write(
      "tokenizer_config.json",
      toText(llvm::json::Object{
          {"add_bos_token", true},
          {"bos_token", "<|startoftext|>"},
          {"eos_token", llvm::json::Object{{"content", "<|im_end|>"}}},
          {"chat_template",
           llvm::json::Array{
               llvm::json::Object{{"name", "tool_use"}, {"template", "T"}},
               llvm::json::Object{{"name", "default"}, {"template", "D"}}}}}));
  write("generation_config.json",
        toText(llvm::json::Object{{"eos_token_id", llvm::json::Array{1, 5}},
                                  {"temperature", 0.3},
                                  {"min_p", 0.15},
                                  {"repetition_penalty", 1.05}}));
  auto tok = readHFTokenizer(root, 32);
  ASSERT_TRUE(static_cast<bool>(tok)) << llvm::toString(tok.takeError());
  ASSERT_TRUE(tok->has_value());
  const Tokenizer &t = **tok;
  EXPECT_EQ(t.tokens, vocabulary());
  EXPECT_EQ(t.kinds[1], gguf::TokenType::Control);
  EXPECT_EQ(t.kinds[7], gguf::TokenType::Normal);
  EXPECT_EQ(t.bosId, 0);
  EXPECT_EQ(t.eosId, 1);
  EXPECT_EQ(t.endIds, (std::vector<int64_t>{1, 5}));
  EXPECT_EQ(t.chatTemplate, "D");
  EXPECT_EQ(t.sampler.temperature, 0.3);
  EXPECT_EQ(t.sampler.minP, 0.15);
  EXPECT_EQ(t.sampler.repetitionPenalty, 1.05);
  EXPECT_FALSE(t.sampler.topK.has_value());
}

TEST_F(ImportTest, HFTokenizerErrors) {
  auto tok = readHFTokenizer(root, 32);
  ASSERT_TRUE(static_cast<bool>(tok));
  EXPECT_FALSE(tok->has_value()); // no tokenizer.json: none

  write("tokenizer.json",
        tokenizerJSON(llvm::json::Object{
            {"normalizer", llvm::json::Object{{"type", "NFC"}}}}));
  expectError(readHFTokenizer(root, 32),
              {"tokenizer.json", "key 'normalizer'", "not supported"});
  write("tokenizer.json",
        tokenizerJSON(llvm::json::Object{
            {"model", llvm::json::Object{{"type", "Unigram"}}}}));
  expectError(readHFTokenizer(root, 32), {"key 'model'", "not a BPE model"});
  write("tokenizer.json", tokenizerJSON(llvm::json::Object{
                              {"added_tokens", llvm::json::Array{}}}));
  expectError(readHFTokenizer(root, 32), {"token 't30' has no valid id"});
  write("tokenizer.json", tokenizerJSON());
  expectError(readHFTokenizer(root, 16), {"32 tokens, more than the model's"});
  write("tokenizer_config.json",
        toText(llvm::json::Object{{"bos_token", "<s>"}}));
  expectError(
      readHFTokenizer(root, 32),
      {"tokenizer_config.json", "key 'bos_token'", "'<s>' is not a token"});
  write("tokenizer_config.json", "{");
  expectError(readHFTokenizer(root, 32),
              {"tokenizer_config.json", "invalid JSON"});
}

} // namespace
