// The IR that sema builds from idl/test/conformance.idl: attributes become
// structure, and layout per transfer syntax is computed once.
#include <gtest/gtest.h>

#include "backends/cpp/cpp_backend.hpp"
#include "sema/sema.hpp"

namespace rampart::idl {
namespace {

const ir::Module& conformance() {
  static const ir::Module m = [] {
    Diagnostics diags;
    auto module = analyze(RAMPART_SOURCE_DIR "/idl/test/conformance.idl", {}, diags);
    EXPECT_TRUE(module.has_value()) << diags.text();
    return std::move(*module);
  }();
  return m;
}

const ir::Type& named(const std::string& name) {
  for (const auto* t : conformance().types)
    if (t->name == name) return *t;
  ADD_FAILURE() << name;
  static ir::Type none;
  return none;
}

TEST(IdlIr, InterfacesAndOpnums) {
  const auto& m = conformance();
  ASSERT_EQ(m.interfaces.size(), 2u);  // the [local] interface is not generated
  const auto& itf = m.interfaces[0];
  EXPECT_EQ(itf.name, "conformance");
  EXPECT_EQ(itf.uuid, "6b7a3c1e-94f2-4c1d-8d0e-2f5a9b3c7d41");
  EXPECT_EQ(itf.major, 1);
  EXPECT_EQ(itf.minor, 2);
  EXPECT_EQ(itf.endpoints, (std::vector<std::string>{"ncacn_ip_tcp:[5150]"}));
  EXPECT_EQ(itf.operations.size(), 20u);
  EXPECT_EQ(itf.operations[3].name, "op_conformant_struct");
  EXPECT_EQ(itf.operations[3].opnum, 3);
  const auto& obj = m.interfaces[1];
  EXPECT_TRUE(obj.object);
  EXPECT_EQ(obj.first_opnum, 3);
  EXPECT_EQ(obj.operations[0].opnum, 3);
  EXPECT_EQ(m.imports, (std::vector<std::string>{"conformance_types"}));
}

TEST(IdlIr, ArraysKnowTheirKind) {
  const auto& cv = named("cv_struct");
  const auto& values = *cv.fields[2].type;
  EXPECT_EQ(values.kind, ir::Type::Kind::array);
  EXPECT_EQ(values.arr, ir::ArrKind::conformant_varying);
  EXPECT_EQ(values.size->name, "max");
  EXPECT_EQ(values.length->name, "len");
  EXPECT_EQ(ir::trailing_conformant(cv), &values);
  const auto& grid = *named("fixed_arrays").fields[1].type;
  EXPECT_EQ(grid.arr, ir::ArrKind::fixed);
  EXPECT_EQ(grid.fixed, 2u);
  EXPECT_EQ(grid.elem->fixed, 3u);
  // max_is(top) is a count of top + 1.
  const auto& max_is = *named("max_is_struct").fields[1].type;
  EXPECT_EQ(max_is.size->kind, ir::Expr::Kind::binary);
  EXPECT_EQ(max_is.size->op, "+");
}

TEST(IdlIr, LayoutPerTransferSyntax) {
  const auto& holder = named("union_holder");
  EXPECT_EQ(ir::alignment(holder, ir::Format::ndr20), 8u);
  EXPECT_EQ(ir::alignment(named("pointers"), ir::Format::ndr20), 4u);
  EXPECT_EQ(ir::alignment(named("pointers"), ir::Format::ndr64), 8u);
  const auto& shape = *named("shape16").enumerators.data();
  EXPECT_EQ(shape.name, "shape_circle");
  EXPECT_EQ(ir::min_wire_size(named("shape16"), ir::Format::ndr20), 2u);
  EXPECT_EQ(ir::min_wire_size(named("shape16"), ir::Format::ndr64), 4u);
  EXPECT_EQ(ir::min_wire_size(named("color_v1"), ir::Format::ndr20), 4u);
  EXPECT_TRUE(named("color_v1").v1_enum);
}

TEST(IdlIr, ForwardReferencedTagIsOrderedFirst) {
  const auto& types = conformance().types;
  std::size_t inner = 0, list = 0;
  for (std::size_t i = 0; i < types.size(); ++i) {
    if (types[i]->name == "inner") inner = i;
    if (types[i]->name == "list_node") list = i;
  }
  EXPECT_LT(inner, list);
}

TEST(IdlIr, UnionsAndPointers) {
  const auto& u = named("nonencap_union");
  EXPECT_FALSE(u.encapsulated);
  EXPECT_EQ(u.switch_type->prim, ir::Prim::u16);
  ASSERT_EQ(u.arms.size(), 5u);
  EXPECT_EQ(u.arms[1].cases, (std::vector<std::int64_t>{2, 3}));
  EXPECT_FALSE(u.arms[3].field.has_value());
  EXPECT_TRUE(u.arms[4].is_default);
  const auto& e = named("encap_union");
  EXPECT_TRUE(e.encapsulated);
  EXPECT_EQ(e.switch_name, "disc");
  const auto& p = named("pointers");
  EXPECT_EQ(p.fields[1].type->ptr, ir::PtrKind::unique);
  EXPECT_EQ(p.fields[2].type->ptr, ir::PtrKind::ref);
  EXPECT_EQ(p.fields[3].type->ptr, ir::PtrKind::full);
}

}  // namespace
}  // namespace rampart::idl

