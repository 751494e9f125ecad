// Expressions in attributes, array bounds and constants, with C precedence.
#include <array>
#include <utility>

#include "frontend/parser.hpp"

namespace rampart::idl {

using namespace ast;

// ---- expressions (C precedence) ----

namespace {

int precedence(const Token& t) {
  if (t.kind == Tok::shift_left || t.kind == Tok::shift_right) return 7;
  if (t.kind != Tok::punct) return -1;
  static const std::array<std::pair<const char*, int>, 16> kOps{{{"||", 1},
                                                                 {"&&", 2},
                                                                 {"|", 3},
                                                                 {"^", 4},
                                                                 {"&", 5},
                                                                 {"==", 6},
                                                                 {"!=", 6},
                                                                 {"<", 6},
                                                                 {">", 6},
                                                                 {"<=", 6},
                                                                 {">=", 6},
                                                                 {"+", 8},
                                                                 {"-", 8},
                                                                 {"*", 9},
                                                                 {"/", 9},
                                                                 {"%", 9}}};
  for (const auto& [op, prec] : kOps)
    if (t.text == op) return prec;
  return -1;
}

}  // namespace

Expr Parser::parse_expr() {
  Expr cond = parse_binary(1);
  if (!accept('?')) return cond;
  Expr e;
  e.kind = Expr::Kind::conditional;
  e.loc = cond.loc;
  e.kids.push_back(std::move(cond));
  e.kids.push_back(parse_expr());
  expect(':', "in a conditional expression");
  e.kids.push_back(parse_expr());
  return e;
}

Expr Parser::parse_binary(int min_prec) {
  Expr lhs = parse_unary();
  for (;;) {
    const int prec = precedence(peek());
    if (prec < min_prec) return lhs;
    const Token op = take();
    Expr rhs = parse_binary(prec + 1);
    Expr e;
    e.kind = Expr::Kind::binary;
    e.text = op.text;
    e.loc = op.loc;
    e.kids.push_back(std::move(lhs));
    e.kids.push_back(std::move(rhs));
    lhs = std::move(e);
  }
}

Expr Parser::parse_unary() {
  const Token t = peek();
  Expr e;
  e.loc = t.loc;
  if (t.is('-') || t.is('!') || t.is('~') || t.is('*') || t.is('+')) {
    take();
    e.kind = Expr::Kind::unary;
    e.text = t.text;
    e.kids.push_back(parse_unary());
    return e;
  }
  if (t.is('(')) {
    take();
    e = parse_expr();
    expect(')', "to close the parenthesis");
    return e;
  }
  if (t.kind == Tok::integer || t.kind == Tok::character) {
    take();
    e.kind = Expr::Kind::integer;
    e.value = t.value;
    e.text = t.text;
    return e;
  }
  if (t.kind == Tok::string) {
    take();
    e.kind = Expr::Kind::string;
    e.text = t.text;
    return e;
  }
  if (t.kind == Tok::ident) {
    take();
    e.kind = Expr::Kind::ident;
    e.text = t.text;
    return e;
  }
  error_here("expected an expression");
  if (t.kind != Tok::end && !t.is(')') && !t.is(']') && !t.is(';')) take();
  return e;
}

}  // namespace rampart::idl
