// rampart-idl's error messages: every one names file:line:column and says
// what is wrong.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "frontend/parser.hpp"
#include "sema/sema.hpp"

namespace rampart::idl {
namespace {

/// Compiles `source` as "t.idl" and returns every message, one a line.
std::string compile(const std::string& source, const SemaOptions& options = {}) {
  Diagnostics diags;
  const auto module = analyze_source("t.idl", source, options, diags);
  EXPECT_EQ(module.has_value(), !diags.failed());
  return diags.text();
}

const char* kHead = "[uuid(11111111-2222-3333-4444-555555555555), version(1.0)]\ninterface t {\n";

TEST(IdlDiagnostics, SyntaxErrorsNameLineAndColumn) {
  EXPECT_EQ(compile(std::string(kHead) + "  typedef struct { long a } s;\n}\n"),
                    "t.idl:3:27: error: expected ';' after a member, found '}'\n");
  EXPECT_EQ(compile("interface t { void f(long a; }"),
            "t.idl:1:28: error: expected ')' to close the parameter list, found ';'\n"
            "t.idl:1:1: error: interface 't' needs [uuid(...)] (or [local])\n");
  EXPECT_EQ(compile("/* never closed"), "t.idl:1:1: error: unterminated comment\n");
  EXPECT_EQ(compile("const long x = \"abc;\n"), "t.idl:1:16: error: unterminated string literal\n"
                                                 "t.idl:2:1: error: expected ';' after const declaration, found end of file\n");
}

TEST(IdlDiagnostics, NamesThatDoNotResolve) {
  EXPECT_EQ(compile(std::string(kHead) + "  void f([in] widget w);\n}\n"),
            "t.idl:3:15: error: unknown type 'widget'\n");
  EXPECT_EQ(compile(std::string(kHead) + "  typedef struct _a { struct _b* p; } a;\n}\n"),
            "t.idl:3:23: error: '_b' is used but never defined\n");
  EXPECT_EQ(compile("import \"missing.idl\";\n"),
            "t.idl:1:8: error: cannot find import 'missing.idl' (searched the importing file's directory and every "
            "-I directory)\n");
}

TEST(IdlDiagnostics, CorrelationsMustNameIntegersOfTheSameScope) {
  EXPECT_EQ(compile(std::string(kHead) + "  typedef struct { long n; [size_is(m)] long a[]; } s;\n}\n"),
            "t.idl:3:37: error: correlation of 'a': 'm' is not a member of 's' or a constant\n");
  EXPECT_EQ(compile(std::string(kHead) + "  typedef struct { double n; [size_is(n)] long a[]; } s;\n}\n"),
            "t.idl:3:39: error: correlation of 'a': 'n' must be an integer member of 's'\n");
  EXPECT_EQ(compile(std::string(kHead) + "  void f([in, size_is(k)] byte* b);\n}\n"),
            "t.idl:3:23: error: correlation of 'b': 'k' is not a parameter of 'f' or a constant\n");
  EXPECT_EQ(compile(std::string(kHead) + "  void f([in, size_is(*k)] byte* b, [out] long* k);\n}\n"),
            "t.idl:3:24: error: correlation of [in] 'b': 'k' is not [in]\n");
  EXPECT_EQ(compile(std::string(kHead) + "  typedef struct { long n; long a[]; } s;\n}\n"),
            "t.idl:3:33: error: conformant array 'a' needs size_is or max_is\n");
  EXPECT_EQ(compile(std::string(kHead) + "  typedef struct { long n; [size_is(n)] long a[]; long z; } s;\n}\n"),
            "t.idl:3:46: error: conformant member 'a' must be the last member of 's' (C706 14.3.7)\n");
}

TEST(IdlDiagnostics, SwitchIsMustPrecedeItsUnion) {
  EXPECT_EQ(compile(std::string(kHead) +
                    "  typedef [switch_type(long)] union { [case(1)] long a; } u;\n"
                    "  typedef struct { [switch_is(k)] u x; long k; } s;\n}\n"),
            "t.idl:4:31: error: switch_is of 'x': 'k' must come before the union it selects an arm of\n");
}

TEST(IdlDiagnostics, AttributeRules) {
  EXPECT_EQ(compile(std::string(kHead) + "  void f([out] long x);\n}\n"),
            "t.idl:3:21: error: [out] parameter 'x' must be a pointer\n");
  EXPECT_EQ(compile(std::string(kHead) + "  void f([out, unique] long* x);\n}\n"),
            "t.idl:3:30: error: [out] parameter 'x' must be a [ref] pointer\n");
  EXPECT_EQ(compile(std::string(kHead) + "  void f([in, out, unique] long* x);\n}\n"), "");
  EXPECT_EQ(compile(std::string(kHead) + "  void f([in, frobnicate] long x);\n}\n"),
            "t.idl:3:15: error: unknown or unsupported attribute [frobnicate]\n");
  EXPECT_EQ(compile(std::string(kHead) + "  void f([in, range(5, 1)] long x);\n}\n"),
            "t.idl:3:15: error: [range] low bound above its high bound\n");
  EXPECT_EQ(compile(std::string(kHead) + "  void f([in, string] long* x);\n}\n"),
            "t.idl:3:29: error: [string] on 'x', which does not point to char or wchar_t\n");
  EXPECT_EQ(compile(std::string(kHead) +
                    "  typedef [switch_type(long)] union { [case(1)] long a; } u;\n  void f([in] u* x);\n}\n"),
            "t.idl:4:18: error: non-encapsulated union parameter 'x' needs [switch_is]\n");
  EXPECT_EQ(compile("[uuid(not-a-uuid)] interface t {}"), "t.idl:1:2: error: uuid(not-a-uuid) is not a UUID\n");
}

TEST(IdlDiagnostics, IgnoredAndReportedConstructs) {
  // cpp_quote is ignored silently; midl_pragma is reported and ignored.
  EXPECT_EQ(compile(std::string("cpp_quote(\"#define X 1\")\nmidl_pragma warning(disable: 2111)\n") + kHead + "}\n"),
            "t.idl:2:13: warning: midl_pragma is ignored\n");
  EXPECT_EQ(compile("#include \"x.h\"\n"),
            "t.idl:1:1: error: preprocessor directive '#include \"x.h\"' is not supported (use import)\n");
  EXPECT_EQ(compile("library L { }"), "t.idl:1:1: error: 'library' (type libraries) is not supported\n");
}

TEST(IdlDiagnostics, ImportsResolveBesideTheImporterAndThroughIncludeDirs) {
  const auto dir = std::filesystem::temp_directory_path() / ("rampart_idl_test_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir / "sub");
  std::filesystem::create_directories(dir / "inc");
  std::ofstream(dir / "sub" / "main.idl") << "import \"near.idl\";\nimport \"far.idl\";\n"
                                          << kHead << "  void f([in] near_t a, [in] far_t b);\n}\n";
  std::ofstream(dir / "sub" / "near.idl") << "typedef long near_t;\n";
  std::ofstream(dir / "inc" / "far.idl") << "typedef struct { short x; } far_t;\n";
  Diagnostics diags;
  SemaOptions options;
  auto module = analyze((dir / "sub" / "main.idl").string(), options, diags);
  EXPECT_FALSE(module.has_value());
  EXPECT_NE(diags.text().find("cannot find import 'far.idl'"), std::string::npos) << diags.text();
  Diagnostics again;
  options.import_dirs.push_back((dir / "inc").string());
  module = analyze((dir / "sub" / "main.idl").string(), options, again);
  ASSERT_TRUE(module.has_value()) << again.text();
  EXPECT_EQ(module->imports, (std::vector<std::string>{"near", "far"}));
  EXPECT_TRUE(module->types.empty());  // imported types are not generated here
  std::filesystem::remove_all(dir);
}

TEST(IdlDiagnostics, TypeSerializationAppliesToStructureTypedefs) {
  // [encode, decode] ([MS-RPCE] 2.2.6) marks a structure this typedef
  // defines; on a parameter, a pointer typedef or an imported alias it
  // means nothing and is refused.
  EXPECT_EQ(compile(std::string(kHead) + "  typedef [encode, decode] struct { long a; } s;\n}\n"), "");
  EXPECT_EQ(compile(std::string(kHead) + "  void f([in, encode] long a);\n}\n"),
            "t.idl:3:15: error: [encode] applies to typedefs only\n");
  EXPECT_EQ(compile(std::string(kHead) + "  typedef struct { long a; } s;\n  typedef [encode] s* ps;\n}\n"),
            "t.idl:4:23: error: [encode]/[decode] on 'ps': only a structure this typedef defines can be serialized\n");
}

}  // namespace
}  // namespace rampart::idl
