//===- Value.cpp - Template values
//-----------------------------------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// This file implements Value and Object, equality, and the text a value
// prints as. Numbers print as the reference renderer prints them: integers
// in decimal, a float with an integral value with one decimal (2.0, -0.0),
// any other float as JavaScript's Number.prototype.toString (the shortest
// text that reads back the same double; an exponent below 1e-6 and from
// 1e21 up: 1e-7, 1.5e+21).
//
//===----------------------------------------------------------------------===//

#include "Template/Value.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <functional>

namespace liquid::runtime::tmpl {

namespace {

struct StringHeap : Value::Heap {
  explicit StringHeap(std::string text) : text(std::move(text)) {}
  std::string text;
};

struct ArrayHeap : Value::Heap {
  explicit ArrayHeap(std::vector<Value> items) : items(std::move(items)) {}
  std::vector<Value> items;
};

struct ObjectHeap : Value::Heap {
  explicit ObjectHeap(Object object) : object(std::move(object)) {}
  Object object;
};

const std::string kEmptyString;
const std::vector<Value> kEmptyArray;
const Object kEmptyObject;

} // namespace

Value Value::null() {
  Value v;
  v.kind_ = Kind::Null;
  return v;
}

Value Value::boolean(bool b) {
  Value v;
  v.kind_ = Kind::Bool;
  v.u_.b = b;
  return v;
}

Value Value::integer(int64_t i) {
  Value v;
  v.kind_ = Kind::Int;
  v.u_.i = i;
  return v;
}

Value Value::number(double d) {
  Value v;
  v.kind_ = Kind::Double;
  v.u_.d = d;
  return v;
}

Value Value::bigInteger(double d) {
  Value v = number(d);
  v.bigInteger_ = true;
  return v;
}

Value Value::string(std::string s) {
  Value v;
  v.kind_ = Kind::String;
  v.heap_ = std::make_shared<StringHeap>(std::move(s));
  return v;
}

Value Value::array(std::vector<Value> items) {
  Value v;
  v.kind_ = Kind::Array;
  v.depth_ = 1;
  for (const Value &item : items) {
    v.depth_ = std::max(v.depth_, item.depth_ + 1);
    v.holdsMacro_ |= item.holdsMacro_;
  }
  v.heap_ = std::make_shared<ArrayHeap>(std::move(items));
  return v;
}

Value Value::object(Object object) {
  Value v;
  v.kind_ = Kind::Object;
  v.depth_ = 1;
  for (const Object::Entry &entry : object.entries()) {
    v.depth_ = std::max(v.depth_, entry.second.depth_ + 1);
    v.holdsMacro_ |= entry.second.holdsMacro_;
  }
  v.heap_ = std::make_shared<ObjectHeap>(std::move(object));
  return v;
}

Value Value::nameSpace(Object *ns) {
  Value v;
  v.kind_ = Kind::Namespace;
  v.depth_ = 1;
  v.u_.ns = ns;
  return v;
}

Value Value::macro(std::shared_ptr<const Heap> closure) {
  Value v;
  v.kind_ = Kind::Macro;
  v.holdsMacro_ = true;
  v.heap_ = std::move(closure);
  return v;
}

double Value::asDouble() const {
  switch (kind_) {
  case Kind::Int:
    return double(u_.i);
  case Kind::Double:
    return u_.d;
  case Kind::Bool:
    return u_.b ? 1.0 : 0.0;
  default:
    return 0.0;
  }
}

const std::string &Value::asString() const {
  return kind_ == Kind::String ? static_cast<const StringHeap &>(*heap_).text
                               : kEmptyString;
}

const std::vector<Value> &Value::asArray() const {
  return kind_ == Kind::Array ? static_cast<const ArrayHeap &>(*heap_).items
                              : kEmptyArray;
}

const Object &Value::asObject() const {
  return kind_ == Kind::Object ? static_cast<const ObjectHeap &>(*heap_).object
                               : kEmptyObject;
}

bool Value::truthy() const {
  switch (kind_) {
  case Kind::Undefined:
  case Kind::Null:
    return false;
  case Kind::Bool:
    return u_.b;
  case Kind::Int:
    return u_.i != 0;
  case Kind::Double:
    return u_.d != 0.0 && !std::isnan(u_.d);
  case Kind::String:
    return !asString().empty();
  case Kind::Array:
    return !asArray().empty();
  case Kind::Object:
    return !asObject().empty();
  case Kind::Namespace:
  case Kind::Macro:
    return true;
  }
  return false;
}

const char *Value::kindName(Kind kind) {
  switch (kind) {
  case Kind::Undefined:
    return "undefined";
  case Kind::Null:
    return "null";
  case Kind::Bool:
    return "boolean";
  case Kind::Int:
    return "integer";
  case Kind::Double:
    return "float";
  case Kind::String:
    return "string";
  case Kind::Array:
    return "array";
  case Kind::Object:
    return "object";
  case Kind::Namespace:
    return "namespace";
  case Kind::Macro:
    return "macro";
  }
  return "value";
}

//===----------------------------------------------------------------------===//
// Object
//===----------------------------------------------------------------------===//

const Value *Object::find(std::string_view key) const {
  if (slots_.empty()) {
    for (const Entry &entry : entries_)
      if (entry.first == key)
        return &entry.second;
    return nullptr;
  }
  size_t mask = slots_.size() - 1;
  for (size_t h = std::hash<std::string_view>()(key) & mask;;
       h = (h + 1) & mask) {
    uint32_t slot = slots_[h];
    if (slot == 0)
      return nullptr;
    if (entries_[slot - 1].first == key)
      return &entries_[slot - 1].second;
  }
}

void Object::set(std::string_view key, Value value) {
  if (const Value *existing = find(key)) {
    const_cast<Value &>(*existing) = std::move(value);
    return;
  }
  entries_.emplace_back(std::string(key), std::move(value));
  if (!slots_.empty() && entries_.size() * 2 <= slots_.size())
    index(entries_.size() - 1);
  else if (entries_.size() > 16)
    rehash();
}

void Object::index(size_t entry) {
  size_t mask = slots_.size() - 1;
  size_t h = std::hash<std::string_view>()(entries_[entry].first) & mask;
  while (slots_[h] != 0)
    h = (h + 1) & mask;
  slots_[h] = uint32_t(entry + 1);
}

void Object::rehash() {
  size_t size = 16;
  while (size < entries_.size() * 4)
    size *= 2;
  slots_.assign(size, 0);
  for (size_t i = 0; i < entries_.size(); ++i)
    index(i);
}

//===----------------------------------------------------------------------===//
// Equality and printing
//===----------------------------------------------------------------------===//

bool equal(const Value &a, const Value &b) {
  using Kind = Value::Kind;
  auto numeric = [](const Value &v) {
    return v.isNumber() || v.is(Kind::Bool);
  };
  if (numeric(a) && numeric(b)) {
    if (a.is(Kind::Int) && b.is(Kind::Int))
      return a.asInt() == b.asInt();
    return a.asDouble() == b.asDouble();
  }
  if (a.isNothing() || b.isNothing())
    return a.isNothing() && b.isNothing();
  if (a.kind() != b.kind())
    return false;
  switch (a.kind()) {
  case Kind::String:
    return a.asString() == b.asString();
  case Kind::Array: {
    const std::vector<Value> &x = a.asArray(), &y = b.asArray();
    if (x.size() != y.size())
      return false;
    for (size_t i = 0; i < x.size(); ++i)
      if (!equal(x[i], y[i]))
        return false;
    return true;
  }
  case Kind::Object: {
    const Object &x = a.asObject(), &y = b.asObject();
    if (x.size() != y.size())
      return false;
    for (const Object::Entry &entry : x.entries()) {
      const Value *other = y.find(entry.first);
      if (!other || !equal(entry.second, *other))
        return false;
    }
    return true;
  }
  case Kind::Namespace:
    return a.asNamespace() == b.asNamespace();
  case Kind::Macro:
    return a.asMacro() == b.asMacro();
  default:
    return false;
  }
}

bool strictEqual(const Value &a, const Value &b) {
  if (a.isNumber() && b.isNumber())
    return equal(a, b);
  return a.kind() == b.kind() && equal(a, b);
}

void appendJsNumber(double d, std::string &out) {
  if (std::isnan(d)) {
    out += "NaN";
    return;
  }
  if (std::isinf(d)) {
    out += d < 0 ? "-Infinity" : "Infinity";
    return;
  }
  if (d == 0.0) {
    out += '0';
    return;
  }
  // The shortest round-trip digits, then JavaScript's layout of them.
  char buffer[64];
  std::to_chars_result r = std::to_chars(buffer, buffer + sizeof(buffer), d,
                                         std::chars_format::scientific);
  std::string_view text(buffer, size_t(r.ptr - buffer));
  if (text[0] == '-') {
    out += '-';
    text.remove_prefix(1);
  }
  size_t e = text.find('e');
  std::string digits(1, text[0]);
  if (e > 1)
    digits.append(text.substr(2, e - 2));
  int exponent = 0;
  std::string_view expText = text.substr(e + 1);
  bool negativeExp = expText[0] == '-';
  if (expText[0] == '-' || expText[0] == '+')
    expText.remove_prefix(1);
  std::from_chars(expText.data(), expText.data() + expText.size(), exponent);
  if (negativeExp)
    exponent = -exponent;
  int k = int(digits.size()), n = exponent + 1;
  if (k <= n && n <= 21) {
    out += digits;
    out.append(size_t(n - k), '0');
  } else if (0 < n && n <= 21) {
    out.append(digits, 0, size_t(n));
    out += '.';
    out.append(digits, size_t(n), std::string::npos);
  } else if (-6 < n && n <= 0) {
    out += "0.";
    out.append(size_t(-n), '0');
    out += digits;
  } else {
    out += digits[0];
    if (k > 1) {
      out += '.';
      out.append(digits, 1, std::string::npos);
    }
    out += 'e';
    out += n - 1 < 0 ? '-' : '+';
    out += std::to_string(std::abs(n - 1));
  }
}

bool appendText(const Value &value, std::string &out, std::string &error,
                size_t limit) {
  using Kind = Value::Kind;
  switch (value.kind()) {
  case Kind::Undefined:
  case Kind::Null:
    return true;
  case Kind::Bool:
    out += value.asBool() ? "true" : "false";
    return true;
  case Kind::Int:
    out += std::to_string(value.asInt());
    return true;
  case Kind::Double: {
    double d = value.asDouble();
    if (value.isInteger()) {
      appendJsNumber(d, out);
    } else if (d == 0.0 && std::signbit(d)) {
      out += "-0.0";
    } else if (std::isfinite(d) && d == std::floor(d) && std::fabs(d) < 1e21) {
      char buffer[32];
      std::to_chars_result r = std::to_chars(buffer, buffer + sizeof(buffer), d,
                                             std::chars_format::fixed, 1);
      out.append(buffer, r.ptr);
    } else {
      appendJsNumber(d, out);
    }
    return true;
  }
  case Kind::String:
    out += value.asString();
    return true;
  case Kind::Array:
  case Kind::Object:
  case Kind::Namespace: {
    JsonStyle style;
    style.undefinedAsNull = false;
    style.limit = limit;
    return writeJson(value, style, out, error);
  }
  case Kind::Macro:
    error = "cannot print a macro; call it";
    return false;
  }
  return true;
}

bool appendJoinText(const Value &value, std::string &out, std::string &error,
                    size_t limit) {
  using Kind = Value::Kind;
  switch (value.kind()) {
  case Kind::Double:
    appendJsNumber(value.asDouble(), out);
    return true;
  case Kind::Object:
  case Kind::Namespace:
    out += "[object Map]";
    return true;
  case Kind::Array: {
    const std::vector<Value> &items = value.asArray();
    for (size_t i = 0; i < items.size(); ++i) {
      if (i > 0)
        out += ',';
      if (items[i].isNothing())
        out += items[i].is(Kind::Null) ? "null" : "undefined";
      else if (!appendText(items[i], out, error, limit))
        return false;
      if (out.size() > limit) {
        error = "the text grows past " + std::to_string(limit) + " bytes";
        return false;
      }
    }
    return true;
  }
  default:
    return appendText(value, out, error, limit);
  }
}

} // namespace liquid::runtime::tmpl
