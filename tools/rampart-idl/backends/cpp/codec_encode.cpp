// Encoders: the mirror of codec.cpp's decoders. Every constraint the IDL
// puts on a value (a size field that must equal its array, a [range], a
// discriminant that must select the stored arm) is checked before sending.
#include "backends/cpp/codec.hpp"
#include "backends/cpp/codec_util.hpp"
#include "backends/cpp/names.hpp"

namespace rampart::idl::cpp {

using ir::ArrKind;
using ir::PtrKind;
using ir::Type;

// ---- encode ----

void CodecGen::enc_prim(Code& c, const Slot& v) {
  const Type& t = *v.type;
  if (t.kind == Type::Kind::enumeration) {
    c.line("RAMPART_CHECK(e.enumeration(static_cast<std::uint32_t>(" + v.lv + "), " +
           (t.v1_enum ? "true" : "false") + "));");
    return;
  }
  if (v.range) {
    c.line("RAMPART_CHECK(e.in_range(" + v.lv + ", " + std::to_string(v.range->lo) + ", " +
           std::to_string(v.range->hi) + "));");
  }
  const std::string cast = wire_cast(t.prim);
  c.line(std::string(writer(t.prim)) + "(" + (cast.empty() ? v.lv : "static_cast<" + cast + ">(" + v.lv + ")") +
         ");");
}

void CodecGen::enc_elements(Code& c, Scope& s, const Slot& v) {
  const Type& elem = *v.type->elem;
  if (is_bulk(elem)) {
    c.line("e.primitives(std::span<const " + type_of(elem, stem_) + ">(" + v.lv + ".data(), " + v.lv +
           ".size()));");
    return;
  }
  const std::string x = tmp("x");
  c.open("for (const auto& " + x + " : " + v.lv + ")");
  enc_flat(c, s, Slot{&elem, x, v.name + "[]", std::nullopt, nullptr}, false);
  c.close();
}

namespace {

std::string size_mismatch(const std::string& value, const std::string& size, const char* errc,
                          const std::string& what) {
  return "if (static_cast<std::uint64_t>(" + value + ") != " + size + ") return fail(ndr::Errc::" + errc + ", " +
         quote(what) + ");";
}

}  // namespace

void CodecGen::enc_flat(Code& c, Scope& s, const Slot& v, bool trailing) {
  const Type& t = *v.type;
  switch (t.kind) {
    case Type::Kind::prim:
    case Type::Kind::enumeration: enc_prim(c, v); return;
    case Type::Kind::structure:
      if (ir::trailing_conformant(t) != nullptr && !trailing)  // see dec_flat
        c.line("RAMPART_CHECK(e.conformance(RAMPART_TRY(" + type_of(t, stem_) + "::conformance_of(" + v.lv + "))));");
      c.line("RAMPART_CHECK(" + type_of(t, stem_) + "::encode_scalars(e, " + v.lv + "));");
      return;
    case Type::Kind::union_:
      if (t.encapsulated) {
        c.line("RAMPART_CHECK(" + type_of(t, stem_) + "::encode_scalars(e, " + v.lv + "));");
      } else {
        const std::string sw = v.switch_is != nullptr ? expr(*v.switch_is, s.prefix) : "std::int64_t{0}";
        c.line("RAMPART_CHECK(" + type_of(t, stem_) + "::encode_scalars(e, " + v.lv + ", " + sw + "));");
      }
      return;
    case Type::Kind::pointer:
      if (t.ptr == PtrKind::ref) c.line("(void)e.ref_pointer();");
      else if (t.ptr == PtrKind::unique) c.line("(void)e.unique_pointer(" + v.lv + ".has_value());");
      else c.line("(void)e.full_pointer(" + v.lv + ".has_value());");
      return;
    case Type::Kind::array: {
      if (t.arr == ArrKind::fixed) {
        if (is_bulk(*t.elem)) {
          c.line("e.primitives(std::span<const " + type_of(*t.elem, stem_) + ">(" + v.lv + "));");
        } else {
          const std::string x = tmp("x");
          c.open("for (const auto& " + x + " : " + v.lv + ")");
          enc_flat(c, s, Slot{t.elem, x, v.name + "[]", std::nullopt, nullptr}, false);
          c.close();
        }
        return;
      }
      const std::string n = v.lv + ".size()";
      if (t.first)
        c.line(size_mismatch(expr(*t.first, s.prefix), "0", "variance_offset_nonzero", "first_is of " + v.name));
      if (t.arr == ArrKind::conformant) {
        if (t.size && trailing) c.line(size_mismatch(expr(*t.size, s.prefix), n, "conformance_mismatch",
                                                     "size_is of " + v.name + " differs from its length"));
      } else {
        const std::string bound = t.arr == ArrKind::varying ? std::to_string(t.fixed)
                                                             : "static_cast<std::uint64_t>(" + expr(*t.size, s.prefix) + ")";
        c.line("if (" + n + " > " + bound + ") return fail(ndr::Errc::actual_exceeds_max, " +
               quote(v.name + " holds more elements than its bound") + ");");
        if (t.length) c.line(size_mismatch(expr(*t.length, s.prefix), n, "length_mismatch",
                                           "length_is of " + v.name + " differs from its length"));
        c.line("RAMPART_CHECK(e.variance(" + n + "));");
      }
      enc_elements(c, s, v);
      return;
    }
    case Type::Kind::string:
      if (t.fixed != 0) {
        c.line("RAMPART_CHECK(e." + std::string(string_fn(t)) + "(" + v.lv + ", " + spec(t.fixed) + "));");
      } else {
        const std::string bound = t.size ? "static_cast<std::uint64_t>(" + expr(*t.size, s.prefix) + ")"
                                         : "(" + v.lv + ".size() + 1)";
        c.line("if (" + bound + " > 0xffffffffu) return fail(ndr::Errc::value_too_large, " +
               quote(v.name + " is too long") + ");");
        c.line("RAMPART_CHECK(e." + std::string(string_fn(t)) + "(" + v.lv +
               ", ndr::StringSpec{static_cast<std::uint32_t>(" + bound + "), std::nullopt, 0}));");
      }
      return;
    case Type::Kind::pipe: c.line("static_assert(false, \"a pipe inside a construct\");"); return;
  }
}

void CodecGen::enc_buffers(Code& c, Scope& s, const Slot& v) {
  const Type& t = *v.type;
  if (!ir::has_pointers(t)) return;
  switch (t.kind) {
    case Type::Kind::structure:
    case Type::Kind::union_:
      c.line("RAMPART_CHECK(" + type_of(t, stem_) + "::encode_buffers(e, " + v.lv + "));");
      return;
    case Type::Kind::array: {
      const std::string x = tmp("x");
      c.open("for (const auto& " + x + " : " + v.lv + ")");
      enc_buffers(c, s, Slot{t.elem, x, v.name + "[]", std::nullopt, nullptr});
      c.close();
      return;
    }
    case Type::Kind::pointer: {
      const bool opt = t.ptr != PtrKind::ref;
      c.open(opt ? "if (" + v.lv + ")" : std::string(""));
      enc_whole(c, s, Slot{t.pointee, opt ? "(*" + v.lv + ")" : v.lv, v.name, v.range, v.switch_is});
      c.close();
      return;
    }
    default: return;
  }
}

void CodecGen::enc_array_whole(Code& c, Scope& s, const Slot& v) {
  const Type& t = *v.type;
  const std::string n = v.lv + ".size()";
  std::string max = n;
  if (t.size) {
    max = "static_cast<std::uint64_t>(" + expr(*t.size, s.prefix) + ")";
    if (t.arr == ArrKind::conformant)
      c.line(size_mismatch(expr(*t.size, s.prefix), n, "conformance_mismatch",
                           "size_is of " + v.name + " differs from its length"));
  }
  c.line("RAMPART_CHECK(e.conformance(" + max + "));");
  if (t.arr == ArrKind::conformant_varying) {
    c.line("if (" + n + " > " + max + ") return fail(ndr::Errc::actual_exceeds_max, " +
           quote(v.name + " holds more elements than size_is") + ");");
    if (t.length) c.line(size_mismatch(expr(*t.length, s.prefix), n, "length_mismatch",
                                       "length_is of " + v.name + " differs from its length"));
    if (t.first)
      c.line(size_mismatch(expr(*t.first, s.prefix), "0", "variance_offset_nonzero", "first_is of " + v.name));
    c.line("RAMPART_CHECK(e.variance(" + n + "));");
  }
  enc_elements(c, s, v);
  enc_buffers(c, s, v);
}

void CodecGen::enc_whole(Code& c, Scope& s, const Slot& v) {
  const Type& t = *v.type;
  switch (t.kind) {
    case Type::Kind::prim:
    case Type::Kind::enumeration: enc_prim(c, v); return;
    case Type::Kind::structure:
      if (ir::trailing_conformant(t) != nullptr)
        c.line("RAMPART_CHECK(e.conformance(RAMPART_TRY(" + type_of(t, stem_) + "::conformance_of(" + v.lv +
               "))));");
      enc_flat(c, s, v, true);  // true: the max_count is written
      enc_buffers(c, s, v);
      return;
    case Type::Kind::union_:
      enc_flat(c, s, v, false);
      enc_buffers(c, s, v);
      return;
    case Type::Kind::pointer:
      if (t.ptr == PtrKind::ref) {
        c.line("(void)e.ref_pointer();");
        enc_whole(c, s, Slot{t.pointee, v.lv, v.name, v.range, v.switch_is});
        return;
      }
      enc_flat(c, s, v, false);
      c.open("if (" + v.lv + ")");
      enc_whole(c, s, Slot{t.pointee, "(*" + v.lv + ")", v.name, v.range, v.switch_is});
      c.close();
      return;
    case Type::Kind::array:
      if (t.arr == ArrKind::fixed || t.arr == ArrKind::varying) {
        enc_flat(c, s, v, false);
        enc_buffers(c, s, v);
      } else {
        enc_array_whole(c, s, v);
      }
      return;
    case Type::Kind::string:
      if (t.fixed != 0) {
        enc_flat(c, s, v, false);
      } else {
        const std::string size = t.size ? "std::optional<std::uint64_t>(static_cast<std::uint64_t>(" +
                                              expr(*t.size, s.prefix) + "))"
                                        : "std::nullopt";
        c.line("RAMPART_CHECK(e." + std::string(string_fn(t)) + "(" + v.lv + ", ndr::StringSpec{0, " + size +
               ", 0}));");
      }
      return;
    case Type::Kind::pipe:
      c.open("if (!" + v.lv + ".empty())");
      c.line("RAMPART_CHECK(e.conformance(" + v.lv + ".size()));");
      enc_elements(c, s, v);
      c.close();
      c.line("RAMPART_CHECK(e.conformance(0));");
      return;
  }
}

}  // namespace rampart::idl::cpp
