//===- Parser.cpp - Template statements and call resolution ---------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// This file implements tmpl::parse and the statements of the Parser: text,
// {{ output }}, if / elif / else, for / else, set (and set blocks), macro,
// break and continue. Calls are resolved once the whole template is read (a
// macro may be defined after its caller): a macro of the template, else one
// of the functions of Ast.h, whose arguments are checked here.
//
//===----------------------------------------------------------------------===//

#include "Template/Parser.h"

#include "Template/Template.h"

namespace liquid::runtime::tmpl {

std::string Parser::describe() const {
  if (pos_ >= tokens_.size())
    return "the end of the template";
  const Token &token = tokens_[pos_];
  switch (token.kind) {
  case Tok::Text:
    return "text";
  case Tok::Comment:
    return "a comment";
  case Tok::String:
    return "a string";
  case Tok::Name:
    return "'" + token.text + "'";
  default:
    return "'" + token.text + "'";
  }
}

uint32_t Parser::symbol(std::string_view name) {
  int32_t found = program_.findSymbol(name);
  if (found >= 0)
    return uint32_t(found);
  program_.symbols.emplace_back(name);
  return uint32_t(program_.symbols.size() - 1);
}

bool Parser::run() {
  std::vector<int32_t> body;
  while (pos_ < tokens_.size())
    if (!item(body))
      return false;
  program_.body = list(body);
  // Resolve calls by name: a macro of this template, else a function.
  for (int32_t id : calls_) {
    Node &call = node(id);
    bool isMacro = false;
    for (uint32_t macro : macros_)
      isMacro |= macro == call.index;
    if (isMacro) {
      call.op = 1;
      continue;
    }
    const std::string &name = program_.symbols[call.index];
    int function = kFunctions.find(name);
    if (function < 0)
      return fail(call.offset, "unsupported function '" + name +
                                   "': not a macro of this template nor one "
                                   "of namespace, raise_exception, range");
    Block args{call.list0, call.count0};
    for (uint32_t i = 0; i < args.count; ++i) {
      Node &arg = node(program_.lists[args.start + i]);
      if (arg.kind != NodeKind::Keyword)
        continue;
      int slot = kFunctions.param(function, program_.symbols[arg.index]);
      if (slot < 0 && !(kFunctions.entries[function].flags & kAnyKeyword))
        return fail(arg.offset, "unsupported argument '" +
                                    program_.symbols[arg.index] + "' of '" +
                                    name + "'");
      arg.op = uint8_t(slot < 0 ? 0 : slot);
    }
    size_t positional = 0;
    for (uint32_t i = 0; i < args.count; ++i)
      positional +=
          node(program_.lists[args.start + i]).kind != NodeKind::Keyword;
    if (positional > kFunctions.paramCount(function) ||
        positional + (args.count - positional) <
            kFunctions.entries[function].required)
      return fail(call.offset, "wrong number of arguments to '" + name + "'");
    call.index = uint32_t(function);
  }
  return true;
}

//===----------------------------------------------------------------------===//
// Statements
//===----------------------------------------------------------------------===//

bool Parser::item(std::vector<int32_t> &out) {
  const Token &token = tokens_[pos_];
  switch (token.kind) {
  case Tok::Comment:
    ++pos_;
    return true;
  case Tok::Text: {
    int32_t id = constant(Value::string(token.text), token.offset);
    node(id).kind = NodeKind::Text;
    ++pos_;
    out.push_back(id);
    return true;
  }
  case Tok::OpenExpression: {
    uint32_t start = token.offset;
    ++pos_;
    int32_t value = expression();
    if (value < 0 || !expect(Tok::CloseExpression, "'}}'"))
      return false;
    int32_t id = add(NodeKind::Output, start);
    node(id).a = value;
    out.push_back(id);
    return true;
  }
  case Tok::OpenStatement:
    return statement(out);
  default:
    return fail(token.offset, "unexpected " + describe());
  }
}

bool Parser::block(std::vector<int32_t> &out,
                   std::initializer_list<std::string_view> ends,
                   const char *owner, uint32_t start) {
  if (!enter())
    return false;
  while (!atStatement(ends)) {
    if (pos_ >= tokens_.size())
      return fail(start, std::string("'") + owner + "' is never closed with '" +
                             std::string(*(ends.end() - 1)) + "'");
    if (!item(out))
      return false;
  }
  --depth_;
  return true;
}

/// Consumes `{% name %}`.
bool Parser::expectEnd(const char *name, uint32_t start) {
  if (!atStatement({name}))
    return fail(start, std::string("expected '{% ") + name + " %}'");
  pos_ += 2;
  return expect(Tok::CloseStatement, "'%}'");
}

bool Parser::statement(std::vector<int32_t> &out) {
  uint32_t start = offset();
  ++pos_; // {%
  if (!at(Tok::Name))
    return fail(offset(), "expected a statement name, found " + describe());
  std::string name = tokens_[pos_++].text;
  int32_t id = -1;
  if (name == "if") {
    id = ifStatement(start);
    if (id >= 0 && !expectEnd("endif", start))
      return false;
  } else if (name == "for") {
    id = forStatement(start);
  } else if (name == "set") {
    id = setStatement(start);
  } else if (name == "macro") {
    id = macroStatement(start);
  } else if (name == "break" || name == "continue") {
    if (loops_ == 0)
      return fail(start, "'" + name + "' outside a for loop");
    id = add(name == "break" ? NodeKind::Break : NodeKind::Continue, start);
    if (!expect(Tok::CloseStatement, "'%}'"))
      return false;
  } else if (name == "elif" || name == "else" ||
             name.compare(0, 3, "end") == 0) {
    return fail(start, "'" + name + "' without a matching opening statement");
  } else {
    return fail(start, "unsupported statement '" + name + "'");
  }
  if (id < 0)
    return false;
  out.push_back(id);
  return true;
}

int32_t Parser::ifStatement(uint32_t start) {
  int32_t test = expression();
  if (test < 0 || !expect(Tok::CloseStatement, "'%}'"))
    return -1;
  std::vector<int32_t> then, otherwise;
  if (!block(then, {"elif", "else", "endif"}, "if", start))
    return -1;
  if (atStatement({"elif"})) {
    uint32_t elif = offset();
    pos_ += 2;
    if (!enter())
      return -1;
    int32_t nested = ifStatement(elif);
    --depth_;
    if (nested < 0)
      return -1;
    otherwise.push_back(nested);
  } else if (atStatement({"else"})) {
    pos_ += 2;
    if (!expect(Tok::CloseStatement, "'%}'") ||
        !block(otherwise, {"endif"}, "if", start))
      return -1;
  }
  int32_t id = add(NodeKind::If, start);
  Block a = list(then), b = list(otherwise);
  Node &n = node(id);
  n.a = test;
  n.list0 = a.start, n.count0 = a.count, n.list1 = b.start, n.count1 = b.count;
  return id;
}

int32_t Parser::forStatement(uint32_t start) {
  int32_t target = sequence(/*primaryOnly=*/true);
  if (target < 0)
    return -1;
  bool ok = node(target).kind == NodeKind::Variable;
  if (node(target).kind == NodeKind::Tuple) {
    ok = true;
    for (uint32_t i = 0; i < node(target).count0; ++i)
      ok &= node(program_.lists[node(target).list0 + i]).kind ==
            NodeKind::Variable;
  }
  if (!ok)
    return failed(node(target).offset, "a for loop target must be a name or "
                                       "names separated by commas");
  if (!atName("in"))
    return failed(offset(),
                  "expected 'in' after the loop variable, found " + describe());
  ++pos_;
  int32_t iterable = expression();
  if (iterable < 0)
    return -1;
  if (atName("recursive"))
    return failed(offset(), "unsupported recursive for loop");
  if (!expect(Tok::CloseStatement, "'%}'"))
    return -1;
  int32_t condition = -1;
  if (node(iterable).kind == NodeKind::Select) {
    condition = node(iterable).a;
    iterable = node(iterable).b;
  }
  std::vector<int32_t> body, otherwise;
  ++loops_;
  bool read = block(body, {"else", "endfor"}, "for", start);
  --loops_;
  if (!read)
    return -1;
  if (atStatement({"else"})) {
    pos_ += 2;
    if (!expect(Tok::CloseStatement, "'%}'") ||
        !block(otherwise, {"endfor"}, "for", start))
      return -1;
  }
  if (!expectEnd("endfor", start))
    return -1;
  int32_t id = add(NodeKind::For, start);
  Block a = list(body), b = list(otherwise);
  Node &n = node(id);
  n.a = target, n.b = iterable, n.c = condition;
  n.list0 = a.start, n.count0 = a.count, n.list1 = b.start, n.count1 = b.count;
  return id;
}

int32_t Parser::setStatement(uint32_t start) {
  int32_t target = sequence(/*primaryOnly=*/false);
  if (target < 0)
    return -1;
  const Node &t = node(target);
  bool ok = t.kind == NodeKind::Variable || t.kind == NodeKind::Attribute;
  if (t.kind == NodeKind::Tuple) {
    ok = true;
    for (uint32_t i = 0; i < t.count0; ++i)
      ok &= node(program_.lists[t.list0 + i]).kind == NodeKind::Variable;
  }
  if (!ok)
    return failed(t.offset, "can only set a name, names separated by "
                            "commas, or a namespace attribute (ns.name)");
  int32_t id = add(NodeKind::Set, start);
  node(id).a = target;
  if (at(Tok::Equals)) {
    ++pos_;
    int32_t value = sequence(/*primaryOnly=*/false);
    if (value < 0 || !expect(Tok::CloseStatement, "'%}'"))
      return -1;
    node(id).b = value;
    return id;
  }
  if (!expect(Tok::CloseStatement, "'=' or '%}'"))
    return -1;
  std::vector<int32_t> body;
  if (!block(body, {"endset"}, "set", start) || !expectEnd("endset", start))
    return -1;
  Block b = list(body);
  node(id).list0 = b.start, node(id).count0 = b.count;
  return id;
}

int32_t Parser::macroStatement(uint32_t start) {
  if (!at(Tok::Name))
    return failed(offset(), "expected a macro name, found " + describe());
  uint32_t name = symbol(tokens_[pos_++].text);
  if (!expect(Tok::LParen, "'(' after the macro name"))
    return -1;
  std::vector<int32_t> params;
  bool defaults = false;
  while (!at(Tok::RParen)) {
    if (!at(Tok::Name))
      return failed(offset(), "expected a parameter name, found " + describe());
    int32_t param = add(NodeKind::Param, offset());
    node(param).index = symbol(tokens_[pos_++].text);
    for (int32_t other : params)
      if (node(other).index == node(param).index)
        return failed(node(param).offset, "duplicate parameter name");
    if (at(Tok::Equals)) {
      ++pos_;
      int32_t value = expression();
      if (value < 0)
        return -1;
      node(param).a = value;
      defaults = true;
    } else if (defaults) {
      return failed(node(param).offset,
                    "a parameter without a default follows one with");
    }
    params.push_back(param);
    if (!at(Tok::RParen) && !expect(Tok::Comma, "',' or ')'"))
      return -1;
    if (at(Tok::Comma))
      ++pos_;
  }
  ++pos_; // )
  if (!expect(Tok::CloseStatement, "'%}'"))
    return -1;
  std::vector<int32_t> body;
  int loops = loops_;
  loops_ = 0;
  bool ok = block(body, {"endmacro"}, "macro", start);
  loops_ = loops;
  if (!ok || !expectEnd("endmacro", start))
    return -1;
  macros_.push_back(name);
  int32_t id = add(NodeKind::Macro, start);
  Block a = list(params), b = list(body);
  Node &n = node(id);
  n.index = name;
  n.list0 = a.start, n.count0 = a.count, n.list1 = b.start, n.count1 = b.count;
  return id;
}

bool parse(std::string_view source, Template &out, std::string &error) {
  error.clear();
  std::vector<Token> tokens;
  if (!tokenize(source, tokens, error))
    return false;
  auto program = std::make_shared<Program>();
  program->source.assign(source);
  if (!Parser(source, tokens, *program, error).run())
    return false;
  out.program = std::move(program);
  return true;
}

} // namespace liquid::runtime::tmpl
