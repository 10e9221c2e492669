//===- TemplateTest.cpp - The chat-template interpreter -------------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// Tests runtime/src/Template: the LFM2 chat templates llama.cpp ships (and a
// one-line ChatML one) render conversations to the text written out here,
// which is what @huggingface/jinja renders (test/tools/chat-template checks
// that on more conversations); unsupported constructs fail to parse with
// line:column; bad or deep JSON fails cleanly; raise_exception, type errors
// and runaway templates fail at render time without crashing; undefined
// values behave as in the reference.
//
//===----------------------------------------------------------------------===//

#include "Template/Template.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

namespace tmpl = liquid::runtime::tmpl;

namespace {

// Liquid AI's templates as llama.cpp ships them (models/templates), read
// from the llama.cpp checkout the chat-template cross-check makes (or
// $LIQUID_LLAMA_CPP_TEMPLATES); empty when it is not there.
std::string lfmTemplate(const std::string &name) {
  const char *dir = getenv("LIQUID_LLAMA_CPP_TEMPLATES");
  std::string path =
      std::string(dir ? dir : LQ_TEST_LLAMA_CPP_TEMPLATES) + "/" + name;
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return in ? text.str() : "";
}

#define LOAD_TEMPLATE(var, name)                                               \
  std::string var = lfmTemplate(name);                                         \
  if (var.empty())                                                             \
  GTEST_SKIP() << name                                                         \
               << " not found: run the chat-template cross-check "             \
                  "(ctest -R chat-template) first"

const char *const kChatML =
    "{{bos_token}}{% for message in messages %}{{'<|im_start|>' + "
    "message['role'] + '\\n' + message['content'] + '<|im_end|>\\n'}}"
    "{% endfor %}{% if add_generation_prompt %}"
    "{{'<|im_start|>assistant\\n'}}{% endif %}";

// A system prompt, a past answer with thinking, and a generation prompt.
const char *const kChat =
    R"({"bos_token": "<|startoftext|>", "add_generation_prompt": true,
        "messages": [{"role": "system", "content": "Be brief."},
                     {"role": "user", "content": "Hi"},
                     {"role": "assistant",
                      "content": "<think>greet</think> Hello!"},
                     {"role": "user", "content": "Bye"}]})";

// A tool list, a tool call (as text and as tool_calls) and its result.
const char *const kTools =
    R"({"bos_token": "<|startoftext|>", "add_generation_prompt": false,
        "tools": [{"type": "function",
                   "function": {"name": "now", "parameters":
                                {"type": "object", "properties": {}}}}],
        "messages": [
          {"role": "user", "content": "Time?"},
          {"role": "assistant",
           "content": "<|tool_call_start|>[now()]<|tool_call_end|>",
           "tool_calls": [{"type": "function", "function": {"name": "now",
                           "arguments": {"tz": "UTC", "ms": false}}}]},
          {"role": "tool", "content": "12:00"},
          {"role": "assistant", "content": "<think>ok</think>It is 12:00."}]})";

// Two answers with thinking: only the last one keeps it in LFM2.5.
const char *const kThinking =
    R"({"bos_token": "<|startoftext|>", "add_generation_prompt": true,
        "messages": [{"role": "user", "content": "Q1"},
                     {"role": "assistant", "content": "<think>r1</think>A1"},
                     {"role": "user", "content": "Q2"},
                     {"role": "assistant", "content": "<think>r2</think>A2"}]})";

std::string render(std::string_view source, std::string_view context) {
  tmpl::Template chat;
  std::string error, out;
  EXPECT_TRUE(tmpl::parse(source, chat, error)) << error;
  tmpl::Value value;
  EXPECT_TRUE(tmpl::parseJson(context, value, error)) << error;
  EXPECT_TRUE(tmpl::render(chat, value, out, error)) << error;
  return out;
}

std::string render(std::string_view source) { return render(source, "{}"); }

std::string parseError(std::string_view source) {
  tmpl::Template chat;
  std::string error;
  EXPECT_FALSE(tmpl::parse(source, chat, error)) << source;
  return error;
}

std::string renderError(std::string_view source,
                        std::string_view context = "{}") {
  tmpl::Template chat;
  std::string error, out;
  if (!tmpl::parse(source, chat, error)) {
    ADD_FAILURE() << "parse: " << error;
    return error;
  }
  tmpl::Value value;
  EXPECT_TRUE(tmpl::parseJson(context, value, error)) << error;
  EXPECT_FALSE(tmpl::render(chat, value, out, error)) << source;
  return error;
}