namespace rampart::idl {
namespace {

TEST(IdlIr, UnionWithoutSwitchTypeTakesTheTypeOfItsSwitchIs) {
  const char* src =
      "[uuid(11111111-2222-3333-4444-555555555555)] interface t {\n"
      "  typedef struct { unsigned short flags;\n"
      "    [switch_is(flags)] union { [case(1)] long a; [default]; } u; } s;\n"
      "  void f([in] s* v);\n}\n";
  Diagnostics diags;
  const auto m = analyze_source("u.idl", src, {}, diags);
  ASSERT_TRUE(m.has_value()) << diags.text();
  const ir::Type* s = nullptr;
  for (const auto* t : m->types)
    if (t->name == "s") s = t;
  ASSERT_NE(s, nullptr);
  const ir::Type& u = *s->fields[1].type;
  EXPECT_EQ(u.name, "s_u");
  EXPECT_EQ(u.switch_type->prim, ir::Prim::u16);
}

TEST(IdlIr, OrpcAddsThisAndThat) {
  const char* src =
      "typedef struct { unsigned short major; } ORPCTHIS;\n"
      "typedef struct { unsigned long flags; } ORPCTHAT;\n"
      "[object, uuid(00000131-0000-0000-c000-000000000046)] interface IRemUnknownish : IUnknown {\n"
      "  HRESULT RemAddRef([in] unsigned short n, [out] long* r);\n}\n";
  SemaOptions options;
  options.orpc = true;
  Diagnostics diags;
  const auto m = analyze_source("o.idl", src, options, diags);
  ASSERT_TRUE(m.has_value()) << diags.text();
  const auto& params = m->interfaces[0].operations[0].params;
  ASSERT_EQ(params.size(), 4u);
  EXPECT_EQ(params[0].name, "orpcthis");
  EXPECT_TRUE(params[0].in);
  EXPECT_EQ(params[1].name, "orpcthat");
  EXPECT_TRUE(params[1].out);
  Diagnostics missing;
  const std::string without_types = std::string(src).substr(std::string(src).find("[object"));
  EXPECT_FALSE(analyze_source("o.idl", without_types, options, missing).has_value());
  EXPECT_EQ(missing.text(),
            "o.idl:2:11: error: --orpc: 'RemAddRef' needs the types ORPCTHIS and ORPCTHAT (import the ORPC "
            "types)\n");
}

TEST(IdlIr, SizeIsReachesThePointerATypedefBrings) {
  // [MS-DCOM] 3.1.1.5.6.1.1: `[out, size_is(, cIids)] PREMQIRESULT*
  // ppQIResults`, PREMQIRESULT a [unique] pointer typedef: the second level
  // sizes the typedef's pointer, which points to cIids structures.
  const char* src =
      "typedef struct { long hResult; } R;\n"
      "typedef [unique] R* PR;\n"
      "[uuid(00000131-0000-0000-c000-000000000046), pointer_default(unique)] interface I {\n"
      "  long Q([in] unsigned short n, [out, size_is(, n)] PR* out);\n}\n";
  Diagnostics diags;
  const auto m = analyze_source("t.idl", src, {}, diags);
  ASSERT_TRUE(m.has_value()) << diags.text();
  const ir::Type* t = m->interfaces[0].operations[0].params[1].type;
  ASSERT_EQ(t->kind, ir::Type::Kind::pointer);
  EXPECT_EQ(t->ptr, ir::PtrKind::ref);
  const ir::Type* inner = t->pointee;
  ASSERT_EQ(inner->kind, ir::Type::Kind::pointer);
  EXPECT_EQ(inner->ptr, ir::PtrKind::unique);
  ASSERT_EQ(inner->pointee->kind, ir::Type::Kind::array);
  EXPECT_EQ(inner->pointee->arr, ir::ArrKind::conformant);
  EXPECT_EQ(inner->pointee->size->name, "n");
  EXPECT_EQ(inner->pointee->elem->name, "R");
}

TEST(IdlIr, EncodeDecodeMarkTheStructure) {
  const char* src =
      "[local] interface P {\n"
      "  typedef [encode, decode] struct { long a; } both;\n"
      "  typedef [decode] struct { long a; } in_only;\n"
      "  typedef struct { long a; } plain;\n}\n";
  Diagnostics diags;
  const auto m = analyze_source("p.idl", src, {}, diags);
  ASSERT_TRUE(m.has_value()) << diags.text();
  auto find = [&](const std::string& n) -> const ir::Type* {
    for (const auto* t : m->types)
      if (t->name == n) return t;
    return nullptr;
  };
  ASSERT_NE(find("both"), nullptr);
  EXPECT_TRUE(find("both")->pickle_encode);
  EXPECT_TRUE(find("both")->pickle_decode);
  EXPECT_FALSE(find("in_only")->pickle_encode);
  EXPECT_TRUE(find("in_only")->pickle_decode);
  EXPECT_FALSE(find("plain")->pickle_encode || find("plain")->pickle_decode);
}

/// The module of an IDL text that must compile; nullopt (and a failure
/// naming the diagnostics) otherwise.
std::optional<ir::Module> analyzed(const char* name, const char* src) {
  Diagnostics diags;
  auto m = analyze_source(name, src, {}, diags);
  EXPECT_TRUE(m.has_value()) << diags.text();
  return m;
}

// [MS-DTYP] 2.3.4's GUID structure, under the names GUID, UUID or uuid_t,
// is the built-in uuid (rampart::Uuid); a structure of another layout, or
// the same layout under another name, stays a structure.
TEST(IdlIr, TheGuidStructureIsTheBuiltInUuid) {
  const char* src =
      "typedef struct _GUID { unsigned long Data1; unsigned short Data2; unsigned short Data3; byte Data4[8]; }"
      " GUID, UUID;\n"
      "typedef struct { unsigned long Data1; unsigned short Data2; unsigned short Data3; byte Data4[8]; } NOTAGUID;\n"
      "typedef struct { unsigned long a; unsigned short b; } UUID2;\n"
      "typedef struct { GUID g; UUID u; NOTAGUID n; } holder;\n";
  const auto m = analyzed("g.idl", src);
  ASSERT_TRUE(m);
  std::vector<std::string> names;
  for (const auto* t : m->types) names.push_back(t->name);
  EXPECT_EQ(names, (std::vector<std::string>{"NOTAGUID", "UUID2", "holder"}));
  const ir::Type& holder = *m->types.back();
  for (std::size_t i : {0u, 1u}) {
    EXPECT_EQ(holder.fields[i].type->kind, ir::Type::Kind::prim);
    EXPECT_EQ(holder.fields[i].type->prim, ir::Prim::uuid);
  }
  EXPECT_EQ(holder.fields[2].type->kind, ir::Type::Kind::structure);
  const auto out = generate_cpp(*m, CppOptions{"g.hpp", "", {}});
  EXPECT_NE(out.header.find("using GUID = ::rampart::Uuid;"), std::string::npos) << out.header;
}

// --describe-hook: the structure's describe_to() calls the hook, and the
// source includes its header; other structures list their members.
TEST(IdlIr, DescribeHookReplacesTheMemberList) {
  const char* src =
      "typedef struct { unsigned long n; [size_is(n)] byte octets[]; } blob;\n"
      "typedef struct { unsigned long n; } plain;\n";
  const auto m = analyzed("h.idl", src);
  ASSERT_TRUE(m);
  CppOptions o{"h.hpp", "", {}};
  o.describe_hooks["blob"] = {"my/blob_text.hpp", "my::describe_blob"};
  const auto out = generate_cpp(*m, o);
  EXPECT_NE(out.source.find("#include \"my/blob_text.hpp\""), std::string::npos);
  const auto blob = out.source.find("void blob::describe_to(");
  ASSERT_NE(blob, std::string::npos);
  EXPECT_EQ(out.source.find("my::describe_blob(out, indent, *this);", blob), out.source.find('\n', blob) + 3);
  EXPECT_EQ(out.source.find("describe_field(out, indent, \"octets\"", blob), std::string::npos);
  EXPECT_NE(out.source.find("describe_field(out, indent, \"n\", n);", out.source.find("void plain::describe_to(")),
            std::string::npos);
}

}  // namespace
}  // namespace rampart::idl

