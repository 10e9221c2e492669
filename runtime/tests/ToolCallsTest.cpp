//===- ToolCallsTest.cpp - Pythonic tool calls to JSON, and the scanner ---===//
//
// SPDX-License-Identifier: Apache-2.0
//
// Tests parseToolCalls on the literals LFM2 writes (strings in both quote
// styles with escapes and Unicode, numbers, True/False/None, nested lists,
// tuples and dicts, several calls), its errors on malformed input (each
// with a byte offset, none crashing), toolCallJson, and ToolCallScanner with
// markers whole, split byte by byte, and left open.
//
//===----------------------------------------------------------------------===//

#include "ToolCalls.h"

#include <gtest/gtest.h>

using namespace liquid::runtime;

namespace {

/// The arguments of the single call in `text`; "" when it does not parse.
std::string arguments(std::string_view text) {
  std::vector<ToolCall> calls;
  std::string error;
  bool ok = parseToolCalls(text, calls, error);
  EXPECT_TRUE(ok) << text << ": " << error;
  if (!ok || calls.size() != 1) {
    ADD_FAILURE() << text << ": " << calls.size() << " calls";
    return "";
  }
  return calls[0].argumentsJson;
}

/// The error for `text`, which must not parse.
std::string errorOf(std::string_view text) {
  std::vector<ToolCall> calls = {{"stale", "{}"}};
  std::string error;
  EXPECT_FALSE(parseToolCalls(text, calls, error)) << text;
  EXPECT_TRUE(calls.empty());
  EXPECT_EQ(error.rfind("at ", 0), 0u) << error;
  return error;
}

using Events = std::vector<ToolCallScanner::Event>;

/// Feeds `pieces` to a fresh scanner, then finishes it.
Events scan(const std::vector<std::string> &pieces) {
  ToolCallScanner scanner;
  Events events;
  for (const std::string &piece : pieces)
    scanner.feed(piece, events);
  scanner.finish(events);
  return events;
}

/// Every byte of `text` as its own piece.
std::vector<std::string> bytes(std::string_view text) {
  std::vector<std::string> pieces;
  for (char c : text)
    pieces.push_back(std::string(1, c));
  return pieces;
}

/// Joins consecutive Text events, as a printer would see them.
Events merged(const Events &events) {
  Events out;
  for (const ToolCallScanner::Event &event : events) {
    if (!out.empty() && out.back().kind == ToolCallScanner::Event::Text &&
        event.kind == ToolCallScanner::Event::Text)
      out.back().text += event.text;
    else
      out.push_back(event);
  }
  return out;
}

void expectEvents(const Events &events,
                  const std::vector<std::pair<bool, std::string>> &expected) {
  ASSERT_EQ(events.size(), expected.size());
  for (size_t i = 0; i < events.size(); ++i) {
    EXPECT_EQ(events[i].kind == ToolCallScanner::Event::Call, expected[i].first)
        << i;
    EXPECT_EQ(events[i].text, expected[i].second) << i;
  }
}

} // namespace

// Tests the example from LFM2's chat template, and toolCallJson.
TEST(ToolCalls, Example) {
  std::vector<ToolCall> calls;
  std::string error;
  ASSERT_TRUE(parseToolCalls(
      R"([get_weather(city="Paris", days=3, metric=True)])", calls, error))
      << error;
  ASSERT_EQ(calls.size(), 1u);
  EXPECT_EQ(calls[0].name, "get_weather");
  EXPECT_EQ(calls[0].argumentsJson,
            R"({"city":"Paris","days":3,"metric":true})");
  EXPECT_EQ(
      toolCallJson(calls[0]),
      R"({"name":"get_weather","arguments":{"city":"Paris","days":3,"metric":true}})");
  EXPECT_TRUE(error.empty());
}

