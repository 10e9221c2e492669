//===- Lexer.h - Template source to tokens ----------------------*- C++ -*-===//
//
// SPDX-License-Identifier: Apache-2.0
//
// The reference renderer's lexer, step for step, so whitespace comes out the
// same: first its preprocessing of the source (drop one trailing newline;
// lstrip_blocks: drop spaces and tabs between a line start and `{%` / `{#`;
// trim_blocks: drop the newline right after `%}` / `#}`; remove
// `{% generation %}` / `{% endgeneration %}` tags, honouring their `-`
// marks), then the tokens, with `{%-` / `{{-` / `{#-` trimming the text
// before them and `-%}` / `-}}` / `-#}` the text after.
//
//===----------------------------------------------------------------------===//

#ifndef LIQUID_RUNTIME_TEMPLATE_LEXER_H
#define LIQUID_RUNTIME_TEMPLATE_LEXER_H

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace liquid::runtime::tmpl {

enum class Tok : uint8_t {
  Text,           ///< Literal text between tags.
  Comment,        ///< {# ... #}
  OpenStatement,  ///< {%
  CloseStatement, ///< %}
  OpenExpression, ///< {{
  CloseExpression,
  Number, ///< 12, 1.5, or -3 where a minus sign is unary
  String, ///< text holds the unescaped contents
  Name,
  LParen,
  RParen,
  LBracket,
  RBracket,
  LBrace,
  RBrace,
  Comma,
  Dot,
  Colon,
  Pipe,
  Equals,         ///< =
  Additive,       ///< + - ~
  Multiplicative, ///< * / // %
  Power,          ///< **
  Comparison,     ///< == != < > <= >=
  Unary,          ///< + - before an operand
};

struct Token {
  Tok kind;
  std::string text;
  uint32_t offset; ///< Byte offset in the template source.
};

/// Tokenizes `source` (valid UTF-8). On failure sets `error` to
/// "line:column: what".
bool tokenize(std::string_view source, std::vector<Token> &tokens,
              std::string &error);

/// "line:column" (both from 1, columns in characters) of a byte offset.
std::string location(std::string_view source, uint32_t offset);

} // namespace liquid::runtime::tmpl

#endif // LIQUID_RUNTIME_TEMPLATE_LEXER_H
