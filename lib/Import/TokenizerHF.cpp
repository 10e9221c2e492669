//===- TokenizerHF.cpp - Read an HF checkpoint's tokenizer ----------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// This file implements readHFTokenizer: the BPE model, added tokens and
// pre-tokenizer of tokenizer.json; add_bos_token, the special tokens and the
// chat template of tokenizer_config.json (special_tokens_map.json fills in
// what it lacks); the end-of-turn ids and sampler settings of
// generation_config.json. Token types follow llama.cpp's converter: added
// tokens marked special are Control, other added tokens UserDefined, the
// rest Normal.
//
//===----------------------------------------------------------------------===//

#include "liquid/Import/Tokenizer.h"

#include "ReaderSupport.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/Path.h"

using namespace liquid;
using detail::readerError;
using llvm::Error;
using llvm::Expected;
using llvm::StringRef;
using llvm::Twine;

namespace json = llvm::json;

/// LFM2's split regex as tokenizer.json spells it (Llama-3's), and the
/// spelling of LFM2.5-8B-A1B's extended tokenizer. They split alike: the
/// contractions are the same set, "\s*[\r\n]" ends where "\s*[\r\n]+" does
/// (after the last line break of a whitespace run), and the final "\s" is
/// only reached by a single whitespace character, where "\s+" matches one.
static const char *const kLlama3Regexes[] = {
    "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}|"
    " ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+",
    "'(?i:[sdmt]|ll|ve|re)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}|"
    " ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]|\\s+(?!\\S)|\\s",
};

namespace {
/// One JSON file of the directory, with "<file>: key 'k': ..." errors.
struct JSONFile {
  std::string path;
  json::Value root = nullptr;

  const json::Object *object() const { return root.getAsObject(); }
  Error error(StringRef key, const Twine &why) const {
    return readerError(path, "key '" + key + "': " + why);
  }
};
} // namespace

/// Reads DIR/NAME; nothing when it does not exist.
static Expected<std::optional<JSONFile>> readJSON(StringRef dir,
                                                  StringRef name) {
  llvm::SmallString<256> path(dir);
  llvm::sys::path::append(path, name);
  if (!llvm::sys::fs::exists(path))
    return std::nullopt;
  Expected<json::Value> root = detail::readJSONFile(path);
  if (!root)
    return root.takeError();
  if (!root->getAsObject())
    return readerError(path, "not a JSON object");
  return JSONFile{std::string(path), std::move(*root)};
}

/// A special token named as "text" or {"content": "text", ...}.
static std::optional<StringRef> tokenText(const json::Value *v) {
  if (!v)
    return std::nullopt;
  if (const json::Object *o = v->getAsObject())
    return o->getString("content");
  return v->getAsString();
}

static Error checkPreTokenizer(const JSONFile &f) {
  const json::Object *pre = f.object()->getObject("pre_tokenizer");
  const json::Array *steps = pre ? pre->getArray("pretokenizers") : nullptr;
  auto unsupported = [&](const Twine &why) {
    return f.error("pre_tokenizer",
                   "not supported: " + why +
                       " (expected a Sequence of a Split with LFM2's "
                       "regex and a ByteLevel without its own)");
  };
  if (!pre || pre->getString("type") != "Sequence" || !steps ||
      steps->size() != 2)
    return unsupported("not a Sequence of two steps");
  const json::Object *split = (*steps)[0].getAsObject();
  const json::Object *bytes = (*steps)[1].getAsObject();
  const json::Object *pattern = split ? split->getObject("pattern") : nullptr;
  std::optional<StringRef> regex =
      pattern ? pattern->getString("Regex") : std::nullopt;
  if (!split || split->getString("type") != "Split" || !regex ||
      split->getString("behavior") != "Isolated" ||
      split->getBoolean("invert").value_or(false))
    return unsupported("the first step is not an isolating regex Split");
  if (!llvm::is_contained(kLlama3Regexes, *regex))
    return unsupported("split regex '" + *regex + "'");
  if (!bytes || bytes->getString("type") != "ByteLevel" ||
      bytes->getBoolean("use_regex").value_or(true))
    return unsupported("the second step is not a ByteLevel without regex");
  return Error::success();
}

