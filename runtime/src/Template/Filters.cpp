//===- Filters.cpp - Filters and tests ------------------------------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// This file implements the filters and tests of Ast.h with the reference
// renderer's results: `length` counts characters, items and keys; `string`
// prints like `{{ }}`; `int` and `float` read text as JavaScript's parseInt
// and parseFloat do; `sort` and `dictsort` compare numbers with numbers and
// strings with strings (case-insensitively unless told) and keep equal
// items in order; `unique` keeps the first of equal scalars; `tojson` is
// writeJson. A few accept more than the reference: first, last, list and
// reverse take strings, `items` of undefined is empty, `string` of none is
// "None" and of undefined "" (as in Jinja).
//
//===----------------------------------------------------------------------===//

#include "Template/Interpreter.h"
#include "Template/Text.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <numeric>

namespace liquid::runtime::tmpl {

namespace {

using Kind = Value::Kind;

std::vector<Value> characters(const std::string &s) {
  std::vector<Value> out;
  for (size_t i = 0; i < s.size();) {
    size_t n = text::charLength(s, i);
    out.push_back(Value::string(s.substr(i, n)));
    i += n;
  }
  return out;
}

/// JavaScript's parseInt(s, 10) and parseFloat(s); false where they give
/// NaN.
bool parseNumber(const std::string &text, bool integer, Value &out) {
  std::string_view s = text::trimLeft(text);
  std::string digits;
  size_t i = 0;
  if (i < s.size() && (s[i] == '+' || s[i] == '-'))
    digits += s[i++] == '-' ? "-" : "";
  size_t start = i;
  while (i < s.size() && text::isDigit(s[i]))
    ++i;
  size_t intDigits = i - start;
  if (!integer) {
    if (intDigits == 0 && s.substr(i, 8) == "Infinity") {
      out = Value::number(digits.empty() ? HUGE_VAL : -HUGE_VAL);
      return true;
    }
    size_t fracDigits = 0;
    if (i < s.size() && s[i] == '.') {
      size_t dot = ++i;
      while (i < s.size() && text::isDigit(s[i]))
        ++i;
      fracDigits = i - dot;
      if (fracDigits == 0 && intDigits == 0)
        return false;
      if (fracDigits == 0)
        --i; // "1." reads as 1
      else
        fracDigits += 1;
    }
    if (intDigits == 0 && fracDigits == 0)
      return false;
    size_t end = i;
    if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
      size_t e = i + 1;
      if (e < s.size() && (s[e] == '+' || s[e] == '-'))
        ++e;
      size_t expStart = e;
      while (e < s.size() && text::isDigit(s[e]))
        ++e;
      if (e > expStart)
        end = e;
    }
    digits.append(s.substr(start, end - start));
    double d = 0.0;
    std::from_chars_result r =
        std::from_chars(digits.data(), digits.data() + digits.size(), d);
    if (r.ec == std::errc::result_out_of_range)
      d = digits.find_first_of("eE") != std::string::npos &&
                  digits[digits.find_first_of("eE") + 1] == '-'
              ? 0.0
              : (digits[0] == '-' ? -HUGE_VAL : HUGE_VAL);
    out = Value::number(d);
    return true;
  }
  if (intDigits == 0)
    return false;
  digits.append(s.substr(start, intDigits));
  int64_t value;
  std::from_chars_result r =
      std::from_chars(digits.data(), digits.data() + digits.size(), value);
  if (r.ec == std::errc()) {
    out = Value::integer(value);
  } else {
    double d = 0.0;
    std::from_chars(digits.data(), digits.data() + digits.size(), d);
    out = Value::number(d);
  }
  return true;
}

/// `a.b.0`-style paths, as map(attribute=) and sort(attribute=) read them.
Value lookupPath(const Value &item, const std::string &path) {
  Value value = item;
  size_t start = 0;
  for (;;) {
    size_t dot = path.find('.', start);
    std::string part = path.substr(start, dot - start);
    if (value.is(Kind::Object) || value.is(Kind::Namespace)) {
      const Object &object =
          value.is(Kind::Object) ? value.asObject() : *value.asNamespace();
      const Value *found = object.find(part);
      value = found ? *found : Value();
    } else if (value.is(Kind::Array)) {
      Value index;
      const std::vector<Value> &items = value.asArray();
      if (!parseNumber(part, true, index) || !index.is(Kind::Int) ||
          index.asInt() < 0 || uint64_t(index.asInt()) >= items.size())
        return Value();
      value = items[size_t(index.asInt())];
    } else {
      return Value();
    }
    if (dot == std::string::npos)
      return value;
    start = dot + 1;
  }
}

/// Arrays, objects, namespaces and macros by identity; nullptr for scalars.
const void *identity(const Value &v) {
  switch (v.kind()) {
  case Kind::Array:
    return &v.asArray();
  case Kind::Object:
    return &v.asObject();
  case Kind::Namespace:
    return v.asNamespace();
  case Kind::Macro:
    return v.asMacro();
  default:
    return nullptr;
  }
}

/// The classes sort can order among themselves.
int sortClass(const Value &v) {
  if (v.is(Kind::Null))
    return 0;
  if (v.is(Kind::Undefined))
    return 1;
  if (v.isNumber() || v.is(Kind::Bool))
    return 2;
  if (v.is(Kind::String))
    return 3;
  return -1;
}

int compare(const Value &a, const Value &b, bool caseSensitive) {
  int kind = sortClass(a);
  if (kind == 2) {
    if (a.is(Kind::Int) && b.is(Kind::Int))
      return a.asInt() < b.asInt() ? -1 : a.asInt() > b.asInt();
    double x = a.asDouble(), y = b.asDouble();
    return x < y ? -1 : x > y;
  }
  if (kind == 3) {
    if (caseSensitive)
      return a.asString().compare(b.asString()) < 0   ? -1
             : a.asString().compare(b.asString()) > 0 ? 1
                                                      : 0;
    std::string x = text::lower(a.asString()), y = text::lower(b.asString());
    return x < y ? -1 : x > y;
  }
  return 0;
}

} // namespace

