//===- ToolCalls.cpp - LFM2's pythonic tool calls as JSON -----------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// This file implements parseToolCalls, toolCallJson and ToolCallScanner.
// The parser is a recursive descent over Python's literal syntax that writes
// JSON as it goes; only containers recurse, and they stop at kMaxDepth.
// Python semantics are kept where they matter: "\xe9" is U+00E9, an unknown
// escape such as "\d" keeps its backslash, (x) is x while (x,) and () are
// tuples, and a keyword argument may not repeat. Beyond Python it accepts
// true/false/null, raw newlines inside strings, and a bare call without the
// list's brackets, since a model may write those and mean the obvious.
//
//===----------------------------------------------------------------------===//

#include "ToolCalls.h"

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <cstdio>
#include <set>

using namespace liquid::runtime;

namespace {

constexpr int kMaxDepth = 64;

bool isSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
         c == '\v';
}
bool isDigit(char c) { return c >= '0' && c <= '9'; }
bool isIdentStart(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}
bool isIdentChar(char c) { return isIdentStart(c) || isDigit(c); }

int hexValue(char c) {
  if (isDigit(c))
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

/// The length of the valid UTF-8 sequence at s[i] (a byte >= 0x80), or 0.
size_t utf8Length(std::string_view s, size_t i) {
  auto c = static_cast<unsigned char>(s[i]);
  size_t n = c >= 0xC2 && c <= 0xDF   ? 2
             : (c & 0xF0) == 0xE0     ? 3
             : c >= 0xF0 && c <= 0xF4 ? 4
                                      : 0;
  if (n == 0 || i + n > s.size())
    return 0;
  uint32_t cp = c & (0x7F >> n);
  for (size_t k = 1; k < n; ++k) {
    auto b = static_cast<unsigned char>(s[i + k]);
    if ((b & 0xC0) != 0x80)
      return 0;
    cp = (cp << 6) | (b & 0x3F);
  }
  if (n == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF)))
    return 0;
  if (n == 4 && (cp < 0x10000 || cp > 0x10FFFF))
    return 0;
  return n;
}

void appendUtf8(std::string &out, uint32_t cp) {
  if (cp < 0x80) {
    out += char(cp);
    return;
  }
  int n = cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
  out += char(((0xFF00 >> n) & 0xFF) | (cp >> (6 * (n - 1))));
  for (int k = n - 2; k >= 0; --k)
    out += char(0x80 | ((cp >> (6 * k)) & 0x3F));
}

/// Appends `value` (valid UTF-8) as a JSON string.
void appendJsonString(std::string &out, std::string_view value) {
  out += '"';
  for (char c : value) {
    const char *named = c == '"'    ? "\\\""
                        : c == '\\' ? "\\\\"
                        : c == '\n' ? "\\n"
                        : c == '\r' ? "\\r"
                        : c == '\t' ? "\\t"
                                    : nullptr;
    if (named) {
      out += named;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      char escape[8];
      snprintf(escape, sizeof(escape), "\\u%04x", unsigned(c));
      out += escape;
    } else {
      out += c;
    }
  }
  out += '"';
}

class Parser {
public:
  Parser(std::string_view source, std::string &message)
      : text(source), error(message) {}

  bool parseCalls(std::vector<ToolCall> &calls) {
    skipSpace();
    auto call = [&](size_t) {
      calls.emplace_back();
      return parseCall(calls.back());
    };
    if (consume('[')) {
      if (!items(']', "expected ',' or ']' after a call", call))
        return false;
    } else if (!call(0)) {
      return false;
    }
    skipSpace();
    if (pos != text.size())
      return fail("expected the end after the list of calls");
    return true;
  }

private:
  bool fail(const char *what) { return failAt(pos, what); }
  bool failAt(size_t at, const char *what) {
    error = "at " + std::to_string(at) + ": " + what;
    return false;
  }

