//===- Ast.cpp - Builtin tables and symbol lookup -------------------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// This file holds the tables of the filters, tests, methods and functions
// templates may use, with their parameters, in the order of the enums of
// Ast.h. Parameter names are Jinja's where Jinja has them.
//
//===----------------------------------------------------------------------===//

#include "Template/Ast.h"

namespace liquid::runtime::tmpl {

namespace {

const Builtin kFilterList[] = {
    {"abs", {}, 0, 0},
    {"bool", {}, 0, 0},
    {"capitalize", {}, 0, 0},
    {"default", {"default_value", "boolean"}, 0, 0},
    {"dictsort", {"case_sensitive", "by", "reverse"}, 0, 0},
    {"first", {}, 0, 0},
    {"float", {"default"}, 0, 0},
    {"indent", {"width", "first", "blank"}, 0, 0},
    {"int", {"default"}, 0, 0},
    {"items", {}, 0, 0},
    {"join", {"d"}, 0, 0},
    {"last", {}, 0, 0},
    {"length", {}, 0, 0},
    {"list", {}, 0, 0},
    {"lower", {}, 0, 0},
    {"map", {"attribute", "default"}, 1, kKeywordOnly},
    {"rejectattr", {"attr", "test", "value"}, 1, kLiterals},
    {"replace", {"old", "new", "count"}, 2, 0},
    {"reverse", {}, 0, 0},
    {"safe", {}, 0, 0},
    {"selectattr", {"attr", "test", "value"}, 1, kLiterals},
    {"sort", {"reverse", "case_sensitive", "attribute"}, 0, 0},
    {"string", {}, 0, 0},
    {"title", {}, 0, 0},
    {"tojson",
     {"indent", "ensure_ascii", "sort_keys", "separators"},
     0,
     kKeywordOnly},
    {"trim", {}, 0, 0},
    {"unique", {}, 0, 0},
    {"upper", {}, 0, 0},
};

const Builtin kTestList[] = {
    {"boolean", {}, 0, 0}, {"callable", {}, 0, 0}, {"defined", {}, 0, 0},
    {"eq", {}, 0, 0},      {"equalto", {}, 0, 0},  {"even", {}, 0, 0},
    {"false", {}, 0, 0},   {"integer", {}, 0, 0},  {"iterable", {}, 0, 0},
    {"lower", {}, 0, 0},   {"mapping", {}, 0, 0},  {"none", {}, 0, 0},
    {"number", {}, 0, 0},  {"odd", {}, 0, 0},      {"sequence", {}, 0, 0},
    {"string", {}, 0, 0},  {"true", {}, 0, 0},     {"undefined", {}, 0, 0},
    {"upper", {}, 0, 0},
};

const Builtin kMethodList[] = {
    {"capitalize", {}, 0, 0},
    {"endswith", {"suffix"}, 1, 0},
    {"get", {"key", "default"}, 1, 0},
    {"items", {}, 0, 0},
    {"keys", {}, 0, 0},
    {"lower", {}, 0, 0},
    {"lstrip", {"chars"}, 0, 0},
    {"replace", {"old", "new", "count"}, 2, 0},
    {"rstrip", {"chars"}, 0, 0},
    {"split", {"sep", "maxsplit"}, 0, 0},
    {"startswith", {"prefix"}, 1, 0},
    {"strip", {"chars"}, 0, 0},
    {"title", {}, 0, 0},
    {"upper", {}, 0, 0},
    {"values", {}, 0, 0},
};

const Builtin kFunctionList[] = {
    {"namespace", {"mapping"}, 0, kAnyKeyword},
    {"raise_exception", {"message"}, 1, 0},
    {"range", {"start", "stop", "step"}, 1, 0},
};

template <size_t N> BuiltinTable table(const Builtin (&entries)[N]) {
  return {entries, N};
}

} // namespace

const BuiltinTable kFilters = table(kFilterList);
const BuiltinTable kTests = table(kTestList);
const BuiltinTable kMethods = table(kMethodList);
const BuiltinTable kFunctions = table(kFunctionList);

int BuiltinTable::find(std::string_view name) const {
  for (size_t i = 0; i < count; ++i)
    if (name == entries[i].name)
      return int(i);
  return -1;
}

int BuiltinTable::param(int index, std::string_view name) const {
  for (size_t i = 0; i < 4 && entries[index].params[i]; ++i)
    if (name == entries[index].params[i])
      return int(i);
  return -1;
}

size_t BuiltinTable::paramCount(int index) const {
  size_t n = 0;
  while (n < 4 && entries[index].params[n])
    ++n;
  return n;
}

int32_t Program::findSymbol(std::string_view name) const {
  for (size_t i = 0; i < symbols.size(); ++i)
    if (symbols[i] == name)
      return int32_t(i);
  return -1;
}

} // namespace liquid::runtime::tmpl
