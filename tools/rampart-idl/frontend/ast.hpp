// The syntax tree the parser builds: MIDL as written, before any name is
// resolved. Only sema reads it; backends read the IR (ir/ir.hpp).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "frontend/diagnostics.hpp"

namespace rampart::idl::ast {

struct Expr {
  enum class Kind : std::uint8_t { integer, string, ident, unary, binary, conditional };
  Kind kind = Kind::integer;
  std::uint64_t value = 0;  // integer
  std::string text;         // string, ident, or the operator of unary/binary
  std::vector<Expr> kids;
  Loc loc;
};

struct TypeSpec;

/// One attribute: `size_is(n)`, `uuid(...)`, `switch_type(unsigned long)`.
struct Attr {
  std::string name;
  std::vector<Expr> args;
  std::string raw;                 // uuid(...) and version(...) as written
  std::shared_ptr<TypeSpec> type;  // switch_type(T)
  Loc loc;
};
using Attrs = std::vector<Attr>;

struct StructDef;
struct UnionDef;
struct EnumDef;

/// A type as written before a declarator: a base type, a name, or an
/// inline struct/union/enum (defined here or referenced by tag).
struct TypeSpec {
  enum class Kind : std::uint8_t { base, named, struct_tag, union_tag, enum_tag, pipe };
  Kind kind = Kind::base;
  std::string name;  // base: canonical ("u32", "void", ...); named/tag: the identifier
  std::shared_ptr<StructDef> struct_def;
  std::shared_ptr<UnionDef> union_def;
  std::shared_ptr<EnumDef> enum_def;
  std::shared_ptr<TypeSpec> pipe_elem;
  Loc loc;
};

struct ArrayDim {
  std::optional<Expr> size;  // nullopt for [] and [*]
};

struct Declarator {
  std::uint32_t pointers = 0;
  std::string name;
  std::vector<ArrayDim> dims;
  Loc loc;
};

struct Member {
  Attrs attrs;
  TypeSpec type;
  Declarator decl;
};

struct StructDef {
  std::string tag;
  std::vector<Member> members;
  Loc loc;
};

struct UnionArm {
  std::vector<Expr> cases;
  bool is_default = false;
  std::optional<Member> member;  // nullopt for an empty arm
  Loc loc;
};

struct UnionDef {
  std::string tag;
  Attrs attrs;  // switch_type, on a typedef'd non-encapsulated union
  bool encapsulated = false;
  std::shared_ptr<TypeSpec> switch_type;  // encapsulated: union switch (T name) arm_name
  std::string switch_name;
  std::string arm_name;
  std::vector<UnionArm> arms;
  Loc loc;
};

struct Enumerator {
  std::string name;
  std::optional<Expr> value;
  Loc loc;
};

struct EnumDef {
  std::string tag;
  std::vector<Enumerator> values;
  Loc loc;
};

struct Typedef {
  Attrs attrs;
  TypeSpec type;
  std::vector<Declarator> decls;
  Loc loc;
};

struct Const {
  TypeSpec type;
  Declarator decl;
  Expr value;
  Loc loc;
};

struct Param {
  Attrs attrs;
  TypeSpec type;
  Declarator decl;
};

struct Operation {
  Attrs attrs;
  TypeSpec ret;
  std::uint32_t ret_pointers = 0;
  std::string name;
  std::vector<Param> params;
  Loc loc;
};

/// `struct X {...};` / `union X ...;` / `enum X ...;` on its own.
struct TagDecl {
  TypeSpec type;
};

struct Import {
  std::string path;
  Loc loc;
};

using Decl = std::variant<Typedef, Const, Operation, TagDecl, Import>;

struct Interface {
  Attrs attrs;
  std::string name;
  std::string base;
  Loc base_loc;
  std::vector<Decl> body;
  Loc loc;
};

struct File {
  std::string path;
  std::vector<Decl> top;  // declarations outside any interface (imports too)
  std::vector<Interface> interfaces;
};

}  // namespace rampart::idl::ast
