// C++ spellings of IR types and names, shared by the backend's emitters.
#pragma once

#include <string>

#include "ir/ir.hpp"

namespace rampart::idl::cpp {

/// An IDL name as a C++ identifier: verbatim, with '_' appended when it is
/// a C++ keyword (`default` -> `default_`).
std::string ident(const std::string& name);
/// The namespace generated code for an IDL file lives in: rampart::<stem>.
std::string ns_of(const std::string& stem);
/// Sets the parent of ns_of's namespaces ("rampart" unless --namespace).
void set_namespace_root(const std::string& root);
/// The C++ type of a value of `t` (unique pointers: std::optional, and so on).
std::string type_of(const ir::Type& t, const std::string& current_stem);
/// The C++ type of an integer/enum prim (for casts).
std::string prim_type(ir::Prim p);
/// True if a std::span<T> over values of `t` can be bulk-copied.
bool is_bulk(const ir::Type& t);
/// Expression text over `prefix` ("v." / "r.") as std::int64_t.
std::string expr(const ir::Expr& e, const std::string& prefix);
/// A C++ string literal.
std::string quote(const std::string& s);

}  // namespace rampart::idl::cpp
