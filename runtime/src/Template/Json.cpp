//===- Json.cpp - JSON text to and from template values -------------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// This file implements parseJson and writeJson. The reader is strict RFC
// 8259 (no comments, no trailing commas, no NaN) over UTF-8, recursive with
// a depth bound, and keeps the last value of a repeated key at the key's
// first position, as JSON.parse does. Numbers follow JSON.parse plus the
// reference renderer's conversion: integral values become Int (1.0 and 1e2
// too), the rest Double, out-of-range magnitudes +-infinity or 0.
//
// The writer is JSON.stringify as the reference's `tojson` drives it:
// strings escape `"`, `\`, \b \f \n \r \t and other controls as \u00xx;
// NaN and infinities write null; `indent` puts items on their own lines.
//
//===----------------------------------------------------------------------===//

#include "Template/Lexer.h"
#include "Template/Text.h"
#include "Template/Value.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>

namespace liquid::runtime::tmpl {

namespace {

class Reader {
public:
  Reader(std::string_view text, std::string &error)
      : text_(text), error_(error) {}

  bool document(Value &out) {
    skipSpace();
    if (!value(out, 0))
      return false;
    skipSpace();
    if (pos_ != text_.size())
      return fail("unexpected text after the value");
    return true;
  }

private:
  bool fail(const char *what) {
    error_ = location(text_, uint32_t(std::min<size_t>(pos_, UINT32_MAX))) +
             ": " + what;
    return false;
  }

  void skipSpace() {
    while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\t' ||
                                   text_[pos_] == '\n' || text_[pos_] == '\r'))
      ++pos_;
  }

  bool literal(std::string_view word) {
    if (text_.substr(pos_, word.size()) != word)
      return false;
    pos_ += word.size();
    return true;
  }

  bool value(Value &out, uint32_t depth) {
    if (pos_ >= text_.size())
      return fail("unexpected end of input; expected a value");
    char c = text_[pos_];
    if (c == '{' || c == '[') {
      if (depth >= kMaxNesting)
        return fail("arrays and objects nest deeper than 256 levels");
      return c == '{' ? object(out, depth + 1) : array(out, depth + 1);
    }
    if (c == '"') {
      std::string s;
      if (!string(s))
        return false;
      out = Value::string(std::move(s));
      return true;
    }
    if (c == '-' || text::isDigit(c))
      return number(out);
    if (literal("true")) {
      out = Value::boolean(true);
      return true;
    }
    if (literal("false")) {
      out = Value::boolean(false);
      return true;
    }
    if (literal("null")) {
      out = Value::null();
      return true;
    }
    return fail("expected a value");
  }

  bool object(Value &out, uint32_t depth) {
    ++pos_; // {
    Object object;
    skipSpace();
    if (pos_ < text_.size() && text_[pos_] == '}') {
      ++pos_;
      out = Value::object(std::move(object));
      return true;
    }
    for (;;) {
      skipSpace();
      if (pos_ >= text_.size() || text_[pos_] != '"')
        return fail("expected a string key");
      std::string key;
      if (!string(key))
        return false;
      skipSpace();
      if (pos_ >= text_.size() || text_[pos_] != ':')
        return fail("expected ':' after an object key");
      ++pos_;
      skipSpace();
      Value item;
      if (!value(item, depth))
        return false;
      object.set(key, std::move(item));
      skipSpace();
      if (pos_ < text_.size() && text_[pos_] == ',') {
        ++pos_;
        continue;
      }
      if (pos_ < text_.size() && text_[pos_] == '}') {
        ++pos_;
        out = Value::object(std::move(object));
        return true;
      }
      return fail("expected ',' or '}' in an object");
    }
  }

  bool array(Value &out, uint32_t depth) {
    ++pos_; // [
    std::vector<Value> items;
    skipSpace();
    if (pos_ < text_.size() && text_[pos_] == ']') {
      ++pos_;
      out = Value::array(std::move(items));
      return true;
    }
    for (;;) {
      skipSpace();
      Value item;
      if (!value(item, depth))
        return false;
      items.push_back(std::move(item));
      skipSpace();
      if (pos_ < text_.size() && text_[pos_] == ',') {
        ++pos_;
        continue;
      }
      if (pos_ < text_.size() && text_[pos_] == ']') {
        ++pos_;
        out = Value::array(std::move(items));
        return true;
      }
      return fail("expected ',' or ']' in an array");
    }
  }

