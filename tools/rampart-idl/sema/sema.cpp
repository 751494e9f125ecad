// Files, imports, typedefs and constants.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>

#include "frontend/parser.hpp"
#include "sema/analyzer.hpp"

namespace rampart::idl {

namespace fs = std::filesystem;

std::string file_stem(const std::string& path) { return fs::path(path).stem().string(); }

Analyzer::Analyzer(const SemaOptions& options, Diagnostics& diags) : options_(options), diags_(diags) {}

std::optional<ir::Module> Analyzer::run(const std::string& path, const std::string* source) {
  module_.source = path;
  module_.stem = main_stem_ = file_stem(path);
  load(path, source, Loc{path, 0, 0});
  for (const ir::Type* t : pending_)
    diags_.error(t->loc, "'" + t->name + "' is used but never defined");
  if (!diags_.failed()) order_types();
  if (diags_.failed()) return std::nullopt;
  return std::move(module_);
}

std::string Analyzer::resolve_import(const std::string& name, const std::string& dir) const {
  std::vector<fs::path> candidates;
  if (!dir.empty()) candidates.push_back(fs::path(dir) / name);
  for (const auto& d : options_.import_dirs) candidates.push_back(fs::path(d) / name);
  for (const auto& c : candidates) {
    std::error_code ec;
    if (fs::is_regular_file(c, ec)) return fs::weakly_canonical(c, ec).string();
  }
  return {};
}

void Analyzer::load(const std::string& path, const std::string* source, const Loc& from) {
  std::string text;
  if (source != nullptr) {
    text = *source;
  } else {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
      diags_.error(from, "cannot read '" + path + "'");
      return;
    }
    std::stringstream ss;
    ss << in.rdbuf();
    text = ss.str();
  }
  const std::string key = source != nullptr ? path : fs::weakly_canonical(path).string();
  if (loaded_.contains(key)) return;
  if (loading_.contains(key)) {
    diags_.error(from, "import cycle through '" + path + "'");
    return;
  }
  loading_.insert(key);
  Parser parser(path, std::move(text), diags_);
  const ast::File file = parser.parse();
  std::string dir;
  if (source == nullptr) {
    dir = fs::path(path).parent_path().string();
    if (dir.empty()) dir = ".";  // a file named without a directory is in the current one
  }
  const std::string saved_stem = current_stem_;
  const bool saved_main = in_main_;
  const bool is_main = current_stem_.empty();
  current_stem_ = file_stem(path);
  in_main_ = is_main;
  // Declarations outside interfaces first, in order; then each interface
  // (MIDL allows types at file scope before the interfaces that use them).
  process_decls(file.top, dir);
  for (const auto& itf : file.interfaces) process_interface(itf, dir);
  current_stem_ = saved_stem;
  in_main_ = saved_main;
  loading_.erase(key);
  loaded_.insert(key);
}

void Analyzer::process_decls(const std::vector<ast::Decl>& decls, const std::string& dir) {
  for (const auto& decl : decls) {
    if (const auto* imp = std::get_if<ast::Import>(&decl)) {
      const std::string resolved = resolve_import(imp->path, dir);
      if (resolved.empty()) {
        diags_.error(imp->loc, "cannot find import '" + imp->path + "' (searched the importing file's "
                               "directory and every -I directory)");
        continue;
      }
      const std::string saved_stem = current_stem_;
      const ir::PtrKind saved_default = pointer_default_;
      load(resolved, nullptr, imp->loc);
      pointer_default_ = saved_default;
      if (in_main_) {
        const std::string stem = file_stem(resolved);
        if (std::find(module_.imports.begin(), module_.imports.end(), stem) == module_.imports.end())
          module_.imports.push_back(stem);
      }
      continue;
    }
    if (const auto* td = std::get_if<ast::Typedef>(&decl)) {
      declare_typedef(*td);
    } else if (const auto* c = std::get_if<ast::Const>(&decl)) {
      declare_const(*c);
    } else if (const auto* tag = std::get_if<ast::TagDecl>(&decl)) {
      DeclAttrs none;
      if (tag->type.union_def) none = parse_attrs(tag->type.union_def->attrs, DeclContext::typedef_);
      if (tag->type.union_def) build_union(*tag->type.union_def, tag->type.union_def->tag, none);
      else (void)resolve_spec(tag->type, tag->type.name);
    } else if (const auto* op = std::get_if<ast::Operation>(&decl)) {
      diags_.error(op->loc, "operation '" + op->name + "' outside an interface");
    }
  }
}

