//===- Tokenizer.cpp - A synthetic byte-level BPE tokenizer ---------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// Builds the vocabulary and merges of liquid-synth's tokenizer and writes
// them as HF JSON. The pre-tokenizer is the one LFM2's tokenizer.json names
// (a Llama-3 style split regex, then ByteLevel without its own regex), which
// llama.cpp selects with tokenizer.ggml.pre = "lfm2".
//
//===----------------------------------------------------------------------===//

#include "liquid/Synth/Tokenizer.h"

#include "liquid/Import/GGUFFormat.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/ErrorHandling.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/raw_ostream.h"

using namespace liquid;
using namespace liquid::synth;

const char *const liquid::synth::kChatTemplate =
    "{{- bos_token -}}\n"
    "{%- set system = namespace(text='') -%}\n"
    "{%- if messages and messages[0]['role'] == 'system' -%}\n"
    "  {%- set system.text = messages[0]['content'] -%}\n"
    "{%- endif -%}\n"
    "{%- if tools -%}\n"
    "  {%- set system.text = system.text + ('\\n' if system.text else '') + "
    "'List of tools: <|tool_list_start|>' + (tools | tojson) + "
    "'<|tool_list_end|>' -%}\n"
    "{%- endif -%}\n"
    "{%- if system.text -%}\n"
    "  {{- '<|im_start|>system\\n' + system.text + '<|im_end|>\\n' -}}\n"
    "{%- endif -%}\n"
    "{%- for message in messages -%}\n"
    "  {%- if not (loop.first and message['role'] == 'system') -%}\n"
    "    {{- '<|im_start|>' + message['role'] + '\\n' -}}\n"
    "    {%- if message['role'] == 'tool' -%}\n"
    "      {{- '<|tool_response_start|>' + message['content'] + "
    "'<|tool_response_end|>' -}}\n"
    "    {%- else -%}\n"
    "      {{- message['content'] -}}\n"
    "    {%- endif -%}\n"
    "    {{- '<|im_end|>\\n' -}}\n"
    "  {%- endif -%}\n"
    "{%- endfor -%}\n"
    "{%- if add_generation_prompt -%}\n"
    "  {{- '<|im_start|>assistant\\n' -}}\n"
    "{%- endif -%}\n";

static const char *const kSpecialTokens[] = {
    "<|pad|>",           "<|startoftext|>",      "<|endoftext|>",
    "<|fim_pre|>",       "<|fim_mid|>",          "<|fim_suf|>",
    "<|im_start|>",      "<|im_end|>",           "<|tool_list_start|>",
    "<|tool_list_end|>", "<|tool_call_start|>",  "<|tool_call_end|>",
    "<|tool_response_start|>", "<|tool_response_end|>",
};

/// Common words merged first, so that ordinary text tokenizes into words.
static const char *const kWords[] = {
    "the", "of", "and", "to", "in", "is", "that", "for", "it", "as", "was",
    "with", "be", "by", "on", "not", "he", "this", "are", "or", "his",
    "from", "at", "which", "but", "have", "an", "had", "they", "you", "were",
    "their", "one", "all", "we", "can", "her", "has", "there", "been", "if",
    "more", "when", "will", "would", "who", "so", "no", "she", "other",
    "its", "may", "these", "what", "them", "than", "some", "him", "time",
    "into", "only", "do", "could", "new", "about", "two", "first", "after",
    "also", "made", "like", "our", "over", "any", "me", "very", "your",
    "how", "my", "world", "hello", "model", "language", "liquid", "token",
    "system", "user", "assistant", "function", "return", "value", "data",
    "number", "name", "list", "tool", "call", "response", "Hello", "The",
    "In", "It", "This", "What", "How", "Roman", "Empire", "century",
};

/// Letters in English frequency order, for the breadth-first extensions.
static const char kLetters[] = "etaoinshrdlcumwfgypbvkjxqz";

static void appendUTF8(std::string &s, uint32_t cp) {
  if (cp < 0x80) {
    s += static_cast<char>(cp);
  } else {
    // Byte-level code points stay below 0x800: two bytes.
    s += static_cast<char>(0xc0 | (cp >> 6));
    s += static_cast<char>(0x80 | (cp & 0x3f));
  }
}

