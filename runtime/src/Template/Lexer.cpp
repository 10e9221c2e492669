//===- Lexer.cpp - Template source to tokens ------------------------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// This file implements tokenize. The preprocessing steps rewrite the text
// and keep, for each byte they keep, its offset in the source, so tokens
// (and so every parse and render error) point at the source the user wrote.
//
//===----------------------------------------------------------------------===//

#include "Template/Lexer.h"

#include "Template/Text.h"

#include <cstdio>

namespace liquid::runtime::tmpl {

namespace {

/// Text plus the source offset of each byte (and one past the end).
struct Mapped {
  std::string text;
  std::vector<uint32_t> origin;

  void copy(const Mapped &from, size_t i, size_t n = 1) {
    text.append(from.text, i, n);
    origin.insert(origin.end(), from.origin.begin() + long(i),
                  from.origin.begin() + long(i + n));
  }
  void finish(const Mapped &from) { origin.push_back(from.origin.back()); }
};

bool isLineBreak(const std::string &s, size_t i, size_t &length) {
  if (s[i] == '\n' || s[i] == '\r') {
    length = 1;
    return true;
  }
  // U+2028 and U+2029 end a line for JavaScript's multiline `^` too.
  if (s.compare(i, 3, "\xE2\x80\xA8") == 0 ||
      s.compare(i, 3, "\xE2\x80\xA9") == 0) {
    length = 3;
    return true;
  }
  return false;
}

/// lstrip_blocks: /^[ \t]*({[#%-])/gm -> "$1".
Mapped stripBlockIndent(const Mapped &in) {
  Mapped out;
  const std::string &s = in.text;
  bool lineStart = true;
  for (size_t i = 0; i < s.size();) {
    if (lineStart) {
      lineStart = false;
      size_t j = i;
      while (j < s.size() && (s[j] == ' ' || s[j] == '\t'))
        ++j;
      if (j + 1 < s.size() && s[j] == '{' &&
          (s[j + 1] == '#' || s[j + 1] == '%' || s[j + 1] == '-'))
        i = j;
      continue;
    }
    size_t n = 1;
    lineStart = isLineBreak(s, i, n);
    out.copy(in, i, n);
    i += n;
  }
  out.finish(in);
  return out;
}

/// trim_blocks: /([#%-]})\n/g -> "$1".
Mapped trimBlockNewline(const Mapped &in) {
  Mapped out;
  const std::string &s = in.text;
  for (size_t i = 0; i < s.size();) {
    if ((s[i] == '#' || s[i] == '%' || s[i] == '-') && i + 2 < s.size() &&
        s[i + 1] == '}' && s[i + 2] == '\n') {
      out.copy(in, i, 2);
      i += 3;
      continue;
    }
    out.copy(in, i++);
  }
  out.finish(in);
  return out;
}

/// Matches /{%(-?)\s*(?:end)?generation\s*(-?)%}(\s*)/ at `p`.
bool matchGeneration(const std::string &s, size_t p, bool &lstrip, bool &rstrip,
                     size_t &spaceStart, size_t &end) {
  if (s.compare(p, 2, "{%") != 0)
    return false;
  size_t i = p + 2;
  lstrip = i < s.size() && s[i] == '-';
  if (lstrip)
    ++i;
  while (size_t n = text::spaceAt(s, i))
    i += n;
  if (s.compare(i, 3, "end") == 0 && s.compare(i + 3, 10, "generation") == 0)
    i += 3;
  if (s.compare(i, 10, "generation") != 0)
    return false;
  i += 10;
  while (size_t n = text::spaceAt(s, i))
    i += n;
  rstrip = i < s.size() && s[i] == '-';
  if (rstrip)
    ++i;
  if (s.compare(i, 2, "%}") != 0)
    return false;
  spaceStart = i + 2;
  end = spaceStart;
  while (size_t n = text::spaceAt(s, end))
    end += n;
  return true;
}

/// Drops the transformers-specific {% generation %} tags.
Mapped dropGenerationTags(const Mapped &in) {
  Mapped out;
  const std::string &s = in.text;
  size_t last = 0; // End of the previous match.
  for (size_t p = s.find("{%"); p != std::string::npos; p = s.find("{%", p)) {
    bool lstrip, rstrip;
    size_t spaceStart, end;
    if (!matchGeneration(s, p, lstrip, rstrip, spaceStart, end)) {
      ++p;
      continue;
    }
    size_t keep = p;
    while (lstrip && keep > last)
      if (size_t n = text::spaceBefore(s, keep); n != 0 && keep - n >= last)
        keep -= n;
      else
        break;
    out.copy(in, last, keep - last);
    if (!rstrip)
      out.copy(in, spaceStart, end - spaceStart);
    last = p = end;
  }
  out.copy(in, last, s.size() - last);
  out.finish(in);
  return out;
}

class Lexer {
public:
  Lexer(std::string_view source, const Mapped &src, std::vector<Token> &tokens,
        std::string &error)
      : source_(source), s_(src.text), origin_(src.origin), tokens_(tokens),
        error_(error) {}