  bool atEnd() const { return pos >= text.size(); }
  char peek(size_t ahead = 0) const {
    return pos + ahead < text.size() ? text[pos + ahead] : '\0';
  }
  bool consume(char c) {
    if (atEnd() || text[pos] != c)
      return false;
    ++pos;
    return true;
  }
  void skipSpace() {
    while (!atEnd() && isSpace(text[pos]))
      ++pos;
  }
  /// Parses `item(index)`s separated by commas, with an optional trailing
  /// comma, up to `close`; the opening bracket is already consumed.
  template <typename Item>
  bool items(char close, const char *expected, Item item,
             bool *trailingComma = nullptr) {
    skipSpace();
    for (size_t index = 0; !consume(close); ++index) {
      if (!item(index))
        return false;
      skipSpace();
      bool comma = consume(',');
      if (trailingComma)
        *trailingComma = comma;
      skipSpace();
      if (!comma && !consume(close))
        return fail(expected);
      if (!comma)
        break;
    }
    return true;
  }
  std::string_view identifier() {
    size_t start = pos;
    if (!isIdentStart(peek()))
      return {};
    while (isIdentChar(peek()))
      ++pos;
    return text.substr(start, pos - start);
  }

  bool parseCall(ToolCall &call) {
    size_t start = pos;
    do {
      if (identifier().empty())
        return fail("expected a function name");
    } while (consume('.'));
    call.name = std::string(text.substr(start, pos - start));
    skipSpace();
    if (!consume('('))
      return fail("expected '(' after the function name");

    std::string &out = call.argumentsJson;
    out = "{";
    std::set<std::string_view> names;
    auto argument = [&](size_t index) {
      size_t nameStart = pos;
      std::string_view name = identifier();
      if (name.empty())
        return fail("expected a keyword argument name=value (positional "
                    "arguments are not supported)");
      skipSpace();
      if (!consume('='))
        return fail("expected '=' after the argument name (positional "
                    "arguments are not supported)");
      if (!names.insert(name).second)
        return failAt(nameStart, "repeated keyword argument");
      skipSpace();
      if (index > 0)
        out += ',';
      appendJsonString(out, name);
      out += ':';
      return parseValue(out, 0);
    };
    if (!items(')', "expected ',' or ')' after an argument", argument))
      return false;
    out += '}';
    return true;
  }

  bool parseValue(std::string &out, int depth) {
    char c = peek();
    if (c == '"' || c == '\'') {
      std::string value;
      if (!parseString(value))
        return false;
      appendJsonString(out, value);
      return true;
    }
    if (isDigit(c) || c == '.' || c == '-' || c == '+')
      return parseNumber(out);
    if (c == '[' || c == '(' || c == '{') {
      if (depth >= kMaxDepth)
        return fail("values nested more than 64 deep");
      return c == '{' ? parseDict(out, depth + 1)
                      : parseSequence(out, depth + 1);
    }
    size_t start = pos;
    std::string_view word = identifier();
    if (word == "True" || word == "true")
      out += "true";
    else if (word == "False" || word == "false")
      out += "false";
    else if (word == "None" || word == "null")
      out += "null";
    else
      return failAt(start, "expected a value (a string, number, True, False, "
                           "None, list, tuple or dict)");
    return true;
  }

  /// A list [...] or a tuple (...), both JSON arrays; (x) is just x.
  bool parseSequence(std::string &out, int depth) {
    bool tuple = text[pos++] == '(';
    size_t mark = out.size(), count = 0;
    bool trailingComma = false;
    out += '[';
    auto element = [&](size_t index) {
      if (index > 0)
        out += ',';
      ++count;
      return parseValue(out, depth);
    };
    if (!items(tuple ? ')' : ']',
               tuple ? "expected ',' or ')' in a tuple"
                     : "expected ',' or ']' in a list",
               element, &trailingComma))
      return false;
    if (tuple && count == 1 && !trailingComma)
      out.erase(mark, 1); // A parenthesized value, not a tuple.
    else
      out += ']';
    return true;
  }

