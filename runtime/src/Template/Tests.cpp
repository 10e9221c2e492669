//===- Tests.cpp - The is-tests -------------------------------------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// This file implements the tests of `x is [not] name` as the reference
// renderer defines them: `iterable` is true for arrays and strings, `mapping`
// for objects (not namespaces), `sequence` for arrays, objects and strings,
// `callable` for macros, `lower` / `upper` for strings that case mapping
// leaves unchanged; odd and even fail on anything but an integer. `eq` and
// `equalto` (JavaScript's ===) serve selectattr and rejectattr.
//
//===----------------------------------------------------------------------===//

#include "Template/Interpreter.h"
#include "Template/Text.h"

namespace liquid::runtime::tmpl {

using Kind = Value::Kind;

bool Interpreter::test(const Node &n, Test test, const Value &v,
                       const Value *other, bool &out) {
  switch (test) {
  case Test::Boolean:
    out = v.is(Kind::Bool);
    return true;
  case Test::Callable:
    out = v.is(Kind::Macro);
    return true;
  case Test::Defined:
    out = !v.is(Kind::Undefined);
    return true;
  case Test::Undefined:
    out = v.is(Kind::Undefined);
    return true;
  case Test::None:
    out = v.is(Kind::Null);
    return true;
  case Test::String:
    out = v.is(Kind::String);
    return true;
  case Test::Number:
    out = v.isNumber();
    return true;
  case Test::Integer:
    out = v.isInteger();
    return true;
  case Test::Iterable:
    out = v.is(Kind::Array) || v.is(Kind::String);
    return true;
  case Test::Mapping:
    out = v.is(Kind::Object);
    return true;
  case Test::Sequence:
    out = v.is(Kind::Array) || v.is(Kind::Object) || v.is(Kind::String);
    return true;
  case Test::Odd:
  case Test::Even:
    if (!v.is(Kind::Int))
      return fail(n.offset, std::string("test '") +
                                kTests.entries[int(test)].name +
                                "' needs an integer, not " + v.kindName());
    out = (v.asInt() % 2 != 0) == (test == Test::Odd);
    return true;
  case Test::True:
  case Test::False:
    out = v.is(Kind::Bool) && v.asBool() == (test == Test::True);
    return true;
  case Test::Lower:
    out = v.is(Kind::String) && text::lower(v.asString()) == v.asString();
    return true;
  case Test::Upper:
    out = v.is(Kind::String) && text::upper(v.asString()) == v.asString();
    return true;
  case Test::Eq:
  case Test::Equalto:
    out = other && strictEqual(v, *other);
    return true;
  }
  return fail(n.offset, "internal error: unknown test");
}

} // namespace liquid::runtime::tmpl