  bool run();

private:
  char at(size_t i) const { return i < s_.size() ? s_[i] : '\0'; }

  bool fail(size_t pos, const std::string &what) {
    error_ = location(source_, origin_[pos]) + ": " + what;
    return false;
  }

  void push(Tok kind, std::string text, size_t pos) {
    tokens_.push_back({kind, std::move(text), origin_[pos]});
  }

  bool lastIs(Tok kind) const {
    return !tokens_.empty() && tokens_.back().kind == kind;
  }

  void stripTrailingText() {
    if (!lastIs(Tok::Text))
      return;
    std::string &text = tokens_.back().text;
    text.resize(text::trimRight(text).size());
    if (text.empty())
      tokens_.pop_back();
  }

  void skipSpace() {
    while (size_t n = text::spaceAt(s_, pos_))
      pos_ += n;
  }

  std::string digits() {
    size_t start = pos_;
    while (text::isDigit(at(pos_)))
      ++pos_;
    return s_.substr(start, pos_ - start);
  }

  bool text();
  bool comment();
  bool string(char quote);
  bool symbol();

  std::string_view source_;
  const std::string &s_;
  const std::vector<uint32_t> &origin_;
  std::vector<Token> &tokens_;
  std::string &error_;
  size_t pos_ = 0;
  int curlyDepth_ = 0;
};

bool Lexer::run() {
  while (pos_ < s_.size()) {
    bool outside = tokens_.empty() || lastIs(Tok::CloseStatement) ||
                   lastIs(Tok::CloseExpression) || lastIs(Tok::Comment);
    if (outside && text())
      continue;
    if (s_[pos_] == '{') {
      char next = at(pos_ + 1);
      if (next == '#') {
        if (!comment())
          return false;
        continue;
      }
      if (at(pos_ + 2) == '-' && (next == '%' || next == '{')) {
        stripTrailingText();
        push(next == '%' ? Tok::OpenStatement : Tok::OpenExpression,
             next == '%' ? "{%" : "{{", pos_);
        if (next == '{')
          curlyDepth_ = 0;
        pos_ += 3;
        continue;
      }
    }
    skipSpace();
    if (pos_ >= s_.size())
      return fail(s_.size(), "unexpected end of the template inside a tag");
    char c = s_[pos_];
    if (c == '-' && at(pos_ + 2) == '}' &&
        (at(pos_ + 1) == '%' || at(pos_ + 1) == '}')) {
      bool statement = at(pos_ + 1) == '%';
      push(statement ? Tok::CloseStatement : Tok::CloseExpression,
           statement ? "%}" : "}}", pos_);
      pos_ += 3;
      skipSpace();
      continue;
    }
    if (c == '-' || c == '+') {
      if (tokens_.empty() || lastIs(Tok::Text))
        return fail(pos_, std::string("unexpected '") + c + "'");
      Tok last = tokens_.back().kind;
      bool binary = last == Tok::Name || last == Tok::Number ||
                    last == Tok::String || last == Tok::RParen ||
                    last == Tok::RBracket;
      if (!binary) {
        size_t start = pos_++;
        std::string number = digits();
        if (!number.empty() && at(pos_) == '.' && text::isDigit(at(pos_ + 1))) {
          ++pos_;
          number += "." + digits();
        }
        push(number.empty() ? Tok::Unary : Tok::Number, c + number, start);
        continue;
      }
    }
    if (!symbol())
      return false;
  }
  return true;
}

/// Text up to the next `{%`, `{{` or `{#`; false when there is none here.
bool Lexer::text() {
  size_t end = pos_;
  for (;;) {
    end = s_.find('{', end);
    if (end == std::string::npos) {
      end = s_.size();
      break;
    }
    char next = at(end + 1);
    if (next == '%' || next == '{' || next == '#')
      break;
    ++end;
  }
  if (end == pos_)
    return false;
  push(Tok::Text, s_.substr(pos_, end - pos_), pos_);
  pos_ = end;
  return true;
}

bool Lexer::comment() {
  size_t start = pos_;
  pos_ += 2;
  bool stripBefore = at(pos_) == '-';
  if (stripBefore)
    ++pos_;
  size_t end = s_.find("#}", pos_);
  if (end == std::string::npos)
    return fail(start, "comment '{#' is never closed with '#}'");
  bool stripAfter = end > pos_ && s_[end - 1] == '-';
  if (stripBefore)
    stripTrailingText();
  push(Tok::Comment, "", start);
  pos_ = end + 2;
  if (stripAfter)
    skipSpace();
  return true;
}

bool Lexer::string(char quote) {
  size_t start = pos_++;
  std::string out;
  for (;;) {
    if (pos_ >= s_.size())
      return fail(start, "string literal is never closed");
    char c = s_[pos_];
    if (c == quote)
      break;
    ++pos_;
    if (c != '\\') {
      out += c;
      continue;
    }
    if (pos_ >= s_.size())
      return fail(start, "string literal is never closed");
    char e = s_[pos_++];
    if (e == 'x' || e == 'u') {
      size_t n = e == 'x' ? 2 : 4;
      uint32_t unit = 0;
      for (size_t k = 0; k < n; ++k) {
        char h = at(pos_ + k);
        int digit = h >= '0' && h <= '9'   ? h - '0'
                    : h >= 'a' && h <= 'f' ? h - 'a' + 10
                    : h >= 'A' && h <= 'F' ? h - 'A' + 10
                                           : -1;
        if (digit < 0)
          return fail(pos_ - 2, std::string("bad escape '\\") + e +
                                    "': expected " + (n == 2 ? "2" : "4") +
                                    " hex digits");
        unit = unit * 16 + uint32_t(digit);
      }
      pos_ += n;
      // A \u high surrogate followed by a \u low one is one character.
      if (unit >= 0xD800 && unit <= 0xDBFF && at(pos_) == '\\' &&
          at(pos_ + 1) == 'u') {
        uint32_t low = 0;
        bool ok = true;
        for (size_t k = 0; k < 4 && ok; ++k) {
          char h = at(pos_ + 2 + k);
          int digit = h >= '0' && h <= '9'   ? h - '0'
                      : h >= 'a' && h <= 'f' ? h - 'a' + 10
                      : h >= 'A' && h <= 'F' ? h - 'A' + 10
                                             : -1;
          ok = digit >= 0;
          low = low * 16 + uint32_t(digit < 0 ? 0 : digit);
        }
        if (ok && low >= 0xDC00 && low <= 0xDFFF) {
          unit = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00);
          pos_ += 6;
        }
      }
      text::append(out, unit);
      continue;
    }
    switch (e) {
    case 'n':
      out += '\n';
      break;
    case 't':
      out += '\t';
      break;
    case 'r':
      out += '\r';
      break;
    case 'b':
      out += '\b';
      break;
    case 'f':
      out += '\f';
      break;
    case 'v':
      out += '\v';
      break;
    case '\'':
    case '"':
    case '\\':
      out += e;
      break;
    default:
      return fail(pos_ - 2, std::string("unknown escape '\\") + e +
                                "' in a string literal");
    }
  }
  ++pos_;
  push(Tok::String, std::move(out), start);
  return true;
}

bool Lexer::symbol() {
  struct Rule {
    const char *text;
    Tok kind;
  };
  static const Rule kRules[] = {
      {"{%", Tok::OpenStatement},  {"%}", Tok::CloseStatement},
      {"{{", Tok::OpenExpression}, {"}}", Tok::CloseExpression},
      {"(", Tok::LParen},          {")", Tok::RParen},
      {"{", Tok::LBrace},          {"}", Tok::RBrace},
      {"[", Tok::LBracket},        {"]", Tok::RBracket},
      {",", Tok::Comma},           {".", Tok::Dot},
      {":", Tok::Colon},           {"|", Tok::Pipe},
      {"<=", Tok::Comparison},     {">=", Tok::Comparison},
      {"==", Tok::Comparison},     {"!=", Tok::Comparison},
      {"<", Tok::Comparison},      {">", Tok::Comparison},
      {"+", Tok::Additive},        {"-", Tok::Additive},
      {"~", Tok::Additive},        {"**", Tok::Power},
      {"*", Tok::Multiplicative},  {"//", Tok::Multiplicative},
      {"/", Tok::Multiplicative},  {"%", Tok::Multiplicative},
      {"=", Tok::Equals},
  };
  for (const Rule &rule : kRules) {
    std::string_view text = rule.text;
    if (rule.kind == Tok::CloseExpression && curlyDepth_ > 0)
      continue;
    if (s_.compare(pos_, text.size(), text) != 0)
      continue;
    push(rule.kind, std::string(text), pos_);
    if (rule.kind == Tok::OpenExpression)
      curlyDepth_ = 0;
    else if (rule.kind == Tok::LBrace)
      ++curlyDepth_;
    else if (rule.kind == Tok::RBrace)
      --curlyDepth_;
    pos_ += text.size();
    return true;
  }
  char c = s_[pos_];
  if (c == '\'' || c == '"')
    return string(c);
  if (text::isDigit(c)) {
    size_t start = pos_;
    std::string number = digits();
    if (!lastIs(Tok::Dot) && at(pos_) == '.' && text::isDigit(at(pos_ + 1))) {
      ++pos_;
      number += "." + digits();
    }
    push(Tok::Number, std::move(number), start);
    return true;
  }
  if (text::isWord(c)) {
    size_t start = pos_;
    while (text::isWord(at(pos_)))
      ++pos_;
    push(Tok::Name, s_.substr(start, pos_ - start), start);
    return true;
  }
  size_t n = text::charLength(s_, pos_);
  return fail(pos_, "unexpected character '" + s_.substr(pos_, n) + "'");
}

} // namespace

