// Small helpers shared by the decoder and encoder emitters.
#pragma once

#include <string>

#include "ir/ir.hpp"

namespace rampart::idl::cpp {

using ir::Prim;

inline const char* writer(Prim p) {
  switch (p) {
    case Prim::boolean: return "e.boolean";
    case Prim::i8: return "e.i8";
    case Prim::u8:
    case Prim::char8: return "e.u8";
    case Prim::i16: return "e.i16";
    case Prim::u16:
    case Prim::wchar: return "e.u16";
    case Prim::i32: return "e.i32";
    case Prim::u32: return "e.u32";
    case Prim::i64: return "e.i64";
    case Prim::u64: return "e.u64";
    case Prim::f32: return "e.f32";
    case Prim::f64: return "e.f64";
    case Prim::uuid: return "e.uuid";
    case Prim::context_handle: return "e.context_handle";
  }
  return "e.u32";
}

inline std::string wire_cast(Prim p) {
  if (p == Prim::char8) return "std::uint8_t";
  if (p == Prim::wchar) return "std::uint16_t";
  return "";
}

inline std::string spec(std::uint64_t fixed) {
  return "ndr::StringSpec{" + std::to_string(fixed) + ", std::nullopt, " + std::to_string(fixed - 1) + "}";
}

/// Nesting is counted for constructs (C12); a referent that is a single
/// primitive or a string cannot nest further.
inline bool is_construct(const ir::Type& t) {
  return t.kind != ir::Type::Kind::prim && t.kind != ir::Type::Kind::enumeration && t.kind != ir::Type::Kind::string;
}

inline const char* string_fn(const ir::Type& t) { return t.elem->prim == Prim::wchar ? "wstring" : "string"; }

}  // namespace rampart::idl::cpp
