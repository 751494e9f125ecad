// The server's authentication state machine: an association with real
// NTLMSSP and SPNEGO providers (gss-ntlmssp, a user file written at start)
// driven two ways, chosen by the first input octet:
//   even: the rest is a raw client byte stream (seeds: captured Impacket
//         NTLM exchanges at integrity and privacy), fed in pieces;
//   odd:  a real in-process NTLM exchange at the level the second octet
//         picks, then the rest as requests protected by the client side,
//         each optionally corrupted at an offset the input chooses.
// Invariants: every octet the server sends decodes as PDUs; nothing after
// close; contexts per connection stay within ServerLimits.
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <deque>
#include <filesystem>
#include <fstream>
#include <span>

#include "rampart/pdu/pdu.hpp"
#include "rampart/runtime/association.hpp"
#include "rampart/runtime/fragmenter.hpp"

// gss-ntlmssp 1.2 and MIT krb5's SPNEGO leak on every exchange
// (docs/security.md): in a fuzz build this target links rampartd's
// sanitizer defaults (src/sanitizer_defaults.cpp), which suppress
// those frames only and turn on the unwinder that can see them.

namespace {

using namespace rampart;
using namespace rampart::runtime;

const SyntaxId kEpm{Uuid::from_string("e1af8308-5d1f-11c9-91a4-08002b14a0fa"), 3, 0};

class Echo : public Interface {
 public:
  const SyntaxId& syntax() const noexcept override { return kEpm; }
  std::string_view name() const noexcept override { return "fuzz"; }
  std::uint16_t operation_count() const noexcept override { return 8; }
  void call(const CallContext& ctx, Responder responder) override {
    responder.respond(CallOutcome::success({ctx.stub.begin(), ctx.stub.end()}));
  }
};

void check_output(const Output& out) {
  auto pdus = pdu::split_pdus(out.send);
  if (!pdus) std::abort();
  for (auto p : *pdus)
    if (!pdu::decode(p)) std::abort();
}

struct World {
  ServerLimits limits;
  ServerCore core;
  std::shared_ptr<security::SecurityProvider> ntlm;
  World() : core(make_limits()) {
    core.interfaces.add(std::make_shared<Echo>());
    const auto dir = std::filesystem::temp_directory_path() / ("rampart-fuzz-auth-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    std::ofstream(dir / "users") << "RAMPART:alice:Fuzz-Pass1\n";
    auto server = security::GssCredential::ntlm_user_file(dir / "users", "host@fuzz");
    auto spnego = security::GssCredential::spnego_user_file(dir / "users", "host@fuzz");
    auto client = security::GssCredential::password("RAMPART\\alice", "Fuzz-Pass1", security::GssMech::ntlm);
    if (!server || !spnego || !client) std::abort();
    auto registry = std::make_shared<security::ProviderRegistry>();
    ntlm = security::make_ntlm_provider(std::make_shared<security::GssCredential>(std::move(*server)),
                                        std::make_shared<security::GssCredential>(std::move(*client)), "host@fuzz");
    registry->add(ntlm);
    registry->add(security::make_spnego_provider(std::make_shared<security::GssCredential>(std::move(*spnego)),
                                                 nullptr, "host@fuzz"));
    core.set_providers(registry);
  }
  static ServerLimits make_limits() {
    ServerLimits l;
    l.max_auth_contexts = 4;
    l.max_pending_calls = 4;
    l.fragments.max_stub = 64u << 10;
    return l;
  }
};

World& world() {
  static World w;
  return w;
}

void feed(Association& a, std::span<const std::uint8_t> bytes) {
  Output out;
  a.on_bytes(bytes, out);
  check_output(out);
  if (a.auth_contexts() > world().limits.max_auth_contexts) std::abort();
}

// A real bind/auth3 exchange, then protected requests built from the input.
void exchange(Association& a, std::span<const std::uint8_t> rest, std::uint8_t level_octet) {
  const auto level = static_cast<security::AuthLevel>(2 + level_octet % 5);
  auto client = world().ntlm->new_initiator("host@fuzz", level);
  if (!client) std::abort();
  auto negotiate = (*client)->step({});
  if (!negotiate) std::abort();
  pdu::Pdu bind;
  bind.header.ptype = pdu::PType::bind;
  bind.body = pdu::Bind{4280, 4280, 0, {{0, kEpm, {syntax::kNdr20}}}};
  bind.auth = pdu::AuthVerifier{10, static_cast<std::uint8_t>(level), 0, 0, 1, {}, negotiate->output};
  Output out;
  a.on_bytes(pdu::encode(bind), out);
  auto replies = pdu::split_pdus(out.send);
  if (!replies || replies->empty()) return;
  auto ack = pdu::decode(replies->front());
  if (!ack || !ack->auth) return;
  auto authenticate = (*client)->step(
      std::vector<std::uint8_t>(ack->auth->auth_value.begin(), ack->auth->auth_value.end()));
  if (!authenticate) return;
  pdu::Pdu auth3;
  auth3.header.ptype = pdu::PType::auth3;
  auth3.body = pdu::Auth3{0};
  auth3.auth = pdu::AuthVerifier{10, static_cast<std::uint8_t>(level), 0, 0, 1, {}, authenticate->output};
  feed(a, pdu::encode(auth3));
  auto prot = (*client)->protection({{10, level, 1}, false, security::Role::initiator});
  std::uint32_t call_id = 2;
  while (rest.size() >= 4 && a.state() != Association::State::closed) {
    const std::size_t n = std::min<std::size_t>(rest[0] * 8u, rest.size() - 3);
    const std::uint8_t flip_at = rest[1];
    const std::uint8_t opnum = rest[2] % 8;
    auto stub = rest.subspan(3, n);
    rest = rest.subspan(3 + n);
    pdu::Pdu req;
    req.header.ptype = pdu::PType::request;
    req.header.call_id = call_id++;
    req.body = pdu::Request{static_cast<std::uint32_t>(stub.size()), 0, opnum, std::nullopt, stub};
    std::vector<std::uint8_t> bytes;
    if (prot && level != security::AuthLevel::connect) {
      if (!fragment_protected(req, 2048, **prot, bytes)) return;
    } else {
      pdu::encode(req, bytes);
    }
    if (flip_at != 0 && flip_at < bytes.size()) bytes[flip_at] ^= 0x5a;  // tamper, sometimes
    feed(a, bytes);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2) return 0;
  World& w = world();
  std::deque<std::function<void(Output&)>> posted;
  PeerInfo peer;
  peer.local_endpoint = "135";
  Association a(w.core, peer, [&](std::function<void(Output&)> t) { posted.push_back(std::move(t)); });
  std::span<const std::uint8_t> rest(data + 2, size - 2);
  if (data[0] & 1) {
    exchange(a, rest, data[1]);
    return 0;
  }
  const std::size_t piece = 1 + data[1] % 128;
  while (!rest.empty() && a.state() != Association::State::closed) {
    feed(a, rest.first(std::min(piece, rest.size())));
    rest = rest.subspan(std::min(piece, rest.size()));
  }
  return 0;
}