bool tokenize(std::string_view source, std::vector<Token> &tokens,
              std::string &error) {
  size_t bad;
  if (!text::isValid(source, bad)) {
    error = location(source, uint32_t(bad)) + ": invalid UTF-8";
    return false;
  }
  if (source.size() >= UINT32_MAX) {
    error = "template is larger than 4 GiB";
    return false;
  }
  Mapped raw;
  raw.text.assign(source);
  if (!raw.text.empty() && raw.text.back() == '\n')
    raw.text.pop_back();
  raw.origin.resize(raw.text.size() + 1);
  for (size_t i = 0; i <= raw.text.size(); ++i)
    raw.origin[i] = uint32_t(i);
  Mapped src = dropGenerationTags(trimBlockNewline(stripBlockIndent(raw)));
  tokens.clear();
  return Lexer(source, src, tokens, error).run();
}

std::string location(std::string_view source, uint32_t offset) {
  size_t line = 1, column = 1;
  for (size_t i = 0; i < offset && i < source.size(); ++i) {
    if (source[i] == '\n') {
      ++line;
      column = 1;
    } else if ((static_cast<unsigned char>(source[i]) & 0xC0) != 0x80) {
      ++column;
    }
  }
  char buffer[48];
  std::snprintf(buffer, sizeof(buffer), "%zu:%zu", line, column);
  return buffer;
}

} // namespace liquid::runtime::tmpl
