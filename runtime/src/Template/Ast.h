//===- Ast.h - Parsed template: nodes and builtin names ---------*- C++ -*-===//
//
// SPDX-License-Identifier: Apache-2.0
//
// A parsed template is a Program: a flat pool of Nodes that refer to each
// other by index, with child lists stored contiguously in `lists`. Names
// (variables, attributes, keyword arguments) are interned as symbols. The
// filters, tests, methods and functions a template may use are closed sets
// named here; the parser resolves every name against them, so a template
// that needs anything else fails at compile time, not at render time.
//
//===----------------------------------------------------------------------===//

#ifndef LIQUID_RUNTIME_TEMPLATE_AST_H
#define LIQUID_RUNTIME_TEMPLATE_AST_H

#include "Template/Value.h"

#include <string>
#include <string_view>
#include <vector>

namespace liquid::runtime::tmpl {

enum class NodeKind : uint8_t {
  // Expressions.
  Constant,   ///< constants[index]
  Variable,   ///< symbol `index`
  List,       ///< [items...]: list0
  Tuple,      ///< (items...): list0
  Dict,       ///< {k: v, ...}: list0 holds k0, v0, k1, v1, ...
  Attribute,  ///< a.symbol[index]; a `.0` is a Subscript
  Subscript,  ///< a[b]
  Slice,      ///< a[b:c:d]; -1 where omitted (b, c, d in list0)
  Call,       ///< Function(index) or macro symbol (op = 1): args in list0
  MethodCall, ///< a.Method(index)(args in list0)
  Filter,     ///< a | Filter(index)(args in list0)
  Test,       ///< a is [not: op = 1] Test(index)
  Unary,      ///< Op(op) a
  Binary,     ///< a Op(op) b; And / Or short-circuit
  Ternary,    ///< b if a else c
  Select,     ///< b if a (undefined when false)
  Keyword,    ///< symbol[index] = a in an argument list; op: builtin slot
  // Statements.
  Text,   ///< constants[index] (a string)
  Output, ///< {{ a }}
  If,     ///< a: test, list0: then, list1: else
  For,    ///< a: target, b: iterable, c: filter or -1; list0, list1 (else)
  Set,    ///< a: target, b: value, or -1 with the body in list0
  Macro,  ///< symbol[index]; list0: Param nodes; list1: body
  Param,  ///< symbol[index], a: default or -1
  Break,
  Continue,
};

enum class Op : uint8_t {
  Add,
  Sub,
  Concat,
  Mul,
  Div,
  FloorDiv,
  Mod,
  Pow,
  Eq,
  Ne,
  Lt,
  Gt,
  Le,
  Ge,
  In,
  NotIn,
  And,
  Or,
  Not,
  Neg,
  Pos,
};

// The closed sets of builtins, each in the order of its name table below.
enum class Filter : uint8_t {
  Abs,
  Bool,
  Capitalize,
  Default,
  Dictsort,
  First,
  Float,
  Indent,
  Int,
  Items,
  Join,
  Last,
  Length,
  List,
  Lower,
  Map,
  Rejectattr,
  Replace,
  Reverse,
  Safe,
  Selectattr,
  Sort,
  String,
  Title,
  Tojson,
  Trim,
  Unique,
  Upper,
};
enum class Test : uint8_t {
  Boolean,
  Callable,
  Defined,
  Eq,
  Equalto,
  Even,
  False,
  Integer,
  Iterable,
  Lower,
  Mapping,
  None,
  Number,
  Odd,
  Sequence,
  String,
  True,
  Undefined,
  Upper,
};
enum class Method : uint8_t {
  Capitalize,
  Endswith,
  Get,
  Items,
  Keys,
  Lower,
  Lstrip,
  Replace,
  Rstrip,
  Split,
  Startswith,
  Strip,
  Title,
  Upper,
  Values,
};
enum class Function : uint8_t {
  Namespace,
  RaiseException,
  Range,
};

/// A builtin's name and parameters. Arguments bind like Python's: positional
/// ones in order, then keywords by parameter name; the parser checks them.
struct Builtin {
  const char *name;
  const char *params[4]; ///< nullptr-terminated
  uint8_t required;      ///< How many leading parameters must be given.
  uint8_t flags;
};
enum BuiltinFlags : uint8_t {
  kKeywordOnly = 1, ///< No positional arguments (tojson, map).
  kAnyKeyword = 2,  ///< Takes any keyword (namespace).
  kLiterals = 4,    ///< Only string literals (selectattr, rejectattr).
};

struct BuiltinTable {
  const Builtin *entries;
  size_t count;
  /// The index of `name`, or -1.
  int find(std::string_view name) const;
  /// The slot of keyword `name` in entries[index], or -1.
  int param(int index, std::string_view name) const;
  size_t paramCount(int index) const;
};
extern const BuiltinTable kFilters, kTests, kMethods, kFunctions;

struct Node {
  NodeKind kind;
  uint8_t op = 0;
  uint32_t offset = 0; ///< Source byte offset, for messages.
  int32_t a = -1, b = -1, c = -1;
  uint32_t index = 0;
  uint32_t list0 = 0, count0 = 0, list1 = 0, count1 = 0;
};

/// A span of node ids in Program::lists.
struct Block {
  uint32_t start = 0, count = 0;
};

struct Program {
  std::string source; ///< For "line:column" in render errors.
  std::vector<Node> nodes;
  std::vector<int32_t> lists;
  std::vector<Value> constants;
  std::vector<std::string> symbols;
  Block body;

  /// The symbol of `name`, or -1 when the template never names it.
  int32_t findSymbol(std::string_view name) const;
};

} // namespace liquid::runtime::tmpl

#endif // LIQUID_RUNTIME_TEMPLATE_AST_H
