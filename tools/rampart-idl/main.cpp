// rampart-idl: compiles MIDL interface definitions into C++ types, NDR20 and
// NDR64 codecs, an interface descriptor and a server skeleton (see
// docs/man/rampart-idl.1).
#include <CLI/CLI.hpp>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "backends/cpp/cpp_backend.hpp"
#include "sema/sema.hpp"

namespace {

bool write_if_changed(const std::filesystem::path& path, const std::string& text) {
  {
    std::ifstream in(path, std::ios::binary);
    if (in) {
      const std::string old((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
      if (old == text) return true;  // keep the timestamp: nothing rebuilds
    }
  }
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  return static_cast<bool>(out);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"rampart-idl: compile MIDL interface definitions to C++ (NDR20 and NDR64 codecs, descriptors, "
               "server skeletons)"};
  std::string input;
  std::string out_dir = ".";
  rampart::idl::SemaOptions options;
  std::string namespace_root;
  bool check_only = false;
  app.add_option("idl", input, "The .idl file to compile")->required();
  app.add_option("-o,--out-dir", out_dir, "Directory for <stem>.hpp and <stem>.cpp (default: .)");
  app.add_option("-I,--import-dir", options.import_dirs,
                 "Directory searched for imports, after the importing file's own (repeatable)");
  app.add_flag("--orpc", options.orpc,
               "Give [object] interfaces' methods the implicit ORPCTHIS/ORPCTHAT parameters ([MS-DCOM] 2.2.13)");
  app.add_option("--namespace", namespace_root,
                 "Parent namespace of the generated <parent>::<stem> (default: rampart); every file of one "
                 "library, and the files it imports, must use the same");
  std::vector<std::string> hooks;
  app.add_option("--describe-hook", hooks,
                 "TYPE=HEADER:FUNCTION: the structure TYPE's describe_to() calls FUNCTION(out, indent, value), "
                 "declared in HEADER, instead of listing its members (repeatable)");
  app.add_flag("--check", check_only, "Parse and check only; write nothing");
  app.set_version_flag("--version", "rampart-idl " RAMPART_VERSION);
  CLI11_PARSE(app, argc, argv);

  rampart::idl::Diagnostics diags;
  auto module = rampart::idl::analyze(input, options, diags);
  std::cerr << diags.text();
  if (!module) {
    std::cerr << "rampart-idl: " << diags.error_count() << " error(s)\n";
    return 1;
  }
  if (check_only) return 0;
  const std::string stem = module->stem;
  rampart::idl::CppOptions cpp{stem + ".hpp", namespace_root, {}};
  for (const auto& h : hooks) {
    const auto eq = h.find('=');
    const auto colon = h.find(':', eq == std::string::npos ? 0 : eq);
    if (eq == std::string::npos || colon == std::string::npos || colon < eq || eq == 0 || colon + 1 == h.size()) {
      std::cerr << "rampart-idl: --describe-hook " << h << ": expected TYPE=HEADER:FUNCTION\n";
      return 1;
    }
    cpp.describe_hooks[h.substr(0, eq)] = {h.substr(eq + 1, colon - eq - 1), h.substr(colon + 1)};
  }
  const auto out = rampart::idl::generate_cpp(*module, cpp);
  std::error_code ec;
  std::filesystem::create_directories(out_dir, ec);
  const std::filesystem::path dir(out_dir);
  if (!write_if_changed(dir / (stem + ".hpp"), out.header) || !write_if_changed(dir / (stem + ".cpp"), out.source)) {
    std::cerr << "rampart-idl: cannot write to " << out_dir << "\n";
    return 1;
  }
  return 0;
}
