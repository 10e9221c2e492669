//===- Parser.h - Tokens to a checked Program (internal) --------*- C++ -*-===//
//
// SPDX-License-Identifier: Apache-2.0
//
// The recursive-descent parser behind tmpl::parse, split in two files:
// Parser.cpp reads statements and resolves calls, ExpressionParser.cpp reads
// expressions. Nesting is bounded by kMaxParseDepth so a hostile template
// cannot exhaust the stack.
//
//===----------------------------------------------------------------------===//

#ifndef LIQUID_RUNTIME_TEMPLATE_PARSER_H
#define LIQUID_RUNTIME_TEMPLATE_PARSER_H

#include "Template/Ast.h"
#include "Template/Lexer.h"

#include <initializer_list>

namespace liquid::runtime::tmpl {

/// The deepest nesting of blocks and parenthesized expressions.
constexpr int kMaxParseDepth = 128;

class Parser {
public:
  Parser(std::string_view source, std::vector<Token> &tokens, Program &program,
         std::string &error)
      : source_(source), tokens_(tokens), program_(program), error_(error) {}

  bool run();

private:
  // Tokens.
  bool at(Tok kind, size_t ahead = 0) const {
    return pos_ + ahead < tokens_.size() && tokens_[pos_ + ahead].kind == kind;
  }
  bool atName(std::string_view name, size_t ahead = 0) const {
    return at(Tok::Name, ahead) && tokens_[pos_ + ahead].text == name;
  }
  bool atStatement(std::initializer_list<std::string_view> names) const {
    if (!at(Tok::OpenStatement) || !at(Tok::Name, 1))
      return false;
    for (std::string_view name : names)
      if (tokens_[pos_ + 1].text == name)
        return true;
    return false;
  }
  uint32_t offset() const {
    return pos_ < tokens_.size() ? tokens_[pos_].offset
                                 : uint32_t(source_.size());
  }
  std::string describe() const;
  bool fail(uint32_t offset, const std::string &what) {
    if (error_.empty())
      error_ = location(source_, offset) + ": " + what;
    return false;
  }
  int32_t failed(uint32_t offset, const std::string &what) {
    fail(offset, what);
    return -1;
  }
  bool expect(Tok kind, const char *what) {
    if (at(kind)) {
      ++pos_;
      return true;
    }
    return fail(offset(),
                std::string("expected ") + what + ", found " + describe());
  }
  bool expectEnd(const char *name, uint32_t start);
  bool enter() {
    if (++depth_ <= kMaxParseDepth)
      return true;
    return fail(offset(), "nesting deeper than 128 levels");
  }

  // The program.
  int32_t add(NodeKind kind, uint32_t offset) {
    Node node;
    node.kind = kind;
    node.offset = offset;
    program_.nodes.push_back(node);
    return int32_t(program_.nodes.size() - 1);
  }
  Node &node(int32_t id) { return program_.nodes[size_t(id)]; }
  Block list(const std::vector<int32_t> &ids) {
    Block block{uint32_t(program_.lists.size()), uint32_t(ids.size())};
    program_.lists.insert(program_.lists.end(), ids.begin(), ids.end());
    return block;
  }
  uint32_t symbol(std::string_view name);
  int32_t constant(Value value, uint32_t offset) {
    int32_t id = add(NodeKind::Constant, offset);
    node(id).index = uint32_t(program_.constants.size());
    program_.constants.push_back(std::move(value));
    return id;
  }

  // Statements.
  bool block(std::vector<int32_t> &out,
             std::initializer_list<std::string_view> ends, const char *owner,
             uint32_t start);
  bool item(std::vector<int32_t> &out);
  bool statement(std::vector<int32_t> &out);
  int32_t ifStatement(uint32_t start);
  int32_t forStatement(uint32_t start);
  int32_t setStatement(uint32_t start);
  int32_t macroStatement(uint32_t start);

  // Expressions; each returns a node id, or -1 after setting the error.
  int32_t expression();
  int32_t sequence(bool primaryOnly);
  int32_t logical(bool isOr);
  int32_t negation();
  int32_t comparison();
  int32_t binary(int level);
  int32_t test();
  int32_t filter();
  int32_t unary();
  int32_t postfix();
  int32_t subscript(int32_t object);
  int32_t primary();
  bool arguments(const BuiltinTable *table, int builtin, Block &out);
  int32_t makeBinary(Op op, int32_t a, int32_t b, uint32_t offset);

  std::string_view source_;
  std::vector<Token> &tokens_;
  Program &program_;
  std::string &error_;
  size_t pos_ = 0;
  int depth_ = 0;
  int loops_ = 0; ///< Enclosing for loops within the current macro.
  std::vector<int32_t> calls_;
  std::vector<uint32_t> macros_;
};

} // namespace liquid::runtime::tmpl

#endif // LIQUID_RUNTIME_TEMPLATE_PARSER_H
