//===- Interpreter.cpp - Statements, expressions and macro calls ----------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// This file implements tmpl::render and the Interpreter's statements and
// expression dispatch. Semantics follow the reference renderer: a for loop
// iterates an array, or an object's keys, in a new scope that every
// iteration shares; macros take positional then keyword arguments and
// evaluate defaults in their own scope. Where the reference fails with a
// JavaScript artifact, this follows Jinja: iterating undefined yields
// nothing, and a for loop's else block runs only when there was nothing to
// iterate (the reference also runs it when every iteration ends in break or
// continue).
//
//===----------------------------------------------------------------------===//

#include "Template/Interpreter.h"

#include "Template/Lexer.h"
#include "Template/Template.h"
#include "Template/Text.h"

namespace liquid::runtime::tmpl {

const Value *Scope::find(uint32_t symbol) const {
  for (const Scope *scope = this; scope; scope = scope->parent)
    for (const auto &var : scope->vars)
      if (var.first == symbol)
        return &var.second;
  return nullptr;
}

void Scope::set(uint32_t symbol, Value value) {
  for (auto &var : vars)
    if (var.first == symbol) {
      var.second = std::move(value);
      return;
    }
  vars.emplace_back(symbol, std::move(value));
}

bool render(const Template &tmpl, const Value &context, std::string &out,
            std::string &error) {
  error.clear();
  if (!tmpl.program) {
    error = "the template was not parsed";
    return false;
  }
  if (!context.isNothing() && !context.is(Value::Kind::Object)) {
    error =
        std::string("the context must be an object, not ") + context.kindName();
    return false;
  }
  if (context.holdsMacro()) {
    error = "the context must hold JSON values only";
    return false;
  }
  std::string text;
  if (!Interpreter(*tmpl.program).render(context, text, error))
    return false;
  out = std::move(text);
  return true;
}

bool Interpreter::render(const Value &context, std::string &out,
                         std::string &error) {
  Scope root(nullptr);
  for (const Object::Entry &entry : context.asObject().entries()) {
    int32_t symbol = program_.findSymbol(entry.first);
    if (symbol >= 0)
      root.set(uint32_t(symbol), entry.second);
  }
  if (block(program_.body.start, program_.body.count, root, out) ==
      Flow::Error) {
    error = error_;
    return false;
  }
  return true;
}

//===----------------------------------------------------------------------===//
// Errors and budgets
//===----------------------------------------------------------------------===//

bool Interpreter::fail(uint32_t offset, const std::string &what) {
  if (!failed_) {
    error_ = location(program_.source, offset) + ": " + what;
    failed_ = true;
  }
  return false;
}

bool Interpreter::charge(uint32_t offset, uint64_t units) {
  work_ += units;
  if (work_ <= kMaxWork)
    return true;
  return fail(offset, "rendering takes more than 20000000 steps; stopped");
}

bool Interpreter::makeString(uint32_t offset, std::string text, Value &out) {
  if (text.size() > kMaxString)
    return fail(offset, "a string grows past 64 MiB");
  if (!charge(offset, text.size() / 8))
    return false;
  out = Value::string(std::move(text));
  return true;
}

bool Interpreter::makeArray(uint32_t offset, std::vector<Value> items,
                            Value &out) {
  if (items.size() > kMaxItems)
    return fail(offset, "an array grows past 1000000 items");
  if (!charge(offset, items.size()))
    return false;
  out = Value::array(std::move(items));
  if (out.depth() > kMaxNesting)
    return fail(offset, "arrays and objects nest deeper than 256 levels");
  return true;
}

bool Interpreter::text(uint32_t offset, const Value &value, std::string &out,
                       bool join) {
  std::string error;
  if (!(join ? appendJoinText(value, out, error, kMaxString)
             : appendText(value, out, error, kMaxString)))
    return fail(offset, error);
  if (out.size() > kMaxString)
    return fail(offset, "the text grows past 64 MiB");
  return true;
}

//===----------------------------------------------------------------------===//
// Statements
//===----------------------------------------------------------------------===//

Interpreter::Flow Interpreter::block(uint32_t start, uint32_t count,
                                     Scope &scope, std::string &out) {
  if (++depth_ > kMaxDepth) {
    fail(count ? node(child(start, 0)).offset : 0,
         "templates and macros nest deeper than 512 levels");
    return Flow::Error;
  }
  for (uint32_t i = 0; i < count; ++i) {
    Flow flow = statement(node(child(start, i)), scope, out);
    if (flow != Flow::Normal) {
      --depth_;
      return flow;
    }
  }
  --depth_;
  return Flow::Normal;
}

Interpreter::Flow Interpreter::statement(const Node &n, Scope &scope,
                                         std::string &out) {
  if (!charge(n.offset, 1))
    return Flow::Error;
  Value value;
  switch (n.kind) {
  case NodeKind::Text:
    out += program_.constants[n.index].asString();
    if (out.size() <= kMaxString)
      return Flow::Normal;
    fail(n.offset, "the output grows past 64 MiB");
    return Flow::Error;
  case NodeKind::Output:
    if (!eval(n.a, scope, value) || !text(n.offset, value, out))
      return Flow::Error;
    return Flow::Normal;
  case NodeKind::If:
    if (!eval(n.a, scope, value))
      return Flow::Error;
    return value.truthy() ? block(n.list0, n.count0, scope, out)
                          : block(n.list1, n.count1, scope, out);
  case NodeKind::For:
    return forLoop(n, scope, out);
  case NodeKind::Set:
    if (n.b >= 0) {
      if (!eval(n.b, scope, value))
        return Flow::Error;
    } else {
      std::string body;
      Flow flow = block(n.list0, n.count0, scope, body);
      if (flow != Flow::Normal)
        return flow;
      if (!makeString(n.offset, std::move(body), value))
        return Flow::Error;
    }
    return assign(n.a, value, scope) ? Flow::Normal : Flow::Error;
  case NodeKind::Macro: {
    int32_t id = int32_t(&n - program_.nodes.data());
    scope.set(n.index,
              Value::macro(std::make_shared<MacroClosure>(id, &scope)));
    return Flow::Normal;
  }
  case NodeKind::Break:
    return Flow::Break;
  case NodeKind::Continue:
    return Flow::Continue;
  default:
    fail(n.offset, "internal error: not a statement");
    return Flow::Error;
  }
}

bool Interpreter::bindTarget(int32_t target, const Value &value, Scope &scope) {
  const Node &t = node(target);
  if (t.kind == NodeKind::Variable) {
    scope.set(t.index, value);
    return true;
  }
  const std::vector<Value> &items = value.asArray();
  if (!value.is(Value::Kind::Array))
    return fail(t.offset, std::string("cannot unpack ") + value.kindName() +
                              " into names");
  if (items.size() != t.count0)
    return fail(t.offset, "cannot unpack " + std::to_string(items.size()) +
                              " items into " + std::to_string(t.count0) +
                              " names");
  for (uint32_t i = 0; i < t.count0; ++i)
    scope.set(node(child(t.list0, i)).index, items[i]);
  return true;
}

bool Interpreter::assign(int32_t target, const Value &value, Scope &scope) {
  const Node &t = node(target);
  if (t.kind != NodeKind::Attribute)
    return bindTarget(target, value, scope);
  Value object;
  if (!eval(t.a, scope, object))
    return false;
  if (!object.is(Value::Kind::Namespace))
    return fail(t.offset, std::string("can only set attributes of a "
                                      "namespace, not of ") +
                              object.kindName());
  if (value.holdsMacro())
    return fail(t.offset, "cannot store a macro in a namespace");
  object.asNamespace()->set(program_.symbols[t.index], value);
  return true;
}

Interpreter::Flow Interpreter::forLoop(const Node &n, Scope &scope,
                                       std::string &out) {
  Scope loop(&scope);
  Value iterable;
  if (!eval(n.b, loop, iterable))
    return Flow::Error;
  // `iterable` keeps the array alive; keys and filtered items go to `own`.
  std::vector<Value> own;
  const std::vector<Value> *list = &own;
  if (iterable.is(Value::Kind::Array)) {
    list = &iterable.asArray();
  } else if (iterable.is(Value::Kind::Object)) {
    for (const Object::Entry &entry : iterable.asObject().entries())
      own.push_back(Value::string(entry.first));
  } else if (!iterable.is(Value::Kind::Undefined)) {
    fail(node(n.b).offset,
         std::string("cannot iterate over ") + iterable.kindName());
    return Flow::Error;
  }
  if (!charge(n.offset, list->size()))
    return Flow::Error;
  const Node &target = node(n.a);
  if (target.kind == NodeKind::Tuple)
    for (const Value &item : *list)
      if (!item.is(Value::Kind::Array) ||
          item.asArray().size() != target.count0) {
        bindTarget(n.a, item, loop); // Fails, with the message.
        return Flow::Error;
      }
  if (n.c >= 0) {
    std::vector<Value> kept;
    for (const Value &item : *list) {
      Scope test(&loop);
      Value keep;
      if (!bindTarget(n.a, item, test) || !eval(n.c, test, keep))
        return Flow::Error;
      if (keep.truthy())
        kept.push_back(item);
    }
    own = std::move(kept);
    list = &own;
  }
  const std::vector<Value> &items = *list;
  static const char *const kKeys[] = {"index",     "index0",   "revindex",
                                      "revindex0", "first",    "last",
                                      "length",    "previtem", "nextitem"};
  uint32_t loopSymbol = ~0u;
  if (int32_t symbol = program_.findSymbol("loop"); symbol >= 0)
    loopSymbol = uint32_t(symbol);
  int64_t length = int64_t(items.size());
  for (int64_t i = 0; i < length; ++i) {
    if (loopSymbol != ~0u) {
      const Value values[] = {
          Value::integer(i + 1),
          Value::integer(i),
          Value::integer(length - i),
          Value::integer(length - i - 1),
          Value::boolean(i == 0),
          Value::boolean(i == length - 1),
          Value::integer(length),
          i > 0 ? items[size_t(i - 1)] : Value(),
          i + 1 < length ? items[size_t(i + 1)] : Value(),
      };
      Object info;
      info.reserve(9);
      for (size_t k = 0; k < 9; ++k)
        info.set(kKeys[k], values[k]);
      loop.set(loopSymbol, Value::object(std::move(info)));
    }
    if (!bindTarget(n.a, items[size_t(i)], loop))
      return Flow::Error;
    Flow flow = block(n.list0, n.count0, loop, out);
    if (flow == Flow::Error)
      return flow;
    if (flow == Flow::Break)
      break;
  }
  if (length == 0)
    return block(n.list1, n.count1, loop, out);
  return Flow::Normal;
}

//===----------------------------------------------------------------------===//
// Expressions
//===----------------------------------------------------------------------===//

bool Interpreter::eval(int32_t id, Scope &scope, Value &out) {
  const Node &n = node(id);
  if (++depth_ > kMaxDepth)
    return fail(n.offset, "expressions and macros nest deeper than 512 levels");
  bool ok = charge(n.offset, 1) && evalNode(n, scope, out);
  --depth_;
  return ok;
}

bool Interpreter::evalNode(const Node &n, Scope &scope, Value &out) {
  Value a, b;
  switch (n.kind) {
  case NodeKind::Constant:
    out = program_.constants[n.index];
    return true;
  case NodeKind::Variable: {
    const Value *found = scope.find(n.index);
    out = found ? *found : Value();
    return true;
  }
  case NodeKind::List:
  case NodeKind::Tuple: {
    std::vector<Value> items(n.count0);
    for (uint32_t i = 0; i < n.count0; ++i)
      if (!eval(child(n.list0, i), scope, items[i]))
        return false;
    return makeArray(n.offset, std::move(items), out);
  }
  case NodeKind::Dict: {
    Object object;
    for (uint32_t i = 0; i + 1 < n.count0; i += 2) {
      if (!eval(child(n.list0, i), scope, a) ||
          !eval(child(n.list0, i + 1), scope, b))
        return false;
      if (!a.is(Value::Kind::String))
        return fail(node(child(n.list0, i)).offset,
                    std::string("dict keys must be strings, not ") +
                        a.kindName());
      object.set(a.asString(), std::move(b));
    }
    if (!charge(n.offset, object.size()))
      return false;
    out = Value::object(std::move(object));
    if (out.depth() > kMaxNesting)
      return fail(n.offset, "arrays and objects nest deeper than 256 levels");
    return true;
  }
  case NodeKind::Attribute:
    if (!eval(n.a, scope, a))
      return false;
    attribute(a, program_.symbols[n.index], out);
    return true;
  case NodeKind::Subscript:
    return eval(n.a, scope, a) && eval(n.b, scope, b) && member(n, a, b, out);
  case NodeKind::Slice:
    return eval(n.a, scope, a) && slice(n, a, scope, out);
  case NodeKind::Call: {
    if (n.op == 1)
      return callMacro(n, scope, out);
    Args args;
    return bind(n, scope, args) && function(n, args, out);
  }
  case NodeKind::MethodCall: {
    Args args;
    return eval(n.a, scope, a) && bind(n, scope, args) &&
           method(n, a, args, out);
  }
  case NodeKind::Filter: {
    Args args;
    return eval(n.a, scope, a) && bind(n, scope, args) &&
           filter(n, a, args, out);
  }
  case NodeKind::Test: {
    bool result;
    if (!eval(n.a, scope, a) || !test(n, Test(n.index), a, nullptr, result))
      return false;
    out = Value::boolean(result != (n.op != 0));
    return true;
  }
  case NodeKind::Unary:
    if (!eval(n.a, scope, a))
      return false;
    if (Op(n.op) == Op::Not) {
      out = Value::boolean(!a.truthy());
      return true;
    }
    return unaryOp(n, a, out);
  case NodeKind::Binary:
    return binary(n, scope, out);
  case NodeKind::Ternary:
  case NodeKind::Select:
    if (!eval(n.a, scope, a))
      return false;
    if (a.truthy())
      return eval(n.b, scope, out);
    if (n.c >= 0)
      return eval(n.c, scope, out);
    out = Value();
    return true;
  default:
    return fail(n.offset, "internal error: not an expression");
  }
}

bool Interpreter::bind(const Node &n, Scope &scope, Args &args) {
  bool anyKeyword =
      n.kind == NodeKind::Call && Function(n.index) == Function::Namespace;
  uint32_t positional = 0;
  for (uint32_t i = 0; i < n.count0; ++i) {
    const Node &arg = node(child(n.list0, i));
    Value value;
    if (arg.kind == NodeKind::Keyword) {
      if (!eval(arg.a, scope, value))
        return false;
      if (anyKeyword) {
        args.keywords.emplace_back(arg.index, std::move(value));
      } else {
        args.slot[arg.op] = std::move(value);
        args.given[arg.op] = true;
      }
      continue;
    }
    if (!eval(child(n.list0, i), scope, value))
      return false;
    if (positional < 4) {
      args.slot[positional] = std::move(value);
      args.given[positional] = true;
    }
    ++positional;
  }
  return true;
}

bool Interpreter::callMacro(const Node &n, Scope &scope, Value &out) {
  const std::string &name = program_.symbols[n.index];
  const Value *found = scope.find(n.index);
  if (!found || !found->is(Value::Kind::Macro))
    return fail(n.offset, "'" + name + "' is not a macro here (it is " +
                              (found ? found->kindName() : "undefined") + ")");
  Value callee = *found; // Keeps the closure alive through the call.
  const auto *closure = static_cast<const MacroClosure *>(callee.asMacro());
  const Node &macro = node(closure->node);
  std::vector<Value> positional;
  std::vector<std::pair<uint32_t, Value>> keywords;
  for (uint32_t i = 0; i < n.count0; ++i) {
    const Node &arg = node(child(n.list0, i));
    Value value;
    if (!eval(arg.kind == NodeKind::Keyword ? arg.a : child(n.list0, i), scope,
              value))
      return false;
    if (arg.kind == NodeKind::Keyword)
      keywords.emplace_back(arg.index, std::move(value));
    else
      positional.push_back(std::move(value));
  }
  if (positional.size() > macro.count0)
    return fail(n.offset, "macro '" + name + "' takes at most " +
                              std::to_string(macro.count0) + " arguments");
  Scope local(closure->scope);
  std::vector<const Node *> defaults;
  for (uint32_t i = 0; i < macro.count0; ++i) {
    const Node &param = node(child(macro.list0, i));
    Value value;
    bool given = i < positional.size();
    if (given)
      value = positional[i];
    for (auto it = keywords.begin(); !given && it != keywords.end(); ++it)
      if (it->first == param.index) {
        value = std::move(it->second);
        keywords.erase(it);
        given = true;
        break;
      }
    if (!given && param.a >= 0)
      defaults.push_back(&param);
    local.set(param.index, std::move(value));
  }
  if (!keywords.empty())
    return fail(n.offset, "macro '" + name + "' has no parameter '" +
                              program_.symbols[keywords[0].first] + "'");
  for (const Node *param : defaults) {
    Value value;
    if (!eval(param->a, local, value))
      return false;
    local.set(param->index, std::move(value));
  }
  std::string body;
  if (block(macro.list1, macro.count1, local, body) != Flow::Normal)
    return false;
  return makeString(n.offset, std::move(body), out);
}

} // namespace liquid::runtime::tmpl
