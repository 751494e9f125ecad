// Interfaces and operations.
#include <cctype>

#include "sema/analyzer.hpp"

namespace rampart::idl {

using ir::Type;

namespace {

bool valid_uuid(const std::string& s) {
  if (s.size() != 36) return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? s[i] != '-' : !std::isxdigit(static_cast<unsigned char>(s[i]))) return false;
  }
  return true;
}

/// The integer a correlation reads: an integer parameter, or the integer a
/// [ref] pointer parameter points to.
const Type* integer_behind(const Type* t) {
  if (t != nullptr && t->kind == Type::Kind::pointer && t->ptr == ir::PtrKind::ref) t = t->pointee;
  return t != nullptr && is_integer(*t) ? t : nullptr;
}

void collect(const Type& t, std::vector<const ir::Expr*>& out) {
  if (t.kind == Type::Kind::pointer && t.pointee != nullptr && !t.pointee->is_named()) collect(*t.pointee, out);
  if (t.kind == Type::Kind::array || t.kind == Type::Kind::string) {
    for (const auto* e : {&t.size, &t.length, &t.first})
      if (*e) out.push_back(&**e);
  }
}

}  // namespace

void Analyzer::process_interface(const ast::Interface& itf, const std::string& dir) {
  ir::Interface out;
  out.name = itf.name;
  out.loc = itf.loc;
  pointer_default_ = ir::PtrKind::unique;
  bool has_uuid = false;
  for (const auto& a : itf.attrs) {
    if (a.name == "uuid") {
      std::string u = a.raw;
      if (u.size() == 38 && u.front() == '"') u = u.substr(1, 36);
      for (auto& c : u) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      if (!valid_uuid(u)) diags_.error(a.loc, "uuid(" + a.raw + ") is not a UUID");
      out.uuid = u;
      has_uuid = true;
    } else if (a.name == "version") {
      const auto dot = a.raw.find('.');
      try {
        const unsigned long major = std::stoul(a.raw.substr(0, dot));
        const unsigned long minor = dot == std::string::npos ? 0 : std::stoul(a.raw.substr(dot + 1));
        if (major > 0xffff || minor > 0xffff) throw std::out_of_range("version");
        out.major = static_cast<std::uint16_t>(major);
        out.minor = static_cast<std::uint16_t>(minor);
      } catch (const std::exception&) {
        diags_.error(a.loc, "version(" + a.raw + ") is not major.minor with 16-bit numbers");
      }
    } else if (a.name == "pointer_default") {
      const std::string k = a.args.size() == 1 ? a.args[0].text : "";
      if (k == "ref") pointer_default_ = ir::PtrKind::ref;
      else if (k == "unique") pointer_default_ = ir::PtrKind::unique;
      else if (k == "ptr") pointer_default_ = ir::PtrKind::full;
      else diags_.error(a.loc, "pointer_default takes ref, unique or ptr");
    } else if (a.name == "endpoint") {
      for (const auto& e : a.args) out.endpoints.push_back(e.text);
    } else if (a.name == "local") {
      out.local = true;
    } else if (a.name == "object") {
      out.object = true;
    } else if (a.name != "helpstring" && a.name != "helpcontext" && a.name != "hidden" && a.name != "dual" &&
               a.name != "oleautomation" && a.name != "nonextensible" && a.name != "restricted") {
      diags_.error(a.loc, "unknown or unsupported interface attribute [" + a.name + "]");
    }
  }
  if (!has_uuid && !out.local) diags_.error(itf.loc, "interface '" + itf.name + "' needs [uuid(...)] (or [local])");
  if (!itf.base.empty()) {
    if (auto it = interfaces_.find(itf.base); it != interfaces_.end()) {
      out.first_opnum = it->second.method_count;
    } else if (itf.base == "IUnknown") {
      out.first_opnum = 3;  // QueryInterface, AddRef, Release ([MS-DCOM] 3.1.1.5.8)
    } else {
      diags_.error(itf.base_loc, "unknown base interface '" + itf.base + "'");
    }
    if (!out.object) diags_.error(itf.loc, "interface '" + itf.name + "' derives from another but is not [object]");
    out.base = itf.base;
  }
  std::uint16_t opnum = out.first_opnum;
  std::vector<ast::Decl> rest;
  for (const auto& d : itf.body) {
    if (const auto* op = std::get_if<ast::Operation>(&d)) {
      process_decls(rest, dir);
      rest.clear();
      if (auto o = build_operation(*op, opnum, out.object)) out.operations.push_back(std::move(*o));
      ++opnum;
    } else {
      rest.push_back(d);
    }
  }
  process_decls(rest, dir);
  interfaces_[itf.name] = InterfaceInfo{opnum, out.object};
  if (in_main_ && !out.local) module_.interfaces.push_back(std::move(out));
}

