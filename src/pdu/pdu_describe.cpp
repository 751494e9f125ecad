// describe(): the stable text form of a PDU used by `rampart explain` and
// pinned by the golden tests. Changing it changes every golden file.
#include <fmt/format.h>

#include "rampart/base/hex.hpp"
#include "rampart/pdu/pdu.hpp"
#include "rampart/pdu/status.hpp"

namespace rampart::pdu {

namespace {

void append_hex_block(std::string& out, std::string_view label, Bytes bytes) {
  out += fmt::format("  {}: {} octets\n", label, bytes.size());
  for (std::size_t i = 0; i < bytes.size(); i += 16)
    out += fmt::format("    {:04x}  {}\n", i, to_hex(bytes.subspan(i, std::min<std::size_t>(16, bytes.size() - i)), true));
}

std::string syntax_text(const SyntaxId& s) {
  const std::string label = syntax_label(s);
  return label.empty() ? s.to_string() : fmt::format("{} ({})", s.to_string(), label);
}

void describe_bind(std::string& out, const Bind& b) {
  out += fmt::format("  max_xmit_frag={} max_recv_frag={} assoc_group_id=0x{:08x}\n", b.max_xmit_frag,
                     b.max_recv_frag, b.assoc_group_id);
  for (const auto& c : b.contexts) {
    out += fmt::format("  context id={} abstract={}\n", c.context_id, syntax_text(c.abstract_syntax));
    for (const auto& t : c.transfer_syntaxes) out += fmt::format("    transfer={}\n", syntax_text(t));
  }
}

void describe_bind_ack(std::string& out, const BindAck& a) {
  out += fmt::format("  max_xmit_frag={} max_recv_frag={} assoc_group_id=0x{:08x}\n", a.max_xmit_frag,
                     a.max_recv_frag, a.assoc_group_id);
  out += fmt::format("  secondary_address=\"{}\"\n", a.secondary_address);
  for (const auto& e : a.results) {
    if (e.result == ContextResult::negotiate_ack) {
      out += fmt::format("  result={} features=0x{:04x}\n", to_string(e.result), e.reason);
    } else if (e.result == ContextResult::acceptance) {
      out += fmt::format("  result={} transfer={}\n", to_string(e.result), syntax_text(e.transfer_syntax));
    } else {
      out += fmt::format("  result={} reason={}\n", to_string(e.result),
                         to_string(static_cast<ProviderReason>(e.reason)));
    }
  }
}

struct BodyDescriber {
  std::string& out;
  void operator()(const Request& q) const {
    out += fmt::format("  alloc_hint={} context_id={} opnum={}\n", q.alloc_hint, q.context_id, q.opnum);
    if (q.object) out += fmt::format("  object={}\n", q.object->to_string());
    append_hex_block(out, "stub", q.stub);
  }
  void operator()(const Response& p) const {
    out += fmt::format("  alloc_hint={} context_id={} cancel_count={}\n", p.alloc_hint, p.context_id,
                       p.cancel_count);
    append_hex_block(out, "stub", p.stub);
  }
  void operator()(const Fault& f) const {
    const auto name = status::name(f.status);
    out += fmt::format("  alloc_hint={} context_id={} cancel_count={} flags=0x{:02x}\n", f.alloc_hint,
                       f.context_id, f.cancel_count, f.flags);
    out += fmt::format("  status=0x{:08x}{}\n", f.status, name.empty() ? "" : fmt::format(" ({})", name));
    if (!f.stub.empty()) append_hex_block(out, "stub", f.stub);
  }
  void operator()(const Bind& b) const { describe_bind(out, b); }
  void operator()(const AlterContext& b) const { describe_bind(out, b); }
  void operator()(const BindAck& a) const { describe_bind_ack(out, a); }
  void operator()(const AlterContextResp& a) const { describe_bind_ack(out, a); }
  void operator()(const BindNak& n) const {
    out += fmt::format("  reason={} ({})\n", static_cast<unsigned>(n.reason), to_string(n.reason));
    for (auto [major, minor] : n.versions) out += fmt::format("  version={}.{}\n", major, minor);
    if (!n.tail.empty()) append_hex_block(out, "tail", n.tail);
  }
  void operator()(const Auth3& a) const { out += fmt::format("  pad=0x{:08x}\n", a.pad); }
  void operator()(const Shutdown&) const {}
  void operator()(const CoCancel&) const {}
  void operator()(const Orphaned&) const {}
  void operator()(const Rts& t) const {
    out += fmt::format("  rts_flags=0x{:04x} commands={}\n", t.flags, t.number_of_commands);
    append_hex_block(out, "command octets", t.commands);
  }
};

}  // namespace

std::string syntax_label(const SyntaxId& s) {
  if (s == syntax::kNdr20) return "NDR20";
  if (s == syntax::kNdr64) return "NDR64";
  if (syntax::is_bind_time_feature(s))
    return fmt::format("bind-time features 0x{:04x}", syntax::bind_time_features(s));
  return {};
}

std::string describe(const Pdu& pdu) {
  std::string out = pdu.header.describe();
  out += '\n';
  std::visit(BodyDescriber{out}, pdu.body);
  if (pdu.auth) {
    const AuthVerifier& a = *pdu.auth;
    out += fmt::format("  auth type={} level={} pad_length={} context_id={}\n", a.auth_type, a.auth_level,
                       a.auth_pad_length, a.auth_context_id);
    append_hex_block(out, "auth_value", a.auth_value);
  }
  return out;
}

}  // namespace rampart::pdu