  bool hex4(uint32_t &unit) {
    if (pos_ + 4 > text_.size())
      return fail("truncated \\u escape");
    unit = 0;
    for (int i = 0; i < 4; ++i) {
      char c = text_[pos_++];
      unit <<= 4;
      if (c >= '0' && c <= '9')
        unit |= uint32_t(c - '0');
      else if (c >= 'a' && c <= 'f')
        unit |= uint32_t(c - 'a' + 10);
      else if (c >= 'A' && c <= 'F')
        unit |= uint32_t(c - 'A' + 10);
      else
        return fail("bad hex digit in a \\u escape");
    }
    return true;
  }

  bool string(std::string &out) {
    ++pos_; // "
    for (;;) {
      if (pos_ >= text_.size())
        return fail("unterminated string");
      char c = text_[pos_];
      if (c == '"') {
        ++pos_;
        return true;
      }
      if (static_cast<unsigned char>(c) < 0x20)
        return fail("control character in a string; escape it");
      if (c != '\\') {
        uint32_t cp;
        size_t n = text::decode(text_, pos_, cp);
        if (n == 0)
          return fail("invalid UTF-8");
        out.append(text_.substr(pos_, n));
        pos_ += n;
        continue;
      }
      if (++pos_ >= text_.size())
        return fail("unterminated escape");
      char e = text_[pos_++];
      switch (e) {
      case '"':
      case '\\':
      case '/':
        out += e;
        break;
      case 'b':
        out += '\b';
        break;
      case 'f':
        out += '\f';
        break;
      case 'n':
        out += '\n';
        break;
      case 'r':
        out += '\r';
        break;
      case 't':
        out += '\t';
        break;
      case 'u': {
        uint32_t unit = 0;
        if (!hex4(unit))
          return false;
        if (unit >= 0xD800 && unit <= 0xDBFF &&
            text_.substr(pos_, 2) == "\\u") {
          size_t save = pos_;
          pos_ += 2;
          uint32_t low = 0;
          if (!hex4(low))
            return false;
          if (low >= 0xDC00 && low <= 0xDFFF)
            unit = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00);
          else
            pos_ = save; // A lone high surrogate; read the next escape again.
        }
        text::append(out, unit); // Lone surrogates become U+FFFD.
        break;
      }
      default:
        --pos_;
        return fail("unknown escape in a string");
      }
    }
  }

  bool number(Value &out) {
    size_t start = pos_;
    bool negative = false, integral = true, negativeExponent = false;
    if (text_[pos_] == '-') {
      negative = true;
      ++pos_;
    }
    auto digits = [&] {
      size_t from = pos_;
      while (pos_ < text_.size() && text::isDigit(text_[pos_]))
        ++pos_;
      return pos_ - from;
    };
    size_t intStart = pos_;
    size_t intDigits = digits();
    if (intDigits == 0)
      return fail("expected a digit");
    if (intDigits > 1 && text_[intStart] == '0') {
      pos_ = intStart;
      return fail("leading zero in a number");
    }
    if (pos_ < text_.size() && text_[pos_] == '.') {
      ++pos_;
      integral = false;
      if (digits() == 0)
        return fail("expected a digit after '.'");
    }
    if (pos_ < text_.size() && (text_[pos_] == 'e' || text_[pos_] == 'E')) {
      ++pos_;
      integral = false;
      if (pos_ < text_.size() && (text_[pos_] == '+' || text_[pos_] == '-'))
        negativeExponent = text_[pos_++] == '-';
      if (digits() == 0)
        return fail("expected a digit in the exponent");
    }
    const char *first = text_.data() + start, *last = text_.data() + pos_;
    if (integral) {
      int64_t i;
      std::from_chars_result r = std::from_chars(first, last, i);
      if (r.ec == std::errc() && r.ptr == last) {
        out = Value::integer(i);
        return true;
      }
    }
    double d = 0.0;
    std::from_chars_result r = std::from_chars(first, last, d);
    if (r.ec == std::errc::result_out_of_range)
      d = negativeExponent ? 0.0 : HUGE_VAL;
    else if (r.ec != std::errc())
      return fail("bad number");
    if (negative && r.ec != std::errc())
      d = -d;
    if (d == std::floor(d) && std::fabs(d) < 9.2e18)
      out = Value::integer(int64_t(d));
    else if (d == std::floor(d))
      out = Value::bigInteger(d);
    else
      out = Value::number(d);
    return true;
  }

  std::string_view text_;
  std::string &error_;
  size_t pos_ = 0;
};