bool Interpreter::sort(const Node &n, std::vector<Value> &items,
                       const std::vector<Value> &keys, bool caseSensitive,
                       bool reverse) {
  for (size_t i = 0; i < keys.size(); ++i)
    if (sortClass(keys[i]) < 0 ||
        (keys.size() > 1 && sortClass(keys[i]) != sortClass(keys[0])))
      return fail(n.offset, std::string("cannot compare ") +
                                keys[0].kindName() + " with " +
                                keys[i].kindName() + " to sort");
  if (!charge(n.offset, items.size() * 8))
    return false;
  std::vector<size_t> order(items.size());
  std::iota(order.begin(), order.end(), 0);
  // Stable: equal keys keep their order (the index breaks ties).
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    int c = compare(keys[a], keys[b], caseSensitive);
    return c != 0 ? (reverse ? c > 0 : c < 0) : a < b;
  });
  std::vector<Value> sorted;
  for (size_t i : order)
    sorted.push_back(items[i]);
  items = std::move(sorted);
  return true;
}

bool Interpreter::selectAttr(const Node &n, const Value &operand, Args &args,
                             bool select, Value &out) {
  if (!operand.is(Kind::Array))
    return fail(n.offset, std::string("selectattr and rejectattr apply to "
                                      "arrays, not ") +
                              operand.kindName());
  for (const Value &item : operand.asArray())
    if (!item.is(Kind::Object) && !item.is(Kind::Namespace))
      return fail(n.offset, std::string("selectattr and rejectattr need "
                                        "objects, not ") +
                                item.kindName());
  const std::string &attr = args.slot[0].asString();
  std::vector<Value> kept;
  for (const Value &item : operand.asArray()) {
    const Object &object =
        item.is(Kind::Object) ? item.asObject() : *item.asNamespace();
    const Value *found = object.find(attr);
    bool result = false;
    if (found && args.given[1]) {
      if (!test(n, Test(kTests.find(args.slot[1].asString())), *found,
                &args.slot[2], result))
        return false;
    } else if (found) {
      result = found->truthy();
    }
    if (result == select)
      kept.push_back(item);
  }
  return makeArray(n.offset, std::move(kept), out);
}