// Tests several calls in one list, in order, with a trailing comma.
TEST(ToolCalls, SeveralCalls) {
  std::vector<ToolCall> calls;
  std::string error;
  ASSERT_TRUE(parseToolCalls("[a(x=1), b.c(y='z'), d(),]", calls, error))
      << error;
  ASSERT_EQ(calls.size(), 3u);
  EXPECT_EQ(calls[0].name, "a");
  EXPECT_EQ(calls[0].argumentsJson, R"({"x":1})");
  EXPECT_EQ(calls[1].name, "b.c");
  EXPECT_EQ(calls[1].argumentsJson, R"({"y":"z"})");
  EXPECT_EQ(calls[2].name, "d");
  EXPECT_EQ(calls[2].argumentsJson, "{}");
}

// Tests that an empty list is zero calls, and f() an empty object.
TEST(ToolCalls, Empty) {
  std::vector<ToolCall> calls = {{"stale", "{}"}};
  std::string error;
  EXPECT_TRUE(parseToolCalls("[]", calls, error));
  EXPECT_TRUE(calls.empty());
  EXPECT_TRUE(parseToolCalls("  [ \n ]  ", calls, error));
  EXPECT_TRUE(calls.empty());
  EXPECT_EQ(arguments("[f()]"), "{}");
  EXPECT_EQ(toolCallJson({"f", "{}"}), R"({"name":"f","arguments":{}})");
}

// Tests dotted names and a bare call without the list's brackets.
TEST(ToolCalls, Names) {
  std::vector<ToolCall> calls;
  std::string error;
  ASSERT_TRUE(parseToolCalls("[weather.get_forecast(days=2)]", calls, error));
  EXPECT_EQ(calls[0].name, "weather.get_forecast");
  ASSERT_TRUE(parseToolCalls(" search(q='x') ", calls, error)) << error;
  ASSERT_EQ(calls.size(), 1u);
  EXPECT_EQ(calls[0].name, "search");
  EXPECT_EQ(calls[0].argumentsJson, R"({"q":"x"})");
}

// Tests True/False/None, and the JSON spellings a model may also use.
TEST(ToolCalls, Constants) {
  EXPECT_EQ(arguments("[f(a=True, b=False, c=None)]"),
            R"({"a":true,"b":false,"c":null})");
  EXPECT_EQ(arguments("[f(a=true, b=false, c=null)]"),
            R"({"a":true,"b":false,"c":null})");
}

// Tests ints (signs, leading zeros, beyond 64 bits) and floats (exponents,
// shortest round-trip form, 3.0 kept a float).
TEST(ToolCalls, Numbers) {
  EXPECT_EQ(arguments("[f(a=0, b=-7, c=+5, d=- 2, e=-0, g=007)]"),
            R"({"a":0,"b":-7,"c":5,"d":-2,"e":0,"g":7})");
  EXPECT_EQ(arguments("[f(a=123456789012345678901234567890)]"),
            R"({"a":123456789012345678901234567890})");
  EXPECT_EQ(arguments("[f(a=1.5, b=-0.25, c=3.0, d=1., e=.5, g=-0.0)]"),
            R"({"a":1.5,"b":-0.25,"c":3.0,"d":1.0,"e":0.5,"g":-0.0})");
  EXPECT_EQ(arguments("[f(a=0.1, b=1e3, c=2.5E-3, d=-1e+2, e=6.02e23)]"),
            R"({"a":0.1,"b":1000.0,"c":0.0025,"d":-100.0,"e":6.02e+23})");
  EXPECT_EQ(arguments("[f(a=3.141592653589793, b=1e-300)]"),
            R"({"a":3.141592653589793,"b":1e-300})");
}

// Tests nested lists, tuples and dicts, in source key order.
TEST(ToolCalls, Nested) {
  EXPECT_EQ(arguments(R"([f(xs=[1, [2, [3, []]]], t=(1, "a"), one=(4,),
                          paren=(5), none=(), d={"b": {"a": [True, None]},
                          'a': {}}, e=[{"k": (1, 2)}, {}],)])"),
            R"({"xs":[1,[2,[3,[]]]],"t":[1,"a"],"one":[4],"paren":5,)"
            R"("none":[],"d":{"b":{"a":[true,null]},"a":{}},)"
            R"("e":[{"k":[1,2]},{}]})");
  // 64 levels are allowed.
  std::string deep =
      "[f(a=" + std::string(64, '[') + std::string(64, ']') + ")]";
  EXPECT_EQ(arguments(deep),
            "{\"a\":" + std::string(64, '[') + std::string(64, ']') + "}");
}