void writeString(std::string_view s, bool ensureAscii, std::string &out) {
  static const char kHex[] = "0123456789abcdef";
  auto unit = [&](uint32_t u) {
    out += "\\u";
    for (int shift = 12; shift >= 0; shift -= 4)
      out += kHex[(u >> shift) & 0xF];
  };
  out += '"';
  for (size_t i = 0; i < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c >= 0x80 || (ensureAscii && c == 0x7F)) {
      uint32_t cp;
      size_t n = text::decode(s, i, cp);
      if (n == 0) {
        cp = 0xFFFD;
        n = 1;
      }
      if (!ensureAscii) {
        out.append(s.substr(i, n));
      } else if (cp >= 0x10000) {
        unit(0xD800 + ((cp - 0x10000) >> 10));
        unit(0xDC00 + ((cp - 0x10000) & 0x3FF));
      } else {
        unit(cp);
      }
      i += n;
      continue;
    }
    ++i;
    switch (c) {
    case '"':
      out += "\\\"";
      break;
    case '\\':
      out += "\\\\";
      break;
    case '\b':
      out += "\\b";
      break;
    case '\f':
      out += "\\f";
      break;
    case '\n':
      out += "\\n";
      break;
    case '\r':
      out += "\\r";
      break;
    case '\t':
      out += "\\t";
      break;
    default:
      if (c < 0x20)
        unit(c);
      else
        out += char(c);
    }
  }
  out += '"';
}

bool write(const Value &value, const JsonStyle &style, uint32_t depth,
           std::string &out, std::string &error) {
  using Kind = Value::Kind;
  switch (value.kind()) {
  case Kind::Undefined:
    out += style.undefinedAsNull ? "null" : "undefined";
    return true;
  case Kind::Null:
    out += "null";
    return true;
  case Kind::Bool:
    out += value.asBool() ? "true" : "false";
    return true;
  case Kind::Int:
    out += std::to_string(value.asInt());
    return true;
  case Kind::Double:
    if (std::isfinite(value.asDouble()))
      appendJsNumber(value.asDouble(), out);
    else
      out += "null";
    return true;
  case Kind::String:
    writeString(value.asString(), style.ensureAscii, out);
    return true;
  case Kind::Macro:
    error = "cannot convert a macro to JSON";
    return false;
  case Kind::Array:
  case Kind::Object:
  case Kind::Namespace:
    break;
  }
  if (depth >= kMaxNesting) {
    error = "arrays, objects and namespaces nest deeper than 256 levels";
    return false;
  }
  bool isArray = value.is(Kind::Array);
  const Object &object =
      value.is(Kind::Namespace) ? *value.asNamespace() : value.asObject();
  size_t count = isArray ? value.asArray().size() : object.size();
  out += isArray ? '[' : '{';
  if (count == 0) {
    out += isArray ? ']' : '}';
    return true;
  }
  std::vector<const Object::Entry *> entries;
  if (!isArray) {
    for (const Object::Entry &entry : object.entries())
      entries.push_back(&entry);
    if (style.sortKeys)
      // Keys are unique within an object: no ties.
      std::sort(entries.begin(), entries.end(),
                [](const Object::Entry *a, const Object::Entry *b) {
                  return a->first < b->first;
                });
  }
  auto newline = [&](uint32_t level) {
    if (style.indent <= 0)
      return;
    out += '\n';
    out.append(size_t(style.indent) * level, ' ');
  };
  for (size_t i = 0; i < count; ++i) {
    if (out.size() > style.limit) {
      error =
          "the JSON text grows past " + std::to_string(style.limit) + " bytes";
      return false;
    }
    if (i > 0)
      out += style.itemSeparator;
    newline(depth + 1);
    if (isArray) {
      if (!write(value.asArray()[i], style, depth + 1, out, error))
        return false;
      continue;
    }
    writeString(entries[i]->first, style.ensureAscii, out);
    out += style.keySeparator;
    if (!write(entries[i]->second, style, depth + 1, out, error))
      return false;
  }
  newline(depth);
  out += isArray ? ']' : '}';
  return true;
}

} // namespace

bool parseJson(std::string_view text, Value &out, std::string &error) {
  return Reader(text, error).document(out);
}

bool writeJson(const Value &value, const JsonStyle &style, std::string &out,
               std::string &error) {
  return write(value, style, 0, out, error);
}

} // namespace liquid::runtime::tmpl