/// Vocabulary, merges and added tokens of tokenizer.json.
static Error readModel(const JSONFile &f, Tokenizer &tok) {
  const json::Object *root = f.object();
  const json::Object *model = root->getObject("model");
  if (!model || model->getString("type") != "BPE")
    return f.error("model", "not a BPE model");
  if (root->get("normalizer") && *root->get("normalizer") != nullptr)
    return f.error("normalizer", "not supported (LFM2 has none)");
  if (Error err = checkPreTokenizer(f))
    return err;
  const json::Object *vocab = model->getObject("vocab");
  if (!vocab)
    return f.error("model.vocab", "missing or not an object");
  // Ids index the token list; an id given twice or left out is an error,
  // so every id is below the number of entries.
  const json::Array *added = root->getArray("added_tokens");
  int64_t entries = vocab->size() + (added ? added->size() : 0);
  auto place = [&](StringRef text, std::optional<int64_t> id,
                   gguf::TokenType kind) -> Error {
    if (!id || *id < 0 || *id >= entries)
      return f.error("model.vocab", "token '" + text + "' has no valid id");
    if (static_cast<size_t>(*id) >= tok.tokens.size()) {
      tok.tokens.resize(*id + 1);
      tok.kinds.resize(*id + 1, gguf::TokenType::Undefined);
    }
    if (!tok.tokens[*id].empty() && tok.tokens[*id] != text)
      return f.error("model.vocab", "id " + Twine(*id) + " names both '" +
                                        tok.tokens[*id] + "' and '" + text +
                                        "'");
    tok.tokens[*id] = text.str();
    tok.kinds[*id] = kind;
    return Error::success();
  };
  for (const auto &entry : *vocab)
    if (Error err = place(entry.first, entry.second.getAsInteger(),
                          gguf::TokenType::Normal))
      return err;
  if (added) {
    for (const json::Value &v : *added) {
      const json::Object *o = v.getAsObject();
      std::optional<StringRef> text =
          o ? o->getString("content") : std::nullopt;
      if (!text)
        return f.error("added_tokens", "an entry has no 'content'");
      bool special = o->getBoolean("special").value_or(false);
      if (Error err = place(*text, o->getInteger("id"),
                            special ? gguf::TokenType::Control
                                    : gguf::TokenType::UserDefined))
        return err;
    }
  }
  for (size_t i = 0; i < tok.tokens.size(); ++i)
    if (tok.kinds[i] == gguf::TokenType::Undefined)
      return f.error("model.vocab", "no token has id " + Twine(i));

  const json::Array *merges = model->getArray("merges");
  if (!merges)
    return f.error("model.merges", "missing or not a list");
  for (size_t i = 0; i < merges->size(); ++i) {
    const json::Value &m = (*merges)[i];
    auto bad = [&] {
      return f.error("model.merges",
                     "merge " + Twine(i) + " is not 'left right' or a pair");
    };
    if (std::optional<StringRef> s = m.getAsString()) {
      size_t space = s->find(' ', 1);
      if (space == StringRef::npos)
        return bad();
      tok.merges.emplace_back(s->take_front(space).str(),
                              s->drop_front(space + 1).str());
    } else if (const json::Array *pair = m.getAsArray();
               pair && pair->size() == 2 && (*pair)[0].getAsString() &&
               (*pair)[1].getAsString()) {
      tok.merges.emplace_back((*pair)[0].getAsString()->str(),
                              (*pair)[1].getAsString()->str());
    } else {
      return bad();
    }
  }
  return Error::success();
}

/// A special token's id from its text in tokenizer_config.json or
/// special_tokens_map.json.
static Error readSpecial(const Tokenizer &tok, const JSONFile &f, StringRef key,
                         int64_t &id) {
  std::optional<StringRef> text = tokenText(f.object()->get(key));
  if (!text)
    return Error::success();
  auto it = llvm::find(tok.tokens, *text);
  if (it == tok.tokens.end())
    return f.error(key, "'" + *text + "' is not a token");
  id = it - tok.tokens.begin();
  return Error::success();
}

