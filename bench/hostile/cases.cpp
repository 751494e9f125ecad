#include "cases.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <stdexcept>

#include "rampart/base/hex.hpp"
#include "mgmt.hpp"
#include "rampart/pdu/pdu.hpp"
#include "requests.hpp"

namespace rampart::bench {

namespace {

constexpr std::uint16_t kFrag = kBenchFrag;

std::vector<std::uint8_t> request(std::uint32_t call_id, std::uint8_t flags, std::uint32_t alloc_hint,
                                  std::span<const std::uint8_t> stub) {
  pdu::Pdu p;
  p.header.ptype = pdu::PType::request;
  p.header.call_id = call_id;
  p.header.pfc_flags = flags;
  pdu::Request r;
  r.alloc_hint = alloc_hint;
  r.context_id = 0;
  r.opnum = 3;
  r.stub = stub;
  p.body = r;
  return pdu::encode(p);
}

std::vector<std::uint8_t> concat(std::vector<std::uint8_t> a, const std::vector<std::uint8_t>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

// Generated cases for the classes the captured files do not cover.
std::vector<MalformedCase> generated() {
  static const std::vector<std::uint8_t> stub(64, 0x41);
  std::vector<MalformedCase> out;
  // C2: alloc_hint 0xfffffff0 on a first fragment: never reserved, and above
  // the 4 MiB cap, so refused at once ([MS-RPCE] 3.3.3.5.4).
  out.push_back({"gen_alloc_hint_huge", request(2, pdu::pfc::kFirstFrag, 0xfffffff0u, stub)});
  // C3: the second fragment of a call changes call_id.
  out.push_back({"gen_fragment_call_id_changes",
                 concat(request(2, pdu::pfc::kFirstFrag, 128, stub), request(3, 0, 64, stub))});
  // C3: the last fragment switches context.
  {
    auto second = request(2, pdu::pfc::kLastFrag, 64, stub);
    second[20] = 1;  // p_cont_id, little-endian at offset 20
    out.push_back({"gen_fragment_context_changes", concat(request(2, pdu::pfc::kFirstFrag, 128, stub), second)});
  }
  // C5: a bind asking for NTLM at connect level; no security provider
  // accepts it, so the answer is a bind_nak, never a half-open auth state.
  {
    auto p = bind_pdu(1);
    pdu::AuthVerifier a;
    a.auth_type = 10;  // RPC_C_AUTHN_WINNT
    a.auth_level = 2;  // RPC_C_AUTHN_LEVEL_CONNECT
    static const std::vector<std::uint8_t> ntlm = {'N', 'T', 'L', 'M', 'S', 'S', 'P', 0, 1, 0, 0, 0,
                                                   0x07, 0x82, 0x08, 0xa2, 0, 0, 0, 0, 0, 0, 0, 0};
    a.auth_value = ntlm;
    p.auth = a;
    out.push_back({"gen_auth_bind_ntlm", pdu::encode(p), false});
  }
  // C6: alter_context redefining context 0 as another interface.
  {
    pdu::Pdu p;
    p.header.ptype = pdu::PType::alter_context;
    p.header.call_id = 2;
    pdu::AlterContext a;
    a.max_xmit_frag = kFrag;
    a.max_recv_frag = kFrag;
    a.contexts.push_back({0, spec::mgmt::mgmt_descriptor().syntax, {syntax::kNdr20}});
    p.body = std::move(a);
    out.push_back({"gen_context_id_redefined", pdu::encode(p)});
  }
  return out;
}

}  // namespace

std::vector<std::uint8_t> make_flood_fragments(bool first, std::size_t count) {
  static const std::vector<std::uint8_t> stub(kFrag - pdu::kHeaderSize - 8, 0x5a);
  const auto one = request(1, first ? pdu::pfc::kFirstFrag : 0, 0, stub);
  std::vector<std::uint8_t> out;
  out.reserve(one.size() * count);
  for (std::size_t i = 0; i < count; ++i) out.insert(out.end(), one.begin(), one.end());
  return out;
}

std::vector<MalformedCase> load_cases(const std::string& malformed_dir) {
  std::vector<std::filesystem::path> files;
  for (const auto& e : std::filesystem::directory_iterator(malformed_dir)) {
    if (e.path().extension() == ".hex") files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  std::vector<MalformedCase> out;
  for (const auto& f : files) {
    std::ifstream in(f);
    if (!in) throw std::runtime_error("cannot read " + f.string());
    std::string text;
    for (std::string line; std::getline(in, line);) {
      if (!line.empty() && line[0] != '#') text += line + "\n";
    }
    auto bytes = parse_hex(text);
    if (!bytes || bytes->size() < 3) throw std::runtime_error("not a hex PDU: " + f.string());
    // A bind or alter_context is refused on its own; anything else needs a
    // bound connection to reach the rule it breaks.
    const bool is_bind = (*bytes)[2] == static_cast<std::uint8_t>(pdu::PType::bind);
    out.push_back({f.stem().string(), std::move(*bytes), !is_bind});
  }
  auto more = generated();
  out.insert(out.end(), std::make_move_iterator(more.begin()), std::make_move_iterator(more.end()));
  return out;
}

}  // namespace rampart::bench
