// Semantic analysis: resolves names across the file and its imports,
// validates every attribute, and builds the IR (ir/ir.hpp). Errors name
// file:line:column and what is wrong, e.g.
//   conformance.idl:12:20: error: size_is(n): 'n' is not a member of 'blob_t'
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "frontend/diagnostics.hpp"
#include "ir/ir.hpp"

namespace rampart::idl {

struct SemaOptions {
  /// Directories searched for imports after the importing file's own.
  std::vector<std::string> import_dirs;
  /// Object interfaces get the implicit ORPCTHIS / ORPCTHAT parameters
  /// ([MS-DCOM] 2.2.13): [in] ORPCTHIS* orpcthis first and [out]
  /// ORPCTHAT* orpcthat first among the [out]s.
  bool orpc = false;
};

/// Compiles `path` (and whatever it imports) into one module; nullopt when
/// any error was reported.
std::optional<ir::Module> analyze(const std::string& path, const SemaOptions& options, Diagnostics& diags);

/// The same, for source text already in memory (tests); imports resolve
/// against options.import_dirs only.
std::optional<ir::Module> analyze_source(const std::string& name, const std::string& source,
                                         const SemaOptions& options, Diagnostics& diags);

}  // namespace rampart::idl
