// Declarators: how pointers, array bounds and [string], [size_is] and
// friends combine into one IR type, and the checks on correlations.
#include <functional>

#include "sema/analyzer.hpp"

namespace rampart::idl {

using ir::Prim;
using ir::Type;

namespace {

ir::Expr plus(ir::Expr a, std::int64_t k, const std::string& op) {
  ir::Expr lit;
  lit.value = k;
  lit.loc = a.loc;
  ir::Expr e;
  e.kind = ir::Expr::Kind::binary;
  e.op = op;
  e.loc = a.loc;
  e.kids.push_back(std::move(a));
  e.kids.push_back(std::move(lit));
  return e;
}

std::optional<Prim> string_char(const Type* t) {
  if (t == nullptr || t->kind != Type::Kind::prim) return std::nullopt;
  if (t->prim == Prim::char8 || t->prim == Prim::u8 || t->prim == Prim::i8) return Prim::char8;
  if (t->prim == Prim::wchar || t->prim == Prim::u16) return Prim::wchar;
  return std::nullopt;
}

/// The expressions on a field's own type (not inside named types).
void collect(const Type& t, std::vector<const ir::Expr*>& out) {
  if (t.kind == Type::Kind::pointer && t.pointee != nullptr && !t.pointee->is_named()) collect(*t.pointee, out);
  if (t.kind == Type::Kind::array || t.kind == Type::Kind::string) {
    for (const auto* e : {&t.size, &t.length, &t.first})
      if (*e) out.push_back(&**e);
    if (t.elem != nullptr && !t.elem->is_named()) collect(*t.elem, out);
  }
}

const Type* union_of(const Type* t) {
  while (t != nullptr && t->kind == Type::Kind::pointer) t = t->pointee;
  return t != nullptr && t->kind == Type::Kind::union_ ? t : nullptr;
}

}  // namespace

const Type* Analyzer::build_decl(const ast::TypeSpec& ts, const ast::Declarator& d, const DeclAttrs& a,
                                 DeclContext ctx, const std::string& name_hint) {
  const Type* base = resolve_spec(ts, name_hint);
  std::uint32_t pointers = d.pointers;
  const bool is_void = ts.kind == ast::TypeSpec::Kind::base && ts.name == "void";
  if (a.context_handle) {
    if (!is_void || pointers == 0) {
      diags_.error(d.loc, "[context_handle] applies to void* only");
      return nullptr;
    }
    base = prim(Prim::context_handle);
    --pointers;
  } else if (is_void) {
    diags_.error(d.loc, "'" + d.name + "': void has no wire form (a context handle needs [context_handle])");
    return nullptr;
  }
  if (base == nullptr) return nullptr;

  const bool sized = !a.size_is.empty() || !a.max_is.empty();
  const bool varied = a.length_is || a.last_is || a.first_is;
  auto make = [&](Type t) -> const Type* {
    t.loc = d.loc;
    return module_.make(std::move(t));
  };
  auto pointer = [&](ir::PtrKind k, const Type* pointee) {
    Type t;
    t.kind = Type::Kind::pointer;
    t.ptr = k;
    t.pointee = pointee;
    return make(std::move(t));
  };
  // max_is(e) is the largest index: the count is e + 1 (C706 14.3.3.2).
  auto size_expr = [&]() -> std::optional<ir::Expr> {
    if (!a.size_is.empty() && a.size_is[0]) return correlation(*a.size_is[0]);
    if (!a.max_is.empty() && a.max_is[0]) return plus(correlation(*a.max_is[0]), 1, "+");
    return std::nullopt;
  };
  auto fill_variance = [&](Type& t) {
    if (a.first_is) t.first = correlation(*a.first_is);
    if (a.length_is) {
      t.length = correlation(*a.length_is);
    } else if (a.last_is) {
      // last_is(e): elements first..e are transmitted, e - first + 1 of them.
      ir::Expr n = plus(correlation(*a.last_is), 1, "+");
      if (t.first) {
        ir::Expr e;
        e.kind = ir::Expr::Kind::binary;
        e.op = "-";
        e.loc = n.loc;
        e.kids.push_back(std::move(n));
        e.kids.push_back(*t.first);
        n = std::move(e);
      }
      t.length = std::move(n);
    }
  };
  auto string_type = [&](Prim c, std::uint64_t fixed, std::optional<ir::Expr> size) {
    Type t;
    t.kind = Type::Kind::string;
    t.elem = prim(c);
    t.fixed = fixed;
    if (fixed == 0) t.size = std::move(size);
    return make(std::move(t));
  };

  if (!d.dims.empty()) {
    // A parameter declared as an array is passed as a pointer to it: by
    // default a [ref] one, which has no wire form, but [unique] or [ptr] on
    // it makes it nullable, with a referent id before the array (C706
    // 14.3.11; MIDL treats `[unique] T a[]` as `[unique] T* a`). Elsewhere
    // the array is embedded and a pointer attribute has nothing to apply to.
    const bool via_pointer = pointers == 0 && a.ptr && *a.ptr != ir::PtrKind::ref;
    if (via_pointer && ctx != DeclContext::param) {
      diags_.error(d.loc, "pointer attribute on '" + d.name + "', an array that is not a parameter or a pointer");
      return nullptr;
    }
    auto param_pointer = [&](const Type* t) { return via_pointer ? pointer(*a.ptr, t) : t; };
    const Type* elem = base;
    for (std::uint32_t i = 0; i < pointers; ++i) elem = pointer(a.ptr.value_or(pointer_default_), elem);
    std::vector<std::uint64_t> bounds;
    for (const auto& dim : d.dims) {
      std::int64_t n = 0;
      if (dim.size) {
        const auto v = eval_const(*dim.size);
        if (!v) return nullptr;
        if (*v <= 0) {
          diags_.error(d.loc, "array '" + d.name + "' has a bound of " + std::to_string(*v));
          return nullptr;
        }
        n = *v;
      }
      bounds.push_back(static_cast<std::uint64_t>(n));
    }
    if (a.string) {
      const auto c = string_char(elem);
      if (!c || d.dims.size() != 1) {
        diags_.error(d.loc, "[string] on '" + d.name + "', which is not a one-dimensional char or wchar_t array");
        return nullptr;
      }
      if (bounds[0] == 0 && !sized) {
        diags_.error(d.loc, "conformant [string] '" + d.name + "' needs size_is or max_is");
        return nullptr;
      }
      return param_pointer(string_type(*c, bounds[0], size_expr()));
    }
    const Type* t = elem;
    for (std::size_t i = bounds.size(); i-- > 1;) {
      if (bounds[i] == 0) {
        diags_.error(d.loc, "only the first dimension of '" + d.name + "' may be conformant");
        return nullptr;
      }
      Type arr;
      arr.kind = Type::Kind::array;
      arr.arr = ir::ArrKind::fixed;
      arr.elem = t;
      arr.fixed = bounds[i];
      t = make(std::move(arr));
    }
    Type arr;
    arr.kind = Type::Kind::array;
    arr.elem = t;
    arr.fixed = bounds[0];
    if (bounds[0] != 0) {
      if (sized) diags_.error(d.loc, "'" + d.name + "' has a fixed bound and size_is/max_is");
      arr.arr = varied ? ir::ArrKind::varying : ir::ArrKind::fixed;
    } else {
      if (!sized) {
        diags_.error(d.loc, "conformant array '" + d.name + "' needs size_is or max_is");
        return nullptr;
      }
      arr.arr = varied ? ir::ArrKind::conformant_varying : ir::ArrKind::conformant;
      arr.size = size_expr();
    }
    fill_variance(arr);
    return param_pointer(make(std::move(arr)));
  }

  if (pointers > 0) {
    // size_is(, n) / max_is(, n): a size for a deeper pointer level
    // (`[out, size_is(, *count)] T** p`: a pointer to a pointer to n Ts).
    auto level_size = [&](std::size_t level) -> std::optional<ir::Expr> {
      if (level < a.size_is.size() && a.size_is[level]) return correlation(*a.size_is[level]);
      if (level < a.max_is.size() && a.max_is[level]) return plus(correlation(*a.max_is[level]), 1, "+");
      return std::nullopt;
    };
    // Levels past the declarator's own pointers size the pointers a
    // typedef brings ([MS-DCOM] 3.1.1.5.6.1.1: `[out, size_is(, cIids)]
    // PREMQIRESULT* ppQIResults`, PREMQIRESULT a [unique] REMQIRESULT*).
    std::function<const Type*(const Type*, std::size_t)> size_typedef = [&](const Type* t, std::size_t level) {
      if (t->kind != Type::Kind::pointer) return t;
      const Type* pointee = size_typedef(t->pointee, level + 1);
      if (auto n = level_size(level)) {
        Type arr;
        arr.kind = Type::Kind::array;
        arr.arr = ir::ArrKind::conformant;
        arr.elem = pointee;
        arr.size = std::move(n);
        pointee = make(std::move(arr));
      } else if (pointee == t->pointee) {
        return t;
      }
      return pointer(t->ptr, pointee);
    };
    const Type* inner = size_typedef(base, pointers);
    // [string] makes the innermost pointer level the string: `[out, string]
    // wchar_t** p` is a [ref] pointer to a pointer_default pointer to a
    // conformant varying string, as MIDL reads it. A size for that level
    // (size_is(, n)) is the string's max_count.
    std::uint32_t levels = pointers;
    bool string_done = false;
    if (a.string && pointers > 1) {
      const auto c = string_char(inner);
      if (!c) {
        diags_.error(d.loc, "[string] on '" + d.name + "', which does not point to char or wchar_t");
        return nullptr;
      }
      inner = pointer(pointer_default_, string_type(*c, 0, level_size(pointers - 1)));
      levels = pointers - 1;
      string_done = true;
    }
    for (std::uint32_t i = levels; i-- > 1;) {
      if (auto n = level_size(i)) {
        Type arr;
        arr.kind = Type::Kind::array;
        arr.arr = ir::ArrKind::conformant;
        arr.elem = inner;
        arr.size = std::move(n);
        inner = make(std::move(arr));
      }
      inner = pointer(pointer_default_, inner);
    }
    const bool sized = level_size(0).has_value();
    const Type* pointee = inner;
    if (a.string && !string_done) {
      const auto c = string_char(inner);
      if (!c) {
        diags_.error(d.loc, "[string] on '" + d.name + "', which does not point to char or wchar_t");
        return nullptr;
      }
      pointee = string_type(*c, 0, size_expr());
    } else if (sized || varied) {
      if (!sized) {
        diags_.error(d.loc, "'" + d.name + "' has length_is but no size_is or max_is");
        return nullptr;
      }
      Type arr;
      arr.kind = Type::Kind::array;
      arr.arr = varied ? ir::ArrKind::conformant_varying : ir::ArrKind::conformant;
      arr.elem = inner;
      arr.size = size_expr();
      fill_variance(arr);
      pointee = make(std::move(arr));
    }
    const ir::PtrKind k = a.ptr ? *a.ptr : (ctx == DeclContext::param ? ir::PtrKind::ref : pointer_default_);
    return pointer(k, pointee);
  }
  if (sized || varied || a.string) {
    diags_.error(d.loc, "'" + d.name + "' is neither a pointer nor an array, so size_is, length_is and [string] "
                        "do not apply");
    return nullptr;
  }
  if (a.ptr) diags_.error(d.loc, "pointer attribute on '" + d.name + "', which is not a pointer");
  return base;
}

void Analyzer::check_expr_fields(const ir::Expr& e, const std::vector<ir::Field>& fields, const std::string& what,
                                 const std::string& scope, std::size_t self, bool must_precede) {
  std::vector<std::string> names;
  e.fields(names);
  for (const auto& n : names) {
    std::size_t i = 0;
    while (i < fields.size() && fields[i].name != n) ++i;
    if (i == fields.size()) {
      diags_.error(e.loc, what + ": '" + n + "' is not a member of '" + scope + "' or a constant");
      continue;
    }
    if (i == self) {
      diags_.error(e.loc, what + ": '" + n + "' refers to itself");
      continue;
    }
    if (!is_integer(*fields[i].type))
      diags_.error(e.loc, what + ": '" + n + "' must be an integer member of '" + scope + "'");
    else if (must_precede && i > self)
      diags_.error(e.loc, what + ": '" + n + "' must come before the union it selects an arm of");
  }
}

void Analyzer::check_correlations(const std::vector<ir::Field>& fields, const std::string& scope) {
  for (std::size_t i = 0; i < fields.size(); ++i) {
    const ir::Field& f = fields[i];
    std::vector<const ir::Expr*> exprs;
    collect(*f.type, exprs);
    for (const auto* e : exprs) check_expr_fields(*e, fields, "correlation of '" + f.name + "'", scope, i);
    const Type* u = union_of(f.type);
    if (f.switch_is) {
      if (u == nullptr || u->encapsulated)
        diags_.error(f.loc, "[switch_is] on '" + f.name + "', which is not a non-encapsulated union");
      check_expr_fields(*f.switch_is, fields, "switch_is of '" + f.name + "'", scope, i, true);
      if (u != nullptr && u->switch_type_implied && f.switch_is->kind == ir::Expr::Kind::field) {
        for (const auto& g : fields) {
          if (g.name != f.switch_is->name || !is_integer(*g.type)) continue;
          auto* w = const_cast<Type*>(u);  // sema owns the IR it is building
          w->switch_type = g.type;
          w->switch_type_implied = false;
        }
      }
    } else if (u != nullptr && !u->encapsulated) {
      diags_.error(f.loc, "non-encapsulated union '" + f.name + "' needs [switch_is]");
    }
  }
}

}  // namespace rampart::idl