bool Interpreter::toJson(const Node &n, const Value &operand, Args &args,
                         Value &out) {
  JsonStyle style;
  const Value &indent = args.slot[0], &ascii = args.slot[1],
              &sortKeys = args.slot[2], &separators = args.slot[3];
  if (!indent.isNothing() &&
      (!indent.is(Kind::Int) || indent.asInt() < 0 || indent.asInt() > 64))
    return fail(n.offset, "tojson: indent must be an integer from 0 to 64");
  if ((args.given[1] && !ascii.is(Kind::Bool)) ||
      (args.given[2] && !sortKeys.is(Kind::Bool)))
    return fail(n.offset, "tojson: ensure_ascii and sort_keys must be "
                          "booleans");
  style.indent = indent.is(Kind::Int) ? int(indent.asInt()) : 0;
  style.ensureAscii = ascii.is(Kind::Bool) && ascii.asBool();
  style.sortKeys = sortKeys.is(Kind::Bool) && sortKeys.asBool();
  if (style.indent > 0)
    style.itemSeparator = ",";
  if (!separators.isNothing()) {
    const std::vector<Value> &pair = separators.asArray();
    if (pair.size() != 2 || !pair[0].is(Kind::String) ||
        !pair[1].is(Kind::String))
      return fail(n.offset, "tojson: separators must be two strings");
    style.itemSeparator = pair[0].asString();
    style.keySeparator = pair[1].asString();
  }
  style.limit = kMaxString;
  std::string json, error;
  if (!writeJson(operand, style, json, error))
    return fail(n.offset, "tojson: " + error);
  return makeString(n.offset, std::move(json), out);
}