/// GPT-2's bytes_to_unicode: printable Latin-1 bytes map to themselves, the
/// other 68 bytes to U+0100 onwards in byte order (space -> "Ġ").
static std::string byteToken(unsigned b) {
  auto printable = [](unsigned c) {
    return (c >= '!' && c <= '~') || (c >= 0xa1 && c <= 0xac) ||
           (c >= 0xae && c <= 0xff);
  };
  uint32_t cp = b;
  if (!printable(b)) {
    uint32_t n = 0;
    for (unsigned c = 0; c < b; ++c)
      if (!printable(c))
        ++n;
    cp = 256 + n;
  }
  std::string s;
  appendUTF8(s, cp);
  return s;
}

namespace {
class Builder {
public:
  explicit Builder(int64_t vocabSize) : size(vocabSize) {}

  bool full() const { return static_cast<int64_t>(tok.tokens.size()) >= size; }

  void addToken(const std::string &s, gguf::TokenType type) {
    tok.tokens.push_back(s);
    tok.tokenTypes.push_back(static_cast<int32_t>(type));
    known.insert(s);
  }

  /// Adds the merge "a b" if "ab" is new; returns whether it was added.
  bool merge(const std::string &a, const std::string &b) {
    if (full() || known.contains(a + b))
      return false;
    tok.merges.push_back(a + " " + b);
    addToken(a + b, gguf::TokenType::Normal);
    return true;
  }

  /// Merges a word left to right from its first symbol.
  void word(const std::vector<std::string> &symbols) {
    std::string cur = symbols[0];
    for (size_t i = 1; i < symbols.size(); ++i) {
      merge(cur, symbols[i]);
      cur += symbols[i];
    }
  }

  SynthTokenizer tok;
  llvm::StringSet<> known;
  int64_t size;
};
} // namespace

SynthTokenizer liquid::synth::buildTokenizer(int64_t vocabSize) {
  Builder b(vocabSize);
  for (const char *s : kSpecialTokens)
    b.addToken(s, gguf::TokenType::Control);
  b.tok.numSpecial = static_cast<int64_t>(b.tok.tokens.size());
  for (unsigned c = 0; c < 256; ++c)
    b.addToken(byteToken(c), gguf::TokenType::Normal);
  if (b.tok.tokens.size() > static_cast<size_t>(vocabSize))
    llvm::report_fatal_error("vocabulary too small for the byte tokens");

  const std::string space = byteToken(' '), newline = byteToken('\n');
  b.merge(space, space);
  b.merge(newline, newline);
  auto letters = [](llvm::StringRef w) {
    std::vector<std::string> v;
    for (char c : w)
      v.push_back(std::string(1, c));
    return v;
  };
  for (const char *w : kWords) {
    std::vector<std::string> symbols = letters(w);
    b.word(symbols);
    symbols.insert(symbols.begin(), space);
    b.word(symbols);
  }
  // Breadth first: extend every alphabetic token, oldest first, by a letter.
  std::vector<std::string> queue = {space};
  for (const char *c = kLetters; *c; ++c)
    queue.push_back(std::string(1, *c));
  for (size_t i = b.tok.numSpecial + 256; i < b.tok.tokens.size(); ++i)
    queue.push_back(b.tok.tokens[i]);
  for (size_t q = 0; !b.full() && q < queue.size(); ++q) {
    for (const char *c = kLetters; *c && !b.full(); ++c)
      if (b.merge(queue[q], std::string(1, *c)))
        queue.push_back(b.tok.tokens.back());
  }
  return std::move(b.tok);
}

/// LFM2's split regex as its tokenizer.json spells it.
static const char *const kSplitRegex =
    "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|"
    "\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|"
    "\\s+";

static void byteLevel(llvm::json::OStream &j, bool useRegex) {
  j.attribute("type", "ByteLevel");
  j.attribute("add_prefix_space", false);
  j.attribute("trim_offsets", true);
  j.attribute("use_regex", useRegex);
}

static void addedTokenFields(llvm::json::OStream &j, llvm::StringRef content) {
  j.attribute("content", content);
  j.attribute("single_word", false);
  j.attribute("lstrip", false);
  j.attribute("rstrip", false);
  j.attribute("normalized", false);
  j.attribute("special", true);
}

