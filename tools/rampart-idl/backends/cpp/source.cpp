// Codecs and describe() of structures and unions: the generated source.
#include <algorithm>

#include "backends/cpp/generator.hpp"
#include "backends/cpp/names.hpp"

namespace rampart::idl::cpp {

using ir::Format;
using ir::Type;

namespace {

constexpr const char* kFormats[] = {"::rampart::ndr::Ndr20", "::rampart::ndr::Ndr64"};

std::string function(const std::string& head, const Scope& s, const Code& body, const std::string& tail) {
  std::string out = head + " {\n";
  for (const auto& p : s.preamble) out += "  " + p + "\n";
  out += body.text();
  for (const auto& d : s.deferred) out += "  " + d + "\n";
  return out + tail + "}\n\n";
}

std::size_t arms_alignment(const Type& t, Format f) {
  std::size_t a = 1;
  for (const auto& arm : t.arms)
    if (arm.field) a = std::max(a, ir::alignment(*arm.field->type, f));
  return a;
}

}  // namespace

void Generator::instantiate(const std::string& q, bool conformant, bool discriminated) {
  const std::string extra_d = std::string(conformant ? ", std::uint64_t" : "") + (discriminated ? ", std::int64_t" : "");
  const std::string extra_e = discriminated ? ", std::int64_t" : "";
  for (const char* f : kFormats) {
    const std::string dec = std::string("::rampart::ndr::BasicDecoder<") + f + ">";
    const std::string enc = std::string("::rampart::ndr::BasicEncoder<") + f + ">";
    s_ += "template ::rampart::Result<void> " + q + "::decode_scalars<" + dec + ">(" + dec + "&, " + q + "&" +
          extra_d + ");\n";
    s_ += "template ::rampart::Result<void> " + q + "::decode_buffers<" + dec + ">(" + dec + "&, " + q + "&);\n";
    s_ += "template ::rampart::Result<void> " + q + "::encode_scalars<" + enc + ">(" + enc + "&, const " + q +
          "&" + extra_e + ");\n";
    s_ += "template ::rampart::Result<void> " + q + "::encode_buffers<" + enc + ">(" + enc + "&, const " + q +
          "&);\n";
  }
  s_ += "\n";
}

void Generator::source_struct(const Type& t) {
  const std::string q = ident(t.name);
  const bool conformant = ir::trailing_conformant(t) != nullptr;
  const std::string align = CodecGen::align_of(t);
  // A structure without pointers (a tower, an interface id) has short
  // codecs that other structures and stubs, often in other files, call on
  // their hot path: they go in the header, where the callers' compiler can
  // inline them. The source still instantiates them for both formats.
  std::string& codecs = ir::has_pointers(t) ? s_ : h_;
  {
    Scope s;
    s.prefix = "v.";
    s.hoisted = "wire_conformance";
    Code c;
    c.line("using F [[maybe_unused]] = typename D::Format;");
    c.line("RAMPART_CHECK(d.align(" + align + "));");
    for (std::size_t i = 0; i < t.fields.size(); ++i) {
      const auto& f = t.fields[i];
      codec_.dec_flat(c, s, Slot{f.type, "v." + ident(f.name), f.name, f.range, f.switch_is ? &*f.switch_is : nullptr},
                      i + 1 == t.fields.size());
      s.available.insert(f.name);
    }
    c.line("RAMPART_CHECK(d.trailing_pad(" + align + "));");
    codecs += function("template <class D>\n::rampart::Result<void> " + q + "::decode_scalars(D& d, " + q + "& v" +
                       (conformant ? ", [[maybe_unused]] std::uint64_t wire_conformance" : "") +
                       ")",
                   s, c, "  return {};\n");
  }
  {
    Scope s;
    s.prefix = "v.";
    for (const auto& f : t.fields) s.available.insert(f.name);
    Code c;
    c.line("using F [[maybe_unused]] = typename D::Format;");
    for (const auto& f : t.fields)
      codec_.dec_buffers(c, s, Slot{f.type, "v." + ident(f.name), f.name, f.range, f.switch_is ? &*f.switch_is : nullptr});
    codecs += function("template <class D>\n::rampart::Result<void> " + q + "::decode_buffers([[maybe_unused]] D& d, "
                   "[[maybe_unused]] " + q + "& v)", s, c, "  return {};\n");
  }
  {
    Scope s;
    s.prefix = "v.";
    for (const auto& f : t.fields) s.available.insert(f.name);
    Code c;
    c.line("using F [[maybe_unused]] = typename E::Format;");
    c.line("e.align(" + align + ");");
    for (std::size_t i = 0; i < t.fields.size(); ++i) {
      const auto& f = t.fields[i];
      codec_.enc_flat(c, s, Slot{f.type, "v." + ident(f.name), f.name, f.range, f.switch_is ? &*f.switch_is : nullptr},
                      i + 1 == t.fields.size());
    }
    c.line("e.trailing_pad(" + align + ");");
    codecs += function("template <class E>\n::rampart::Result<void> " + q + "::encode_scalars(E& e, const " + q + "& v)",
                   s, c, "  return {};\n");
    Code b;
    b.line("using F [[maybe_unused]] = typename E::Format;");
    for (const auto& f : t.fields)
      codec_.enc_buffers(b, s, Slot{f.type, "v." + ident(f.name), f.name, f.range, f.switch_is ? &*f.switch_is : nullptr});
    Scope empty;
    codecs += function("template <class E>\n::rampart::Result<void> " + q + "::encode_buffers([[maybe_unused]] E& e, "
                   "[[maybe_unused]] const " + q + "& v)", empty, b, "  return {};\n");
  }
  if (conformant) {
    const auto& last = t.fields.back();
    const std::string lv = "v." + ident(last.name);
    std::string body;
    if (last.type->kind == Type::Kind::structure) {
      body = "  return " + type(*last.type) + "::conformance_of(" + lv + ");\n";
    } else if (last.type->size) {
      body = "  const std::int64_t n = " + expr(*last.type->size, "v.") + ";\n" +
             "  if (n < 0) return fail(ndr::Errc::conformance_mismatch, \"negative size_is\");\n" +
             "  return static_cast<std::uint64_t>(n);\n";
    } else {
      body = "  return static_cast<std::uint64_t>(" + lv + ".size()) + 1;\n";
    }
    s_ += "::rampart::Result<std::uint64_t> " + q + "::conformance_of(const " + q + "& v) {\n" + body + "}\n\n";
  }
  s_ += "std::string " + q + "::describe() const {\n  std::string out = " + quote(t.name + "\n") +
        ";\n  describe_to(out, 1);\n  return out;\n}\n\n";
  s_ += "void " + q + "::describe_to(std::string& out, int indent) const {\n";
  if (auto hook = o_.describe_hooks.find(t.name); hook != o_.describe_hooks.end()) {
    s_ += "  " + hook->second.function + "(out, indent, *this);  // --describe-hook\n";
  } else {
    for (const auto& f : t.fields)
      s_ += "  ::rampart::ndr::describe_field(out, indent, " + quote(f.name) + ", " + ident(f.name) + ");\n";
  }
  s_ += "}\n\n";
  instantiate(q, conformant, false);
}

namespace {

/// The names a union's codecs share: the discriminant, the arm value and
/// the arms' alignment (per transfer syntax).
struct UnionParts {
  std::string sw, val, arms;
};

UnionParts union_parts(const Type& t) {
  return {"v." + (t.encapsulated ? ident(t.switch_name) : std::string("discriminant")),
          "v." + (t.encapsulated ? ident(t.arm_name) : std::string("value")),
          CodecGen::fmt_pick(arms_alignment(t, Format::ndr20), arms_alignment(t, Format::ndr64))};
}

/// An encapsulated union's discriminant width: its type's wire size, which
/// differs between NDR20 and NDR64 for enums ([MS-RPCE] 2.2.5.3.4.1).
std::string discriminant_width(const Type& st) {
  const std::size_t w20 = ir::min_wire_size(st, Format::ndr20), w64 = ir::min_wire_size(st, Format::ndr64);
  auto width = [](std::size_t w) { return std::string("::rampart::ndr::DiscriminantWidth::u") + std::to_string(w * 8); };
  return w20 == w64 ? width(w20) : "::rampart::ndr::by_format<F>(" + width(w20) + ", " + width(w64) + ")";
}

}  // namespace

/// The deferred referents of the arm a union holds (C706 14.3.12.3): one
/// case per arm with pointers, for decode_buffers or encode_buffers.
void Generator::union_buffers(Code& b, Scope& s, const Type& t, const std::string& val, bool decode) {
  b.line(decode ? "using F [[maybe_unused]] = typename D::Format;" : "using F [[maybe_unused]] = typename E::Format;");
  b.open("switch (" + val + ".index())");
  for (std::size_t i = 0; i < t.arms.size(); ++i) {
    if (!t.arms[i].field || !ir::has_pointers(*t.arms[i].field->type)) continue;
    const std::string k = std::to_string(i);
    const Slot slot{t.arms[i].field->type, "x", t.arms[i].field->name, std::nullopt, nullptr};
    b.open("case " + k + ":");
    b.line(std::string("[[maybe_unused]] ") + (decode ? "auto& x" : "const auto& x") + " = std::get<" + k + ">(" +
           val + ");");
    if (decode)
      codec_.dec_buffers(b, s, slot);
    else
      codec_.enc_buffers(b, s, slot);
    b.line("break;");
    b.close();
  }
  b.line("default: break;");
  b.close();
}

void Generator::source_union_decode(const Type& t, const std::string& q) {
  const auto [sw, val, arms] = union_parts(t);
  Scope s;
  s.prefix = "v.";
  Code c;
  c.line("using F [[maybe_unused]] = typename D::Format;");
  if (t.encapsulated) {
    const Type& st = *t.switch_type;
    c.line("const auto raw = RAMPART_TRY(d.encapsulated_union(" + discriminant_width(st) + ", " + arms + "));");
    if (st.kind == Type::Kind::enumeration)
      c.line(sw + " = RAMPART_TRY(d.enum_value(raw, " + type(st) + "_values));");
    else
      c.line(sw + " = static_cast<" + type(st) + ">(raw);");
  } else {
    c.line("RAMPART_CHECK(d.union_start(" + CodecGen::align_of(*t.switch_type) + ", " + arms + "));");
    codec_.dec_flat(c, s, Slot{t.switch_type, sw, "discriminant", std::nullopt, nullptr}, false);
    c.line("if (static_cast<std::int64_t>(" + sw + ") != switch_is) [[unlikely]] return d.switch_mismatch();");
    c.line("RAMPART_CHECK(d.union_arm(" + arms + "));");
  }
  c.open("switch (arm_of(static_cast<std::int64_t>(" + sw + ")))");
  for (std::size_t i = 0; i < t.arms.size(); ++i) {
    const std::string k = std::to_string(i);
    c.open("case " + k + ":");
    c.line("[[maybe_unused]] auto& x = " + val + ".template emplace<" + k + ">();");
    if (t.arms[i].field) {
      const auto& f = *t.arms[i].field;
      codec_.dec_flat(c, s, Slot{f.type, "x", f.name, f.range, nullptr}, false);
    }
    c.line("return {};");
    c.close();
  }
  c.line("default: return d.unknown_arm();");
  c.close();
  s_ += function("template <class D>\n::rampart::Result<void> " + q + "::decode_scalars(D& d, " + q + "& v" +
                     (t.encapsulated ? "" : ", std::int64_t switch_is") + ")",
                 s, c, "");
  Scope sb;
  sb.prefix = "v.";
  Code b;
  union_buffers(b, sb, t, val, true);
  s_ += function("template <class D>\n::rampart::Result<void> " + q + "::decode_buffers([[maybe_unused]] D& d, " +
                     q + "& v)",
                 sb, b, "  return {};\n");
}

void Generator::source_union_encode(const Type& t, const std::string& q) {
  const auto [sw, val, arms] = union_parts(t);
  Scope s;
  s.prefix = "v.";
  Code c;
  c.line("using F [[maybe_unused]] = typename E::Format;");
  if (!t.encapsulated)
    c.line("if (static_cast<std::int64_t>(" + sw + ") != switch_is) return fail(ndr::Errc::switch_mismatch, "
           "\"discriminant differs from switch_is\");");
  c.line("const std::size_t arm = arm_of(static_cast<std::int64_t>(" + sw + "));");
  c.line("if (arm != " + val + ".index()) return fail(ndr::Errc::unknown_union_arm, \"the value is not the arm "
         "its discriminant selects\");");
  if (t.encapsulated) {
    c.line("e.encapsulated_union(" + discriminant_width(*t.switch_type) + ", " + arms +
           ", static_cast<std::uint32_t>(" + sw + "));");
  } else {
    c.line("e.union_start(" + CodecGen::align_of(*t.switch_type) + ", " + arms + ");");
    codec_.enc_flat(c, s, Slot{t.switch_type, sw, "discriminant", std::nullopt, nullptr}, false);
    c.line("e.union_arm(" + arms + ");");
  }
  c.open("switch (arm)");
  for (std::size_t i = 0; i < t.arms.size(); ++i) {
    if (!t.arms[i].field) continue;
    const std::string k = std::to_string(i);
    c.open("case " + k + ":");
    c.line("[[maybe_unused]] const auto& x = std::get<" + k + ">(" + val + ");");
    codec_.enc_flat(c, s, Slot{t.arms[i].field->type, "x", t.arms[i].field->name, t.arms[i].field->range, nullptr},
                    false);
    c.line("break;");
    c.close();
  }
  c.line("default: break;");
  c.close();
  s_ += function("template <class E>\n::rampart::Result<void> " + q + "::encode_scalars(E& e, const " + q + "& v" +
                     (t.encapsulated ? "" : ", std::int64_t switch_is") + ")",
                 s, c, "  return {};\n");
  Code b;
  union_buffers(b, s, t, val, false);
  Scope empty;
  s_ += function("template <class E>\n::rampart::Result<void> " + q + "::encode_buffers([[maybe_unused]] E& e, "
                 "const " + q + "& v)", empty, b, "  return {};\n");
}

void Generator::source_union(const Type& t) {
  const std::string q = ident(t.name);
  source_union_decode(t, q);
  source_union_encode(t, q);
  const std::string sw = t.encapsulated ? ident(t.switch_name) : std::string("discriminant");
  const std::string val = t.encapsulated ? ident(t.arm_name) : std::string("value");
  s_ += "std::string " + q + "::describe() const {\n  std::string out = " + quote(t.name + "\n") +
        ";\n  describe_to(out, 1);\n  return out;\n}\n\n";
  s_ += "void " + q + "::describe_to(std::string& out, int indent) const {\n";
  s_ += "  ::rampart::ndr::describe_field(out, indent, " + quote(t.encapsulated ? t.switch_name : "discriminant") +
        ", " + sw + ");\n  switch (" + val + ".index()) {\n";
  for (std::size_t i = 0; i < t.arms.size(); ++i) {
    if (!t.arms[i].field) continue;
    s_ += "    case " + std::to_string(i) + ": ::rampart::ndr::describe_field(out, indent, " +
          quote(t.arms[i].field->name) + ", std::get<" + std::to_string(i) + ">(" + val + ")); break;\n";
  }
  s_ += "    default: break;\n  }\n}\n\n";
  instantiate(q, false, !t.encapsulated);
}

}  // namespace rampart::idl::cpp