bool Interpreter::filter(const Node &n, const Value &x, Args &args,
                         Value &out) {
  const char *name = kFilters.entries[n.index].name;
  auto bad = [&] {
    return fail(n.offset, std::string("filter '") + name +
                              "' does not apply to " + x.kindName());
  };
  auto string = [&](std::string s) {
    return makeString(n.offset, std::move(s), out);
  };
  auto array = [&](std::vector<Value> items) {
    return makeArray(n.offset, std::move(items), out);
  };
  bool isString = x.is(Kind::String), isArray = x.is(Kind::Array);
  const std::string &s = x.asString();
  switch (Filter(n.index)) {
  case Filter::Safe:
    out = x;
    return true;
  case Filter::Tojson:
    return toJson(n, x, args, out);
  case Filter::Default:
    if (args.given[1] && !args.slot[1].is(Kind::Bool))
      return fail(n.offset, "default: 'boolean' must be true or false");
    if (x.is(Kind::Undefined) || (args.slot[1].asBool() && !x.truthy()))
      out = args.given[0] ? args.slot[0] : Value::string("");
    else
      out = x;
    return true;
  case Filter::Abs:
    if (x.is(Kind::Int))
      out = x.asInt() == INT64_MIN ? Value::number(-x.asDouble())
                                   : Value::integer(std::llabs(x.asInt()));
    else if (x.is(Kind::Double))
      out = Value::number(std::fabs(x.asDouble()));
    else
      return bad();
    return true;
  case Filter::Bool:
    out = Value::boolean(x.truthy());
    return true;
  case Filter::Capitalize:
  case Filter::Title:
  case Filter::Upper:
  case Filter::Lower:
  case Filter::Trim:
    if (!isString)
      return bad();
    switch (Filter(n.index)) {
    case Filter::Capitalize:
      return string(text::capitalize(s));
    case Filter::Title:
      return string(text::title(s));
    case Filter::Upper:
      return string(text::upper(s));
    case Filter::Lower:
      return string(text::lower(s));
    default:
      return string(std::string(text::trim(s)));
    }
  case Filter::Length:
    if (isString)
      out = Value::integer(int64_t(text::length(s)));
    else if (isArray)
      out = Value::integer(int64_t(x.asArray().size()));
    else if (x.is(Kind::Object))
      out = Value::integer(int64_t(x.asObject().size()));
    else
      return bad();
    return true;
  case Filter::First:
  case Filter::Last: {
    bool first = Filter(n.index) == Filter::First;
    out = Value();
    if (isArray && !x.asArray().empty())
      out = first ? x.asArray().front() : x.asArray().back();
    else if (isString && !s.empty())
      out = first ? Value::string(s.substr(0, text::charLength(s, 0)))
                  : Value::string(s.substr(text::previous(s, s.size())));
    else if (!isArray && !isString)
      return bad();
    return true;
  }
  case Filter::List:
  case Filter::Reverse: {
    std::vector<Value> items;
    if (isString && Filter(n.index) == Filter::Reverse)
      return string(text::reverse(s));
    if (isString && !charge(n.offset, s.size()))
      return false;
    if (isArray)
      items = x.asArray();
    else if (isString && text::length(s) > kMaxItems)
      return fail(n.offset, "an array grows past 1000000 items");
    else if (isString)
      items = characters(s);
    else if (x.is(Kind::Object) && Filter(n.index) == Filter::List)
      for (const Object::Entry &entry : x.asObject().entries())
        items.push_back(Value::string(entry.first));
    else
      return bad();
    if (Filter(n.index) == Filter::List)
      return array(std::move(items));
    std::reverse(items.begin(), items.end());
    return array(std::move(items));
  }
  case Filter::Items:
  case Filter::Dictsort: {
    if (x.is(Kind::Undefined) && Filter(n.index) == Filter::Items)
      return array({});
    if (!x.is(Kind::Object))
      return bad();
    std::vector<Value> pairs, keys;
    bool byValue = false;
    if (Filter(n.index) == Filter::Dictsort) {
      const Value &by = args.slot[1];
      if ((args.given[0] && !args.slot[0].is(Kind::Bool)) ||
          (args.given[2] && !args.slot[2].is(Kind::Bool)) ||
          (args.given[1] &&
           (!by.is(Kind::String) ||
            (by.asString() != "key" && by.asString() != "value"))))
        return fail(n.offset, "dictsort: case_sensitive and reverse must be "
                              "booleans, by 'key' or 'value'");
      byValue = by.asString() == "value";
    }
    for (const Object::Entry &entry : x.asObject().entries()) {
      Value key = Value::string(entry.first);
      keys.push_back(byValue ? entry.second : key);
      pairs.push_back(Value::array({key, entry.second}));
    }
    if (Filter(n.index) == Filter::Dictsort &&
        !sort(n, pairs, keys, args.slot[0].asBool(), args.slot[2].asBool()))
      return false;
    return array(std::move(pairs));
  }
  case Filter::String:
    if (isString || x.is(Kind::Undefined)) {
      out = isString ? x : Value::string("");
      return true;
    }
    if (x.is(Kind::Null))
      return string("None");
    {
      std::string printed;
      return text(n.offset, x, printed) && string(std::move(printed));
    }
  case Filter::Int:
  case Filter::Float: {
    bool integer = Filter(n.index) == Filter::Int;
    if (isString) {
      if (parseNumber(s, integer, out))
        return true;
      out = args.given[0] ? args.slot[0]
            : integer     ? Value::integer(0)
                          : Value::number(0.0);
      return true;
    }
    if (!x.isNumber() && !x.is(Kind::Bool))
      return bad();
    if (!integer)
      out = Value::number(x.asDouble());
    else if (!x.is(Kind::Double))
      out = Value::integer(x.is(Kind::Int) ? x.asInt() : x.asBool());
    else if (!std::isfinite(x.asDouble()))
      return fail(n.offset, "int: cannot convert an infinite or NaN float");
    else if (std::fabs(x.asDouble()) < 9.2e18)
      out = Value::integer(int64_t(std::trunc(x.asDouble())));
    else
      out = Value::number(std::trunc(x.asDouble()));
    return true;
  }
  case Filter::Indent: {
    if (!isString)
      return bad();
    const Value &width = args.slot[0];
    std::string pad;
    if (!args.given[0])
      pad = "    ";
    else if (width.is(Kind::Int))
      pad.assign(size_t(std::clamp<int64_t>(width.asInt(), 0, 256)), ' ');
    else if (width.is(Kind::String))
      pad = width.asString();
    else
      return fail(n.offset, "indent: width must be an integer or a string");
    std::string result;
    size_t start = 0;
    for (size_t line = 0;; ++line) {
      size_t end = s.find('\n', start);
      std::string_view piece(s.data() + start,
                             (end == std::string::npos ? s.size() : end) -
                                 start);
      if ((line > 0 || args.slot[1].truthy()) &&
          (!piece.empty() || args.slot[2].truthy()))
        result += pad;
      result.append(piece);
      if (end == std::string::npos)
        break;
      result += '\n';
      start = end + 1;
      if (result.size() > kMaxString)
        return fail(n.offset, "a string grows past 64 MiB");
    }
    return string(std::move(result));
  }
  case Filter::Join: {
    if (args.given[0] && !args.slot[0].is(Kind::String))
      return fail(n.offset, "join: the separator must be a string");
    if (!isString && !isArray)
      return bad();
    const std::string &separator = args.slot[0].asString();
    std::string result;
    if (isString) {
      for (size_t i = 0; i < s.size(); i += text::charLength(s, i)) {
        if (i > 0)
          result += separator;
        result.append(s, i, text::charLength(s, i));
        if (result.size() > kMaxString)
          return fail(n.offset, "a string grows past 64 MiB");
      }
      return string(std::move(result));
    }
    const std::vector<Value> &items = x.asArray();
    for (size_t i = 0; i < items.size(); ++i) {
      if (i > 0)
        result += separator;
      if (!items[i].isNothing() && !text(n.offset, items[i], result, true))
        return false;
    }
    return string(std::move(result));
  }
  case Filter::Replace: {
    const Value &count = args.slot[2];
    if (!isString)
      return bad();
    if (!args.slot[0].is(Kind::String) || !args.slot[1].is(Kind::String) ||
        (!count.isNothing() && !count.is(Kind::Int)))
      return fail(n.offset, "replace: needs two strings and an integer count");
    std::string result;
    if (!text::replace(s, args.slot[0].asString(), args.slot[1].asString(),
                       count.is(Kind::Int) ? count.asInt() : -1, kMaxString,
                       result))
      return fail(n.offset, "a string grows past 64 MiB");
    return string(std::move(result));
  }
  case Filter::Sort: {
    if (!isArray)
      return bad();
    const Value &attribute = args.slot[2];
    if ((args.given[0] && !args.slot[0].is(Kind::Bool)) ||
        (args.given[1] && !args.slot[1].is(Kind::Bool)) ||
        (!attribute.isNothing() && !attribute.is(Kind::String) &&
         !attribute.is(Kind::Int)))
      return fail(n.offset, "sort: reverse and case_sensitive must be "
                            "booleans, attribute a string or an integer");
    std::vector<Value> items = x.asArray(), keys;
    std::string path = attribute.is(Kind::Int)
                           ? std::to_string(attribute.asInt())
                           : attribute.asString();
    for (const Value &item : items)
      keys.push_back(attribute.isNothing() ? item : lookupPath(item, path));
    return sort(n, items, keys, args.slot[1].asBool(), args.slot[0].asBool()) &&
           array(std::move(items));
  }
  case Filter::Unique: {
    if (!isArray)
      return bad();
    std::vector<Value> kept;
    for (const Value &item : x.asArray()) {
      if (!charge(n.offset, kept.size()))
        return false;
      bool seen = false;
      for (const Value &other : kept) {
        const void *a = identity(item);
        seen = a || identity(other)
                   ? a == identity(other)
                   : strictEqual(item, other) ||
                         (item.is(Kind::Double) && other.is(Kind::Double) &&
                          std::isnan(item.asDouble()) &&
                          std::isnan(other.asDouble()));
        if (seen)
          break;
      }
      if (!seen)
        kept.push_back(item);
    }
    return array(std::move(kept));
  }
  case Filter::Map: {
    if (!isArray)
      return bad();
    if (!args.slot[0].is(Kind::String))
      return fail(n.offset, "map: attribute must be a string");
    std::vector<Value> mapped;
    for (const Value &item : x.asArray()) {
      if (!item.is(Kind::Object) && !item.is(Kind::Namespace))
        return fail(n.offset, std::string("map: items must be objects, not ") +
                                  item.kindName());
      Value value = lookupPath(item, args.slot[0].asString());
      mapped.push_back(value.is(Kind::Undefined) && args.given[1] ? args.slot[1]
                                                                  : value);
    }
    return array(std::move(mapped));
  }
  case Filter::Selectattr:
  case Filter::Rejectattr:
    return selectAttr(n, x, args, Filter(n.index) == Filter::Selectattr, out);
  }
  return fail(n.offset, "internal error: unknown filter");
}

} // namespace liquid::runtime::tmpl
