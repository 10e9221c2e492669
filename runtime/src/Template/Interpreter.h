//===- Interpreter.h - Renders a parsed template ----------------*- C++ -*-===//
//
// SPDX-License-Identifier: Apache-2.0
//
// One Interpreter renders one Program once. Scopes live on the C++ stack: a
// for loop and a macro call each open one, and `set` writes to the innermost.
// A macro closes over the scope it was defined in; it may not be stored in a
// namespace (the only value that outlives the scope it was made in), so a
// closure never outlives its scope. Namespaces belong to the interpreter.
//
// Every evaluation step, and every 8 bytes of string or element of array a
// template creates, costs a unit of work; a render may spend kMaxWork units,
// nest kMaxDepth evaluations deep, and make strings up to kMaxString bytes
// and arrays up to kMaxItems items.
//
//===----------------------------------------------------------------------===//

#ifndef LIQUID_RUNTIME_TEMPLATE_INTERPRETER_H
#define LIQUID_RUNTIME_TEMPLATE_INTERPRETER_H

#include "Template/Ast.h"

#include <deque>

namespace liquid::runtime::tmpl {

constexpr uint64_t kMaxWork = 20000000;
constexpr size_t kMaxItems = 1000000;
constexpr int kMaxDepth = 512;
constexpr size_t kMaxString = size_t(64) << 20;

struct Scope {
  explicit Scope(Scope *parent) : parent(parent) {}
  const Value *find(uint32_t symbol) const;
  void set(uint32_t symbol, Value value);

  Scope *parent;
  std::vector<std::pair<uint32_t, Value>> vars;
};

struct MacroClosure : Value::Heap {
  MacroClosure(int32_t node, Scope *scope) : node(node), scope(scope) {}
  int32_t node;
  Scope *scope;
};

/// A builtin's arguments by parameter slot (undefined where not given), and
/// the keywords of a builtin that takes any.
struct Args {
  Value slot[4];
  bool given[4] = {};
  std::vector<std::pair<uint32_t, Value>> keywords;
};

class Interpreter {
public:
  explicit Interpreter(const Program &program) : program_(program) {}

  bool render(const Value &context, std::string &out, std::string &error);

private:
  enum class Flow { Normal, Break, Continue, Error };

  const Node &node(int32_t id) const { return program_.nodes[size_t(id)]; }
  int32_t child(uint32_t list, uint32_t i) const {
    return program_.lists[list + i];
  }

  // Errors and budgets; each failing function returns false.
  bool fail(uint32_t offset, const std::string &what);
  bool charge(uint32_t offset, uint64_t units);
  bool makeString(uint32_t offset, std::string text, Value &out);
  bool makeArray(uint32_t offset, std::vector<Value> items, Value &out);
  /// Appends the text `{{ value }}` prints, or with `join` the text of an
  /// operand of + and ~ (see appendJoinText).
  bool text(uint32_t offset, const Value &value, std::string &out,
            bool join = false);

  // Statements (Interpreter.cpp).
  Flow block(uint32_t start, uint32_t count, Scope &scope, std::string &out);
  Flow statement(const Node &n, Scope &scope, std::string &out);
  Flow forLoop(const Node &n, Scope &scope, std::string &out);
  bool assign(int32_t target, const Value &value, Scope &scope);
  bool bindTarget(int32_t target, const Value &value, Scope &scope);

  // Expressions (Interpreter.cpp, Subscripts.cpp, Operators.cpp).
  bool eval(int32_t id, Scope &scope, Value &out);
  bool evalNode(const Node &n, Scope &scope, Value &out);
  void attribute(const Value &object, std::string_view name, Value &out);
  bool member(const Node &n, const Value &object, const Value &key, Value &out);
  bool slice(const Node &n, const Value &object, Scope &scope, Value &out);
  bool binary(const Node &n, Scope &scope, Value &out);
  bool arithmetic(const Node &n, Op op, const Value &a, const Value &b,
                  Value &out);
  bool unaryOp(const Node &n, const Value &operand, Value &out);
  bool callMacro(const Node &n, Scope &scope, Value &out);
  bool bind(const Node &n, Scope &scope, Args &args);

  // Builtins (Filters.cpp, Tests.cpp, Methods.cpp).
  bool filter(const Node &n, const Value &operand, Args &args, Value &out);
  bool test(const Node &n, Test test, const Value &value, const Value *other,
            bool &out);
  bool method(const Node &n, const Value &object, Args &args, Value &out);
  bool function(const Node &n, Args &args, Value &out);
  bool sort(const Node &n, std::vector<Value> &items,
            const std::vector<Value> &keys, bool caseSensitive, bool reverse);
  bool selectAttr(const Node &n, const Value &operand, Args &args, bool select,
                  Value &out);
  bool toJson(const Node &n, const Value &operand, Args &args, Value &out);

  const Program &program_;
  std::string error_;
  bool failed_ = false;
  uint64_t work_ = 0;
  int depth_ = 0;
  std::deque<Object> namespaces_;
};

} // namespace liquid::runtime::tmpl

#endif // LIQUID_RUNTIME_TEMPLATE_INTERPRETER_H
