// A recursive-descent parser for the MIDL subset Rampart compiles (see
// docs/man/rampart-idl.1 for the language). It builds the syntax tree and
// reports every syntax error as file:line:column; it resolves no names.
#pragma once

#include <optional>
#include <string>

#include "frontend/ast.hpp"
#include "frontend/lexer.hpp"

namespace rampart::idl {

class Parser {
 public:
  Parser(std::string file, std::string source, Diagnostics& diags);
  /// The whole file. On syntax errors the result is partial and diags has them.
  ast::File parse();

 private:
  // tokens
  const Token& peek();
  Token take();
  bool accept(char p);
  bool accept_ident(std::string_view w);
  bool expect(char p, std::string_view context);
  std::string expect_ident(std::string_view context);
  void error_here(const std::string& what);
  void recover();  // skip to the next ';' or '}' at this nesting level

  // declarations
  bool parse_decl(std::vector<ast::Decl>& into, ast::Attrs attrs);
  void parse_interface(ast::File& file, ast::Attrs attrs);
  void parse_import(std::vector<ast::Decl>& into);
  void skip_call_like(std::string_view what, bool warn);
  ast::Typedef parse_typedef();
  ast::Const parse_const();
  ast::Operation parse_operation(ast::Attrs attrs, ast::TypeSpec ret);
  ast::Attrs parse_attrs();
  ast::Attr parse_attr();

  // types
  ast::TypeSpec parse_type_spec();
  std::optional<std::string> parse_base_type();
  std::shared_ptr<ast::StructDef> parse_struct_body(std::string tag, const Loc& at);
  std::shared_ptr<ast::UnionDef> parse_union_rest(std::string tag, const Loc& at);
  std::shared_ptr<ast::EnumDef> parse_enum_body(std::string tag, const Loc& at);
  std::optional<ast::UnionArm> parse_union_arm_midl();
  void parse_members(std::vector<ast::Member>& out, ast::Attrs attrs);
  ast::Declarator parse_declarator(bool name_optional);

  // expressions
  ast::Expr parse_expr();
  ast::Expr parse_binary(int min_prec);
  ast::Expr parse_unary();

  Lexer lexer_;
  Diagnostics& diags_;
  std::string file_;
  std::optional<Token> peek_;
};

}  // namespace rampart::idl