std::string jsonError(std::string_view text) {
  tmpl::Value value;
  std::string error;
  EXPECT_FALSE(tmpl::parseJson(text, value, error)) << text;
  return error;
}

std::string toJson(std::string_view text) {
  tmpl::Value value;
  std::string error, out;
  EXPECT_TRUE(tmpl::parseJson(text, value, error)) << error;
  EXPECT_TRUE(tmpl::writeJson(value, tmpl::JsonStyle(), out, error)) << error;
  return out;
}

} // namespace

//===----------------------------------------------------------------------===//
// The four templates
//===----------------------------------------------------------------------===//

// Tests the one-line ChatML template: every message as is.
TEST(Template, ChatML) {
  EXPECT_EQ(render(kChatML, kChat),
            "<|startoftext|><|im_start|>system\nBe brief.<|im_end|>\n"
            "<|im_start|>user\nHi<|im_end|>\n"
            "<|im_start|>assistant\n<think>greet</think> Hello!<|im_end|>\n"
            "<|im_start|>user\nBye<|im_end|>\n<|im_start|>assistant\n");
  EXPECT_EQ(render(kChatML, kTools),
            "<|startoftext|><|im_start|>user\nTime?<|im_end|>\n"
            "<|im_start|>assistant\n<|tool_call_start|>[now()]"
            "<|tool_call_end|><|im_end|>\n<|im_start|>tool\n12:00<|im_end|>\n"
            "<|im_start|>assistant\n<think>ok</think>It is 12:00.<|im_end|>\n");
}

// Tests LFM2-8B-A1B: tools in the system prompt between list markers, tool
// results wrapped, thinking kept.
TEST(Template, Lfm2MoE) {
  LOAD_TEMPLATE(text, "LFM2-8B-A1B.jinja");
  EXPECT_EQ(render(text, kChat),
            "<|startoftext|><|im_start|>system\nBe brief.<|im_end|>\n"
            "<|im_start|>user\nHi<|im_end|>\n"
            "<|im_start|>assistant\n<think>greet</think> Hello!<|im_end|>\n"
            "<|im_start|>user\nBye<|im_end|>\n<|im_start|>assistant\n");
  EXPECT_EQ(
      render(text, kTools),
      "<|startoftext|><|im_start|>system\nList of tools: <|tool_list_start|>"
      "[{\"type\": \"function\", \"function\": {\"name\": \"now\", "
      "\"parameters\": {\"type\": \"object\", \"properties\": {}}}}]"
      "<|tool_list_end|><|im_end|>\n<|im_start|>user\nTime?<|im_end|>\n"
      "<|im_start|>assistant\n<|tool_call_start|>[now()]<|tool_call_end|>"
      "<|im_end|>\n<|im_start|>tool\n<|tool_response_start|>12:00"
      "<|tool_response_end|><|im_end|>\n<|im_start|>assistant\n"
      "<think>ok</think>It is 12:00.<|im_end|>\n");
  EXPECT_EQ(render(text, kThinking),
            "<|startoftext|><|im_start|>user\nQ1<|im_end|>\n"
            "<|im_start|>assistant\n<think>r1</think>A1<|im_end|>\n"
            "<|im_start|>user\nQ2<|im_end|>\n"
            "<|im_start|>assistant\n<think>r2</think>A2<|im_end|>\n"
            "<|im_start|>assistant\n");
}

