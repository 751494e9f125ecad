#include "frontend/lexer.hpp"

#include <cctype>

namespace rampart::idl {

Lexer::Lexer(std::string file, std::string source, Diagnostics& diags)
    : file_(std::move(file)), src_(std::move(source)), diags_(diags) {}

char Lexer::advance() noexcept {
  const char c = src_[pos_++];
  if (c == '\n') {
    ++line_;
    column_ = 1;
  } else {
    ++column_;
  }
  return c;
}

void Lexer::skip_space_and_comments() {
  for (;;) {
    const char c = peek();
    if (c == '\0') return;
    if (std::isspace(static_cast<unsigned char>(c))) {
      advance();
    } else if (c == '/' && peek(1) == '/') {
      while (peek() != '\0' && peek() != '\n') advance();
    } else if (c == '/' && peek(1) == '*') {
      const Loc at = here();
      advance(), advance();
      while (peek() != '\0' && !(peek() == '*' && peek(1) == '/')) advance();
      if (peek() == '\0') {
        diags_.error(at, "unterminated comment");
        return;
      }
      advance(), advance();
    } else if (c == '#' && column_ == 1) {
      // Preprocessor lines: #pragma is a MIDL hint with no wire meaning;
      // anything else would need a C preprocessor, which Rampart does not run.
      const Loc at = here();
      std::string line;
      while (peek() != '\0' && peek() != '\n') line += advance();
      if (line.rfind("#pragma", 0) != 0)
        diags_.error(at, "preprocessor directive '" + line + "' is not supported (use import)");
    } else {
      return;
    }
  }
}

Token Lexer::lex_number(const Loc& at) {
  Token t{Tok::integer, {}, 0, at};
  std::size_t start = pos_;
  int base = 10;
  if (peek() == '0' && (peek(1) == 'x' || peek(1) == 'X')) {
    base = 16;
    advance(), advance();
  } else if (peek() == '0' && std::isdigit(static_cast<unsigned char>(peek(1)))) {
    base = 8;
  }
  bool overflow = false;
  while (std::isxdigit(static_cast<unsigned char>(peek())) || peek() == '.') {
    const char c = peek();
    if (c == '.') t.kind = Tok::number;
    const int digit = std::isdigit(static_cast<unsigned char>(c)) ? c - '0'
                      : std::isxdigit(static_cast<unsigned char>(c)) ? (std::tolower(c) - 'a' + 10)
                                                                      : 0;
    if (c != '.' && (digit >= base)) break;
    if (c != '.') {
      if (t.value > (UINT64_MAX - static_cast<unsigned>(digit)) / static_cast<unsigned>(base)) overflow = true;
      t.value = t.value * static_cast<unsigned>(base) + static_cast<unsigned>(digit);
    }
    advance();
  }
  // Integer suffixes (10L, 0x10UL) carry no meaning in IDL.
  while (peek() == 'l' || peek() == 'L' || peek() == 'u' || peek() == 'U') advance();
  t.text = src_.substr(start, pos_ - start);
  if (overflow) diags_.error(at, "integer literal '" + t.text + "' does not fit in 64 bits");
  return t;
}

Token Lexer::lex_quoted(const Loc& at, char quote) {
  Token t{quote == '"' ? Tok::string : Tok::character, {}, 0, at};
  advance();
  while (peek() != quote) {
    if (peek() == '\0' || peek() == '\n') {
      diags_.error(at, quote == '"' ? "unterminated string literal" : "unterminated character literal");
      return t;
    }
    char c = advance();
    if (c == '\\' && peek() != '\0') {
      c = advance();
      if (c == 'n') c = '\n';
      else if (c == 't') c = '\t';
      else if (c == '0') c = '\0';
    }
    t.text += c;
  }
  advance();
  if (t.kind == Tok::character) t.value = t.text.empty() ? 0 : static_cast<unsigned char>(t.text[0]);
  return t;
}

Token Lexer::next() {
  skip_space_and_comments();
  const Loc at = here();
  const char c = peek();
  if (c == '\0') return Token{Tok::end, {}, 0, at};
  if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') {
    Token t{Tok::ident, {}, 0, at};
    while (std::isalnum(static_cast<unsigned char>(peek())) || peek() == '_') t.text += advance();
    return t;
  }
  if (std::isdigit(static_cast<unsigned char>(c))) return lex_number(at);
  if (c == '"' || c == '\'') return lex_quoted(at, c);
  if (c == '<' && peek(1) == '<') {
    advance(), advance();
    return Token{Tok::shift_left, "<<", 0, at};
  }
  if (c == '>' && peek(1) == '>') {
    advance(), advance();
    return Token{Tok::shift_right, ">>", 0, at};
  }
  for (const char* two : {"==", "!=", "<=", ">=", "&&", "||"}) {
    if (c == two[0] && peek(1) == two[1]) {
      advance(), advance();
      return Token{Tok::punct, two, 0, at};
    }
  }
  static constexpr std::string_view kPunct = "()[]{};,:*=<>+-/%&|^~!?.";
  if (kPunct.find(c) != std::string_view::npos) {
    advance();
    return Token{Tok::punct, std::string(1, c), 0, at};
  }
  advance();
  diags_.error(at, std::string("unexpected character '") + c + "'");
  return next();
}

std::string Lexer::raw_until(char close) {
  std::string out;
  while (peek() != '\0' && peek() != close && peek() != '\n') out += advance();
  while (!out.empty() && std::isspace(static_cast<unsigned char>(out.back()))) out.pop_back();
  std::size_t i = 0;
  while (i < out.size() && std::isspace(static_cast<unsigned char>(out[i]))) ++i;
  return out.substr(i);
}

}  // namespace rampart::idl