namespace {

/// [MS-DTYP] 2.3.4's GUID: a structure of Data1 (u32), Data2 and Data3
/// (u16) and Data4 (8 bytes), 16 octets aligned to 4. A typedef of that
/// structure named GUID, UUID or uuid_t is the built-in uuid type
/// (rampart::Uuid, which has the same wire form), so every file that names
/// it gets one C++ type with a UUID's text form (docs/idl.md).
bool is_guid_layout(const ir::Type& t) {
  using ir::Prim;
  const auto prim_is = [](const ir::Type* f, Prim p) { return f->kind == ir::Type::Kind::prim && f->prim == p; };
  if (t.kind != ir::Type::Kind::structure || t.fields.size() != 4) return false;
  const ir::Type* d4 = t.fields[3].type;
  return prim_is(t.fields[0].type, Prim::u32) && prim_is(t.fields[1].type, Prim::u16) &&
         prim_is(t.fields[2].type, Prim::u16) && d4->kind == ir::Type::Kind::array &&
         d4->arr == ir::ArrKind::fixed && d4->fixed == 8 && d4->elem != nullptr &&
         (prim_is(d4->elem, Prim::u8) || prim_is(d4->elem, Prim::char8));
}

}  // namespace

void Analyzer::declare_typedef(const ast::Typedef& td) {
  const DeclAttrs a = parse_attrs(td.attrs, DeclContext::typedef_);
  for (std::size_t i = 0; i < td.decls.size(); ++i) {
    const ast::Declarator& d = td.decls[i];
    if (d.name.empty()) continue;
    if (types_.contains(d.name) && types_.at(d.name)->origin == current_stem_ &&
        types_.at(d.name)->name != d.name) {
      diags_.error(d.loc, "'" + d.name + "' is already defined");
      continue;
    }
    // The first plain declarator names an inline struct/union/enum.
    const bool names_def = i == 0 && d.pointers == 0 && d.dims.empty();
    const ir::Type* t = nullptr;
    if (names_def && td.type.union_def) {
      t = build_union(*td.type.union_def, d.name, a);
    } else {
      t = build_decl(td.type, d, a, DeclContext::typedef_, names_def ? d.name : "");
    }
    if (t == nullptr) continue;
    if ((d.name == "GUID" || d.name == "UUID" || d.name == "uuid_t") && is_guid_layout(*t)) {
      auto& named = module_.types;
      named.erase(std::remove(named.begin(), named.end(), t), named.end());
      t = prim(ir::Prim::uuid);
    }
    if (a.v1_enum && t->kind == ir::Type::Kind::enumeration) const_cast<ir::Type*>(t)->v1_enum = true;
    if (a.encode || a.decode) {
      if (t->kind != ir::Type::Kind::structure || t->name != d.name || t->origin != current_stem_) {
        diags_.error(d.loc, "[encode]/[decode] on '" + d.name + "': only a structure this typedef defines can be "
                            "serialized");
      } else {
        auto* mt = const_cast<ir::Type*>(t);
        mt->pickle_encode = mt->pickle_encode || a.encode;
        mt->pickle_decode = mt->pickle_decode || a.decode;
      }
    }
    types_[d.name] = t;
    if (t->is_named() && t->name == d.name) continue;
    if (in_main_) module_.aliases.push_back(ir::Alias{d.name, t});
  }
}

void Analyzer::declare_const(const ast::Const& c) {
  const std::string& name = c.decl.name;
  ir::Const k;
  k.name = name;
  if (c.value.kind == ast::Expr::Kind::string) {
    k.is_string = true;
    k.text = c.value.text;
  } else {
    const auto v = eval_const(c.value);
    if (!v) return;
    k.value = *v;
    consts_[name] = *v;
  }
  DeclAttrs none;
  k.type = c.decl.pointers != 0 ? nullptr : resolve_spec(c.type, "");
  if (!k.is_string && (k.type == nullptr || !is_integer(*k.type))) {
    diags_.error(c.loc, "const '" + name + "' must have an integer type");
    return;
  }
  if (in_main_) module_.consts.push_back(std::move(k));
}

