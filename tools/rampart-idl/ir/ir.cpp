#include "ir/ir.hpp"

#include <algorithm>

namespace rampart::idl::ir {

std::size_t prim_size(Prim p) noexcept {
  switch (p) {
    case Prim::boolean:
    case Prim::i8:
    case Prim::u8:
    case Prim::char8: return 1;
    case Prim::i16:
    case Prim::u16:
    case Prim::wchar: return 2;
    case Prim::i32:
    case Prim::u32:
    case Prim::f32: return 4;
    case Prim::i64:
    case Prim::u64:
    case Prim::f64: return 8;
    case Prim::uuid: return 16;
    case Prim::context_handle: return 20;
  }
  return 4;
}

namespace {

std::size_t prim_align(Prim p) noexcept {
  // C706 Appendix A / N: a UUID and a context handle are structures of
  // 4-aligned members.
  if (p == Prim::uuid || p == Prim::context_handle) return 4;
  return prim_size(p);
}

/// C706 14.3.3 / [MS-RPCE] 2.2.5.3: counts and referent ids are 4 octets
/// in NDR20 and 8 in NDR64.
std::size_t word(Format f) noexcept { return f == Format::ndr64 ? 8 : 4; }

std::size_t enum_size(const Type& t, Format f) noexcept {
  // C706 14.2.6: 16 bits unless [v1_enum]; [MS-RPCE] 2.2.5.3 (NDR64
  // simple data types): always a 4-octet signed long, v1_enum ignored.
  return f == Format::ndr64 || t.v1_enum ? 4 : 2;
}

std::size_t arms_alignment(const Type& t, Format f) noexcept {
  std::size_t a = 1;
  for (const auto& arm : t.arms)
    if (arm.field) a = std::max(a, alignment(*arm.field->type, f));
  return a;
}

}  // namespace

std::size_t alignment(const Type& t, Format f) noexcept {
  switch (t.kind) {
    case Type::Kind::prim: return prim_align(t.prim);
    case Type::Kind::enumeration: return enum_size(t, f);
    case Type::Kind::structure: {
      std::size_t a = 1;
      for (const auto& fl : t.fields) a = std::max(a, alignment(*fl.type, f));
      // The hoisted max_count is part of the structure (C706 14.3.7.1).
      if (trailing_conformant(t) != nullptr) a = std::max(a, word(f));
      return a;
    }
    case Type::Kind::union_: {
      const std::size_t d = alignment(*t.switch_type, f);
      return std::max(d, arms_alignment(t, f));
    }
    case Type::Kind::pointer: return word(f);
    case Type::Kind::array:
      if (t.arr == ArrKind::fixed) return alignment(*t.elem, f);
      return std::max(word(f), alignment(*t.elem, f));
    case Type::Kind::string: return word(f);
    case Type::Kind::pipe: return word(f);
  }
  return 1;
}

std::size_t min_wire_size(const Type& t, Format f) noexcept {
  switch (t.kind) {
    case Type::Kind::prim: return prim_size(t.prim);
    case Type::Kind::enumeration: return enum_size(t, f);
    case Type::Kind::structure: {
      std::size_t n = 0;
      for (const auto& fl : t.fields) n += min_wire_size(*fl.type, f);
      return std::max<std::size_t>(n, 1);
    }
    case Type::Kind::union_: return min_wire_size(*t.switch_type, f);
    case Type::Kind::pointer: return word(f);
    case Type::Kind::array: {
      if (t.arr == ArrKind::fixed) return static_cast<std::size_t>(t.fixed) * min_wire_size(*t.elem, f);
      if (t.arr == ArrKind::varying || t.arr == ArrKind::conformant_varying) return 2 * word(f);
      return 0;
    }
    case Type::Kind::string: return 2 * word(f) + prim_size(t.elem->prim);
    case Type::Kind::pipe: return word(f);
  }
  return 1;
}

bool has_pointers(const Type& t) noexcept {
  switch (t.kind) {
    case Type::Kind::pointer: return true;
    case Type::Kind::structure:
      return std::any_of(t.fields.begin(), t.fields.end(), [](const Field& f) { return has_pointers(*f.type); });
    case Type::Kind::union_:
      return std::any_of(t.arms.begin(), t.arms.end(),
                         [](const Arm& a) { return a.field && has_pointers(*a.field->type); });
    case Type::Kind::array: return has_pointers(*t.elem);
    default: return false;
  }
}

bool is_conformant(const Type& t) noexcept {
  if (t.kind == Type::Kind::array) return t.arr == ArrKind::conformant || t.arr == ArrKind::conformant_varying;
  if (t.kind == Type::Kind::string) return t.fixed == 0;
  return false;
}

const Type* trailing_conformant(const Type& t) noexcept {
  if (t.kind != Type::Kind::structure || t.fields.empty()) return nullptr;
  const Type& last = *t.fields.back().type;
  if (is_conformant(last)) return &last;
  return trailing_conformant(last);
}

}  // namespace rampart::idl::ir