std::string liquid::synth::tokenizerJSON(const SynthTokenizer &tok) {
  std::string text;
  llvm::raw_string_ostream os(text);
  llvm::json::OStream j(os, 2);
  const std::string bos = tok.tokens[1];
  j.object([&] {
    j.attribute("version", "1.0");
    j.attribute("truncation", nullptr);
    j.attribute("padding", nullptr);
    j.attributeArray("added_tokens", [&] {
      for (int64_t i = 0; i < tok.numSpecial; ++i)
        j.object([&] {
          j.attribute("id", i);
          addedTokenFields(j, tok.tokens[i]);
        });
    });
    j.attribute("normalizer", nullptr);
    j.attributeObject("pre_tokenizer", [&] {
      j.attribute("type", "Sequence");
      j.attributeArray("pretokenizers", [&] {
        j.object([&] {
          j.attribute("type", "Split");
          j.attributeObject("pattern",
                            [&] { j.attribute("Regex", kSplitRegex); });
          j.attribute("behavior", "Isolated");
          j.attribute("invert", false);
        });
        j.object([&] { byteLevel(j, false); });
      });
    });
    j.attributeObject("post_processor", [&] {
      j.attribute("type", "TemplateProcessing");
      auto piece = [&](const char *kind, llvm::StringRef id) {
        j.object([&] {
          j.attributeObject(kind, [&] {
            j.attribute("id", id);
            j.attribute("type_id", 0);
          });
        });
      };
      j.attributeArray("single", [&] {
        piece("SpecialToken", bos);
        piece("Sequence", "A");
      });
      j.attributeArray("pair", [&] {
        piece("SpecialToken", bos);
        piece("Sequence", "A");
        piece("SpecialToken", bos);
        piece("Sequence", "B");
      });
      j.attributeObject("special_tokens", [&] {
        j.attributeObject(bos, [&] {
          j.attribute("id", bos);
          j.attributeArray("ids", [&] { j.value(1); });
          j.attributeArray("tokens", [&] { j.value(bos); });
        });
      });
    });
    j.attributeObject("decoder", [&] { byteLevel(j, true); });
    j.attributeObject("model", [&] {
      j.attribute("type", "BPE");
      j.attribute("dropout", nullptr);
      j.attribute("unk_token", nullptr);
      j.attribute("continuing_subword_prefix", nullptr);
      j.attribute("end_of_word_suffix", nullptr);
      j.attribute("fuse_unk", false);
      j.attribute("byte_fallback", false);
      j.attribute("ignore_merges", true);
      j.attributeObject("vocab", [&] {
        for (size_t i = 0; i < tok.tokens.size(); ++i)
          j.attribute(tok.tokens[i], static_cast<int64_t>(i));
      });
      j.attributeArray("merges", [&] {
        for (const std::string &m : tok.merges)
          j.value(m);
      });
    });
  });
  os << "\n";
  return text;
}

std::string liquid::synth::tokenizerConfigJSON(const SynthTokenizer &tok,
                                               const ModelConfig &config) {
  std::string text;
  llvm::raw_string_ostream os(text);
  llvm::json::OStream j(os, 2);
  j.object([&] {
    j.attribute("add_bos_token", true);
    j.attribute("add_eos_token", false);
    j.attributeObject("added_tokens_decoder", [&] {
      for (int64_t i = 0; i < tok.numSpecial; ++i)
        j.attributeObject(std::to_string(i),
                          [&] { addedTokenFields(j, tok.tokens[i]); });
    });
    j.attribute("bos_token", tok.tokens[config.bosTokenId]);
    j.attribute("chat_template", kChatTemplate);
    j.attribute("clean_up_tokenization_spaces", false);
    j.attribute("eos_token", tok.tokens[config.eosTokenId]);
    j.attribute("legacy", false);
    j.attribute("pad_token", tok.tokens[config.padTokenId]);
    j.attribute("spaces_between_special_tokens", false);
    j.attribute("tokenizer_class", "PreTrainedTokenizerFast");
    j.attribute("use_default_system_prompt", false);
  });
  os << "\n";
  return text;
}
