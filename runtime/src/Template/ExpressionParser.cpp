//===- ExpressionParser.cpp - Template expressions ------------------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// This file implements the expressions of the Parser, with the reference
// renderer's precedence, loosest first: `x if c else y`; or; and; not;
// comparisons and (not) in; + - ~; * / // %; **; is-tests; |filters; unary
// + -; then .attr, [subscript], [slice] and calls. Every filter, test and
// method name and its arguments are checked against the tables of Ast.h.
//
//===----------------------------------------------------------------------===//

#include "Template/Parser.h"

#include <charconv>

namespace liquid::runtime::tmpl {

int32_t Parser::expression() {
  if (!enter())
    return -1;
  uint32_t start = offset();
  int32_t value = logical(/*isOr=*/true);
  if (value >= 0 && atName("if")) {
    ++pos_;
    int32_t condition = logical(/*isOr=*/true);
    if (condition < 0)
      return -1;
    int32_t otherwise = -1;
    if (atName("else")) {
      ++pos_;
      if ((otherwise = expression()) < 0)
        return -1;
    }
    int32_t id =
        add(otherwise >= 0 ? NodeKind::Ternary : NodeKind::Select, start);
    node(id).a = condition, node(id).b = value, node(id).c = otherwise;
    value = id;
  }
  --depth_;
  return value;
}

int32_t Parser::sequence(bool primaryOnly) {
  uint32_t start = offset();
  int32_t first = primaryOnly ? primary() : expression();
  if (first < 0 || !at(Tok::Comma))
    return first;
  std::vector<int32_t> items{first};
  while (at(Tok::Comma)) {
    ++pos_;
    int32_t next = primaryOnly ? primary() : expression();
    if (next < 0)
      return -1;
    items.push_back(next);
  }
  int32_t id = add(NodeKind::Tuple, start);
  Block b = list(items);
  node(id).list0 = b.start, node(id).count0 = b.count;
  return id;
}

int32_t Parser::makeBinary(Op op, int32_t a, int32_t b, uint32_t offset) {
  int32_t id = add(NodeKind::Binary, offset);
  node(id).op = uint8_t(op), node(id).a = a, node(id).b = b;
  return id;
}

int32_t Parser::logical(bool isOr) {
  int32_t left = isOr ? logical(false) : negation();
  while (left >= 0 && atName(isOr ? "or" : "and")) {
    uint32_t at = offset();
    ++pos_;
    int32_t right = isOr ? logical(false) : negation();
    if (right < 0)
      return -1;
    left = makeBinary(isOr ? Op::Or : Op::And, left, right, at);
  }
  return left;
}

int32_t Parser::negation() {
  if (!atName("not"))
    return comparison();
  uint32_t start = offset();
  ++pos_;
  if (!enter())
    return -1;
  int32_t operand = negation();
  --depth_;
  if (operand < 0)
    return -1;
  int32_t id = add(NodeKind::Unary, start);
  node(id).op = uint8_t(Op::Not), node(id).a = operand;
  return id;
}

int32_t Parser::comparison() {
  int32_t left = binary(0);
  while (left >= 0) {
    uint32_t at = offset();
    Op op;
    if (atName("not") && atName("in", 1)) {
      op = Op::NotIn;
      pos_ += 2;
    } else if (atName("in")) {
      op = Op::In;
      ++pos_;
    } else if (this->at(Tok::Comparison)) {
      const std::string &text = tokens_[pos_++].text;
      op = text == "=="   ? Op::Eq
           : text == "!=" ? Op::Ne
           : text == "<"  ? Op::Lt
           : text == ">"  ? Op::Gt
           : text == "<=" ? Op::Le
                          : Op::Ge;
    } else {
      break;
    }
    int32_t right = binary(0);
    if (right < 0)
      return -1;
    left = makeBinary(op, left, right, at);
  }
  return left;
}

/// Level 0: + - ~, level 1: * / // %, level 2: **.
int32_t Parser::binary(int level) {
  static const Tok kTokens[] = {Tok::Additive, Tok::Multiplicative, Tok::Power};
  int32_t left = level == 2 ? test() : binary(level + 1);
  while (left >= 0 && at(kTokens[level])) {
    uint32_t at = offset();
    const std::string &text = tokens_[pos_++].text;
    Op op = text == "+"    ? Op::Add
            : text == "-"  ? Op::Sub
            : text == "~"  ? Op::Concat
            : text == "*"  ? Op::Mul
            : text == "/"  ? Op::Div
            : text == "//" ? Op::FloorDiv
            : text == "%"  ? Op::Mod
                           : Op::Pow;
    int32_t right = level == 2 ? test() : binary(level + 1);
    if (right < 0)
      return -1;
    left = makeBinary(op, left, right, at);
  }
  return left;
}

int32_t Parser::test() {
  int32_t operand = filter();
  while (operand >= 0 && atName("is")) {
    uint32_t start = offset();
    ++pos_;
    bool negate = atName("not");
    if (negate)
      ++pos_;
    if (!at(Tok::Name))
      return failed(offset(),
                    "expected a test name after 'is', found " + describe());
    const std::string &name = tokens_[pos_].text;
    int test = kTests.find(name);
    if (test < 0)
      return failed(offset(), "unsupported test '" + name + "'");
    if (test == int(Test::Eq) || test == int(Test::Equalto))
      return failed(offset(),
                    "unsupported test '" + name + "' after 'is' (use ==)");
    ++pos_;
    int32_t id = add(NodeKind::Test, start);
    node(id).a = operand, node(id).index = uint32_t(test);
    node(id).op = negate;
    operand = id;
  }
  return operand;
}

int32_t Parser::filter() {
  int32_t operand = unary();
  while (operand >= 0 && at(Tok::Pipe)) {
    ++pos_;
    uint32_t start = offset();
    if (!at(Tok::Name))
      return failed(start,
                    "expected a filter name after '|', found " + describe());
    const std::string &name = tokens_[pos_].text;
    int filter = kFilters.find(name);
    if (filter < 0)
      return failed(start, "unsupported filter '" + name + "'");
    ++pos_;
    Block args;
    if (!arguments(&kFilters, filter, args))
      return -1;
    int32_t id = add(NodeKind::Filter, start);
    Node &n = node(id);
    n.a = operand, n.index = uint32_t(filter);
    n.list0 = args.start, n.count0 = args.count;
    operand = id;
  }
  return operand;
}

int32_t Parser::unary() {
  bool sign = (at(Tok::Unary) || at(Tok::Additive)) &&
              (tokens_[pos_].text == "-" || tokens_[pos_].text == "+");
  if (!sign)
    return postfix();
  uint32_t start = offset();
  Op op = tokens_[pos_++].text == "-" ? Op::Neg : Op::Pos;
  if (!enter())
    return -1;
  int32_t operand = unary();
  --depth_;
  if (operand < 0)
    return -1;
  int32_t id = add(NodeKind::Unary, start);
  node(id).op = uint8_t(op), node(id).a = operand;
  return id;
}

int32_t Parser::postfix() {
  int32_t value = primary();
  while (value >= 0) {
    uint32_t start = offset();
    if (at(Tok::Dot)) {
      ++pos_;
      if (at(Tok::Number) && tokens_[pos_].text.find_first_not_of(
                                 "0123456789") == std::string::npos) {
        int32_t index = primary();
        int32_t id = add(NodeKind::Subscript, start);
        node(id).a = value, node(id).b = index;
        value = id;
        continue;
      }
      if (!at(Tok::Name))
        return failed(offset(),
                      "expected a name after '.', found " + describe());
      uint32_t nameOffset = offset();
      const std::string &name = tokens_[pos_++].text;
      if (!at(Tok::LParen)) {
        int32_t id = add(NodeKind::Attribute, start);
        node(id).a = value, node(id).index = symbol(name);
        value = id;
        continue;
      }
      int method = kMethods.find(name);
      if (method < 0)
        return failed(nameOffset, "unsupported method '" + name + "'");
      Block args;
      if (!arguments(&kMethods, method, args))
        return -1;
      int32_t id = add(NodeKind::MethodCall, start);
      Node &n = node(id);
      n.a = value, n.index = uint32_t(method);
      n.list0 = args.start, n.count0 = args.count;
      value = id;
    } else if (at(Tok::LBracket)) {
      value = subscript(value);
    } else if (at(Tok::LParen)) {
      if (node(value).kind != NodeKind::Variable)
        return failed(start, "unsupported call: only macros, namespace, "
                             "raise_exception, range and methods (x.name()) "
                             "can be called");
      uint32_t name = node(value).index;
      Block args;
      if (!arguments(nullptr, -1, args))
        return -1;
      int32_t id = add(NodeKind::Call, node(value).offset);
      Node &n = node(id);
      n.index = name, n.list0 = args.start, n.count0 = args.count;
      calls_.push_back(id);
      value = id;
    } else {
      break;
    }
  }
  return value;
}

int32_t Parser::subscript(int32_t object) {
  uint32_t start = offset();
  ++pos_; // [
  std::vector<int32_t> parts;
  bool slice = false;
  while (!at(Tok::RBracket)) {
    if (pos_ >= tokens_.size())
      return failed(start, "'[' is never closed with ']'");
    if (at(Tok::Colon)) {
      parts.push_back(-1);
      ++pos_;
      slice = true;
      continue;
    }
    int32_t part = expression();
    if (part < 0)
      return -1;
    parts.push_back(part);
    if (at(Tok::Colon)) {
      ++pos_;
      slice = true;
    } else if (!at(Tok::RBracket)) {
      return failed(offset(), "expected ']' or ':', found " + describe());
    }
  }
  ++pos_; // ]
  if (parts.empty())
    return failed(start, "expected an index or a slice inside '[]'");
  if (!slice) {
    int32_t id = add(NodeKind::Subscript, start);
    node(id).a = object, node(id).b = parts[0];
    return id;
  }
  if (parts.size() > 3)
    return failed(start, "a slice takes at most 3 parts (start:stop:step)");
  parts.resize(3, -1);
  int32_t id = add(NodeKind::Slice, start);
  Block b = list(parts);
  node(id).a = object, node(id).list0 = b.start, node(id).count0 = 3;
  return id;
}

bool Parser::arguments(const BuiltinTable *table, int builtin, Block &out) {
  const char *name = table ? table->entries[builtin].name : nullptr;
  if (!at(Tok::LParen)) {
    if (table && table->entries[builtin].required > 0)
      return fail(offset(), std::string("'") + name + "' needs arguments");
    return true;
  }
  uint32_t start = offset();
  ++pos_;
  std::vector<int32_t> args;
  size_t positional = 0;
  bool keywords = false;
  while (!at(Tok::RParen)) {
    if (at(Tok::Power) ||
        (at(Tok::Multiplicative) && tokens_[pos_].text == "*"))
      return fail(offset(), "unsupported argument unpacking");
    int32_t arg = expression();
    if (arg < 0)
      return false;
    if (at(Tok::Equals)) {
      if (node(arg).kind != NodeKind::Variable)
        return fail(node(arg).offset, "expected a name before '='");
      ++pos_;
      int32_t value = expression();
      if (value < 0)
        return false;
      Node &keyword = node(arg);
      keyword.kind = NodeKind::Keyword;
      keyword.a = value;
      for (int32_t other : args)
        if (node(other).kind == NodeKind::Keyword &&
            node(other).index == keyword.index)
          return fail(keyword.offset, "keyword argument given twice");
      if (table) {
        int slot = table->param(builtin, program_.symbols[keyword.index]);
        if (slot < 0 || size_t(slot) < positional)
          return fail(keyword.offset, (slot < 0 ? "unsupported argument '"
                                                : "argument given twice: '") +
                                          program_.symbols[keyword.index] +
                                          "' of '" + name + "'");
        keyword.op = uint8_t(slot);
      }
      keywords = true;
    } else {
      if (keywords)
        return fail(node(arg).offset,
                    "positional argument after keyword arguments");
      ++positional;
    }
    args.push_back(arg);
    if (!at(Tok::RParen) && !expect(Tok::Comma, "',' or ')'"))
      return false;
    if (at(Tok::Comma))
      ++pos_;
  }
  ++pos_; // )
  if (table) {
    const Builtin &entry = table->entries[builtin];
    if ((entry.flags & kKeywordOnly) && positional > 0)
      return fail(start,
                  std::string("'") + name + "' takes keyword arguments only");
    if (positional > table->paramCount(builtin))
      return fail(start, std::string("too many arguments to '") + name + "'");
    if (args.size() < entry.required)
      return fail(start, std::string("too few arguments to '") + name + "'");
    if (entry.flags & kLiterals)
      for (size_t i = 0; i < args.size(); ++i) {
        const Node &arg = node(args[i]);
        if (arg.kind != NodeKind::Constant ||
            !program_.constants[arg.index].is(Value::Kind::String))
          return fail(arg.offset, std::string("the arguments of '") + name +
                                      "' must be string literals");
        const std::string &text = program_.constants[arg.index].asString();
        if (i == 1 && kTests.find(text) < 0)
          return fail(arg.offset, "unsupported test '" + text + "'");
      }
  }
  out = list(args);
  return true;
}

int32_t Parser::primary() {
  if (pos_ >= tokens_.size())
    return failed(offset(), "expected an expression, found " + describe());
  const Token &token = tokens_[pos_];
  uint32_t start = token.offset;
  switch (token.kind) {
  case Tok::Number: {
    ++pos_;
    const char *first = token.text.data(),
               *last = token.text.data() + token.text.size();
    if (token.text.find('.') == std::string::npos) {
      int64_t i;
      std::from_chars_result r = std::from_chars(first, last, i);
      if (r.ec == std::errc() && r.ptr == last)
        return constant(Value::integer(i), start);
    }
    double d = 0.0;
    std::from_chars_result r = std::from_chars(first, last, d);
    if (r.ec != std::errc() || r.ptr != last)
      return failed(start, "number out of range: " + token.text);
    return constant(Value::number(d), start);
  }
  case Tok::String: {
    std::string text;
    while (at(Tok::String))
      text += tokens_[pos_++].text;
    return constant(Value::string(std::move(text)), start);
  }
  case Tok::Name: {
    ++pos_;
    const std::string &name = token.text;
    if (name == "true" || name == "True")
      return constant(Value::boolean(true), start);
    if (name == "false" || name == "False")
      return constant(Value::boolean(false), start);
    if (name == "none" || name == "None")
      return constant(Value::null(), start);
    int32_t id = add(NodeKind::Variable, start);
    node(id).index = symbol(name);
    return id;
  }
  case Tok::LParen: {
    ++pos_;
    int32_t value = sequence(/*primaryOnly=*/false);
    if (value < 0 || !expect(Tok::RParen, "')'"))
      return -1;
    return value;
  }
  case Tok::LBracket:
  case Tok::LBrace: {
    bool isList = token.kind == Tok::LBracket;
    Tok close = isList ? Tok::RBracket : Tok::RBrace;
    ++pos_;
    std::vector<int32_t> items;
    while (!at(close)) {
      int32_t item = expression();
      if (item < 0)
        return -1;
      items.push_back(item);
      if (!isList) {
        if (!expect(Tok::Colon, "':' after a dict key"))
          return -1;
        if ((item = expression()) < 0)
          return -1;
        items.push_back(item);
      }
      if (!at(close) &&
          !expect(Tok::Comma, isList ? "',' or ']'" : "',' or '}'"))
        return -1;
      if (at(Tok::Comma))
        ++pos_;
    }
    ++pos_;
    int32_t id = add(isList ? NodeKind::List : NodeKind::Dict, start);
    Block b = list(items);
    node(id).list0 = b.start, node(id).count0 = b.count;
    return id;
  }
  default:
    return failed(start, "expected an expression, found " + describe());
  }
}

} // namespace liquid::runtime::tmpl
