//===- Methods.cpp - String and object methods, global functions ----------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// This file implements `x.method(...)` for strings and objects, and the
// functions namespace(), raise_exception() and range(). Methods behave as
// Python's: split(sep=None, maxsplit=-1), startswith / endswith with a
// string or a tuple of strings, replace(old, new, count), strip / lstrip /
// rstrip with optional characters (without, they strip the whitespace of
// Text.h), get(key, default=None), items(), keys(), values(). A method of
// an object wins over a key of the same name, as in Jinja.
//
//===----------------------------------------------------------------------===//

#include "Template/Interpreter.h"
#include "Template/Text.h"

namespace liquid::runtime::tmpl {

namespace {

using Kind = Value::Kind;

/// Python's str.strip(chars) family over characters.
std::string stripChars(const std::string &s, const std::string &chars,
                       bool left, bool right) {
  auto inSet = [&](size_t at) {
    std::string_view c(s.data() + at, text::charLength(s, at));
    return chars.find(c) != std::string::npos;
  };
  size_t begin = 0, end = s.size();
  while (left && begin < end && inSet(begin))
    begin += text::charLength(s, begin);
  while (right && end > begin) {
    size_t last = end - 1;
    while (last > begin && (static_cast<unsigned char>(s[last]) & 0xC0) == 0x80)
      --last;
    if (!inSet(last))
      break;
    end = last;
  }
  return s.substr(begin, end - begin);
}

/// Python's str.split; false past kMaxItems parts.
bool split(const std::string &s, const Value &sep, int64_t maxsplit,
           std::vector<Value> &parts) {
  if (sep.is(Kind::String)) {
    const std::string &by = sep.asString();
    size_t start = 0;
    for (int64_t count = 0; maxsplit < 0 || count < maxsplit; ++count) {
      size_t at = s.find(by, start);
      if (at == std::string::npos)
        break;
      if (parts.size() == kMaxItems)
        return false;
      parts.push_back(Value::string(s.substr(start, at - start)));
      start = at + by.size();
    }
    parts.push_back(Value::string(s.substr(start)));
    return true;
  }
  std::string_view rest = text::trimLeft(s);
  while (!rest.empty()) {
    if (parts.size() == kMaxItems)
      return false;
    if (maxsplit >= 0 && int64_t(parts.size()) >= maxsplit) {
      parts.push_back(Value::string(std::string(rest)));
      break;
    }
    size_t end = 0;
    while (end < rest.size() && !text::spaceAt(rest, end))
      end += text::charLength(rest, end);
    parts.push_back(Value::string(std::string(rest.substr(0, end))));
    rest = text::trimLeft(rest.substr(end));
  }
  return true;
}

} // namespace

bool Interpreter::method(const Node &n, const Value &x, Args &args,
                         Value &out) {
  Method m = Method(n.index);
  const char *name = kMethods.entries[n.index].name;
  auto string = [&](std::string s) {
    return makeString(n.offset, std::move(s), out);
  };
  auto array = [&](std::vector<Value> items) {
    return makeArray(n.offset, std::move(items), out);
  };
  const Value &a0 = args.slot[0], &a1 = args.slot[1], &a2 = args.slot[2];

  if (x.is(Kind::Object)) {
    const Object &object = x.asObject();
    std::vector<Value> items;
    switch (m) {
    case Method::Get:
      if (!a0.is(Kind::String))
        return fail(n.offset, std::string("get: the key must be a string, "
                                          "not ") +
                                  a0.kindName());
      if (const Value *found = object.find(a0.asString()))
        out = *found;
      else
        out = args.given[1] ? a1 : Value::null();
      return true;
    case Method::Items:
    case Method::Keys:
    case Method::Values:
      for (const Object::Entry &entry : object.entries())
        items.push_back(
            m == Method::Values ? entry.second
            : m == Method::Keys
                ? Value::string(entry.first)
                : Value::array({Value::string(entry.first), entry.second}));
      return array(std::move(items));
    default:
      break;
    }
  }

  if (x.is(Kind::String)) {
    const std::string &s = x.asString();
    switch (m) {
    case Method::Strip:
    case Method::Lstrip:
    case Method::Rstrip: {
      bool left = m != Method::Rstrip, right = m != Method::Lstrip;
      if (a0.is(Kind::String))
        return string(stripChars(s, a0.asString(), left, right));
      if (!a0.isNothing())
        return fail(n.offset,
                    std::string(name) + ": the characters must be a string");
      std::string_view v = s;
      if (left)
        v = text::trimLeft(v);
      if (right)
        v = text::trimRight(v);
      return string(std::string(v));
    }
    case Method::Split:
      if ((!a0.isNothing() && !a0.is(Kind::String)) ||
          (args.given[1] && !a1.is(Kind::Int)))
        return fail(n.offset, "split: sep must be a string or none, "
                              "maxsplit an integer");
      if (a0.is(Kind::String) && a0.asString().empty())
        return fail(n.offset, "split: empty separator");
      if (!charge(n.offset, s.size() / 16))
        return false;
      {
        std::vector<Value> parts;
        if (!split(s, a0, args.given[1] ? a1.asInt() : -1, parts))
          return fail(n.offset, "split: more than 1000000 parts");
        return array(std::move(parts));
      }
    case Method::Startswith:
    case Method::Endswith: {
      std::vector<Value> affixes =
          a0.is(Kind::Array) ? a0.asArray() : std::vector<Value>{a0};
      bool found = false;
      for (const Value &affix : affixes) {
        if (!affix.is(Kind::String))
          return fail(n.offset, std::string(name) +
                                    ": needs a string or a tuple of strings");
        const std::string &t = affix.asString();
        found |= t.size() <= s.size() &&
                 s.compare(m == Method::Startswith ? 0 : s.size() - t.size(),
                           t.size(), t) == 0;
      }
      out = Value::boolean(found);
      return true;
    }
    case Method::Replace:
      if (!a0.is(Kind::String) || !a1.is(Kind::String) ||
          (!a2.isNothing() && !a2.is(Kind::Int)))
        return fail(n.offset, "replace: needs two strings and an integer "
                              "count");
      {
        std::string result;
        if (!text::replace(s, a0.asString(), a1.asString(),
                           a2.is(Kind::Int) ? a2.asInt() : -1, kMaxString,
                           result))
          return fail(n.offset, "a string grows past 64 MiB");
        return string(std::move(result));
      }
    case Method::Upper:
      return string(text::upper(s));
    case Method::Lower:
      return string(text::lower(s));
    case Method::Title:
      return string(text::title(s));
    case Method::Capitalize:
      return string(text::capitalize(s));
    default:
      break;
    }
  }
  return fail(n.offset,
              std::string(x.kindName()) + " has no method '" + name + "'");
}

bool Interpreter::function(const Node &n, Args &args, Value &out) {
  const Value &a0 = args.slot[0];
  switch (Function(n.index)) {
  case Function::Namespace: {
    Object &ns = namespaces_.emplace_back();
    if (a0.is(Kind::Object)) {
      for (const Object::Entry &entry : a0.asObject().entries())
        ns.set(entry.first, entry.second);
    } else if (a0.is(Kind::Array)) {
      for (const Value &pair : a0.asArray()) {
        const std::vector<Value> &kv = pair.asArray();
        if (kv.size() != 2 || !kv[0].is(Kind::String))
          return fail(n.offset, "namespace: expected [key, value] pairs");
        ns.set(kv[0].asString(), kv[1]);
      }
    } else if (args.given[0]) {
      return fail(n.offset, std::string("namespace: expected an object, "
                                        "not ") +
                                a0.kindName());
    }
    for (const auto &keyword : args.keywords)
      ns.set(program_.symbols[keyword.first], keyword.second);
    for (const Object::Entry &entry : ns.entries())
      if (entry.second.holdsMacro())
        return fail(n.offset, "cannot store a macro in a namespace");
    if (!charge(n.offset, ns.size() + 1))
      return false;
    out = Value::nameSpace(&ns);
    return true;
  }
  case Function::RaiseException: {
    std::string message;
    if (!text(n.offset, a0, message))
      return false;
    return fail(n.offset, "raise_exception: " + message);
  }
  case Function::Range: {
    for (int i = 0; i < 3; ++i)
      if (args.given[i] && !args.slot[i].is(Kind::Int))
        return fail(n.offset, "range: arguments must be integers");
    int64_t start = 0, stop = a0.asInt(), step = 1;
    if (args.given[1])
      start = a0.asInt(), stop = args.slot[1].asInt();
    if (args.given[2])
      step = args.slot[2].asInt();
    if (step == 0)
      return fail(n.offset, "range: step must not be zero");
    std::vector<Value> items;
    for (int64_t i = start; step > 0 ? i < stop : i > stop;) {
      if (items.size() == kMaxItems)
        return fail(n.offset, "range: more than 1000000 items");
      items.push_back(Value::integer(i));
      if (__builtin_add_overflow(i, step, &i))
        break;
    }
    return makeArray(n.offset, std::move(items), out);
  }
  }
  return fail(n.offset, "internal error: unknown function");
}

} // namespace liquid::runtime::tmpl
