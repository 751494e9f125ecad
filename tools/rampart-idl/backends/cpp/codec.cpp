#include "backends/cpp/codec.hpp"

#include "backends/cpp/codec_util.hpp"
#include "backends/cpp/names.hpp"

namespace rampart::idl::cpp {

using ir::ArrKind;
using ir::Format;
using ir::Prim;
using ir::PtrKind;
using ir::Type;

std::string CodecGen::fmt_pick(std::size_t a20, std::size_t a64) {
  if (a20 == a64) return std::to_string(a20);
  return "ndr::by_format<F, std::size_t>(" + std::to_string(a20) + ", " + std::to_string(a64) + ")";
}

std::string CodecGen::align_of(const Type& t) {
  return fmt_pick(ir::alignment(t, Format::ndr20), ir::alignment(t, Format::ndr64));
}

std::string CodecGen::min_wire(const Type& t) {
  return fmt_pick(ir::min_wire_size(t, Format::ndr20), ir::min_wire_size(t, Format::ndr64));
}

bool CodecGen::is_available(const ir::Expr& e, const Scope& s) const {
  std::vector<std::string> names;
  e.fields(names);
  for (const auto& n : names)
    if (!s.available.contains(n) || s.echo.contains(n)) return false;
  return true;
}

void CodecGen::check_decoded(Code& c, Scope& s, const ir::Expr& e, const std::string& wire, const char* errc,
                             const std::string& what, bool force_deferred) {
  if (e.kind == ir::Expr::Kind::field && s.echo.contains(e.name)) {
    // An [in]-only size that the response's array carries (its max_count).
    // The first array that names it sets it; every later one must carry the
    // same max_count (C7), or the response would describe two sizes.
    const std::string lv = s.prefix + ident(e.name);
    const std::string type = "std::remove_cvref_t<decltype(" + lv + ")>";
    if (s.echo_set.contains(e.name)) {
      c.line("if (static_cast<std::uint64_t>(" + lv + ") != " + wire + ") [[unlikely]] return d.correlation_mismatch("
             "ndr::Errc::" + errc + ", " + quote(what) + ");");
      return;
    }
    s.echo_set.insert(e.name);
    c.line("if (!ndr::count_fits<" + type + ">(" + wire + ")) [[unlikely]] return d.correlation_mismatch(ndr::Errc::"
           "conformance_mismatch, " + quote("max_count does not fit " + e.name) + ");");
    c.line(lv + " = static_cast<" + type + ">(" + wire + ");");
    return;
  }
  const std::string text = "if (static_cast<std::uint64_t>(" + expr(e, s.prefix) + ") != " + wire +
                           ") [[unlikely]] return d.correlation_mismatch(ndr::Errc::" + errc + ", " +
                           quote(what) + ");";
  if (!force_deferred && is_available(e, s)) c.line(text);
  else s.deferred.push_back(text);
}

// ---- decode ----

namespace {

const char* reader(Prim p) {
  switch (p) {
    case Prim::boolean: return "d.boolean()";
    case Prim::i8: return "d.i8()";
    case Prim::u8:
    case Prim::char8: return "d.u8()";
    case Prim::i16: return "d.i16()";
    case Prim::u16:
    case Prim::wchar: return "d.u16()";
    case Prim::i32: return "d.i32()";
    case Prim::u32: return "d.u32()";
    case Prim::i64: return "d.i64()";
    case Prim::u64: return "d.u64()";
    case Prim::f32: return "d.f32()";
    case Prim::f64: return "d.f64()";
    case Prim::uuid: return "d.uuid()";
    case Prim::context_handle: return "d.context_handle()";
  }
  return "d.u32()";
}






}  // namespace

void CodecGen::dec_prim(Code& c, const Slot& v) {
  const Type& t = *v.type;
  if (t.kind == Type::Kind::enumeration) {
    const std::string raw = tmp("raw");
    c.line("const auto " + raw + " = RAMPART_TRY(d.enumeration(" + (t.v1_enum ? "true" : "false") + "));");
    c.line(v.lv + " = RAMPART_TRY(d.enum_value(" + raw + ", " + type_of(t, stem_) + "_values));");
    return;
  }
  const std::string ct = prim_type(t.prim);
  if (v.range) {
    c.line(v.lv + " = RAMPART_TRY(d.template in_range<" + ct + ">(static_cast<" + ct + ">(RAMPART_TRY(" +
           reader(t.prim) + ")), static_cast<" + ct + ">(" + std::to_string(v.range->lo) + "), static_cast<" + ct +
           ">(" + std::to_string(v.range->hi) + ")));");
    return;
  }
  c.line(v.lv + " = static_cast<" + ct + ">(RAMPART_TRY(" + reader(t.prim) + "));");
}

void CodecGen::dec_union_call(Code& c, Scope& s, const Slot& v) {
  const Type& t = *v.type;
  if (t.encapsulated) {
    c.line("RAMPART_CHECK(" + type_of(t, stem_) + "::decode_scalars(d, " + v.lv + "));");
  } else {
    const std::string sw = v.switch_is != nullptr ? expr(*v.switch_is, s.prefix) : "std::int64_t{0}";
    c.line("RAMPART_CHECK(" + type_of(t, stem_) + "::decode_scalars(d, " + v.lv + ", " + sw + "));");
  }
}

void CodecGen::dec_elements(Code& c, Scope& s, const Slot& v, const std::string& count) {
  const Type& elem = *v.type->elem;
  const std::string et = type_of(elem, stem_);
  if (is_bulk(elem)) {
    c.line(v.lv + " = RAMPART_TRY(d.template array<" + et + ">(" + count + "));");
    return;
  }
  c.line("RAMPART_CHECK(d.need(" + count + ", " + min_wire(elem) + "));");
  c.line("RAMPART_CHECK(d.charge(" + count + ", sizeof(" + et + ")));");
  c.line(v.lv + ".resize(static_cast<std::size_t>(" + count + "));");
  const std::string x = tmp("x");
  c.open("for (auto&& " + x + " : " + v.lv + ")");
  dec_flat(c, s, Slot{&elem, x, v.name + "[]", std::nullopt, nullptr}, false);
  c.close();
}

void CodecGen::dec_flat(Code& c, Scope& s, const Slot& v, bool trailing) {
  const Type& t = *v.type;
  switch (t.kind) {
    case Type::Kind::prim:
    case Type::Kind::enumeration: dec_prim(c, v); return;
    case Type::Kind::structure:
      if (ir::trailing_conformant(t) != nullptr && trailing) {
        c.line("RAMPART_CHECK(" + type_of(t, stem_) + "::decode_scalars(d, " + v.lv + ", " + s.hoisted + "));");
      } else if (ir::trailing_conformant(t) != nullptr) {
        // A conformant structure that is not the last member of another
        // (a union arm): nothing encloses it to hoist its max_count to,
        // so the max_count stands where the structure does.
        const std::string conf = tmp("wire_conf");
        c.line("const auto " + conf + " = RAMPART_TRY(d.conformance());");
        c.line("RAMPART_CHECK(" + type_of(t, stem_) + "::decode_scalars(d, " + v.lv + ", " + conf + "));");
      } else {
        c.line("RAMPART_CHECK(" + type_of(t, stem_) + "::decode_scalars(d, " + v.lv + "));");
      }
      return;
    case Type::Kind::union_: dec_union_call(c, s, v); return;
    case Type::Kind::pointer: {
      if (t.ptr == PtrKind::ref) {
        c.line("RAMPART_CHECK(d.ref_pointer());");
        return;
      }
      const std::string p = tmp("ptr");
      if (t.ptr == PtrKind::unique) {
        c.line("const auto " + p + " = RAMPART_TRY(d.unique_pointer());");
      } else {
        c.line("const auto " + p + " = RAMPART_TRY(d.full_pointer(1));");
        c.line("if (!" + p + ".is_null() && !" + p +
               ".first) [[unlikely]] return d.correlation_mismatch(ndr::Errc::bad_referent_id, \"aliased [ptr] "
               "pointers are refused\");");
      }
      c.line("if (" + p + ".is_null()) " + v.lv + ".reset(); else " + v.lv + ".emplace();");
      return;
    }
    case Type::Kind::array: {
      if (t.arr == ArrKind::fixed) {
        if (is_bulk(*t.elem)) {
          c.line("RAMPART_CHECK(d.primitives(std::span<" + type_of(*t.elem, stem_) + ">(" + v.lv + ")));");
        } else {
          const std::string x = tmp("x");
          c.open("for (auto&& " + x + " : " + v.lv + ")");
          dec_flat(c, s, Slot{t.elem, x, v.name + "[]", std::nullopt, nullptr}, false);
          c.close();
        }
        return;
      }
      std::string count;
      if (t.arr == ArrKind::conformant) {
        count = s.hoisted;
      } else {
        count = tmp("wire_len");
        s.preamble.push_back("std::uint64_t " + count + " = 0;");
        const std::string bound = t.arr == ArrKind::varying ? std::to_string(t.fixed) : s.hoisted;
        if (t.length && is_available(*t.length, s))
          c.line(count + " = RAMPART_TRY(d.variance(" + bound + ", static_cast<std::uint64_t>(" +
                 expr(*t.length, s.prefix) + ")));");
        else
          c.line(count + " = RAMPART_TRY(d.variance(" + bound + "));");
        if (t.length && !is_available(*t.length, s))
          check_decoded(c, s, *t.length, count, "length_mismatch", "length_is of " + v.name, true);
      }
      if (t.first) check_decoded(c, s, *t.first, "0", "variance_offset_nonzero", "first_is of " + v.name, false);
      if (t.arr != ArrKind::varying && t.size && trailing)
        check_decoded(c, s, *t.size, s.hoisted, "conformance_mismatch", "size_is of " + v.name, false);
      dec_elements(c, s, v, count);
      return;
    }
    case Type::Kind::string:
      if (t.fixed != 0) {
        c.line(v.lv + " = RAMPART_TRY(d." + string_fn(t) + "(" + spec(t.fixed) + "));");
      } else {
        c.line("if (" + s.hoisted + " == 0 || " + s.hoisted +
               " > 0xffffffffu) [[unlikely]] return d.correlation_mismatch(ndr::Errc::string_not_terminated, "
               "\"conformant string without room for its terminator\");");
        c.line(v.lv + " = RAMPART_TRY(d." + string_fn(t) + "(ndr::StringSpec{static_cast<std::uint32_t>(" +
               s.hoisted + "), std::nullopt, 0}));");
        if (t.size) check_decoded(c, s, *t.size, s.hoisted, "conformance_mismatch", "size_is of " + v.name, false);
      }
      return;
    case Type::Kind::pipe: c.line("static_assert(false, \"a pipe inside a construct\");"); return;
  }
}

void CodecGen::dec_buffers(Code& c, Scope& s, const Slot& v) {
  const Type& t = *v.type;
  if (!ir::has_pointers(t)) return;
  switch (t.kind) {
    case Type::Kind::structure:
    case Type::Kind::union_:
      c.line("RAMPART_CHECK(" + type_of(t, stem_) + "::decode_buffers(d, " + v.lv + "));");
      return;
    case Type::Kind::array: {
      const std::string x = tmp("x");
      c.open("for (auto&& " + x + " : " + v.lv + ")");
      dec_buffers(c, s, Slot{t.elem, x, v.name + "[]", std::nullopt, nullptr});
      c.close();
      return;
    }
    case Type::Kind::pointer: {
      // C706 14.3.12.3: an embedded pointer's referent follows the
      // construct, and is itself a whole construct.
      const bool opt = t.ptr != PtrKind::ref;
      c.open(opt ? "if (" + v.lv + ")" : std::string("do"));
      if (is_construct(*t.pointee)) c.line("auto guard = RAMPART_TRY(d.enter());");
      dec_whole(c, s, Slot{t.pointee, opt ? "(*" + v.lv + ")" : v.lv, v.name, v.range, v.switch_is}, true);
      c.close(opt ? "}" : "} while (false);");
      return;
    }
    default: return;
  }
}

void CodecGen::dec_array_whole(Code& c, Scope& s, const Slot& v) {
  const Type& t = *v.type;
  const std::string max = tmp("wire_max");
  s.preamble.push_back("std::uint64_t " + max + " = 0;");
  if (t.size && is_available(*t.size, s)) {
    c.line(max + " = RAMPART_TRY(d.conformance(static_cast<std::uint64_t>(" + expr(*t.size, s.prefix) + ")));");
  } else {
    c.line(max + " = RAMPART_TRY(d.conformance());");
    if (t.size) check_decoded(c, s, *t.size, max, "conformance_mismatch", "size_is of " + v.name, true);
  }
  std::string count = max;
  if (t.arr == ArrKind::conformant_varying) {
    count = tmp("wire_len");
    s.preamble.push_back("std::uint64_t " + count + " = 0;");
    if (t.length && is_available(*t.length, s)) {
      c.line(count + " = RAMPART_TRY(d.variance(" + max + ", static_cast<std::uint64_t>(" +
             expr(*t.length, s.prefix) + ")));");
    } else {
      c.line(count + " = RAMPART_TRY(d.variance(" + max + "));");
      if (t.length) check_decoded(c, s, *t.length, count, "length_mismatch", "length_is of " + v.name, true);
    }
    if (t.first) check_decoded(c, s, *t.first, "0", "variance_offset_nonzero", "first_is of " + v.name, false);
  }
  dec_elements(c, s, v, count);
  dec_buffers(c, s, v);
}

void CodecGen::dec_whole(Code& c, Scope& s, const Slot& v, bool guarded) {
  const Type& t = *v.type;
  switch (t.kind) {
    case Type::Kind::prim:
    case Type::Kind::enumeration: dec_prim(c, v); return;
    case Type::Kind::structure:
    case Type::Kind::union_: {
      c.open("");
      if (!guarded) c.line("auto guard = RAMPART_TRY(d.enter());");
      if (t.kind == Type::Kind::structure && ir::trailing_conformant(t) != nullptr) {
        const std::string conf = tmp("wire_conf");
        c.line("const auto " + conf + " = RAMPART_TRY(d.conformance());");
        c.line("RAMPART_CHECK(" + type_of(t, stem_) + "::decode_scalars(d, " + v.lv + ", " + conf + "));");
      } else {
        dec_flat(c, s, v, false);
      }
      dec_buffers(c, s, v);
      c.close();
      return;
    }
    case Type::Kind::pointer: {
      if (t.ptr == PtrKind::ref) {
        c.line("RAMPART_CHECK(d.ref_pointer());");
        dec_whole(c, s, Slot{t.pointee, v.lv, v.name, v.range, v.switch_is});
        return;
      }
      dec_flat(c, s, v, false);
      c.open("if (" + v.lv + ")");
      if (is_construct(*t.pointee)) c.line("auto guard = RAMPART_TRY(d.enter());");
      dec_whole(c, s, Slot{t.pointee, "(*" + v.lv + ")", v.name, v.range, v.switch_is}, true);
      c.close();
      return;
    }
    case Type::Kind::array:
      if (t.arr == ArrKind::fixed || t.arr == ArrKind::varying) {
        dec_flat(c, s, v, false);
        dec_buffers(c, s, v);
      } else {
        dec_array_whole(c, s, v);
      }
      return;
    case Type::Kind::string:
      if (t.fixed != 0) {
        dec_flat(c, s, v, false);
        return;
      } else {
        // max_count is read here (not inside d.string) so that a size_is
        // naming a later or [in]-only parameter can be checked or carried.
        const std::string max = tmp("wire_max");
        s.preamble.push_back("std::uint64_t " + max + " = 0;");
        if (t.size && is_available(*t.size, s)) {
          c.line(max + " = RAMPART_TRY(d.conformance(static_cast<std::uint64_t>(" + expr(*t.size, s.prefix) + ")));");
        } else {
          c.line(max + " = RAMPART_TRY(d.conformance());");
          if (t.size) check_decoded(c, s, *t.size, max, "conformance_mismatch", "size_is of " + v.name, true);
        }
        c.line("if (" + max + " == 0 || " + max +
               " > 0xffffffffu) [[unlikely]] return d.correlation_mismatch(ndr::Errc::string_not_terminated, "
               "\"conformant string without room for its terminator\");");
        c.line(v.lv + " = RAMPART_TRY(d." + string_fn(t) + "(ndr::StringSpec{static_cast<std::uint32_t>(" + max +
               "), std::nullopt, 0}));");
      }
      return;
    case Type::Kind::pipe: {
      // C706 14.3.9 / [MS-RPCE] 2.2.5.3: chunks of (count, elements), ended
      // by an empty chunk; every chunk is checked and charged.
      const Type& elem = *t.elem;
      const std::string et = type_of(elem, stem_);
      const std::string n = tmp("chunk");
      c.line(v.lv + ".clear();");
      c.open("for (;;)");
      c.line("const auto " + n + " = RAMPART_TRY(d.conformance());");
      c.line("if (" + n + " == 0) break;");
      c.line("if (" + v.lv + ".size() + " + n +
             " > d.limits().max_array_elements) [[unlikely]] return d.correlation_mismatch(ndr::Errc::"
             "count_exceeds_limit, \"pipe longer than max_array_elements\");");
      c.line("RAMPART_CHECK(d.need(" + n + ", " + min_wire(elem) + "));");
      c.line("RAMPART_CHECK(d.charge(" + n + ", sizeof(" + et + ")));");
      c.line("const std::size_t old = " + v.lv + ".size();");
      c.line(v.lv + ".resize(old + static_cast<std::size_t>(" + n + "));");
      if (is_bulk(elem)) {
        c.line("RAMPART_CHECK(d.primitives(std::span<" + et + ">(" + v.lv + ").subspan(old)));");
      } else {
        c.open("for (std::size_t i = old; i < " + v.lv + ".size(); ++i)");
        dec_flat(c, s, Slot{&elem, v.lv + "[i]", v.name + "[]", std::nullopt, nullptr}, false);
        c.close();
      }
      c.close();
      return;
    }
  }
}

}  // namespace rampart::idl::cpp
