// The analyzer's state, shared by sema.cpp (files, declarations,
// constants), sema_types.cpp (types and attributes) and sema_ops.cpp
// (interfaces and operations). Private to sema/.
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include "frontend/ast.hpp"
#include "sema/sema.hpp"

namespace rampart::idl {

/// What a declarator appears in: it decides the default pointer kind and
/// which attributes are allowed.
enum class DeclContext : std::uint8_t { field, param, typedef_, arm };

/// Attributes of one declaration, parsed once.
struct DeclAttrs {
  std::optional<ir::PtrKind> ptr;
  bool string = false;
  bool context_handle = false;
  bool in = false, out = false, retval = false;
  bool v1_enum = false;
  bool encode = false, decode = false;  // type serialization ([MS-RPCE] 2.2.6)
  std::vector<std::optional<ast::Expr>> size_is, max_is;
  std::optional<ast::Expr> length_is, last_is, first_is;
  std::optional<ir::Range> range;
  std::optional<ast::Expr> switch_is;
  const ir::Type* switch_type = nullptr;
  Loc loc;
};

struct InterfaceInfo {
  std::uint16_t method_count = 0;  // including inherited methods
  bool object = false;
};

class Analyzer {
 public:
  Analyzer(const SemaOptions& options, Diagnostics& diags);
  std::optional<ir::Module> run(const std::string& path, const std::string* source);

  // ---- sema.cpp ----
  void load(const std::string& path, const std::string* source, const Loc& from);
  void process_decls(const std::vector<ast::Decl>& decls, const std::string& dir);
  void declare_typedef(const ast::Typedef& td);
  void declare_const(const ast::Const& c);
  std::optional<std::int64_t> eval_const(const ast::Expr& e);
  ir::Expr correlation(const ast::Expr& e);
  std::string resolve_import(const std::string& name, const std::string& dir) const;

  // ---- sema_types.cpp ----
  DeclAttrs parse_attrs(const ast::Attrs& attrs, DeclContext ctx);
  const ir::Type* resolve_spec(const ast::TypeSpec& ts, const std::string& name_hint);
  const ir::Type* build_decl(const ast::TypeSpec& ts, const ast::Declarator& d, const DeclAttrs& a,
                             DeclContext ctx, const std::string& name_hint);
  const ir::Type* build_struct(const ast::StructDef& def, const std::string& name);
  const ir::Type* build_union(const ast::UnionDef& def, const std::string& name, const DeclAttrs& a);
  const ir::Type* build_enum(const ast::EnumDef& def, const std::string& name);
  const ir::Type* prim(ir::Prim p);
  const ir::Type* builtin(const std::string& name);
  ir::Field make_field(const ast::Member& m, DeclContext ctx, const std::string& scope);
  void check_correlations(const std::vector<ir::Field>& fields, const std::string& scope);
  void check_expr_fields(const ir::Expr& e, const std::vector<ir::Field>& fields, const std::string& what,
                         const std::string& scope, std::size_t self, bool must_precede = false);
  void register_named(ir::Type* t);
  ir::Type* define_tag(const std::string& tag, ir::Type t);
  void order_types();

  // ---- sema_ops.cpp ----
  void process_interface(const ast::Interface& itf, const std::string& dir);
  std::optional<ir::Operation> build_operation(const ast::Operation& op, std::uint16_t opnum, bool object);
  void add_orpc(ir::Operation& op);
  void check_param_correlations(ir::Operation& op);

  const SemaOptions& options_;
  Diagnostics& diags_;
  ir::Module module_;
  std::string main_stem_;
  std::string current_stem_;
  bool in_main_ = false;
  ir::PtrKind pointer_default_ = ir::PtrKind::unique;
  std::set<std::string> loading_;
  std::set<std::string> loaded_;
  std::map<std::string, const ir::Type*> types_;  // typedef names and named types
  std::map<std::string, const ir::Type*> tags_;   // struct/union/enum tags
  std::map<std::string, std::int64_t> consts_;    // consts and enumerators
  std::map<std::string, InterfaceInfo> interfaces_;
  std::map<ir::Prim, const ir::Type*> prims_;
  std::size_t anonymous_ = 0;
  std::set<const ir::Type*> pending_;  // tags referenced before their definition
};

std::string file_stem(const std::string& path);
bool is_integer(const ir::Type& t);

}  // namespace rampart::idl
