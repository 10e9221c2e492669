//===- ToolCalls.h - LFM2's pythonic tool calls as JSON ---------*- C++ -*-===//
//
// SPDX-License-Identifier: Apache-2.0
//
// LFM2 models call tools by generating
//   <|tool_call_start|>[get_weather(city="Paris", days=3)]<|tool_call_end|>
// ToolCallScanner splits generated text, piece by piece, into ordinary text
// and whole tool-call spans; parseToolCalls turns a span's Python list of
// keyword-argument calls into names and compact JSON arguments. Neither
// aborts or recurses without bound on any input.
//
//===----------------------------------------------------------------------===//

#ifndef LIQUID_RUNTIME_TOOLCALLS_H
#define LIQUID_RUNTIME_TOOLCALLS_H

#include <string>
#include <string_view>
#include <vector>

namespace liquid::runtime {

/// The text of LFM2's special tokens around a tool-call span.
inline constexpr std::string_view kToolCallStart = "<|tool_call_start|>";
inline constexpr std::string_view kToolCallEnd = "<|tool_call_end|>";

struct ToolCall {
  /// The called name, possibly dotted: "weather.get_forecast".
  std::string name;
  /// A compact JSON object of the keyword arguments, in source order.
  std::string argumentsJson;
};

/// Parses `text`, what lies between the markers: a Python list of calls
/// (a single call without the brackets is accepted too). Argument values are
/// Python literals: strings, ints, floats, True/False/None, lists, tuples
/// and dicts with string keys, nested at most 64 deep. On success replaces
/// `calls`; on failure clears it and sets `error` to "at OFFSET: what was
/// expected", OFFSET a byte offset into `text`.
bool parseToolCalls(std::string_view text, std::vector<ToolCall> &calls,
                    std::string &error);

/// {"name":"...","arguments":{...}} on one line.
std::string toolCallJson(const ToolCall &call);

/// Separates generated text into ordinary text and tool-call spans. Feed it
/// detokenized pieces in order; markers may come whole or split across
/// pieces. Text is held back only while it may be the start of the start
/// marker, or while a call is open.
class ToolCallScanner {
public:
  struct Event {
    enum Kind { Text, Call };
    Kind kind;
    /// Text: ordinary text to show. Call: what lay between the markers (the
    /// markers themselves dropped), ready for parseToolCalls.
    std::string text;
  };

  /// Appends the events that `piece` completes to `events`.
  void feed(std::string_view piece, std::vector<Event> &events);
  /// Appends what is held back as Text (an unterminated call with its start
  /// marker) and resets the scanner for a new generation.
  void finish(std::vector<Event> &events);

private:
  std::string buffer;
  bool inCall = false;
  /// Inside a call: where the search for the end marker resumes.
  size_t searched = 0;
};

} // namespace liquid::runtime

#endif // LIQUID_RUNTIME_TOOLCALLS_H
