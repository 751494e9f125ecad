// Types, declarators and attributes.
#include <algorithm>
#include <array>

#include "sema/analyzer.hpp"

namespace rampart::idl {

using ir::Prim;
using ir::Type;

bool is_integer(const Type& t) {
  if (t.kind == Type::Kind::enumeration) return true;
  if (t.kind != Type::Kind::prim) return false;
  switch (t.prim) {
    case Prim::f32:
    case Prim::f64:
    case Prim::uuid:
    case Prim::context_handle: return false;
    default: return true;
  }
}

const Type* Analyzer::prim(Prim p) {
  if (auto it = prims_.find(p); it != prims_.end()) return it->second;
  Type t;
  t.kind = Type::Kind::prim;
  t.prim = p;
  return prims_[p] = module_.make(std::move(t));
}

namespace {

// Attributes that change nothing on the wire; accepted and ignored.
constexpr std::array<const char*, 14> kHarmless{
    "helpstring", "helpcontext", "hidden",     "restricted", "id",     "propget",  "propput",
    "propputref", "oleautomation", "dual",     "nonextensible", "idempotent", "broadcast", "maybe"};

std::optional<Prim> base_prim(const std::string& n) {
  static const std::array<std::pair<const char*, Prim>, 13> kBase{{{"boolean", Prim::boolean},
                                                                  {"i8", Prim::i8},
                                                                  {"u8", Prim::u8},
                                                                  {"i16", Prim::i16},
                                                                  {"u16", Prim::u16},
                                                                  {"i32", Prim::i32},
                                                                  {"u32", Prim::u32},
                                                                  {"i64", Prim::i64},
                                                                  {"u64", Prim::u64},
                                                                  {"f32", Prim::f32},
                                                                  {"f64", Prim::f64},
                                                                  {"char", Prim::char8},
                                                                  {"wchar", Prim::wchar}}};
  for (const auto& [name, p] : kBase)
    if (n == name) return p;
  return std::nullopt;
}

}  // namespace

/// Names the specs use without defining them in their own IDL (C706
/// nbase.idl, [MS-DTYP]); a file's own definition always wins.
const Type* Analyzer::builtin(const std::string& n) {
  static const std::array<std::pair<const char*, Prim>, 28> kNames{{
      {"uuid_t", Prim::uuid},     {"UUID", Prim::uuid},       {"GUID", Prim::uuid},
      {"IID", Prim::uuid},        {"CLSID", Prim::uuid},      {"HRESULT", Prim::i32},
      {"unsigned8", Prim::u8},    {"unsigned16", Prim::u16},  {"unsigned32", Prim::u32},
      {"unsigned64", Prim::u64},  {"signed8", Prim::i8},      {"signed16", Prim::i16},
      {"signed32", Prim::i32},    {"boolean32", Prim::u32},   {"BYTE", Prim::u8},
      {"UCHAR", Prim::u8},        {"WORD", Prim::u16},        {"USHORT", Prim::u16},
      {"SHORT", Prim::i16},       {"DWORD", Prim::u32},       {"ULONG", Prim::u32},
      {"LONG", Prim::i32},        {"BOOL", Prim::i32},        {"ULONGLONG", Prim::u64},
      {"LONGLONG", Prim::i64},    {"DWORD64", Prim::u64},     {"WCHAR", Prim::wchar},
      {"error_status_t", Prim::u32},
  }};
  for (const auto& [name, p] : kNames)
    if (n == name) return prim(p);
  if (n == "REFIID" || n == "REFCLSID" || n == "REFGUID") {
    Type t;  // const GUID*: a [ref] pointer to a GUID
    t.kind = Type::Kind::pointer;
    t.ptr = ir::PtrKind::ref;
    t.pointee = prim(Prim::uuid);
    return module_.make(std::move(t));
  }
  return nullptr;
}

void Analyzer::register_named(Type* t) {
  t->origin = current_stem_;
  if (in_main_) module_.types.push_back(t);
}

DeclAttrs Analyzer::parse_attrs(const ast::Attrs& attrs, DeclContext ctx) {
  DeclAttrs a;
  if (!attrs.empty()) a.loc = attrs.front().loc;
  auto one_arg = [&](const ast::Attr& at) -> std::optional<ast::Expr> {
    if (at.args.size() != 1) {
      diags_.error(at.loc, "[" + at.name + "] takes one argument");
      return std::nullopt;
    }
    return at.args[0];
  };
  for (const auto& at : attrs) {
    const std::string& n = at.name;
    if (n == "ref") a.ptr = ir::PtrKind::ref;
    else if (n == "unique") a.ptr = ir::PtrKind::unique;
    else if (n == "ptr") a.ptr = ir::PtrKind::full;
    else if (n == "string") a.string = true;
    else if (n == "context_handle") a.context_handle = true;
    else if (n == "in") a.in = true;
    else if (n == "out") a.out = true;
    else if (n == "retval") a.retval = true;
    else if (n == "v1_enum") a.v1_enum = true;
    else if (n == "encode" || n == "decode") {
      // MIDL takes these from an ACF; rampart-idl reads them on the
      // typedef itself (docs/idl.md, "Type serialization").
      if (ctx != DeclContext::typedef_) diags_.error(at.loc, "[" + n + "] applies to typedefs only");
      (n == "encode" ? a.encode : a.decode) = true;
    }
    else if (n == "size_is" || n == "max_is") {
      auto& dst = n == "size_is" ? a.size_is : a.max_is;
      for (const auto& e : at.args)
        dst.push_back(e.kind == ast::Expr::Kind::ident && e.text.empty() ? std::nullopt : std::optional(e));
    } else if (n == "length_is") a.length_is = one_arg(at);
    else if (n == "last_is") a.last_is = one_arg(at);
    else if (n == "first_is") a.first_is = one_arg(at);
    else if (n == "switch_is") a.switch_is = one_arg(at);
    else if (n == "switch_type") a.switch_type = at.type ? resolve_spec(*at.type, "") : nullptr;
    else if (n == "range") {
      if (at.args.size() != 2) {
        diags_.error(at.loc, "[range] takes two arguments: range(low, high)");
        continue;
      }
      const auto lo = eval_const(at.args[0]);
      const auto hi = eval_const(at.args[1]);
      if (lo && hi && *lo > *hi) diags_.error(at.loc, "[range] low bound above its high bound");
      if (lo && hi) a.range = ir::Range{*lo, *hi};
    } else if (n == "case" || n == "default") {
      diags_.error(at.loc, "[" + n + "] outside a union arm");
    } else if (std::find_if(kHarmless.begin(), kHarmless.end(), [&](const char* h) { return n == h; }) ==
               kHarmless.end()) {
      diags_.error(at.loc, "unknown or unsupported attribute [" + n + "]");
    }
  }
  if (ctx != DeclContext::param && (a.in || a.out || a.retval))
    diags_.error(a.loc, "[in], [out] and [retval] apply to parameters only");
  return a;
}

const Type* Analyzer::resolve_spec(const ast::TypeSpec& ts, const std::string& name_hint) {
  using K = ast::TypeSpec::Kind;
  switch (ts.kind) {
    case K::base: {
      if (auto p = base_prim(ts.name)) return prim(*p);
      if (ts.name == "void" || ts.name == "handle_t") return nullptr;  // callers check
      return prim(Prim::u32);
    }
    case K::named: {
      if (auto it = types_.find(ts.name); it != types_.end()) return it->second;
      if (const Type* b = builtin(ts.name)) return b;
      diags_.error(ts.loc, "unknown type '" + ts.name + "'");
      return nullptr;
    }
    case K::struct_tag:
      if (ts.struct_def) return build_struct(*ts.struct_def, name_hint.empty() ? ts.name : name_hint);
      break;
    case K::union_tag:
      if (ts.union_def) return build_union(*ts.union_def, name_hint.empty() ? ts.name : name_hint, {});
      break;
    case K::enum_tag:
      if (ts.enum_def) return build_enum(*ts.enum_def, name_hint.empty() ? ts.name : name_hint);
      break;
    case K::pipe: {
      const Type* elem = ts.pipe_elem ? resolve_spec(*ts.pipe_elem, "") : nullptr;
      if (elem == nullptr) return nullptr;
      if (ir::has_pointers(*elem)) diags_.error(ts.loc, "a pipe's element type may not contain pointers");
      Type t;
      t.kind = Type::Kind::pipe;
      t.elem = elem;
      t.loc = ts.loc;
      return module_.make(std::move(t));
    }
  }
  if (auto it = tags_.find(ts.name); it != tags_.end()) return it->second;
  if (ts.kind == K::enum_tag) {
    diags_.error(ts.loc, "unknown enum '" + ts.name + "'");
    return nullptr;
  }
  // A struct or union named before its definition (a forward reference,
  // normally through a pointer): the definition fills this placeholder.
  Type t;
  t.kind = ts.kind == K::struct_tag ? Type::Kind::structure : Type::Kind::union_;
  t.name = ts.name;
  t.loc = ts.loc;
  t.switch_type = prim(Prim::i32);
  Type* p = module_.make(std::move(t));
  tags_[ts.name] = p;
  pending_.insert(p);
  return p;
}

Type* Analyzer::define_tag(const std::string& tag, Type t) {
  if (!tag.empty()) {
    if (auto it = tags_.find(tag); it != tags_.end() && pending_.contains(it->second)) {
      Type* p = const_cast<Type*>(it->second);
      pending_.erase(p);
      *p = std::move(t);
      return p;
    }
  }
  Type* out = module_.make(std::move(t));
  if (!tag.empty()) tags_[tag] = out;
  return out;
}

const Type* Analyzer::build_enum(const ast::EnumDef& def, const std::string& name) {
  Type t;
  t.kind = Type::Kind::enumeration;
  t.name = name.empty() ? "enum_" + std::to_string(++anonymous_) : name;
  t.loc = def.loc;
  std::int64_t next = 0;
  for (const auto& e : def.values) {
    if (e.value) {
      if (auto v = eval_const(*e.value)) next = *v;
    }
    if (consts_.contains(e.name)) diags_.error(e.loc, "'" + e.name + "' is already defined");
    consts_[e.name] = next;
    t.enumerators.push_back(ir::Enumerator{e.name, next});
    ++next;
  }
  Type* out = define_tag(def.tag, std::move(t));
  register_named(out);
  return out;
}

ir::Field Analyzer::make_field(const ast::Member& m, DeclContext ctx, const std::string& scope) {
  const DeclAttrs a = parse_attrs(m.attrs, ctx);
  ir::Field f;
  f.name = m.decl.name;
  f.loc = m.decl.loc;
  f.type = build_decl(m.type, m.decl, a, ctx, scope + "_" + m.decl.name);
  f.range = a.range;
  if (a.switch_is) f.switch_is = correlation(*a.switch_is);
  if (f.type != nullptr && f.range && !is_integer(*f.type))
    diags_.error(m.decl.loc, "[range] on '" + f.name + "', which is not an integer");
  return f;
}

const Type* Analyzer::build_struct(const ast::StructDef& def, const std::string& name) {
  Type t;
  t.kind = Type::Kind::structure;
  t.name = name.empty() ? "struct_" + std::to_string(++anonymous_) : name;
  t.loc = def.loc;
  for (const auto& m : def.members) {
    ir::Field f = make_field(m, DeclContext::field, t.name);
    if (f.type == nullptr) continue;
    for (const auto& other : t.fields)
      if (other.name == f.name) diags_.error(f.loc, "'" + f.name + "' is already a member of '" + t.name + "'");
    t.fields.push_back(std::move(f));
  }
  for (std::size_t i = 0; i + 1 < t.fields.size(); ++i) {
    const Type& ft = *t.fields[i].type;
    if (ir::is_conformant(ft) || ir::trailing_conformant(ft) != nullptr)
      diags_.error(t.fields[i].loc, "conformant member '" + t.fields[i].name + "' must be the last member of '" +
                                        t.name + "' (C706 14.3.7)");
    if (ft.kind == Type::Kind::pipe) diags_.error(t.fields[i].loc, "a pipe cannot be a structure member");
  }
  if (t.fields.empty()) diags_.error(def.loc, "structure '" + t.name + "' has no members");
  check_correlations(t.fields, t.name);
  Type* out = define_tag(def.tag, std::move(t));
  register_named(out);
  return out;
}

const Type* Analyzer::build_union(const ast::UnionDef& def, const std::string& name, const DeclAttrs& a) {
  Type t;
  t.kind = Type::Kind::union_;
  t.name = name.empty() ? "union_" + std::to_string(++anonymous_) : name;
  t.loc = def.loc;
  t.encapsulated = def.encapsulated;
  if (def.encapsulated) {
    t.switch_type = def.switch_type ? resolve_spec(*def.switch_type, "") : nullptr;
    t.switch_name = def.switch_name;
    t.arm_name = def.arm_name.empty() ? "u" : def.arm_name;
  } else {
    t.switch_type = a.switch_type != nullptr ? a.switch_type : prim(Prim::i32);
    t.switch_type_implied = a.switch_type == nullptr;
  }
  if (t.switch_type == nullptr || !is_integer(*t.switch_type)) {
    diags_.error(def.loc, "union '" + t.name + "': the discriminant must be an integer, boolean or enum type");
    t.switch_type = prim(Prim::i32);
  }
  std::vector<std::int64_t> seen;
  bool has_default = false;
  for (const auto& arm : def.arms) {
    ir::Arm out;
    out.is_default = arm.is_default;
    if (arm.is_default) {
      if (has_default) diags_.error(arm.loc, "union '" + t.name + "' has two [default] arms");
      has_default = true;
    }
    for (const auto& c : arm.cases) {
      const auto v = eval_const(c);
      if (!v) continue;
      if (std::find(seen.begin(), seen.end(), *v) != seen.end())
        diags_.error(c.loc, "case " + std::to_string(*v) + " appears twice in union '" + t.name + "'");
      seen.push_back(*v);
      out.cases.push_back(*v);
    }
    if (arm.member) {
      ir::Field f = make_field(*arm.member, DeclContext::arm, t.name);
      if (f.type != nullptr && ir::is_conformant(*f.type))
        diags_.error(f.loc, "a union arm cannot be a conformant array");
      if (f.type != nullptr) out.field = std::move(f);
    }
    t.arms.push_back(std::move(out));
  }
  Type* p = define_tag(def.tag, std::move(t));
  register_named(p);
  return p;
}

}  // namespace rampart::idl