namespace rampart::idl {
namespace {

const char* kItf = "[uuid(11111111-2222-3333-4444-555555555555), pointer_default(unique)] interface t {\n";

TEST(IdlIr, UniqueOnAnArrayParameterMakesItANullablePointer) {
  const std::string src = std::string(kItf) +
                          "  void f([in] long n, [in, unique, size_is(n)] long a[], [in, ptr, string] char s[16],\n"
                          "         [in, size_is(n)] long plain[]);\n}\n";
  Diagnostics diags;
  const auto m = analyze_source("a.idl", src, {}, diags);
  ASSERT_TRUE(m.has_value()) << diags.text();
  const auto& params = m->interfaces[0].operations[0].params;
  const ir::Type* a = params[1].type;
  ASSERT_EQ(a->kind, ir::Type::Kind::pointer);
  EXPECT_EQ(a->ptr, ir::PtrKind::unique);
  ASSERT_EQ(a->pointee->kind, ir::Type::Kind::array);
  EXPECT_EQ(a->pointee->arr, ir::ArrKind::conformant);
  EXPECT_EQ(a->pointee->size->name, "n");
  const ir::Type* s = params[2].type;
  ASSERT_EQ(s->kind, ir::Type::Kind::pointer);
  EXPECT_EQ(s->ptr, ir::PtrKind::full);
  EXPECT_EQ(s->pointee->kind, ir::Type::Kind::string);
  // Without a pointer attribute the array is the parameter itself.
  EXPECT_EQ(params[3].type->kind, ir::Type::Kind::array);
}

TEST(IdlIr, UniqueOnAnEmbeddedArrayIsAnError) {
  const std::string src = std::string(kItf) + "  typedef struct { long n; [unique, size_is(n)] long a[]; } s;\n}\n";
  Diagnostics diags;
  EXPECT_FALSE(analyze_source("a.idl", src, {}, diags).has_value());
  EXPECT_EQ(diags.text(),
            "a.idl:2:54: error: pointer attribute on 'a', an array that is not a parameter or a pointer\n");
}

TEST(IdlIr, StringOnADoublePointerIsTheInnermostLevel) {
  const std::string src = std::string(kItf) +
                          "  void f([out, string] wchar_t** w, [in, out, unique, string] char** c,\n"
                          "         [in] long n, [in, size_is(n), string] wchar_t** names);\n}\n";
  Diagnostics diags;
  const auto m = analyze_source("w.idl", src, {}, diags);
  ASSERT_TRUE(m.has_value()) << diags.text();
  const auto& params = m->interfaces[0].operations[0].params;
  const ir::Type* w = params[0].type;
  ASSERT_EQ(w->kind, ir::Type::Kind::pointer);
  EXPECT_EQ(w->ptr, ir::PtrKind::ref);
  ASSERT_EQ(w->pointee->kind, ir::Type::Kind::pointer);
  EXPECT_EQ(w->pointee->ptr, ir::PtrKind::unique);  // pointer_default
  ASSERT_EQ(w->pointee->pointee->kind, ir::Type::Kind::string);
  EXPECT_EQ(w->pointee->pointee->elem->prim, ir::Prim::wchar);
  EXPECT_EQ(w->pointee->pointee->fixed, 0u);
  const ir::Type* c = params[1].type;
  EXPECT_EQ(c->ptr, ir::PtrKind::unique);
  EXPECT_EQ(c->pointee->pointee->elem->prim, ir::Prim::char8);
  // size_is on the first level: an array of n string pointers.
  const ir::Type* names = params[3].type;
  ASSERT_EQ(names->pointee->kind, ir::Type::Kind::array);
  EXPECT_EQ(names->pointee->size->name, "n");
  EXPECT_EQ(names->pointee->elem->kind, ir::Type::Kind::pointer);
  EXPECT_EQ(names->pointee->elem->pointee->kind, ir::Type::Kind::string);
  Diagnostics bad;
  EXPECT_FALSE(analyze_source("w.idl", std::string(kItf) + "  void g([in, string] long** p);\n}\n", {}, bad)
                   .has_value());
  EXPECT_EQ(bad.text(), "w.idl:2:30: error: [string] on 'p', which does not point to char or wchar_t\n");
}

}  // namespace
}  // namespace rampart::idl