/// [MS-DCOM] 2.2.13 (ORPC calls): an object method's first [in] parameter
/// is an ORPCTHIS and its first [out] an ORPCTHAT, implicit in the IDL.
void Analyzer::add_orpc(ir::Operation& op) {
  const auto this_t = types_.find("ORPCTHIS");
  const auto that_t = types_.find("ORPCTHAT");
  if (this_t == types_.end() || that_t == types_.end()) {
    diags_.error(op.loc, "--orpc: '" + op.name + "' needs the types ORPCTHIS and ORPCTHAT (import the ORPC types)");
    return;
  }
  auto ref = [&](const Type* pointee) {
    Type t;
    t.kind = Type::Kind::pointer;
    t.ptr = ir::PtrKind::ref;
    t.pointee = pointee;
    return module_.make(std::move(t));
  };
  ir::Param in;
  in.name = "orpcthis";
  in.in = true;
  in.type = ref(this_t->second);
  in.loc = op.loc;
  ir::Param out;
  out.name = "orpcthat";
  out.out = true;
  out.type = ref(that_t->second);
  out.loc = op.loc;
  op.params.insert(op.params.begin(), {std::move(in), std::move(out)});
}

std::optional<ir::Operation> Analyzer::build_operation(const ast::Operation& op, std::uint16_t opnum, bool object) {
  ir::Operation out;
  out.name = op.name;
  out.opnum = opnum;
  out.loc = op.loc;
  for (const auto& a : op.attrs) {
    if (a.name == "idempotent" || a.name == "broadcast" || a.name == "maybe" || a.name == "helpstring" ||
        a.name == "id" || a.name == "propget" || a.name == "propput")
      continue;
    diags_.error(a.loc, "unknown or unsupported operation attribute [" + a.name + "]");
  }
  if (!(op.ret.kind == ast::TypeSpec::Kind::base && op.ret.name == "void" && op.ret_pointers == 0)) {
    out.ret = op.ret_pointers == 0 ? resolve_spec(op.ret, "") : nullptr;
    if (out.ret == nullptr || !is_integer(*out.ret))
      diags_.error(op.loc, "'" + op.name + "' must return void or an integer type (error_status_t, HRESULT, ...)");
  }
  for (const auto& p : op.params) {
    ir::Param ip;
    ip.name = p.decl.name;
    ip.loc = p.decl.loc;
    const DeclAttrs a = parse_attrs(p.attrs, DeclContext::param);
    ip.in = a.in || !a.out;
    ip.out = a.out;
    ip.retval = a.retval;
    ip.range = a.range;
    if (a.switch_is) ip.switch_is = correlation(*a.switch_is);
    if (p.type.kind == ast::TypeSpec::Kind::base && p.type.name == "handle_t" && p.decl.pointers == 0) {
      ip.handle = true;
      if (ip.out) diags_.error(ip.loc, "a handle_t parameter cannot be [out]");
      out.params.push_back(std::move(ip));
      continue;
    }
    ip.type = build_decl(p.type, p.decl, a, DeclContext::param, op.name + "_" + ip.name);
    if (ip.type == nullptr) continue;
    const bool is_array = ip.type->kind == Type::Kind::array || ip.type->kind == Type::Kind::string;
    if (ip.out && ip.type->kind != Type::Kind::pointer && !is_array)
      diags_.error(ip.loc, "[out] parameter '" + ip.name + "' must be a pointer");
    // An [in, out] parameter may be [unique] (its referent may be NULL both
    // ways); an [out]-only one must be [ref]: the server has nowhere to put it.
    if (ip.out && !ip.in && ip.type->kind == Type::Kind::pointer && ip.type->ptr != ir::PtrKind::ref)
      diags_.error(ip.loc, "[out] parameter '" + ip.name + "' must be a [ref] pointer");
    if (ip.retval && !ip.out) diags_.error(ip.loc, "[retval] parameter '" + ip.name + "' must be [out]");
    if (ip.type->kind == Type::Kind::pipe && ip.out && ip.in)
      diags_.error(ip.loc, "pipe '" + ip.name + "' cannot be both [in] and [out]");
    for (const auto& other : out.params)
      if (other.name == ip.name) diags_.error(ip.loc, "parameter '" + ip.name + "' appears twice");
    out.params.push_back(std::move(ip));
  }
  if (object && options_.orpc) add_orpc(out);
  check_param_correlations(out);
  return out;
}

void Analyzer::check_param_correlations(ir::Operation& op) {
  for (const auto& p : op.params) {
    if (p.type == nullptr) continue;
    std::vector<const ir::Expr*> exprs;
    collect(*p.type, exprs);
    if (p.switch_is) exprs.push_back(&*p.switch_is);
    for (const auto* e : exprs) {
      std::vector<std::string> names;
      e->fields(names);
      for (const auto& n : names) {
        const ir::Param* target = nullptr;
        for (const auto& q : op.params)
          if (q.name == n) target = &q;
        if (target == nullptr) {
          diags_.error(e->loc, "correlation of '" + p.name + "': '" + n + "' is not a parameter of '" + op.name +
                                   "' or a constant");
        } else if (target == &p) {
          diags_.error(e->loc, "correlation of '" + p.name + "' refers to itself");
        } else if (integer_behind(target->type) == nullptr) {
          diags_.error(e->loc, "correlation of '" + p.name + "': '" + n + "' must be an integer parameter");
        } else if (p.in && !target->in) {
          diags_.error(e->loc, "correlation of [in] '" + p.name + "': '" + n + "' is not [in]");
        }
      }
    }
    const Type* u = p.type;
    while (u != nullptr && u->kind == Type::Kind::pointer) u = u->pointee;
    if (u != nullptr && u->kind == Type::Kind::union_ && !u->encapsulated && !p.switch_is)
      diags_.error(p.loc, "non-encapsulated union parameter '" + p.name + "' needs [switch_is]");
  }
}

}  // namespace rampart::idl
