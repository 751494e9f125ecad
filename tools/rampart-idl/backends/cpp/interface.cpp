// Request/response stubs, the interface descriptor and the dispatcher.
#include <algorithm>

#include "backends/cpp/generator.hpp"
#include "backends/cpp/names.hpp"

namespace rampart::idl::cpp {

using ir::Type;

namespace {

/// Pipes travel after every other parameter of their direction (C706 14.3.9? pipes
/// are marshalled last); the rest keep their declaration order.
std::vector<const StubField*> wire_order(const std::vector<StubField>& fields) {
  std::vector<const StubField*> out;
  for (const auto& f : fields)
    if (!f.echo && f.type->kind != Type::Kind::pipe && !f.ret) out.push_back(&f);
  for (const auto& f : fields)
    if (!f.echo && f.type->kind == Type::Kind::pipe) out.push_back(&f);
  for (const auto& f : fields)
    if (f.ret) out.push_back(&f);
  return out;
}

Slot slot_of(const StubField& f) {
  Slot s{f.type, "r." + ident(f.name), f.name, std::nullopt, nullptr};
  if (f.param != nullptr) {
    s.range = f.param->range;
    s.switch_is = f.param->switch_is ? &*f.param->switch_is : nullptr;
  }
  return s;
}

std::string uuid_bytes(const std::string& text) {
  std::string out;
  for (std::size_t i = 0; i + 1 < text.size(); ++i) {
    if (text[i] == '-') continue;
    out += (out.empty() ? "0x" : ", 0x") + text.substr(i, 2);
    ++i;
  }
  return out;
}

}  // namespace

void Generator::source_stub(const ir::Operation& op, const std::string& name, const std::vector<StubField>& fields,
                            bool request) {
  {
    Scope s;
    s.prefix = "r.";
    for (const auto& f : fields)
      if (f.echo) s.echo.insert(f.name);
    Code c;
    c.line(name + " r;");
    for (const StubField* f : wire_order(fields)) {
      codec_.dec_whole(c, s, slot_of(*f));
      s.available.insert(f->name);
    }
    s_ += "template <::rampart::ndr::WireFormat F>\n::rampart::Result<" + name + "> " + name +
          "::decode([[maybe_unused]] ::rampart::ndr::BasicDecoder<F>& d) {\n";
    for (const auto& p : s.preamble) s_ += "  " + p + "\n";
    s_ += c.text();
    for (const auto& dfr : s.deferred) s_ += "  " + dfr + "\n";
    s_ += "  return r;\n}\n\n";
  }
  {
    Scope s;
    s.prefix = "r.";
    for (const auto& f : fields) s.available.insert(f.name);
    Code c;
    c.line("[[maybe_unused]] const " + name + "& r = *this;");
    for (const StubField* f : wire_order(fields)) codec_.enc_whole(c, s, slot_of(*f));
    s_ += "template <::rampart::ndr::WireFormat F>\n::rampart::Result<void> " + name +
          "::encode([[maybe_unused]] ::rampart::ndr::BasicEncoder<F>& e) const {\n" + c.text() + "  return {};\n}\n\n";
  }
  s_ += "std::string " + name + "::describe() const {\n  std::string out = " +
        quote(op.name + (request ? " request\n" : " response\n")) + ";\n";
  for (const auto& f : fields)
    s_ += "  ::rampart::ndr::describe_field(out, 1, " + quote(f.name) + ", " + ident(f.name) + ");\n";
  s_ += "  return out;\n}\n\n";
  for (const char* f : {"::rampart::ndr::Ndr20", "::rampart::ndr::Ndr64"}) {
    s_ += "template ::rampart::Result<" + name + "> " + name + "::decode<" + f + ">(::rampart::ndr::BasicDecoder<" +
          f + ">&);\n";
    s_ += "template ::rampart::Result<void> " + name + "::encode<" + f + ">(::rampart::ndr::BasicEncoder<" + f +
          ">&) const;\n";
  }
  s_ += "\n";
}

void Generator::source_descriptor(const ir::Interface& itf) {
  const std::string n = ident(itf.name);
  s_ += "namespace {\n\n";
  s_ += "constexpr ::rampart::SyntaxId k_" + n + "_syntax{::rampart::Uuid(std::array<std::uint8_t, 16>{" +
        uuid_bytes(itf.uuid) + "}), " + std::to_string(itf.major) + ", " + std::to_string(itf.minor) + "};\n\n";
  if (!itf.operations.empty()) {
    s_ += "constexpr ::rampart::runtime::OperationDescriptor k_" + n + "_operations[] = {\n";
    for (const auto& op : itf.operations) {
      const std::string o = ident(op.name);
      s_ += "    {" + quote(op.name) + ", " + std::to_string(op.opnum) + ",\n     {::rampart::runtime::stub_codecs<" +
            o + "_request, " + o + "_response, ::rampart::ndr::Ndr20>(),\n      ::rampart::runtime::stub_codecs<" +
            o + "_request, " + o + "_response, ::rampart::ndr::Ndr64>()}},\n";
    }
    s_ += "};\n\n";
  }
  s_ += "}  // namespace\n\n";
  s_ += "const ::rampart::runtime::InterfaceDescriptor& " + n + "_descriptor() noexcept {\n";
  s_ += "  static constexpr ::rampart::runtime::InterfaceDescriptor kDescriptor{k_" + n + "_syntax, " +
        quote(itf.name) + ", " + std::to_string(itf.first_opnum) + ", " +
        (itf.operations.empty() ? std::string("{}") : "std::span(k_" + n + "_operations)") + "};\n";
  s_ += "  return kDescriptor;\n}\n\n";
}

void Generator::source_dispatcher(const ir::Interface& itf) {
  const std::string n = ident(itf.name);
  const std::string d = n + "_dispatcher";
  s_ += "const ::rampart::SyntaxId& " + d + "::syntax() const noexcept { return " + n + "_descriptor().syntax; }\n";
  s_ += "std::string_view " + d + "::name() const noexcept { return " + n + "_descriptor().name; }\n";
  s_ += "std::uint16_t " + d + "::operation_count() const noexcept { return " + n +
        "_descriptor().operation_count(); }\n";
  s_ += "bool " + d + "::supports_transfer_syntax(const ::rampart::SyntaxId& transfer) const noexcept {\n"
        "  return ::rampart::runtime::InterfaceDescriptor::syntax_index(transfer).has_value();\n}\n\n";
  s_ += "void " + d + "::call(const ::rampart::runtime::CallContext& ctx, ::rampart::runtime::Responder responder) {\n";
  s_ += "  // The transfer syntax the presentation context negotiated ([MS-RPCE] 3.3.1.5.3).\n";
  s_ += "  if (ctx.transfer_syntax == ::rampart::syntax::kNdr64)\n"
        "    responder.respond(dispatch<::rampart::ndr::Ndr64>(ctx));\n  else\n"
        "    responder.respond(dispatch<::rampart::ndr::Ndr20>(ctx));\n}\n\n";
  s_ += "template <::rampart::ndr::WireFormat F>\n::rampart::runtime::CallOutcome " + d +
        "::dispatch(const ::rampart::runtime::CallContext& ctx) {\n  switch (ctx.opnum) {\n";
  for (const auto& op : itf.operations) {
    const std::string o = ident(op.name);
    s_ += "    case " + std::to_string(op.opnum) + ": {\n";
    // Octets after the last [in] parameter are ignored, as Windows and Samba
    // ignore them (ndr::decode_request_stub).
    s_ += "      auto request = ::rampart::ndr::decode_request_stub<" + o + "_request, F>(ctx.stub, ctx.drep, limits_);\n";
    s_ += "      if (!request) return ::rampart::runtime::stub_fault(request.error());\n";
    s_ += "      auto response = impl_->" + o + "(ctx, std::move(*request));\n";
    s_ += "      if (!response) return ::rampart::runtime::CallOutcome::fault(response.error());\n";
    s_ += "      return ::rampart::runtime::stub_reply<F>(*response, ctx.drep);\n    }\n";
  }
  s_ += "    default: break;\n  }\n";
  s_ += "  return ::rampart::runtime::CallOutcome::fault(::rampart::pdu::status::kNcaOpRangeError, true);\n}\n\n";
}

void Generator::source_client(const ir::Interface& itf) {
  const std::string c = ident(itf.name) + "_client";
  const std::string syntax = ident(itf.name) + "_descriptor().syntax";
  s_ += "template <class Response, class Request>\n::rampart::Result<Response> " + c +
        "::invoke(std::uint16_t opnum, const Request& request) {\n";
  s_ += "  const ::rampart::SyntaxId transfer = channel_.syntax_for(" + syntax + ");\n";
  s_ += "  auto stub = ::rampart::runtime::encode_request(request, transfer, channel_.drep);\n";
  s_ += "  if (!stub) return std::unexpected(std::move(stub).error());\n";
  s_ += "  auto reply = channel_.call(" + syntax + ", opnum, *stub, object_);\n";
  s_ += "  if (!reply) return std::unexpected(std::move(reply).error());\n";
  s_ += "  if (reply->fault_status != 0) last_fault_ = reply->fault_status;\n";
  s_ += "  return ::rampart::runtime::decode_reply<Response>(*reply, transfer);\n}\n\n";
  for (const auto& op : itf.operations) {
    const std::string o = ident(op.name);
    s_ += "::rampart::Result<" + o + "_response> " + c + "::" + o + "(const " + o + "_request& request) {\n";
    s_ += "  return invoke<" + o + "_response>(" + std::to_string(op.opnum) + ", request);\n}\n\n";
  }
  const std::string a = ident(itf.name) + "_async_client";
  s_ += "template <class Response, class Request>\nvoid " + a +
        "::invoke(std::uint16_t opnum, const Request& request, Done<Response> done) {\n";
  s_ += "  const ::rampart::SyntaxId transfer = channel_.syntax_for(" + syntax + ");\n";
  s_ += "  auto stub = ::rampart::runtime::encode_request(request, transfer, channel_.drep);\n";
  s_ += "  if (!stub) return done(std::unexpected(std::move(stub).error()));\n";
  s_ += "  channel_.call(" + syntax + ", opnum, std::move(*stub), object_,\n"
        "                [transfer, fault = last_fault_, done = std::move(done)](::rampart::Result<"
        "::rampart::runtime::StubReply> reply) {\n"
        "                  if (!reply) return done(std::unexpected(std::move(reply).error()));\n"
        "                  if (reply->fault_status != 0) *fault = reply->fault_status;\n"
        "                  done(::rampart::runtime::decode_reply<Response>(*reply, transfer));\n"
        "                });\n}\n\n";
  for (const auto& op : itf.operations) {
    const std::string o = ident(op.name);
    s_ += "void " + a + "::" + o + "(const " + o + "_request& request, Done<" + o + "_response> done) {\n";
    s_ += "  invoke<" + o + "_response>(" + std::to_string(op.opnum) + ", request, std::move(done));\n}\n\n";
  }
}

void Generator::source_interface(const ir::Interface& itf) {
  for (const auto& op : itf.operations) {
    source_stub(op, ident(op.name) + "_request", request_fields(op), true);
    source_stub(op, ident(op.name) + "_response", response_fields(op), false);
  }
  source_descriptor(itf);
  source_dispatcher(itf);
  source_client(itf);
}

CppOutput Generator::run() {
  header_prologue();
  for (const auto& c : m_.consts) {
    if (c.is_string)
      h_ += "inline constexpr std::string_view " + ident(c.name) + " = " + quote(c.text) + ";\n";
    else
      h_ += "inline constexpr " + type(*c.type) + " " + ident(c.name) + " = static_cast<" + type(*c.type) + ">(" +
            std::to_string(c.value) + ");\n";
  }
  if (!m_.consts.empty()) h_ += "\n";
  s_ += "// Generated by rampart-idl from " + m_.source + ". Do not edit: edit the IDL.\n";
  s_ += "#include \"" + o_.header_name + "\"\n";
  for (const auto& [name, hook] : o_.describe_hooks)
    if (std::any_of(m_.types.begin(), m_.types.end(), [&](const Type* t) { return t->name == name; }))
      s_ += "#include \"" + hook.header + "\"\n";
  s_ += "\n";
  if (!m_.interfaces.empty())
    s_ += "#include \"rampart/runtime/client_errc.hpp\"\n#include \"rampart/runtime/stub_codecs.hpp\"\n\n";
  s_ += "namespace " + ns_of(m_.stem) + " {\n\n";
  for (const Type* t : m_.types) {
    if (t->kind == Type::Kind::enumeration) header_enum(*t);
    if (t->kind == Type::Kind::structure) {
      header_struct(*t);
      source_struct(*t);
    }
    if (t->kind == Type::Kind::union_) {
      header_union(*t);
      source_union(*t);
    }
  }
  for (const auto& a : m_.aliases) h_ += "using " + ident(a.name) + " = " + type(*a.type) + ";\n";
  if (!m_.aliases.empty()) h_ += "\n";
  for (const auto& itf : m_.interfaces) {
    header_interface(itf);
    source_interface(itf);
  }
  h_ += "}  // namespace " + ns_of(m_.stem) + "\n";
  s_ += "}  // namespace " + ns_of(m_.stem) + "\n";
  return CppOutput{std::move(h_), std::move(s_)};
}

}  // namespace rampart::idl::cpp

namespace rampart::idl {

CppOutput generate_cpp(const ir::Module& module, const CppOptions& options) {
  cpp::set_namespace_root(options.namespace_root);
  cpp::Generator g(module, options);
  return g.run();
}

}  // namespace rampart::idl
