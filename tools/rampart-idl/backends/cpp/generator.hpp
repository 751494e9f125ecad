// The C++ generator's state, shared by header.cpp (declarations),
// source.cpp (codecs and describe) and interface.cpp (stubs, descriptor,
// server skeleton). Private to backends/cpp.
#pragma once

#include <string>

#include "backends/cpp/codec.hpp"
#include "backends/cpp/cpp_backend.hpp"
#include "backends/cpp/names.hpp"

namespace rampart::idl::cpp {

/// One field of a request or response struct.
struct StubField {
  std::string name;
  const ir::Type* type = nullptr;  // the value's type: a top-level [ref] pointer is stripped
  const ir::Param* param = nullptr;  // nullptr for the return value and echoes
  bool echo = false;  // an [in]-only size an [out] array carries
  bool ret = false;
};

class Generator {
 public:
  Generator(const ir::Module& m, const CppOptions& o) : m_(m), o_(o), codec_(m.stem) {}
  CppOutput run();

 private:
  // header.cpp
  void header_prologue();
  void header_enum(const ir::Type& t);
  void header_struct(const ir::Type& t);
  void header_union(const ir::Type& t);
  void header_interface(const ir::Interface& itf);
  void header_clients(const ir::Interface& itf);
  void header_stub(const std::string& name, const std::vector<StubField>& fields, bool request);
  // source.cpp
  void source_struct(const ir::Type& t);
  void source_union(const ir::Type& t);
  void source_union_decode(const ir::Type& t, const std::string& q);
  void source_union_encode(const ir::Type& t, const std::string& q);
  void union_buffers(Code& b, Scope& s, const ir::Type& t, const std::string& val, bool decode);
  void instantiate(const std::string& q, bool conformant, bool discriminated);
  // interface.cpp
  void source_interface(const ir::Interface& itf);
  void source_stub(const ir::Operation& op, const std::string& name, const std::vector<StubField>& fields,
                   bool request);
  void source_descriptor(const ir::Interface& itf);
  void source_dispatcher(const ir::Interface& itf);
  void source_client(const ir::Interface& itf);

  std::string type(const ir::Type& t) const { return type_of(t, m_.stem); }
  static std::vector<StubField> request_fields(const ir::Operation& op);
  static std::vector<StubField> response_fields(const ir::Operation& op);

  const ir::Module& m_;
  const CppOptions& o_;
  CodecGen codec_;
  std::string h_;
  std::string s_;
};

/// The type of a parameter's value: a top-level [ref] pointer has no wire
/// form of its own (C706 14.3.10), so its pointee is the value.
const ir::Type* value_type(const ir::Type* t);

}  // namespace rampart::idl::cpp
