//===- Template.h - Chat templates: the Jinja subset LFM2 uses --*- C++ -*-===//
//
// SPDX-License-Identifier: Apache-2.0
//
// Renders a conversation with a model's own Jinja chat template, without
// exceptions, RTTI or third-party code. The compiler calls parse() so an
// unsupported template fails at compile time; the runtime calls render().
//
//   tmpl::Template chat;
//   std::string error, prompt;
//   if (!tmpl::parse(source, chat, error)) ...    // "3:14: unsupported ..."
//   tmpl::Value context;                          // {"messages": [...], ...}
//   tmpl::parseJson(contextJson, context, error);
//   if (!tmpl::render(chat, context, prompt, error)) ...
//
// The reference is @huggingface/jinja's Template (the renderer of
// transformers.js; test/tools/chat-template compares the two byte for
// byte). Like it: trim_blocks and lstrip_blocks are ON (transformers'
// apply_chat_template sets both too), one trailing newline of the source is
// dropped, {% generation %} tags vanish, none and undefined print as
// nothing, booleans as true / false, floats as 2.0, 0.5, 1e-7, arrays and
// objects as JSON, and `tojson` writes {"a": 1, "b": [1, 2]} (", " and ": ",
// keys in order, non-ASCII as is, no HTML escaping). `+` and `~` turn a
// float 2.0 into "2", an array into its items joined by "," and an object
// into "[object Map]", as the reference does (Python would raise for the
// last two).
//
// The subset; anything else fails to parse with its line:column:
//   statements  if / elif / else; for / else over arrays and object keys,
//               with name or tuple targets and `for x in y if c`, and
//               loop.index, index0, revindex, revindex0, first, last,
//               length, previtem, nextitem; set (name, tuple, ns.attr, and
//               set ... endset); macro (defaults, keyword arguments);
//               break; continue; generation; {# comments #}; the `-`
//               whitespace marks {%- -%} {{- -}} {#- -#}
//   expressions int and float literals; 'str' "str" with \n \t \r \b \f
//               \v \' \" \\ \xHH \uHHHH, adjacent ones joined; true, false,
//               none (and True, False, None); [lists], (tuples), {dicts};
//               a.b, a.0, a[k], a[-1], a[i:j:k]; + - * / // % ** ~;
//               == != < > <= >=; in, not in; and, or, not; x if c else y;
//               x if c; filters; is [not] tests; calls
//   filters     abs bool capitalize default dictsort first float indent int
//               items join last length list lower map(attribute=, default=)
//               rejectattr replace reverse safe selectattr sort string title
//               tojson(indent=, ensure_ascii=, sort_keys=, separators=) trim
//               unique upper
//   tests       boolean callable defined even false integer iterable lower
//               mapping none number odd sequence string true undefined
//               upper; eq / equalto only as selectattr / rejectattr tests
//   methods     of strings: strip lstrip rstrip ([chars]) split(sep,
//               maxsplit) startswith endswith (str or tuple) replace(old,
//               new, count) upper lower title capitalize; of objects:
//               get(key, default) items keys values
//   functions   namespace(), raise_exception(), range(), and the macros the
//               template defines
//
// Undefined: a missing variable, key or index is undefined; it prints as
// nothing, its attributes are undefined, `~` reads it as "", `x in it` is
// false and iterating it yields nothing; other operators on it fail.
//
// Where this deliberately differs from the reference: == and `in` compare
// arrays and objects by value (the reference by identity) and a string never
// equals a number; strip / lstrip / rstrip honour their characters argument;
// lengths, indexes and slices of strings count code points (the reference's
// lengths and indexes count UTF-16 units); int64 integers are exact (the
// reference rounds past 2^53); object keys keep JSON order (JavaScript moves
// keys like "1" first); sort_keys sorts by code point; case mapping (upper,
// lower, title, capitalize) is ASCII only; a for loop's else block runs only
// when nothing was iterated. Some calls the reference rejects work here:
// string comparison with < >, first / last / list / reverse of a string,
// `string` of an object, of none ("None") and of undefined ("").
//
// Thread safety: a Template is immutable after parse() and may be rendered
// from many threads at once.
//
//===----------------------------------------------------------------------===//

#ifndef LIQUID_RUNTIME_TEMPLATE_TEMPLATE_H
#define LIQUID_RUNTIME_TEMPLATE_TEMPLATE_H

#include "Template/Value.h"

#include <memory>
#include <string>
#include <string_view>

namespace liquid::runtime::tmpl {

struct Program;

/// A parsed template. Copies share the parsed program.
struct Template {
  std::shared_ptr<const Program> program;
};

/// Parses `source` (UTF-8). On failure returns false with `error` set to
/// "line:column: what", e.g. "3:14: unsupported filter 'wordwrap'".
bool parse(std::string_view source, Template &out, std::string &error);

/// Renders `tmpl` with the variables of `context` (a JSON object, or
/// undefined for none) into `out`. Errors (raise_exception, a type error, a
/// string past 64 MiB, more than 20M steps of work, nesting past 512 levels)
/// return false with `error` set to "line:column: what" and leave `out` as
/// it was.
bool render(const Template &tmpl, const Value &context, std::string &out,
            std::string &error);

} // namespace liquid::runtime::tmpl

#endif // LIQUID_RUNTIME_TEMPLATE_TEMPLATE_H
