// A sans-I/O harness for Association tests: a scripted client, a test
// interface and helpers that decode what the server sent.
#pragma once

#include <gtest/gtest.h>

#include <deque>
#include <functional>

#include "rampart/pdu/status.hpp"
#include "rampart/runtime/association.hpp"
#include "rampart/runtime/fragmenter.hpp"
#include "unit/pdu/pdu_fixtures.hpp"

namespace rampart::runtime::testing {

using namespace pdu::testing;

inline const SyntaxId kEchoSyntax{Uuid::from_string("12345678-1234-abcd-ef00-0123456789ab"), 1, 0};

/// opnum 0 echoes the stub reversed; opnum 1 answers later (kept
/// responders); opnum 2 faults with bad stub data; opnum 3 throws.
class EchoInterface : public Interface {
 public:
  const SyntaxId& syntax() const noexcept override { return kEchoSyntax; }
  std::string_view name() const noexcept override { return "echo"; }
  std::uint16_t operation_count() const noexcept override { return 4; }
  bool allows_peer(const PeerInfo& peer, std::uint16_t opnum) const noexcept override {
    return !(opnum == 2 && peer.transport == TransportKind::tcp && refuse_tcp_opnum2);
  }
  bool supports_transfer_syntax(const SyntaxId& transfer) const noexcept override {
    return transfer == syntax::kNdr20 || (ndr64 && transfer == syntax::kNdr64);
  }
  void call(const CallContext& ctx, Responder responder) override {
    last_object = ctx.object;
    last_transfer = ctx.transfer_syntax;
    last_auth = ctx.auth;
    last_principal = std::string(ctx.auth.principal);  // the view lives as long as the call
    last_auth.principal = {};
    switch (ctx.opnum) {
      case 0: {
        std::vector<std::uint8_t> out(ctx.stub.rbegin(), ctx.stub.rend());
        responder.respond(CallOutcome::success(std::move(out)));
        break;
      }
      case 1: later.push_back(std::move(responder)); break;
      case 2: responder.respond(CallOutcome::fault(pdu::status::kRpcBadStubData)); break;
      default: throw std::runtime_error("handler bug");
    }
  }
  std::deque<Responder> later;
  std::optional<Uuid> last_object;
  SyntaxId last_transfer;
  CallAuth last_auth;  // principal copied to last_principal
  std::string last_principal;
  bool refuse_tcp_opnum2 = false;
  bool ndr64 = false;  // as a generated dispatcher: NDR64 codecs too
};

struct Harness {
  explicit Harness(ServerLimits limits = {}) : core(limits) {
    echo = std::make_shared<EchoInterface>();
    core.interfaces.add(echo);
    assoc = make();
  }

  std::unique_ptr<Association> make() {
    PeerInfo peer;
    peer.address = "127.0.0.1:50000";
    peer.source_key = "127.0.0.1";
    peer.local_endpoint = "135";
    // Like a real transport's, the poster outlives the connection: it holds
    // the queue, not the harness.
    return std::make_unique<Association>(core, peer, [queue = posted](std::function<void(Output&)> task) {
      queue->push_back(std::move(task));
    });
  }

  /// Feeds octets; returns every PDU the server sent back.
  std::vector<pdu::Pdu> feed(std::span<const std::uint8_t> bytes, Association* a = nullptr) {
    Output out;
    (a ? *a : *assoc).on_bytes(bytes, out);
    return collect(out);
  }
  std::vector<pdu::Pdu> send(const pdu::Pdu& p, Association* a = nullptr) { return feed(pdu::encode(p), a); }

  std::vector<pdu::Pdu> run_posted() {
    Output out;
    while (!posted->empty()) {
      auto task = std::move(posted->front());
      posted->pop_front();
      task(out);
    }
    return collect(out);
  }

  std::vector<pdu::Pdu> collect(const Output& out) {
    closed = closed || out.close;
    keep.push_back(out.send);
    std::vector<pdu::Pdu> pdus;
    auto pieces = pdu::split_pdus(keep.back());
    EXPECT_TRUE(pieces) << "server output is not whole PDUs";
    if (!pieces) return pdus;
    for (auto piece : *pieces) {
      auto p = pdu::decode(piece);
      EXPECT_TRUE(p) << "server sent an undecodable PDU: " << p.error().to_string();
      if (p) pdus.push_back(*p);
    }
    return pdus;
  }

  pdu::Bind bind_body(std::vector<pdu::PresentationContext> contexts, std::uint16_t frag = 4280,
                      std::uint32_t group = 0) {
    pdu::Bind b;
    b.max_xmit_frag = frag;
    b.max_recv_frag = frag;
    b.assoc_group_id = group;
    b.contexts = std::move(contexts);
    return b;
  }

  /// Binds context 0 to the echo interface; returns the bind_ack.
  pdu::BindAck bind_echo(Association* a = nullptr, std::uint16_t frag = 4280, std::uint8_t flags = pdu::pfc::kFirstLast) {
    auto sent = send(make_pdu(pdu::PType::bind, bind_body({{0, kEchoSyntax, {syntax::kNdr20}}}, frag), Drep::little(), flags), a);
    EXPECT_EQ(sent.size(), 1u);
    EXPECT_EQ(sent.at(0).ptype(), pdu::PType::bind_ack);
    return *sent.at(0).as<pdu::BindAck>();
  }

  pdu::Pdu request(std::uint16_t opnum, std::span<const std::uint8_t> stub, std::uint32_t call_id = 2,
                   std::uint16_t context = 0) {
    auto p = make_pdu(pdu::PType::request, pdu::Request{static_cast<std::uint32_t>(stub.size()), context, opnum,
                                                        std::nullopt, stub});
    p.header.call_id = call_id;
    return p;
  }

  std::shared_ptr<std::deque<std::function<void(Output&)>>> posted =
      std::make_shared<std::deque<std::function<void(Output&)>>>();
  ServerCore core;
  std::shared_ptr<EchoInterface> echo;
  std::unique_ptr<Association> assoc;
  std::deque<std::vector<std::uint8_t>> keep;  // decoded PDUs view these
  bool closed = false;
};

inline std::uint32_t fault_status(const pdu::Pdu& p) {
  EXPECT_EQ(p.ptype(), pdu::PType::fault);
  return p.as<pdu::Fault>() ? p.as<pdu::Fault>()->status : 0;
}

}  // namespace rampart::runtime::testing