// Tests LFM2.5-8B-A1B: macros render tool_calls as Python-like calls, and
// thinking before the last user turn is cut.
TEST(Template, Lfm25MoE) {
  LOAD_TEMPLATE(text, "LFM2.5-8B-A1B.jinja");
  EXPECT_EQ(render(text, kChat),
            "<|startoftext|><|im_start|>system\nBe brief.<|im_end|>\n"
            "<|im_start|>user\nHi<|im_end|>\n"
            "<|im_start|>assistant\nHello!<|im_end|>\n"
            "<|im_start|>user\nBye<|im_end|>\n<|im_start|>assistant\n");
  EXPECT_EQ(render(text, kTools),
            "<|startoftext|><|im_start|>system\nList of tools: [{\"type\": "
            "\"function\", \"function\": {\"name\": \"now\", \"parameters\": "
            "{\"type\": \"object\", \"properties\": {}}}}]<|im_end|>\n"
            "<|im_start|>user\nTime?<|im_end|>\n<|im_start|>assistant\n"
            "<|tool_call_start|>[now()]<|tool_call_end|><|tool_call_start|>"
            "[now(tz='UTC', ms=false)]<|tool_call_end|><|im_end|>\n"
            "<|im_start|>tool\n12:00<|im_end|>\n<|im_start|>assistant\n"
            "<think>ok</think>It is 12:00.<|im_end|>\n");
  EXPECT_EQ(render(text, kThinking),
            "<|startoftext|><|im_start|>user\nQ1<|im_end|>\n"
            "<|im_start|>assistant\nA1<|im_end|>\n"
            "<|im_start|>user\nQ2<|im_end|>\n"
            "<|im_start|>assistant\n<think>r2</think>A2<|im_end|>\n"
            "<|im_start|>assistant\n");
}

// Tests LFM2.5-Instruct: thinking is cut from all but the last answer.
TEST(Template, Lfm25Instruct) {
  LOAD_TEMPLATE(text, "LFM2.5-Instruct.jinja");
  EXPECT_EQ(render(text, kChat),
            "<|startoftext|><|im_start|>system\nBe brief.<|im_end|>\n"
            "<|im_start|>user\nHi<|im_end|>\n"
            "<|im_start|>assistant\n<think>greet</think> Hello!<|im_end|>\n"
            "<|im_start|>user\nBye<|im_end|>\n<|im_start|>assistant\n");
  EXPECT_EQ(render(text, kThinking),
            "<|startoftext|><|im_start|>user\nQ1<|im_end|>\n"
            "<|im_start|>assistant\nA1<|im_end|>\n"
            "<|im_start|>user\nQ2<|im_end|>\n"
            "<|im_start|>assistant\n<think>r2</think>A2<|im_end|>\n"
            "<|im_start|>assistant\n");
  EXPECT_EQ(render(text,
                   R"({"keep_past_thinking": true, "messages": [
                      {"role": "assistant", "content": "<think>a</think>b"},
                      {"role": "assistant", "content": "c"}]})"),
            "<|im_start|>assistant\n<think>a</think>b<|im_end|>\n"
            "<|im_start|>assistant\nc<|im_end|>\n");
}

//===----------------------------------------------------------------------===//
// Parsing
//===----------------------------------------------------------------------===//

// Tests that names outside the subset fail at parse time with line:column.
TEST(TemplateParse, UnsupportedNames) {
  EXPECT_EQ(parseError("a\n\n{{ x | trim | wordwrap(3) }}"),
            "3:15: unsupported filter 'wordwrap'");
  EXPECT_EQ(parseError("{% if x is divisibleby 3 %}{% endif %}"),
            "1:12: unsupported test 'divisibleby'");
  EXPECT_EQ(parseError("{{ 'a'.format(1) }}"),
            "1:8: unsupported method 'format'");
  EXPECT_EQ(parseError("{{ cycler(1) }}"),
            "1:4: unsupported function 'cycler': not a macro of this "
            "template nor one of namespace, raise_exception, range");
  EXPECT_EQ(parseError("{% include 'x.jinja' %}"),
            "1:1: unsupported statement 'include'");
  EXPECT_EQ(parseError("{% call m() %}{% endcall %}"),
            "1:1: unsupported statement 'call'");
  EXPECT_EQ(parseError("{{ x | tojson(2) }}"),
            "1:14: 'tojson' takes keyword arguments only");
  EXPECT_EQ(parseError("{{ x | join(sep=',') }}"),
            "1:13: unsupported argument 'sep' of 'join'");
  EXPECT_EQ(parseError("{{ x | selectattr('a', 'near') }}"),
            "1:24: unsupported test 'near'");
  EXPECT_EQ(parseError("{{ x.y(1) }}"), "1:6: unsupported method 'y'");
  EXPECT_EQ(parseError("{{ x[0]() }}"),
            "1:8: unsupported call: only macros, namespace, raise_exception, "
            "range and methods (x.name()) can be called");
}