  bool parseDict(std::string &out, int depth) {
    ++pos;
    out += '{';
    auto entry = [&](size_t index) {
      if (peek() != '"' && peek() != '\'')
        return fail("expected a string key in a dict");
      std::string key;
      if (!parseString(key))
        return false;
      skipSpace();
      if (!consume(':'))
        return fail("expected ':' after a dict key");
      skipSpace();
      if (index > 0)
        out += ',';
      appendJsonString(out, key);
      out += ':';
      return parseValue(out, depth);
    };
    if (!items('}', "expected ',' or '}' in a dict", entry))
      return false;
    out += '}';
    return true;
  }

  /// A Python number: an int keeps its digits, a float is printed in the
  /// shortest form that reads back as the same double.
  bool parseNumber(std::string &out) {
    size_t start = pos;
    bool negative = consume('-');
    if (!negative)
      consume('+');
    skipSpace();
    size_t digits = pos;
    while (isDigit(peek()))
      ++pos;
    bool isFloat = consume('.');
    while (isFloat && isDigit(peek()))
      ++pos;
    if (pos == digits + (isFloat ? 1 : 0))
      return failAt(start, "expected a number");
    if (peek() == 'e' || peek() == 'E') {
      isFloat = true;
      ++pos;
      if (!consume('-'))
        consume('+');
      if (!isDigit(peek()))
        return fail("expected the exponent's digits");
      while (isDigit(peek()))
        ++pos;
    }
    if (isIdentChar(peek()) || peek() == '.')
      return failAt(start, "invalid number");
    std::string_view literal = text.substr(digits, pos - digits);
    if (!isFloat) {
      size_t zeros = 0;
      while (zeros + 1 < literal.size() && literal[zeros] == '0')
        ++zeros;
      literal.remove_prefix(zeros);
      if (negative && literal != "0")
        out += '-';
      out += literal;
      return true;
    }
    double value = 0.0;
    auto [end, ec] =
        std::from_chars(literal.data(), literal.data() + literal.size(), value);
    if (ec != std::errc() || end != literal.data() + literal.size())
      return failAt(start, "float out of range");
    char buffer[32];
    auto printed = std::to_chars(buffer, buffer + sizeof(buffer),
                                 negative ? -value : value);
    std::string_view shortest(buffer, printed.ptr - buffer);
    out += shortest;
    if (shortest.find_first_of(".e") == std::string_view::npos)
      out += ".0"; // 3.0 stays a float, not the int 3.
    return true;
  }

  /// A '...' or "..." string, or a triple-quoted one, decoded to UTF-8.
  bool parseString(std::string &value) {
    size_t start = pos;
    char quote = text[pos];
    bool triple = peek(1) == quote && peek(2) == quote;
    pos += triple ? 3 : 1;
    for (;;) {
      if (atEnd())
        return failAt(start, "unterminated string");
      char c = text[pos];
      if (c == quote && (!triple || (peek(1) == quote && peek(2) == quote))) {
        pos += triple ? 3 : 1;
        return true;
      }
      if (c == '\\') {
        if (!parseEscape(value))
          return false;
        continue;
      }
      if (static_cast<unsigned char>(c) < 0x80) {
        value += c;
        ++pos;
        continue;
      }
      size_t n = utf8Length(text, pos);
      if (n == 0)
        return fail("invalid UTF-8 in a string");
      value.append(text.substr(pos, n));
      pos += n;
    }
  }

  /// Reads `count` hex digits after pos; -1 when they are not all there.
  int64_t hexDigits(int count) {
    int64_t value = 0;
    for (int i = 0; i < count; ++i) {
      int digit = hexValue(peek());
      if (digit < 0)
        return -1;
      value = value * 16 + digit;
      ++pos;
    }
    return value;
  }

