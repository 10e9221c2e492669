//===- Operators.cpp - Unary and binary operators -------------------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// This file implements the operators with the reference renderer's rules:
// `and` / `or` short-circuit and return an operand; == compares values (see
// tmpl::equal); arithmetic and ordering work on numbers (int op int stays
// int unless it overflows, `/` is always a float, // and % follow Python's
// and JavaScript's rules: floor division, a remainder with the sign of the
// dividend); `~` joins any two values as text (undefined as nothing); `+`
// adds numbers, concatenates arrays, and joins text when either side is a
// string; `in` tests membership in an array, a substring or an object key,
// and is false for undefined. None and undefined fail everywhere else, as
// do mismatched types. Strings also compare with < > <= >= (byte order,
// which is code point order), which the reference rejects.
//
//===----------------------------------------------------------------------===//

#include "Template/Interpreter.h"

#include <cmath>

namespace liquid::runtime::tmpl {

namespace {

const char *opName(Op op) {
  static const char *const kNames[] = {
      "+", "-",  "~",  "*",  "/",      "//",  "%",  "**",  "==", "!=", "<",
      ">", "<=", ">=", "in", "not in", "and", "or", "not", "-",  "+"};
  return kNames[size_t(op)];
}

bool numericLike(const Value &v) {
  return v.isNumber() || v.is(Value::Kind::Bool);
}

/// Integer power; false when it overflows.
bool power(int64_t base, int64_t exponent, int64_t &out) {
  int64_t result = 1;
  while (exponent > 0) {
    if ((exponent & 1) && __builtin_mul_overflow(result, base, &result))
      return false;
    exponent >>= 1;
    if (exponent > 0 && __builtin_mul_overflow(base, base, &base))
      return false;
  }
  out = result;
  return true;
}

} // namespace

bool Interpreter::unaryOp(const Node &n, const Value &operand, Value &out) {
  bool negate = Op(n.op) == Op::Neg;
  switch (operand.kind()) {
  case Value::Kind::Bool:
    out = Value::integer(negate && operand.asBool() ? -1 : operand.asBool());
    return true;
  case Value::Kind::Int:
    if (negate && operand.asInt() == INT64_MIN)
      out = Value::bigInteger(-double(INT64_MIN));
    else
      out = Value::integer(negate ? -operand.asInt() : operand.asInt());
    return true;
  case Value::Kind::Double:
    out = operand;
    if (negate)
      out = operand.isInteger() ? Value::bigInteger(-operand.asDouble())
                                : Value::number(-operand.asDouble());
    return true;
  default:
    return fail(n.offset, std::string("bad operand for unary ") +
                              opName(Op(n.op)) + ": " + operand.kindName());
  }
}

bool Interpreter::arithmetic(const Node &n, Op op, const Value &a,
                             const Value &b, Value &out) {
  bool ints = !a.is(Value::Kind::Double) && !b.is(Value::Kind::Double);
  // Integers past int64 compute as doubles but remain integers.
  bool integers = a.isInteger() && b.isInteger();
  auto wide = [&](double d) {
    return integers && std::isfinite(d) ? Value::bigInteger(d)
                                        : Value::number(d);
  };
  // Booleans count as 0 and 1 (only ** takes them).
  int64_t x = !ints ? 0 : a.is(Value::Kind::Int) ? a.asInt() : a.asBool();
  int64_t y = !ints ? 0 : b.is(Value::Kind::Int) ? b.asInt() : b.asBool();
  double dx = a.asDouble(), dy = b.asDouble();
  int64_t r;
  switch (op) {
  case Op::Add:
  case Op::Sub:
  case Op::Mul: {
    bool overflow = true;
    if (ints)
      overflow = op == Op::Add   ? __builtin_add_overflow(x, y, &r)
                 : op == Op::Sub ? __builtin_sub_overflow(x, y, &r)
                                 : __builtin_mul_overflow(x, y, &r);
    if (!overflow)
      out = Value::integer(r);
    else
      out = wide(op == Op::Add ? dx + dy : op == Op::Sub ? dx - dy : dx * dy);
    return true;
  }
  case Op::Div:
    out = Value::number(dx / dy);
    return true;
  case Op::FloorDiv:
  case Op::Mod:
    if (!ints) {
      out = wide(op == Op::Mod ? std::fmod(dx, dy) : std::floor(dx / dy));
      return true;
    }
    if (y == 0)
      return fail(n.offset, "integer division or modulo by zero");
    if (x == INT64_MIN && y == -1) {
      out = op == Op::Mod ? Value::integer(0) : Value::bigInteger(-dx);
      return true;
    }
    r = op == Op::Mod ? x % y : x / y;
    if (op == Op::FloorDiv && x % y != 0 && ((x < 0) != (y < 0)))
      --r;
    out = Value::integer(r);
    return true;
  case Op::Lt:
    out = Value::boolean(ints ? x < y : dx < dy);
    return true;
  case Op::Gt:
    out = Value::boolean(ints ? x > y : dx > dy);
    return true;
  case Op::Le:
    out = Value::boolean(ints ? x <= y : dx <= dy);
    return true;
  case Op::Ge:
    out = Value::boolean(ints ? x >= y : dx >= dy);
    return true;
  case Op::Pow:
    if (dx == 0 && dy < 0)
      return fail(n.offset, "0 cannot be raised to a negative power");
    if (ints && y >= 0 && power(x, y, r)) {
      out = Value::integer(r);
      return true;
    }
    if (!std::isfinite(std::pow(dx, dy)))
      return fail(n.offset, "the result of ** is not a finite real number");
    out = dy >= 0 ? wide(std::pow(dx, dy)) : Value::number(std::pow(dx, dy));
    return true;
  default:
    return fail(n.offset, std::string("unsupported operand types for '") +
                              opName(op) + "': " + a.kindName() + " and " +
                              b.kindName());
  }
}

bool Interpreter::binary(const Node &n, Scope &scope, Value &out) {
  using Kind = Value::Kind;
  Op op = Op(n.op);
  Value left, right;
  if (!eval(n.a, scope, left))
    return false;
  if (op == Op::And || op == Op::Or) {
    if (left.truthy() == (op == Op::Or)) {
      out = std::move(left);
      return true;
    }
    return eval(n.b, scope, out);
  }
  if (!eval(n.b, scope, right))
    return false;
  bool membership = op == Op::In || op == Op::NotIn;
  auto joined = [&](bool skipUndefined) {
    std::string s;
    if ((!skipUndefined || !left.is(Kind::Undefined)) &&
        !text(n.offset, left, s, /*join=*/true))
      return false;
    if ((!skipUndefined || !right.is(Kind::Undefined)) &&
        !text(n.offset, right, s, /*join=*/true))
      return false;
    return makeString(n.offset, std::move(s), out);
  };
  auto result = [&](bool value) {
    out = Value::boolean(value);
    return true;
  };

  if (op == Op::Eq || op == Op::Ne)
    return result(equal(left, right) == (op == Op::Eq));
  if (left.isNumber() && right.isNumber() && op != Op::Concat)
    return arithmetic(n, op, left, right, out);
  if (left.is(Kind::Undefined) || right.is(Kind::Undefined)) {
    if (membership && right.is(Kind::Undefined))
      return result(op == Op::NotIn);
    if (op == Op::Concat && !left.is(Kind::Null) && !right.is(Kind::Null))
      return joined(/*skipUndefined=*/true);
    return fail(n.offset, std::string("cannot apply '") + opName(op) +
                              "' to undefined (a missing variable or key?)");
  }
  if (left.is(Kind::Null) || right.is(Kind::Null))
    return fail(n.offset,
                std::string("cannot apply '") + opName(op) + "' to none");
  if (op == Op::Concat)
    return joined(false);
  if (op == Op::Pow && numericLike(left) && numericLike(right))
    return arithmetic(n, op, left, right, out);
  if (op == Op::Add && left.is(Kind::Array) && right.is(Kind::Array)) {
    std::vector<Value> items = left.asArray();
    items.insert(items.end(), right.asArray().begin(), right.asArray().end());
    return makeArray(n.offset, std::move(items), out);
  }
  if (membership && right.is(Kind::Array)) {
    bool found = false;
    for (const Value &item : right.asArray())
      if ((found = strictEqual(item, left)))
        break;
    return result(found == (op == Op::In));
  }
  if (op == Op::Add && (left.is(Kind::String) || right.is(Kind::String)))
    return joined(false);
  if (left.is(Kind::String) && right.is(Kind::String)) {
    const std::string &a = left.asString(), &b = right.asString();
    switch (op) {
    case Op::In:
    case Op::NotIn:
      return result((b.find(a) != std::string::npos) == (op == Op::In));
    case Op::Lt:
      return result(a < b);
    case Op::Gt:
      return result(a > b);
    case Op::Le:
      return result(a <= b);
    case Op::Ge:
      return result(a >= b);
    default:
      break;
    }
  }
  if (membership && left.is(Kind::String) && right.is(Kind::Object))
    return result((right.asObject().find(left.asString()) != nullptr) ==
                  (op == Op::In));
  return fail(n.offset, std::string("unsupported operand types for '") +
                            opName(op) + "': " + left.kindName() + " and " +
                            right.kindName());
}

} // namespace liquid::runtime::tmpl