// Tests syntax errors and misplaced statements.
TEST(TemplateParse, SyntaxErrors) {
  EXPECT_EQ(parseError("{% for x in y %}"),
            "1:1: 'for' is never closed with 'endfor'");
  EXPECT_EQ(parseError("{% if a %}{% endfor %}"),
            "1:11: 'endfor' without a matching opening statement");
  EXPECT_EQ(parseError("{% break %}"), "1:1: 'break' outside a for loop");
  EXPECT_EQ(parseError("{{ 'abc }}"), "1:4: string literal is never closed");
  EXPECT_EQ(parseError("{{ '\\q' }}"),
            "1:5: unknown escape '\\q' in a string literal");
  EXPECT_EQ(parseError("{{ a ! b }}"), "1:6: unexpected character '!'");
  EXPECT_EQ(parseError("{{ a b }}"), "1:6: expected '}}', found 'b'");
  EXPECT_EQ(parseError("{# open"),
            "1:1: comment '{#' is never closed with '#}'");
  EXPECT_EQ(parseError("{% set 1 = 2 %}"),
            "1:8: can only set a name, names separated by commas, or a "
            "namespace attribute (ns.name)");
  EXPECT_EQ(parseError("{% macro m(a=1, b) %}{% endmacro %}"),
            "1:17: a parameter without a default follows one with");
  EXPECT_EQ(parseError("{{ x }"), "1:6: expected '}}', found '}'");
  EXPECT_EQ(parseError("{{ x "),
            "1:6: unexpected end of the template inside a tag");
  EXPECT_EQ(parseError("\xff"), "1:1: invalid UTF-8");
}

// Tests that nesting is bounded instead of overflowing the stack.
TEST(TemplateParse, DeepNesting) {
  std::string deep =
      "{{ " + std::string(500, '(') + "1" + std::string(500, ')') + " }}";
  EXPECT_NE(parseError(deep).find("nesting deeper than 128 levels"),
            std::string::npos);
  std::string ifs;
  for (int i = 0; i < 300; ++i)
    ifs += "{% if true %}";
  EXPECT_NE(parseError(ifs).find("nesting deeper"), std::string::npos);
  std::string nots = "{{ ";
  for (int i = 0; i < 1000; ++i)
    nots += "not ";
  EXPECT_NE(parseError(nots + "x }}").find("nesting deeper"),
            std::string::npos);
  EXPECT_EQ(render("{{ ((((1)))) }}"), "1");
}

//===----------------------------------------------------------------------===//
// Rendering
//===----------------------------------------------------------------------===//

// Tests the whitespace rules: trim_blocks and lstrip_blocks on, one final
// newline dropped, '-' marks trimming, generation tags removed.
TEST(TemplateRender, Whitespace) {
  EXPECT_EQ(render("a\n  {% if true %}\n  b\n  {% endif %}\nc\n"), "a\n  b\nc");
  EXPECT_EQ(render("{{ 1 }}\n{{ 2 }}\n\n"), "1\n2\n");
  EXPECT_EQ(render("a  {%- if true -%}  b  {%- endif %}  c"), "ab  c");
  EXPECT_EQ(render("x {{- ' y ' -}} z"), "x y z");
  EXPECT_EQ(render("a {#- note -#} b {# kept #} c"), "ab  c");
  EXPECT_EQ(render("a\n{%- generation -%}\n  b\n{% endgeneration %}c"),
            "ab\nc");
}

// Tests undefined values: they print as nothing, their attributes are
// undefined, `~` treats them as "", and `in` them is false.
TEST(TemplateRender, Undefined) {
  EXPECT_EQ(render("[{{ x }}|{{ x.y.z }}|{{ x['k'] }}|{{ x is defined }}|"
                   "{{ x.y is undefined }}|{{ x | default('d') }}|"
                   "{{ x ~ 'a' }}|{{ 'k' in x }}|{{ x or 'o' }}]"),
            "[|||false|true|d|a|false|o]");
  EXPECT_EQ(render("{% for m in nothing %}a{% else %}none{% endfor %}"),
            "none");
  EXPECT_EQ(render("{% if messages[0]['role'] == 'system' %}s{% endif %}.",
                   R"({"messages": []})"),
            ".");
  EXPECT_EQ(renderError("{{ x + 1 }}"),
            "1:6: cannot apply '+' to undefined (a missing variable or key?)");
  EXPECT_EQ(renderError("{{ x[0] }}"),
            "1:5: cannot index undefined with integer");
}