static Error readConfig(const JSONFile &f, Tokenizer &tok) {
  const json::Object *o = f.object();
  tok.addBos = o->getBoolean("add_bos_token").value_or(true);
  tok.addEos = o->getBoolean("add_eos_token").value_or(false);
  if (const json::Value *t = o->get("chat_template")) {
    if (std::optional<StringRef> s = t->getAsString()) {
      tok.chatTemplate = s->str();
    } else if (const json::Array *list = t->getAsArray()) {
      // Named templates: the one named "default".
      for (const json::Value &v : *list)
        if (const json::Object *named = v.getAsObject();
            named && named->getString("name") == "default")
          tok.chatTemplate = named->getString("template").value_or("").str();
    } else if (*t != nullptr) {
      return f.error("chat_template", "not a string or a list of templates");
    }
    if (!tok.chatTemplate.empty())
      return checkChatTemplate(tok.chatTemplate, f.path, "chat_template");
  }
  return Error::success();
}

static Error readGenerationConfig(const JSONFile &f, Tokenizer &tok) {
  const json::Object *o = f.object();
  if (const json::Value *eos = o->get("eos_token_id")) {
    std::vector<int64_t> list;
    if (const json::Array *a = eos->getAsArray()) {
      for (const json::Value &v : *a)
        if (std::optional<int64_t> id = v.getAsInteger())
          list.push_back(*id);
        else
          return f.error("eos_token_id", "not a token id");
    } else if (std::optional<int64_t> id = eos->getAsInteger()) {
      list.push_back(*id);
    } else {
      return f.error("eos_token_id", "not a token id or a list of them");
    }
    if (!list.empty() && tok.eosId < 0)
      tok.eosId = list.front();
    tok.endIds.insert(tok.endIds.end(), list.begin(), list.end());
  }
  auto number = [&](StringRef key, std::optional<double> &out) -> Error {
    if (const json::Value *v = o->get(key)) {
      out = v->getAsNumber();
      if (!out)
        return f.error(key, "not a number");
    }
    return Error::success();
  };
  SamplerSettings &s = tok.sampler;
  if (Error err = number("temperature", s.temperature))
    return err;
  if (Error err = number("top_p", s.topP))
    return err;
  if (Error err = number("min_p", s.minP))
    return err;
  if (Error err = number("repetition_penalty", s.repetitionPenalty))
    return err;
  if (const json::Value *v = o->get("top_k")) {
    s.topK = v->getAsInteger();
    if (!s.topK || *s.topK < 0)
      return f.error("top_k", "not a count");
  }
  // Greedy decoding: the temperature given is not used.
  if (o->getBoolean("do_sample") == false)
    s.temperature = 0.0;
  return Error::success();
}

Expected<std::optional<Tokenizer>> liquid::readHFTokenizer(StringRef dir,
                                                           int64_t vocabSize) {
  Expected<std::optional<JSONFile>> main = readJSON(dir, "tokenizer.json");
  if (!main)
    return main.takeError();
  if (!*main)
    return std::nullopt;
  Tokenizer tok;
  if (Error err = readModel(**main, tok))
    return std::move(err);

  tok.addBos = true;
  for (StringRef name : {"special_tokens_map.json", "tokenizer_config.json"}) {
    Expected<std::optional<JSONFile>> f = readJSON(dir, name);
    if (!f)
      return f.takeError();
    if (!*f)
      continue;
    // tokenizer_config.json, read second, wins where both name a token.
    for (auto [key, id] : {std::pair{"bos_token", &tok.bosId},
                           std::pair{"eos_token", &tok.eosId},
                           std::pair{"pad_token", &tok.padId}})
      if (Error err = readSpecial(tok, **f, key, *id))
        return std::move(err);
    if (name == "tokenizer_config.json")
      if (Error err = readConfig(**f, tok))
        return std::move(err);
  }
  Expected<std::optional<JSONFile>> gen =
      readJSON(dir, "generation_config.json");
  if (!gen)
    return gen.takeError();
  if (*gen)
    if (Error err = readGenerationConfig(**gen, tok))
      return std::move(err);
  if (Error err = validateTokenizer(tok, (*main)->path, vocabSize))
    return std::move(err);
  return tok;
}
