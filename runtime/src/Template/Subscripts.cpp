//===- Subscripts.cpp - Attributes, indexes and slices --------------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// This file implements `x.name`, `x[key]` and `x[start:stop:step]` as the
// reference renderer does: a string key reads an object's or namespace's
// key, the `length` of an array or string, and is undefined on anything
// else; an integer indexes an array or a string from either end (undefined
// when out of range) and fails on anything else; slices follow Python's
// rules over array items or string characters (a zero step gives nothing).
//
//===----------------------------------------------------------------------===//

#include "Template/Interpreter.h"
#include "Template/Text.h"

#include <algorithm>

namespace liquid::runtime::tmpl {

void Interpreter::attribute(const Value &object, std::string_view name,
                            Value &out) {
  using Kind = Value::Kind;
  out = Value();
  if (object.is(Kind::Object) || object.is(Kind::Namespace)) {
    const Object &map =
        object.is(Kind::Object) ? object.asObject() : *object.asNamespace();
    if (const Value *found = map.find(name))
      out = *found;
  } else if (object.is(Kind::Array) && name == "length") {
    out = Value::integer(int64_t(object.asArray().size()));
  } else if (object.is(Kind::String) && name == "length") {
    out = Value::integer(int64_t(text::length(object.asString())));
  }
}

bool Interpreter::member(const Node &n, const Value &object, const Value &key,
                         Value &out) {
  using Kind = Value::Kind;
  out = Value();
  if (key.is(Kind::String)) {
    attribute(object, key.asString(), out);
    return true;
  }
  if (object.is(Kind::Object) || object.is(Kind::Namespace))
    return fail(n.offset,
                std::string("cannot index an object with ") + key.kindName());
  bool isArray = object.is(Kind::Array);
  if (isArray || object.is(Kind::String)) {
    const std::string &s = object.asString();
    int64_t size =
        isArray ? int64_t(object.asArray().size()) : int64_t(text::length(s));
    if (!key.is(Kind::Int))
      return fail(n.offset, std::string("cannot index ") + object.kindName() +
                                " with " + key.kindName());
    int64_t i = key.asInt() < 0 ? key.asInt() + size : key.asInt();
    if (i < 0 || i >= size)
      return true;
    if (isArray) {
      out = object.asArray()[size_t(i)];
      return true;
    }
    size_t at = text::offsetOf(s, size_t(i));
    out = Value::string(s.substr(at, text::charLength(s, at)));
    return true;
  }
  return fail(n.offset, std::string("cannot index ") + object.kindName() +
                            " with " + key.kindName());
}

bool Interpreter::slice(const Node &n, const Value &object, Scope &scope,
                        Value &out) {
  bool isArray = object.is(Value::Kind::Array);
  if (!isArray && !object.is(Value::Kind::String))
    return fail(n.offset, std::string("can only slice an array or a "
                                      "string, not ") +
                              object.kindName());
  Value parts[3];
  for (uint32_t i = 0; i < 3; ++i) {
    int32_t id = child(n.list0, i);
    if (id >= 0 && !eval(id, scope, parts[i]))
      return false;
    if (!parts[i].is(Value::Kind::Int) && !parts[i].is(Value::Kind::Undefined))
      return fail(id >= 0 ? node(id).offset : n.offset,
                  std::string("slice bounds must be integers, not ") +
                      parts[i].kindName());
  }
  const std::string &s = object.asString();
  if (!charge(n.offset, s.size() / 8))
    return false;
  int64_t length =
      isArray ? int64_t(object.asArray().size()) : int64_t(text::length(s));
  bool hasStart = !parts[0].isNothing(), hasStop = !parts[1].isNothing();
  int64_t start = parts[0].asInt(), stop = parts[1].asInt();
  int64_t step = parts[2].isNothing() ? 1 : parts[2].asInt();
  if (step >= 0) {
    start = !hasStart   ? 0
            : start < 0 ? std::max<int64_t>(length + start, 0)
                        : std::min(start, length);
    stop = !hasStop   ? length
           : stop < 0 ? std::max<int64_t>(length + stop, 0)
                      : std::min(stop, length);
  } else {
    start = !hasStart   ? length - 1
            : start < 0 ? std::max<int64_t>(length + start, -1)
                        : std::min(start, length - 1);
    stop = !hasStop    ? -1
           : stop < -1 ? std::max<int64_t>(length + stop, -1)
                       : std::min(stop, length - 1);
  }
  // Item i is picked when it lies between start and stop and a whole
  // number of steps from start.
  auto picked = [&](int64_t i) {
    if (step > 0)
      return i >= start && i < stop && (i - start) % step == 0;
    return step < 0 && i <= start && i > stop && (start - i) % step == 0;
  };
  if (isArray) {
    std::vector<Value> items;
    const std::vector<Value> &all = object.asArray();
    for (int64_t k = 0; k < length; ++k) {
      int64_t i = step > 0 ? k : length - 1 - k;
      if (picked(i))
        items.push_back(all[size_t(i)]);
    }
    return makeArray(n.offset, std::move(items), out);
  }
  // Walk the characters forwards, or backwards for a negative step.
  std::string text;
  if (step > 0) {
    int64_t i = 0;
    for (size_t at = 0; at < s.size() && i < stop; ++i) {
      size_t size = text::charLength(s, at);
      if (picked(i))
        text.append(s, at, size);
      at += size;
    }
  } else if (step < 0) {
    int64_t i = length - 1;
    for (size_t end = s.size(); end > 0 && i > stop; --i) {
      size_t at = text::previous(s, end);
      if (picked(i))
        text.append(s, at, end - at);
      end = at;
    }
  }
  return makeString(n.offset, std::move(text), out);
}

} // namespace liquid::runtime::tmpl
