// The C++ backend: one header and one source per IDL file, read from the
// IR only. See docs/idl.md for the shape of the generated code.
#pragma once

#include <map>
#include <string>

#include "ir/ir.hpp"

namespace rampart::idl {

struct CppOptions {
  /// Header file name the source includes ("conformance.hpp").
  std::string header_name;
  /// Parent namespace of the generated rampart::<stem> ("rampart::spec"
  /// gives rampart::spec::<stem>); empty means "rampart".
  std::string namespace_root;
  /// Describe hooks (--describe-hook TYPE=HEADER:FUNCTION): the named
  /// structure's describe_to() calls FUNCTION(out, indent, value), declared
  /// in HEADER, instead of listing its members. For values whose octets
  /// have a meaning of their own (a protocol tower's floors).
  struct DescribeHook {
    std::string header;
    std::string function;
  };
  std::map<std::string, DescribeHook> describe_hooks;
};

struct CppOutput {
  std::string header;
  std::string source;
};

CppOutput generate_cpp(const ir::Module& module, const CppOptions& options);

}  // namespace rampart::idl
