//===- Value.h - Template values: JSON data and template kinds --*- C++ -*-===//
//
// SPDX-License-Identifier: Apache-2.0
//
// A Value is what a chat template reads and computes: undefined, null, bool,
// int64, double, UTF-8 string, array, or object with insertion-ordered keys
// (the JSON kinds a caller passes in), plus two kinds only the interpreter
// makes: a namespace (a mutable object it owns for one render) and a macro.
// Strings, arrays and objects are immutable and shared between copies, so a
// copy costs a reference count. Arrays and objects record their nesting depth
// (at most kMaxNesting): a value can never be too deep to print or destroy.
//
// parseJson / writeJson convert to and from JSON text the way the reference
// renderer (@huggingface/jinja on Node.js) does: a number without a fraction
// becomes an Int, and `tojson` writes `{"a": 1, "b": [1, 2]}` (", " and ": "
// separators, keys in insertion order, non-ASCII as is, numbers as
// JavaScript prints them).
//
//===----------------------------------------------------------------------===//

#ifndef LIQUID_RUNTIME_TEMPLATE_VALUE_H
#define LIQUID_RUNTIME_TEMPLATE_VALUE_H

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace liquid::runtime::tmpl {

class Object;

/// The deepest nesting of arrays and objects in JSON input, in values a
/// template builds, and in what `tojson` writes.
constexpr uint32_t kMaxNesting = 256;

class Value {
public:
  enum class Kind : uint8_t {
    Undefined,
    Null,
    Bool,
    Int,
    Double,
    String,
    Array,
    Object,
    Namespace,
    Macro,
  };

  /// Shared storage of strings, arrays, objects and macros.
  struct Heap {
    virtual ~Heap() = default;
  };

  Value() = default; // undefined
  static Value null();
  static Value boolean(bool b);
  static Value integer(int64_t i);
  static Value number(double d);
  /// An integer past int64, held as a double: what the reference makes of
  /// such a JSON number or an overflowing int. Prints without ".0".
  static Value bigInteger(double d);
  static Value string(std::string s);
  static Value array(std::vector<Value> items);
  static Value object(Object object);
  /// A namespace the interpreter owns; valid for one render.
  static Value nameSpace(Object *ns);
  /// A macro closure (see Interpreter.h).
  static Value macro(std::shared_ptr<const Heap> closure);

  Kind kind() const { return kind_; }
  bool is(Kind kind) const { return kind_ == kind; }
  bool isNumber() const { return kind_ == Kind::Int || kind_ == Kind::Double; }
  /// An Int, or a Double made by bigInteger().
  bool isInteger() const { return kind_ == Kind::Int || bigInteger_; }
  /// Undefined or null: what `{{ }}` prints as nothing.
  bool isNothing() const {
    return kind_ == Kind::Undefined || kind_ == Kind::Null;
  }

  bool asBool() const { return u_.b; }
  int64_t asInt() const { return u_.i; }
  /// The number of an Int or Double, or a Bool as 0 or 1.
  double asDouble() const;
  const std::string &asString() const;
  const std::vector<Value> &asArray() const;
  const Object &asObject() const;
  Object *asNamespace() const { return u_.ns; }
  const Heap *asMacro() const { return heap_.get(); }

  /// 1 + the deepest element for arrays and objects, 1 for a namespace, 0
  /// for the rest.
  uint32_t depth() const { return depth_; }
  /// True when this is a macro or an array or object holding one.
  bool holdsMacro() const { return holdsMacro_; }

  /// Python truthiness: false, 0, 0.0, NaN, "", [], {}, null and undefined
  /// are false.
  bool truthy() const;

  /// "undefined", "null", "boolean", "integer", "float", "string", "array",
  /// "object", "namespace" or "macro", for messages.
  static const char *kindName(Kind kind);
  const char *kindName() const { return kindName(kind_); }

private:
  Kind kind_ = Kind::Undefined;
  bool holdsMacro_ = false;
  bool bigInteger_ = false;
  uint32_t depth_ = 0;
  union {
    int64_t i; // First, so that u_{} zeroes all eight bytes.
    double d;
    bool b;
    Object *ns;
  } u_{};
  std::shared_ptr<const Heap> heap_;
};

/// String-keyed map that keeps insertion order; setting an existing key
/// keeps its position (as JavaScript objects and Python dicts do).
class Object {
public:
  using Entry = std::pair<std::string, Value>;

  size_t size() const { return entries_.size(); }
  bool empty() const { return entries_.empty(); }
  const std::vector<Entry> &entries() const { return entries_; }
  const Value *find(std::string_view key) const;
  void set(std::string_view key, Value value);
  void reserve(size_t size) { entries_.reserve(size); }

private:
  void index(size_t entry);
  void rehash();

  std::vector<Entry> entries_;
  /// Open-addressed hash of entry index + 1 (0: empty), built past 16 keys.
  std::vector<uint32_t> slots_;
};

/// How writeJson lays out its text: the keyword arguments of `tojson`.
struct JsonStyle {
  int indent = 0; ///< > 0: one item per line, indented this many spaces.
  bool ensureAscii = false;
  bool sortKeys = false;
  std::string itemSeparator = ", ";
  std::string keySeparator = ": ";
  /// false: undefined writes `undefined` (how `{{ [x] }}` prints).
  bool undefinedAsNull = true;
  /// writeJson fails once the text it writes would pass this many bytes.
  size_t limit = SIZE_MAX;
};

/// Parses RFC 8259 JSON text (UTF-8, nesting at most kMaxNesting). An
/// integral number that fits int64 becomes an Int.
bool parseJson(std::string_view text, Value &out, std::string &error);

/// Appends `value` as JSON. Fails on a macro, on nesting deeper than
/// kMaxNesting (a namespace can hold itself) or past style.limit bytes.
bool writeJson(const Value &value, const JsonStyle &style, std::string &out,
               std::string &error);

/// Appends what `{{ value }}` prints: strings as they are, true / false,
/// integers, floats as the reference prints them (1.0, 0.5, 1e-7), arrays and
/// objects as JSON, undefined and null as nothing.
bool appendText(const Value &value, std::string &out, std::string &error,
                size_t limit = SIZE_MAX);

/// Appends `value` as the reference converts an operand of `+` and `~` (and
/// an item of `join`) to text: JavaScript's String() of the value under it.
/// It differs from appendText in three ways: a float never gets a ".0" (2.0
/// joins as "2"), an array joins its items' appendText with "," and no
/// brackets (null and undefined items read "null", "undefined"), and an
/// object or namespace reads "[object Map]". Python would raise a TypeError
/// for the last two.
bool appendJoinText(const Value &value, std::string &out, std::string &error,
                    size_t limit = SIZE_MAX);

/// Appends `d` as JavaScript's Number.prototype.toString writes it.
void appendJsNumber(double d, std::string &out);

/// Structural equality (`==`): numbers and booleans by value, strings by
/// bytes, null equals undefined, arrays and objects element by element,
/// namespaces and macros by identity.
bool equal(const Value &a, const Value &b);

/// JavaScript's ===, as `in` and the eq test of the reference use it: like
/// equal(), but a boolean never equals a number nor null undefined.
bool strictEqual(const Value &a, const Value &b);

} // namespace liquid::runtime::tmpl

#endif // LIQUID_RUNTIME_TEMPLATE_VALUE_H