// Tests raise_exception and runtime type errors: a message with the
// template's line:column, never an abort.
TEST(TemplateRender, Errors) {
  EXPECT_EQ(renderError("line\n{{ raise_exception('No system role!') }}"),
            "2:4: raise_exception: No system role!");
  EXPECT_EQ(renderError("{% for x in 3 %}{% endfor %}"),
            "1:13: cannot iterate over integer");
  EXPECT_EQ(renderError("{{ 1 // 0 }}"),
            "1:6: integer division or modulo by zero");
  EXPECT_EQ(renderError("{{ 'a' - 1 }}"),
            "1:8: unsupported operand types for '-': string and integer");
  EXPECT_EQ(renderError("{{ none ~ 'a' }}"), "1:9: cannot apply '~' to none");
  EXPECT_EQ(renderError("{{ [1, 'a'] | sort }}"),
            "1:15: cannot compare integer with string to sort");
  EXPECT_EQ(renderError("{% set x = 1 %}{% set x.a = 2 %}"),
            "1:24: can only set attributes of a namespace, not of integer");
  EXPECT_EQ(renderError("{% macro m() %}{% endmacro %}{% set ns = "
                        "namespace() %}{% set ns.f = m %}"),
            "1:65: cannot store a macro in a namespace");
  EXPECT_EQ(renderError("{{ m() }}{% if false %}{% macro m() %}{% endmacro "
                        "%}{% endif %}"),
            "1:4: 'm' is not a macro here (it is undefined)");
}

// Tests that runaway templates stop: recursion depth, work, output size,
// and a namespace that holds itself.
TEST(TemplateRender, Limits) {
  EXPECT_NE(
      renderError("{% macro f(n) %}{{ f(n + 1) }}{% endmacro %}{{ f(0) }}")
          .find("nest deeper than 512 levels"),
      std::string::npos);
  const char *megabyte = "{% set ns = namespace(s='x') %}{% for i in "
                         "range(20) %}{% set ns.s = ns.s ~ ns.s %}{% endfor %}";
  EXPECT_NE(renderError(std::string(megabyte) +
                        "{% for i in range(100000) %}{% set t = ns.s ~ 'y' %}"
                        "{% endfor %}")
                .find("more than 20000000 steps"),
            std::string::npos);
  EXPECT_NE(
      renderError(std::string(megabyte) + "{{ ns.s | replace('x', ns.s) }}")
          .find("past 64 MiB"),
      std::string::npos);
  EXPECT_NE(renderError(std::string(megabyte) + "{{ range(100) | join(ns.s) }}")
                .find("past 64 MiB"),
            std::string::npos);
  EXPECT_NE(renderError("{% set ns = namespace() %}{% set ns.me = ns %}"
                        "{{ ns | tojson }}")
                .find("deeper than 256 levels"),
            std::string::npos);
  EXPECT_NE(renderError("{% set ns = namespace(l=[]) %}{% for i in range(300) "
                        "%}{% set ns.l = [ns.l] %}{% endfor %}")
                .find("nest deeper than 256 levels"),
            std::string::npos);
}

// Tests values as the reference prints them: floats, booleans, arrays and
// objects as JSON, `+` and `~` on non-strings.
TEST(TemplateRender, Printing) {
  EXPECT_EQ(render("{{ 1 }} {{ 2.0 }} {{ -0.0 }} {{ 7 / 2 }} {{ 1 / 3 }} "
                   "{{ 1 / 10000000 }} {{ 10 ** 21 }} {{ true }} {{ none }}|"),
            "1 2.0 -0.0 3.5 0.3333333333333333 1e-7 1e+21 true |");
  EXPECT_EQ(render("{{ [1, 'a', 2.0, none, {'k': [true]}] }}"),
            "[1, \"a\", 2, null, {\"k\": [true]}]");
  EXPECT_EQ(render("{{ 'x' ~ 2.0 ~ [1, 'a'] ~ {} }} {{ 'n' + 1 }}"),
            "x21,a[object Map] n1");
  EXPECT_EQ(
      render("{{ n }} {{ n | tojson }}", R"({"n": 12345678901234567890})"),
      "12345678901234567000 12345678901234567000");
}

