// Generates the bodies of the NDR codecs: decode/encode of a structure's
// flat part (scalars) and deferred part (buffers, C706 14.3.12), unions,
// and whole request/response stubs. One text, a template over the decoder
// or encoder type, serves NDR20 and NDR64 (ndr::by_format picks sizes).
#pragma once

#include <set>
#include <string>
#include <vector>

#include "ir/ir.hpp"

namespace rampart::idl::cpp {

/// Lines of C++ with indentation.
class Code {
 public:
  explicit Code(int indent = 1) : indent_(indent) {}
  void line(const std::string& s) { text_ += std::string(static_cast<std::size_t>(indent_) * 2, ' ') + s + "\n"; }
  void open(const std::string& s) {
    line(s + " {");
    ++indent_;
  }
  void close(const std::string& s = "}") {
    --indent_;
    line(s);
  }
  [[nodiscard]] const std::string& text() const { return text_; }
  [[nodiscard]] int indent() const { return indent_; }

 private:
  std::string text_;
  int indent_;
};

/// How correlation expressions of one scope are evaluated while coding it.
struct Scope {
  std::string prefix;               // "v." (a structure) or "r." (a stub)
  std::set<std::string> available;  // decoded already (immediate checks)
  std::set<std::string> echo;       // [in]-only sizes a response carries: set from the wire
  std::set<std::string> echo_set;   // those of `echo` an earlier array already set
  std::vector<std::string> preamble;  // locals declared at function scope
  std::vector<std::string> deferred;  // checks run once the whole scope is decoded
  std::string hoisted;              // the conformance a conformant structure was given
};

/// A value being coded: its type and the attributes of its declaration.
struct Slot {
  const ir::Type* type = nullptr;
  std::string lv;  // the C++ lvalue / expression
  std::string name;  // for messages
  std::optional<ir::Range> range;
  const ir::Expr* switch_is = nullptr;
};

class CodecGen {
 public:
  explicit CodecGen(std::string stem) : stem_(std::move(stem)) {}

  // decode
  void dec_flat(Code& c, Scope& s, const Slot& v, bool trailing);
  void dec_buffers(Code& c, Scope& s, const Slot& v);
  /// `guarded`: the caller already counted this level of nesting (a
  /// pointer's referent), so the construct does not count it again.
  void dec_whole(Code& c, Scope& s, const Slot& v, bool guarded = false);
  // encode
  void enc_flat(Code& c, Scope& s, const Slot& v, bool trailing);
  void enc_buffers(Code& c, Scope& s, const Slot& v);
  void enc_whole(Code& c, Scope& s, const Slot& v);

  /// `by_format<F>(ndr20, ndr64)` for a size or alignment.
  static std::string fmt_pick(std::size_t a20, std::size_t a64);
  static std::string align_of(const ir::Type& t);
  static std::string min_wire(const ir::Type& t);
  std::string tmp(const char* base) { return base + std::to_string(++counter_); }
  [[nodiscard]] const std::string& stem() const { return stem_; }

 private:
  void dec_prim(Code& c, const Slot& v);
  void dec_union_call(Code& c, Scope& s, const Slot& v);
  void dec_elements(Code& c, Scope& s, const Slot& v, const std::string& count);
  void dec_array_whole(Code& c, Scope& s, const Slot& v);
  void enc_prim(Code& c, const Slot& v);
  void enc_elements(Code& c, Scope& s, const Slot& v);
  void enc_array_whole(Code& c, Scope& s, const Slot& v);
  void check_decoded(Code& c, Scope& s, const ir::Expr& e, const std::string& wire, const char* errc,
                     const std::string& what, bool force_deferred);
  bool is_available(const ir::Expr& e, const Scope& s) const;

  std::string stem_;
  std::size_t counter_ = 0;
};

}  // namespace rampart::idl::cpp
