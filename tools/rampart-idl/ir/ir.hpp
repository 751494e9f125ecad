// The typed intermediate representation the backends read.
//
// Sema (sema/) builds it from the syntax tree with every name resolved and
// every attribute turned into structure: an array knows whether it is
// fixed, conformant, varying or both and which expressions correlate its
// counts; a pointer knows its kind; a parameter knows its direction. No
// backend ever sees the syntax tree, so a backend cannot reinterpret MIDL.
//
// Wire sizes and alignments are computed here per transfer syntax, so every
// backend agrees on them: NDR20 (C706 14) and NDR64 ([MS-RPCE] 2.2.5.3).
#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <vector>

#include "frontend/diagnostics.hpp"

namespace rampart::idl::ir {

enum class Prim : std::uint8_t {
  boolean, i8, u8, i16, u16, i32, u32, i64, u64, f32, f64,
  char8,           // IDL char: unsigned 8-bit, the element of [string] char
  wchar,           // wchar_t: 16-bit code unit
  uuid,            // uuid_t / GUID: a 16-octet structure aligned to 4
  context_handle,  // ndr_context_handle: 20 octets aligned to 4
};

enum class PtrKind : std::uint8_t { ref, unique, full };
enum class ArrKind : std::uint8_t { fixed, conformant, varying, conformant_varying };
enum class Format : std::uint8_t { ndr20, ndr64 };

/// An integer expression over the fields of one scope (a structure's
/// members, or an operation's parameters) and constants.
struct Expr {
  enum class Kind : std::uint8_t { constant, field, unary, binary, conditional };
  Kind kind = Kind::constant;
  std::int64_t value = 0;
  std::string name;  // field
  std::string op;    // unary / binary
  std::vector<Expr> kids;
  Loc loc;

  /// The field names the expression reads.
  void fields(std::vector<std::string>& out) const {
    if (kind == Kind::field) out.push_back(name);
    for (const auto& k : kids) k.fields(out);
  }
};

struct Type;

struct Range {
  std::int64_t lo = 0;
  std::int64_t hi = 0;
};

struct Field {
  std::string name;
  const Type* type = nullptr;
  std::optional<Range> range;
  std::optional<Expr> switch_is;  // a non-encapsulated union's discriminant
  Loc loc;
};

struct Enumerator {
  std::string name;
  std::int64_t value = 0;
};

struct Arm {
  std::vector<std::int64_t> cases;
  bool is_default = false;
  std::optional<Field> field;  // nullopt: an empty arm
};

struct Type {
  enum class Kind : std::uint8_t { prim, enumeration, structure, union_, pointer, array, string, pipe };
  Kind kind = Kind::prim;
  /// The C++ / IDL name of named types (enum, struct, union); empty otherwise.
  std::string name;
  /// File stem of the IDL that declared a named type.
  std::string origin;
  Loc loc;

  Prim prim = Prim::u32;  // prim

  // union: the discriminant's type (an integer prim, boolean or an enum).
  // A non-encapsulated union without [switch_type] takes the type of the
  // member its [switch_is] names (MIDL's rule); until then this is set.
  const Type* switch_type = nullptr;
  bool switch_type_implied = false;

  // enumeration
  std::vector<Enumerator> enumerators;
  bool v1_enum = false;

  // structure: the members in order. A structure whose last member is a
  // conformant (or conformant-varying) array or string, or a structure
  // that ends in one, is conformant: its max_count goes first (C706 14.3.7).
  std::vector<Field> fields;
  // [encode] / [decode]: generate NDR type serialization version 1
  // ([MS-RPCE] 2.2.6) for this structure.
  bool pickle_encode = false;
  bool pickle_decode = false;

  // union
  bool encapsulated = false;
  std::string switch_name;  // encapsulated: the discriminant member's name
  std::string arm_name;     // encapsulated: the union member's name
  std::vector<Arm> arms;

  // pointer
  PtrKind ptr = PtrKind::unique;
  const Type* pointee = nullptr;

  // array / string / pipe: `elem`; array dims are outermost first
  ArrKind arr = ArrKind::fixed;
  const Type* elem = nullptr;
  std::uint64_t fixed = 0;          // fixed / varying bound (elements)
  std::optional<Expr> size;         // conformant: element count (max_is(e) becomes e+1)
  std::optional<Expr> length;       // varying: actual_count (last_is(e) becomes e-first+1)
  std::optional<Expr> first;        // first_is: must be 0 on the wire

  [[nodiscard]] bool is_named() const noexcept {
    return kind == Kind::enumeration || kind == Kind::structure || kind == Kind::union_;
  }
};

struct Param {
  std::string name;
  const Type* type = nullptr;  // the parameter as declared (top-level pointer included)
  bool in = false;
  bool out = false;
  bool retval = false;
  bool handle = false;  // handle_t: a binding handle with no wire form
  std::optional<Range> range;
  std::optional<Expr> switch_is;
  Loc loc;
};

struct Operation {
  std::string name;
  std::uint16_t opnum = 0;
  std::vector<Param> params;
  const Type* ret = nullptr;  // nullptr for void
  Loc loc;
};

struct Interface {
  std::string name;
  std::string uuid;  // canonical lower-case text form
  std::uint16_t major = 0;
  std::uint16_t minor = 0;
  bool object = false;
  bool local = false;
  std::string base;
  std::uint16_t first_opnum = 0;  // object interfaces: the base's method count
  std::vector<std::string> endpoints;
  std::vector<Operation> operations;
  Loc loc;
};

struct Const {
  std::string name;
  const Type* type = nullptr;  // a prim, or a string (then `text` holds it)
  std::int64_t value = 0;
  std::string text;
  bool is_string = false;
};

struct Alias {
  std::string name;
  const Type* type = nullptr;
};

/// One compiled IDL file. Types declared by imported files are in the
/// pool (so references resolve) but not in `types`, and are not generated.
struct Module {
  std::string source;  // the IDL path as given
  std::string stem;    // file name without directory and extension
  std::vector<std::string> imports;  // stems of directly imported files
  std::vector<const Type*> types;    // named types of this file, dependencies first
  std::vector<Alias> aliases;        // typedefs of this file that name non-named types
  std::vector<Const> consts;
  std::vector<Interface> interfaces;
  std::deque<Type> pool;  // owns every Type (deque: stable addresses)

  Type* make(Type t) { return &pool.emplace_back(std::move(t)); }
};

// ---- layout, per transfer syntax ----

/// Octets of a primitive on the wire (an enum's size depends on the format).
[[nodiscard]] std::size_t prim_size(Prim p) noexcept;
/// Alignment of a value of `t` in its enclosing construct.
[[nodiscard]] std::size_t alignment(const Type& t, Format f) noexcept;
/// Smallest number of octets one value of `t` takes in the flat (scalars)
/// part, used to bound a count by what remains before allocating (C11).
[[nodiscard]] std::size_t min_wire_size(const Type& t, Format f) noexcept;
/// True if the flat part of `t` is followed by deferred referents.
[[nodiscard]] bool has_pointers(const Type& t) noexcept;
/// The conformant array or string at the end of a conformant structure
/// (searching nested structures), or nullptr.
[[nodiscard]] const Type* trailing_conformant(const Type& t) noexcept;
/// A conformant or conformant-varying array, or a conformant string.
[[nodiscard]] bool is_conformant(const Type& t) noexcept;

}  // namespace rampart::idl::ir