std::optional<std::int64_t> Analyzer::eval_const(const ast::Expr& e) {
  using K = ast::Expr::Kind;
  switch (e.kind) {
    case K::integer: return static_cast<std::int64_t>(e.value);
    case K::string: diags_.error(e.loc, "expected an integer, found a string"); return std::nullopt;
    case K::ident: {
      if (e.text == "TRUE" || e.text == "true") return 1;
      if (e.text == "FALSE" || e.text == "false" || e.text == "NULL") return 0;
      if (auto it = consts_.find(e.text); it != consts_.end()) return it->second;
      diags_.error(e.loc, "'" + e.text + "' is not a constant");
      return std::nullopt;
    }
    case K::unary: {
      const auto v = eval_const(e.kids[0]);
      if (!v) return v;
      if (e.text == "-") return -*v;
      if (e.text == "~") return ~*v;
      if (e.text == "!") return *v == 0 ? 1 : 0;
      if (e.text == "+") return *v;
      diags_.error(e.loc, "'" + e.text + "' in a constant expression");
      return std::nullopt;
    }
    case K::conditional: {
      const auto c = eval_const(e.kids[0]);
      if (!c) return c;
      return eval_const(e.kids[*c != 0 ? 1 : 2]);
    }
    case K::binary: break;
  }
  const auto a = eval_const(e.kids[0]);
  const auto b = eval_const(e.kids[1]);
  if (!a || !b) return std::nullopt;
  const std::string& op = e.text;
  if ((op == "/" || op == "%") && *b == 0) {
    diags_.error(e.loc, "division by zero in a constant expression");
    return std::nullopt;
  }
  if (op == "+") return *a + *b;
  if (op == "-") return *a - *b;
  if (op == "*") return *a * *b;
  if (op == "/") return *a / *b;
  if (op == "%") return *a % *b;
  if (op == "<<") return *b >= 0 && *b < 63 ? *a << *b : 0;
  if (op == ">>") return *b >= 0 && *b < 63 ? *a >> *b : 0;
  if (op == "&") return *a & *b;
  if (op == "|") return *a | *b;
  if (op == "^") return *a ^ *b;
  if (op == "&&") return (*a != 0 && *b != 0) ? 1 : 0;
  if (op == "||") return (*a != 0 || *b != 0) ? 1 : 0;
  if (op == "==") return *a == *b ? 1 : 0;
  if (op == "!=") return *a != *b ? 1 : 0;
  if (op == "<") return *a < *b ? 1 : 0;
  if (op == ">") return *a > *b ? 1 : 0;
  if (op == "<=") return *a <= *b ? 1 : 0;
  if (op == ">=") return *a >= *b ? 1 : 0;
  diags_.error(e.loc, "operator '" + op + "' in a constant expression");
  return std::nullopt;
}

ir::Expr Analyzer::correlation(const ast::Expr& e) {
  using K = ast::Expr::Kind;
  ir::Expr out;
  out.loc = e.loc;
  switch (e.kind) {
    case K::integer: out.value = static_cast<std::int64_t>(e.value); return out;
    case K::ident:
      if (auto it = consts_.find(e.text); it != consts_.end()) {
        out.value = it->second;
        return out;
      }
      out.kind = ir::Expr::Kind::field;
      out.name = e.text;
      return out;
    case K::unary:
      // *p names the integer a [ref] pointer parameter points to; the C++
      // value of a [ref] parameter is the pointee itself.
      if (e.text == "*" || e.text == "+") return correlation(e.kids[0]);
      out.kind = ir::Expr::Kind::unary;
      out.op = e.text;
      out.kids.push_back(correlation(e.kids[0]));
      return out;
    case K::binary:
      out.kind = ir::Expr::Kind::binary;
      out.op = e.text;
      out.kids.push_back(correlation(e.kids[0]));
      out.kids.push_back(correlation(e.kids[1]));
      return out;
    case K::conditional:
      out.kind = ir::Expr::Kind::conditional;
      for (const auto& k : e.kids) out.kids.push_back(correlation(k));
      return out;
    case K::string: diags_.error(e.loc, "expected an integer expression, found a string"); return out;
  }
  return out;
}

namespace {

/// The named types a value of `t` contains (C++ needs them complete first).
void value_deps(const ir::Type& t, std::vector<const ir::Type*>& out, bool top) {
  if (!top && t.is_named()) {
    out.push_back(&t);
    return;
  }
  for (const auto& f : t.fields) value_deps(*f.type, out, false);
  for (const auto& a : t.arms)
    if (a.field) value_deps(*a.field->type, out, false);
  if (t.switch_type != nullptr && t.kind == ir::Type::Kind::union_) value_deps(*t.switch_type, out, false);
  if (t.pointee != nullptr) value_deps(*t.pointee, out, false);
  if (t.elem != nullptr) value_deps(*t.elem, out, false);
}

}  // namespace

/// Orders the file's named types so each follows the types it holds by
/// value (a forward-referenced struct is defined later in the IDL but
/// must come first in C++); a type that holds itself is refused, since
/// its C++ value (std::optional<T> inside T) cannot exist.
void Analyzer::order_types() {
  std::vector<const ir::Type*> done;
  std::set<const ir::Type*> visiting;
  std::function<void(const ir::Type*)> visit = [&](const ir::Type* t) {
    if (std::find(done.begin(), done.end(), t) != done.end()) return;
    if (visiting.contains(t)) {
      diags_.error(t->loc, "'" + t->name + "' contains itself (recursive types are not supported yet)");
      return;
    }
    visiting.insert(t);
    std::vector<const ir::Type*> deps;
    value_deps(*t, deps, true);
    for (const auto* d : deps)
      if (d->origin == t->origin) visit(d);
    visiting.erase(t);
    done.push_back(t);
  };
  for (const auto* t : module_.types) visit(t);
  module_.types = std::move(done);
}

std::optional<ir::Module> analyze(const std::string& path, const SemaOptions& options, Diagnostics& diags) {
  Analyzer a(options, diags);
  return a.run(path, nullptr);
}

std::optional<ir::Module> analyze_source(const std::string& name, const std::string& source,
                                         const SemaOptions& options, Diagnostics& diags) {
  Analyzer a(options, diags);
  return a.run(name, &source);
}

}  // namespace rampart::idl