// Tests the filters, methods and tests the LFM templates use.
TEST(TemplateRender, Builtins) {
  EXPECT_EQ(render("{{ '  a b  ' | trim }}|{{ 'héllo' | length }}|"
                   "{{ [1, 2] | length }}|{{ 3 | string }}|"
                   "{{ none | default(false) }}|{{ u | default(false) }}"),
            "a b|5|2|3||false");
  EXPECT_EQ(
      render("{{ 'a</think> b'.split('</think>')[-1] | trim }} "
             "{{ 'abc'.endswith('bc') }} {{ 'abc'.startswith(('x', 'a')) }} "
             "{{ ' x '.strip() }}{{ 'xxaxx'.strip('x') }} {{ 'abc'[:2] }}"),
      "b true true xa ab");
  EXPECT_EQ(render("{% for k, v in d.items() %}{{ k }}={{ v }};{% endfor %}"
                   "{{ d.get('a') }}{{ d.get('z', 0) }}{{ d.get('z') }}",
                   R"({"d": {"b": 1, "a": 2}})"),
            "b=1;a=2;20");
  EXPECT_EQ(
      render("{{ ['a', 'b'] | join(', ') }} {{ 'x' is string }} "
             "{{ {} is mapping }} {{ [] is not string }} {{ 2 is even }}"),
      "a, b true true true true");
  EXPECT_EQ(render("{% set ns = namespace(n=0) %}{% for i in range(4) %}"
                   "{% set ns.n = ns.n + loop.index %}{% endfor %}{{ ns.n }}"),
            "10");
  EXPECT_EQ(render("{% macro f(a, b='B') %}{{ a }}{{ b }}{% endmacro %}"
                   "{{ f(1) }} {{ f(1, 2) }} {{ f(b=3, a=4) }}"),
            "1B 12 43");
}

//===----------------------------------------------------------------------===//
// JSON
//===----------------------------------------------------------------------===//

// Tests tojson's layout: ", " and ": ", insertion order, last of a repeated
// key at its first place, non-ASCII as is, escapes, numbers as JavaScript.
TEST(TemplateJson, Write) {
  EXPECT_EQ(toJson(R"({"b": [1, 2], "a": {"c": null}, "b": true})"),
            "{\"b\": true, \"a\": {\"c\": null}}");
  EXPECT_EQ(toJson(R"(["é😀", "q\"\\\n\t\u0001\/", "\ud83d\ude00"])"),
            "[\"é😀\", \"q\\\"\\\\\\n\\t\\u0001/\", \"😀\"]");
  EXPECT_EQ(
      toJson("[1.0, -0, 1.5, 1e-7, 1e21, 0.1, 1E2, 12345678901234567890]"),
      "[1, 0, 1.5, 1e-7, 1e+21, 0.1, 100, 12345678901234567000]");
  EXPECT_EQ(render("{{ {'a': [1, {}], 'é': 2} | tojson(indent=2) }}"),
            "{\n  \"a\": [\n    1,\n    {}\n  ],\n  \"é\": 2\n}");
  EXPECT_EQ(render("{{ 'é😀' | tojson(ensure_ascii=true) }}"),
            "\"\\u00e9\\ud83d\\ude00\"");
}

// Tests that bad JSON fails with a position, and deep nesting with a limit.
TEST(TemplateJson, Errors) {
  EXPECT_EQ(jsonError(""), "1:1: unexpected end of input; expected a value");
  EXPECT_EQ(jsonError("{\"a\" 1}"), "1:6: expected ':' after an object key");
  EXPECT_EQ(jsonError("[1,]"), "1:4: expected a value");
  EXPECT_EQ(jsonError("[1]\n x"), "2:2: unexpected text after the value");
  EXPECT_EQ(jsonError("\"a\nb\""),
            "1:3: control character in a string; escape it");
  EXPECT_EQ(jsonError("01"), "1:1: leading zero in a number");
  EXPECT_EQ(jsonError("\"\\x\""), "1:3: unknown escape in a string");
  EXPECT_EQ(jsonError("\"\xc3\""), "1:2: invalid UTF-8");
  EXPECT_EQ(jsonError("NaN"), "1:1: expected a value");
  EXPECT_EQ(jsonError(std::string(300, '[') + std::string(300, ']')),
            "1:257: arrays and objects nest deeper than 256 levels");
  EXPECT_EQ(toJson(std::string(256, '[') + std::string(256, ']')),
            std::string(256, '[') + std::string(256, ']'));
  EXPECT_EQ(jsonError(std::string(1000000, '[')),
            "1:257: arrays and objects nest deeper than 256 levels");
}