  bool parseEscape(std::string &value) {
    size_t start = pos++;
    if (atEnd())
      return failAt(start, "unterminated string");
    char c = text[pos++];
    if (c == '\n')
      return true; // A line continuation.
    // Pairs of an escape letter and the character it stands for.
    static constexpr std::string_view simple =
        "\\\\''\"\"n\nt\tr\ra\ab\bf\fv\v";
    for (size_t i = 0; i < simple.size(); i += 2) {
      if (simple[i] == c) {
        value += simple[i + 1];
        return true;
      }
    }
    int64_t cp = -1;
    if (c == 'x' || c == 'u' || c == 'U') {
      cp = hexDigits(c == 'x' ? 2 : c == 'u' ? 4 : 8);
    } else if (c >= '0' && c <= '7') {
      cp = c - '0';
      for (int i = 0; i < 2 && peek() >= '0' && peek() <= '7'; ++i)
        cp = cp * 8 + (text[pos++] - '0');
    } else {
      // Python keeps an unknown escape as written: "\d" is backslash, d.
      value += '\\';
      --pos;
      return true;
    }
    if (cp < 0)
      return failAt(start, "expected hex digits in an escape");
    if (cp >= 0xD800 && cp <= 0xDBFF && peek() == '\\' && peek(1) == 'u') {
      size_t low = pos;
      pos += 2;
      int64_t second = hexDigits(4);
      if (second >= 0xDC00 && second <= 0xDFFF)
        cp = 0x10000 + ((cp - 0xD800) << 10) + (second - 0xDC00);
      else
        pos = low;
    }
    if (cp > 0x10FFFF)
      return failAt(start, "escape beyond U+10FFFF");
    if (cp >= 0xD800 && cp <= 0xDFFF)
      return failAt(start, "unpaired surrogate escape");
    appendUtf8(value, uint32_t(cp));
    return true;
  }

  std::string_view text;
  std::string &error;
  size_t pos = 0;
};

} // namespace

bool liquid::runtime::parseToolCalls(std::string_view text,
                                     std::vector<ToolCall> &calls,
                                     std::string &error) {
  calls.clear();
  error.clear();
  if (Parser(text, error).parseCalls(calls))
    return true;
  calls.clear();
  return false;
}

std::string liquid::runtime::toolCallJson(const ToolCall &call) {
  std::string out = "{\"name\":";
  appendJsonString(out, call.name);
  out += ",\"arguments\":";
  out += call.argumentsJson.empty() ? "{}" : call.argumentsJson;
  out += '}';
  return out;
}

void ToolCallScanner::feed(std::string_view piece, std::vector<Event> &events) {
  buffer.append(piece);
  for (;;) {
    if (inCall) {
      size_t end = buffer.find(kToolCallEnd, searched);
      if (end == std::string::npos) {
        // The end marker may begin in the last kToolCallEnd.size() - 1 bytes.
        size_t tail = kToolCallEnd.size() - 1;
        searched = buffer.size() > tail ? buffer.size() - tail : 0;
        return;
      }
      events.push_back({Event::Call, buffer.substr(0, end)});
      buffer.erase(0, end + kToolCallEnd.size());
      inCall = false;
      continue;
    }
    size_t start = buffer.find(kToolCallStart);
    if (start != std::string::npos) {
      if (start > 0)
        events.push_back({Event::Text, buffer.substr(0, start)});
      buffer.erase(0, start + kToolCallStart.size());
      inCall = true;
      searched = 0;
      continue;
    }
    // Hold back the longest tail that could still grow into the marker.
    size_t keep = std::min(buffer.size(), kToolCallStart.size() - 1);
    while (keep > 0 && std::string_view(buffer).substr(buffer.size() - keep) !=
                           kToolCallStart.substr(0, keep))
      --keep;
    if (buffer.size() > keep) {
      events.push_back({Event::Text, buffer.substr(0, buffer.size() - keep)});
      buffer.erase(0, buffer.size() - keep);
    }
    return;
  }
}

void ToolCallScanner::finish(std::vector<Event> &events) {
  std::string rest = inCall ? std::string(kToolCallStart) + buffer : buffer;
  if (!rest.empty())
    events.push_back({Event::Text, std::move(rest)});
  buffer.clear();
  inCall = false;
  searched = 0;
}
