#include "backends/cpp/names.hpp"

#include <array>
#include <cctype>
#include <string_view>

namespace rampart::idl::cpp {

using ir::Prim;
using ir::Type;

std::string ident(const std::string& name) {
  static constexpr std::array<std::string_view, 48> kKeywords{
      "alignas", "alignof", "and",      "asm",       "auto",     "bool",     "break",    "case",
      "catch",   "class",   "concept",  "constexpr", "continue", "default",  "delete",   "do",
      "else",    "explicit", "export",  "extern",    "false",    "for",      "friend",   "goto",
      "if",      "inline",  "mutable",  "namespace", "new",      "noexcept", "not",      "nullptr",
      "operator", "or",     "private",  "protected", "public",   "register", "requires", "return",
      "static",  "switch",  "template", "this",      "throw",    "true",     "typename", "using"};
  for (auto k : kKeywords)
    if (name == k) return name + "_";
  if (name == "union" || name == "struct" || name == "enum" || name == "virtual" || name == "void" ||
      name == "while" || name == "try" || name == "typeid" || name == "xor")
    return name + "_";
  return name;
}

namespace {
// The parent namespace of every generated module. One compiler run generates
// one file, and every file of a library must be compiled with the same
// parent, since imported types are named through it.
std::string& namespace_root() {
  static std::string root = "rampart";
  return root;
}
}  // namespace

void set_namespace_root(const std::string& root) { namespace_root() = root.empty() ? "rampart" : root; }

std::string ns_of(const std::string& stem) {
  std::string s;
  for (char c : stem) s += (std::isalnum(static_cast<unsigned char>(c)) ? c : '_');
  return namespace_root() + "::" + ident(s);
}

std::string prim_type(Prim p) {
  switch (p) {
    case Prim::boolean: return "bool";
    case Prim::i8: return "std::int8_t";
    case Prim::u8: return "std::uint8_t";
    case Prim::i16: return "std::int16_t";
    case Prim::u16: return "std::uint16_t";
    case Prim::i32: return "std::int32_t";
    case Prim::u32: return "std::uint32_t";
    case Prim::i64: return "std::int64_t";
    case Prim::u64: return "std::uint64_t";
    case Prim::f32: return "float";
    case Prim::f64: return "double";
    case Prim::char8: return "char";
    case Prim::wchar: return "char16_t";
    case Prim::uuid: return "::rampart::Uuid";
    case Prim::context_handle: return "::rampart::ndr::ContextHandle";
  }
  return "std::uint32_t";
}

bool is_bulk(const Type& t) {
  return t.kind == Type::Kind::prim && t.prim != Prim::boolean && t.prim != Prim::uuid &&
         t.prim != Prim::context_handle;
}

std::string type_of(const Type& t, const std::string& current_stem) {
  switch (t.kind) {
    case Type::Kind::prim: return prim_type(t.prim);
    case Type::Kind::enumeration:
    case Type::Kind::structure:
    case Type::Kind::union_:
      if (t.origin != current_stem && !t.origin.empty()) return "::" + ns_of(t.origin) + "::" + ident(t.name);
      return ident(t.name);
    case Type::Kind::pointer:
      if (t.ptr == ir::PtrKind::ref) return type_of(*t.pointee, current_stem);
      return "std::optional<" + type_of(*t.pointee, current_stem) + ">";
    case Type::Kind::array:
      if (t.arr == ir::ArrKind::fixed)
        return "std::array<" + type_of(*t.elem, current_stem) + ", " + std::to_string(t.fixed) + ">";
      return "std::vector<" + type_of(*t.elem, current_stem) + ">";
    case Type::Kind::string: return t.elem->prim == Prim::wchar ? "std::u16string" : "std::string";
    case Type::Kind::pipe: return "std::vector<" + type_of(*t.elem, current_stem) + ">";
  }
  return "void";
}

std::string expr(const ir::Expr& e, const std::string& prefix) {
  switch (e.kind) {
    case ir::Expr::Kind::constant: return "std::int64_t{" + std::to_string(e.value) + "}";
    case ir::Expr::Kind::field: return "static_cast<std::int64_t>(" + prefix + ident(e.name) + ")";
    case ir::Expr::Kind::unary: return "(" + e.op + expr(e.kids[0], prefix) + ")";
    case ir::Expr::Kind::binary:
      // Division by a zero correlation is the peer's doing: it becomes 0,
      // which then fails the count comparison instead of trapping.
      if (e.op == "/" || e.op == "%")
        return "(" + expr(e.kids[1], prefix) + " == 0 ? std::int64_t{0} : " + expr(e.kids[0], prefix) + " " +
               e.op + " " + expr(e.kids[1], prefix) + ")";
      return "(" + expr(e.kids[0], prefix) + " " + e.op + " " + expr(e.kids[1], prefix) + ")";
    case ir::Expr::Kind::conditional:
      return "(" + expr(e.kids[0], prefix) + " ? " + expr(e.kids[1], prefix) + " : " + expr(e.kids[2], prefix) +
             ")";
  }
  return "0";
}

std::string quote(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

}  // namespace rampart::idl::cpp
