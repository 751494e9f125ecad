// The IDL lexer: turns MIDL source into tokens that carry file:line:column.
//
// Comments (/* */ and //) are skipped; `#pragma` lines are skipped, other
// preprocessor lines are reported (Rampart's IDL is not run through cpp).
// The uuid attribute's argument is not a token sequence (it starts with
// digits and holds dashes), so the parser asks for it raw.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "frontend/diagnostics.hpp"

namespace rampart::idl {

enum class Tok : std::uint8_t {
  end,
  ident,
  integer,  // decimal, hex or octal; value in Token::value
  number,   // a literal with a '.' (version(3.0)); text only
  string,   // "..." without the quotes
  character,
  punct,    // one of ( ) [ ] { } ; , : * = < > + - / % & | ^ ~ ! ? .
  shift_left,
  shift_right,
};

struct Token {
  Tok kind = Tok::end;
  std::string text;
  std::uint64_t value = 0;
  Loc loc;

  [[nodiscard]] bool is(char p) const noexcept { return kind == Tok::punct && text.size() == 1 && text[0] == p; }
  [[nodiscard]] bool is_ident(std::string_view w) const noexcept { return kind == Tok::ident && text == w; }
};

class Lexer {
 public:
  Lexer(std::string file, std::string source, Diagnostics& diags);

  Token next();
  /// The characters up to (not including) the next `close`, trimmed; used
  /// for uuid(...). The lexer then stands on `close`.
  std::string raw_until(char close);
  [[nodiscard]] Loc here() const { return Loc{file_, line_, column_}; }

 private:
  void skip_space_and_comments();
  Token lex_number(const Loc& at);
  Token lex_quoted(const Loc& at, char quote);
  char peek(std::size_t ahead = 0) const noexcept {
    return pos_ + ahead < src_.size() ? src_[pos_ + ahead] : '\0';
  }
  char advance() noexcept;

  std::string file_;
  std::string src_;
  Diagnostics& diags_;
  std::size_t pos_ = 0;
  std::uint32_t line_ = 1;
  std::uint32_t column_ = 1;
};

}  // namespace rampart::idl