// Tests quotes and backslashes in both quote styles, and triple quotes.
TEST(ToolCalls, Quotes) {
  EXPECT_EQ(arguments(R"([f(a="it's", b='say "hi"', c="a\"b", d='a\'b')"
                      R"(, e="back\\slash", f='')])"),
            R"({"a":"it's","b":"say \"hi\"","c":"a\"b","d":"a'b",)"
            R"("e":"back\\slash","f":""})");
  EXPECT_EQ(arguments(R"([f(a="""one "two" three""", b='''x''')])"),
            R"({"a":"one \"two\" three","b":"x"})");
}

// Tests escapes: control characters, \x and \u as code points, surrogate
// pairs, octal, and unknown escapes kept as written (Python's rule).
TEST(ToolCalls, Escapes) {
  EXPECT_EQ(arguments(R"([f(a="l1\nl2\tx\r", b="\x01\x7f", c="\0\a\b\f\v")])"),
            R"({"a":"l1\nl2\tx\r","b":"\u0001)"
            "\x7f"
            R"(","c":"\u0000\u0007\u0008\u000c\u000b"})");
  EXPECT_EQ(arguments(R"([f(a="\xe9", b="\u00e9t\u00C9", c="\U0001F600")])"),
            "{\"a\":\"\xC3\xA9\",\"b\":\"\xC3\xA9t\xC3\x89\","
            "\"c\":\"\xF0\x9F\x98\x80\"}");
  EXPECT_EQ(arguments(R"([f(a="\ud83d\ude00", b="\101\1012", c="\u6771")])"),
            "{\"a\":\"\xF0\x9F\x98\x80\",\"b\":\"AA2\",\"c\":\"東\"}");
  EXPECT_EQ(arguments(R"([f(re="\d+\.\w", w="C:\path")])"),
            R"({"re":"\\d+\\.\\w","w":"C:\\path"})");
  EXPECT_EQ(arguments("[f(a=\"x\\\ny\", b=\"raw\nline\")]"),
            R"({"a":"xy","b":"raw\nline"})");
}

// Tests that non-ASCII UTF-8 passes through unchanged.
TEST(ToolCalls, Unicode) {
  EXPECT_EQ(arguments("[f(city=\"Zürich\", t='東京', e=\"🙂\", "
                      "d={\"ключ\": \"значение\"})]"),
            "{\"city\":\"Zürich\",\"t\":\"東京\",\"e\":\"🙂\","
            "\"d\":{\"ключ\":\"значение\"}}");
}

// Tests whitespace and newlines between every token.
TEST(ToolCalls, Whitespace) {
  EXPECT_EQ(arguments(" \n[\n  f (\n\ta = [ 1 ,\n 2 ] ,\r\n b = { 'k' :\n"
                      " 'v' } ,\n )\n]\n "),
            R"({"a":[1,2],"b":{"k":"v"}})");
}

// Tests that each malformed input fails with an offset and a reason.
TEST(ToolCalls, Malformed) {
  EXPECT_EQ(errorOf(R"([f(city="Paris)])"), "at 8: unterminated string");
  EXPECT_EQ(errorOf(R"([f(a="x\)])"), "at 5: unterminated string");
  EXPECT_EQ(errorOf(R"([f(a="x\)"), "at 7: unterminated string");
  EXPECT_EQ(errorOf("[f(a=1)"), "at 7: expected ',' or ']' after a call");
  EXPECT_EQ(errorOf("[f(a=1]"), "at 6: expected ',' or ')' after an argument");
  EXPECT_EQ(errorOf("[f(a=[1, 2)]"), "at 10: expected ',' or ']' in a list");
  EXPECT_EQ(errorOf("[f(a={'k': 1)]"), "at 12: expected ',' or '}' in a dict");
  EXPECT_NE(errorOf(R"([get_weather("Paris")])")
                .find("positional arguments are not supported"),
            std::string::npos);
  EXPECT_NE(errorOf("[f(city)]").find("positional"), std::string::npos);
  EXPECT_EQ(errorOf("[f(a={1: 'x'})]"),
            "at 6: expected a string key in a dict");
  EXPECT_EQ(errorOf("[f(a={'k' 1})]"), "at 10: expected ':' after a dict key");
  EXPECT_EQ(errorOf("[f(a=1, a=2)]"), "at 8: repeated keyword argument");
  EXPECT_NE(errorOf("[f(a=x)]").find("at 5: expected a value"),
            std::string::npos);
  EXPECT_EQ(errorOf("[f(a=0x1F)]"), "at 5: invalid number");
  EXPECT_EQ(errorOf("[f(a=1e)]"), "at 7: expected the exponent's digits");
  EXPECT_EQ(errorOf("[f(a=-)]"), "at 5: expected a number");
  EXPECT_EQ(errorOf("[f(a=1e999)]"), "at 5: float out of range");
  EXPECT_EQ(errorOf(R"([f(a="\x4")])"),
            "at 6: expected hex digits in an escape");
  EXPECT_EQ(errorOf(R"([f(a="\ud83d")])"), "at 6: unpaired surrogate escape");
  EXPECT_EQ(errorOf(R"([f(a="\U00110000")])"), "at 6: escape beyond U+10FFFF");
  EXPECT_EQ(errorOf("[f(a=\"\xC3(\")]"), "at 6: invalid UTF-8 in a string");
  EXPECT_EQ(errorOf("[f(a=1)] trailing"),
            "at 9: expected the end after the list of calls");
  EXPECT_EQ(errorOf(""), "at 0: expected a function name");
  EXPECT_EQ(errorOf("[1]"), "at 1: expected a function name");
  EXPECT_EQ(errorOf("[f.(a=1)]"), "at 3: expected a function name");
  EXPECT_EQ(errorOf("hello world"),
            "at 6: expected '(' after the function name");
  errorOf("[f(a=1),,]");
  errorOf("}{)(][\"'\\");
  errorOf(std::string("[f(a=\"\0\")", 9) + "\xFF]");
}

// Tests that deep nesting is an error, never a stack overflow.
TEST(ToolCalls, DepthBomb) {
  std::string bomb = "[f(a=" + std::string(100000, '[') + ")]";
  EXPECT_EQ(errorOf(bomb), "at 69: values nested more than 64 deep");
  std::string mixed = "[f(a=";
  for (int i = 0; i < 30000; ++i)
    mixed += "[({'k':";
  EXPECT_NE(errorOf(mixed).find("nested more than 64 deep"), std::string::npos);
  errorOf(std::string(100000, '['));
  errorOf(std::string(100000, '('));
}

// Tests that every prefix of a valid call fails cleanly.
TEST(ToolCalls, EveryPrefixFails) {
  std::string text = R"([a.b(s="x\"\u00e9y", n=-1.5e3, l=[(1,), {'k': None}]))"
                     R"(, c()])";
  std::vector<ToolCall> calls;
  std::string error;
  ASSERT_TRUE(parseToolCalls(text, calls, error)) << error;
  for (size_t n = 0; n < text.size(); ++n)
    EXPECT_FALSE(parseToolCalls(text.substr(0, n), calls, error)) << n;
}

// Tests the scanner with each marker arriving as one piece (a special token).
TEST(ToolCallScanner, WholeMarkers) {
  expectEvents(
      merged(scan({"Let me ", "check.", "<|tool_call_start|>", "[f(", "a=1)]",
                   "<|tool_call_end|>", "Done", "."})),
      {{false, "Let me check."}, {true, "[f(a=1)]"}, {false, "Done."}});
}

// Tests that text is printed as it arrives: nothing is held back unless it
// could start the start marker.
TEST(ToolCallScanner, HoldsBackOnlyMarkerPrefixes) {
  ToolCallScanner scanner;
  Events events;
  scanner.feed("Hello", events);
  expectEvents(events, {{false, "Hello"}});
  events.clear();
  scanner.feed(" a < b <|tool", events);
  expectEvents(events, {{false, " a < b "}});
  events.clear();
  scanner.feed("_calls", events); // Not the marker after all.
  expectEvents(events, {{false, "<|tool_calls"}});
  events.clear();
  scanner.feed("<", events);
  EXPECT_TRUE(events.empty());
  scanner.feed("<", events);
  expectEvents(events, {{false, "<"}});
  events.clear();
  scanner.finish(events);
  expectEvents(events, {{false, "<"}});
}

// Tests markers split byte by byte, with text before, between and after two
// calls, and an end marker outside a call kept as text.
TEST(ToolCallScanner, ByteByByte) {
  std::string text = "Sure: <|tool_call_start|>[f(a='<|')]<|tool_call_end|> "
                     "and <|tool_call_start|>[g()]<|tool_call_end|>"
                     "<|tool_call_end|> bye";
  Events expected = {{ToolCallScanner::Event::Text, "Sure: "},
                     {ToolCallScanner::Event::Call, "[f(a='<|')]"},
                     {ToolCallScanner::Event::Text, " and "},
                     {ToolCallScanner::Event::Call, "[g()]"},
                     {ToolCallScanner::Event::Text, "<|tool_call_end|> bye"}};
  for (const Events &events : {scan(bytes(text)), scan({text})}) {
    Events joined = merged(events);
    ASSERT_EQ(joined.size(), expected.size());
    for (size_t i = 0; i < joined.size(); ++i) {
      EXPECT_EQ(joined[i].kind, expected[i].kind) << i;
      EXPECT_EQ(joined[i].text, expected[i].text) << i;
    }
  }
  // Split pieces of several sizes give the same events.
  for (size_t size = 2; size < 24; ++size) {
    std::vector<std::string> pieces;
    for (size_t i = 0; i < text.size(); i += size)
      pieces.push_back(text.substr(i, size));
    Events joined = merged(scan(pieces));
    ASSERT_EQ(joined.size(), expected.size()) << size;
    for (size_t i = 0; i < joined.size(); ++i)
      EXPECT_EQ(joined[i].text, expected[i].text) << size << " " << i;
  }
}

// Tests that an unterminated call is flushed as text, marker included, and
// that the scanner starts afresh after finish().
TEST(ToolCallScanner, UnterminatedCallFlushedAsText) {
  ToolCallScanner scanner;
  Events events;
  for (const std::string &piece : bytes("Hi <|tool_call_start|>[f(a=1"))
    scanner.feed(piece, events);
  expectEvents(merged(events), {{false, "Hi "}});
  events.clear();
  scanner.finish(events);
  expectEvents(events, {{false, "<|tool_call_start|>[f(a=1"}});
  events.clear();
  scanner.feed("<|tool_call_start|>", events);
  scanner.finish(events);
  expectEvents(events, {{false, "<|tool_call_start|>"}});
  events.clear();
  scanner.feed("plain <|tool_call", events);
  scanner.finish(events);
  expectEvents(events, {{false, "plain "}, {false, "<|tool_call"}});
  events.clear();
  scanner.finish(events);
  EXPECT_TRUE(events.empty());
}

// Tests a span that parses as two calls, end to end.
TEST(ToolCallScanner, FeedsTheParser) {
  Events events =
      scan(bytes("<|tool_call_start|>[a(x=1), b(y=[2])]<|tool_call_end|>"));
  ASSERT_EQ(events.size(), 1u);
  ASSERT_EQ(events[0].kind, ToolCallScanner::Event::Call);
  std::vector<ToolCall> calls;
  std::string error;
  ASSERT_TRUE(parseToolCalls(events[0].text, calls, error)) << error;
  ASSERT_EQ(calls.size(), 2u);
  EXPECT_EQ(toolCallJson(calls[0]), R"({"name":"a","arguments":{"x":1}})");
  EXPECT_EQ(toolCallJson(calls[1]), R"({"name":"b","arguments":{"y":[2]}})");
}
