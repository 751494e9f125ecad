// A sans-I/O harness for ClientAssociation tests: a client wired to a real
// server Association (each one's output fed to the other), and helpers to
// script hostile server bytes.
#pragma once

#include <gtest/gtest.h>

#include "rampart/runtime/client_association.hpp"
#include "unit/runtime/association_fixture.hpp"

namespace rampart::runtime::testing {

namespace ev = client_event;

struct ClientHarness {
  explicit ClientHarness(ClientLimits limits = {}) : client(limits) {}

  /// Checks that client output is whole, decodable PDUs no larger than the
  /// negotiated size, and returns them.
  std::vector<pdu::Pdu> sent_pdus(const Output& out) {
    keep.push_back(out.send);
    std::vector<pdu::Pdu> pdus;
    auto pieces = pdu::split_pdus(keep.back());
    EXPECT_TRUE(pieces);
    if (!pieces) return pdus;
    for (auto piece : *pieces) {
      if (client.max_xmit_frag() != 0) {
        EXPECT_LE(piece.size(), client.max_xmit_frag());
      }
      auto p = pdu::decode(piece);
      EXPECT_TRUE(p) << p.error().to_string();
      if (p) pdus.push_back(*p);
    }
    return pdus;
  }

  /// Passes client output to the server and the server's answer back.
  const std::vector<ClientEvent>& exchange(const Output& out) {
    (void)sent_pdus(out);
    Output reply;
    server.assoc->on_bytes(out.send, reply);
    return from_server(reply.send);
  }
  /// Events are kept in `history`, so pointers into them stay valid.
  const std::vector<ClientEvent>& from_server(std::span<const std::uint8_t> bytes) {
    auto& events = history.emplace_back();
    client.on_bytes(bytes, events);
    return events;
  }
  const std::vector<ClientEvent>& from_server(const pdu::Pdu& p) { return from_server(pdu::encode(p)); }
  const std::vector<ClientEvent>& run_posted() {
    Output out;
    while (!server.posted->empty()) {
      auto task = std::move(server.posted->front());
      server.posted->pop_front();
      task(out);
    }
    return from_server(out.send);
  }

  /// Binds to the echo interface on the real server (context 0).
  ev::Bound bind(bool conc_mpx = true, std::vector<ClientContext> contexts = {{0, kEchoSyntax, {syntax::kNdr20}}}) {
    Output out;
    EXPECT_TRUE(client.begin_bind(contexts, out, conc_mpx));
    auto events = exchange(out);
    EXPECT_EQ(events.size(), 1u);
    auto* b = events.empty() ? nullptr : std::get_if<ev::Bound>(&events[0]);
    EXPECT_NE(b, nullptr);
    return b ? *b : ev::Bound{};
  }
  /// Binds against a scripted bind_ack instead of the server.
  const std::vector<ClientEvent>& bind_scripted(const pdu::Pdu& ack, std::size_t contexts = 1) {
    std::vector<ClientContext> offer;
    for (std::size_t i = 0; i < contexts; ++i)
      offer.push_back({static_cast<std::uint16_t>(i), kEchoSyntax, {syntax::kNdr20}});
    Output out;
    EXPECT_TRUE(client.begin_bind(offer, out, true));
    return from_server(ack);
  }

  ClientAssociation client;
  Harness server;
  std::deque<std::vector<std::uint8_t>> keep;
  std::deque<std::vector<ClientEvent>> history;
};

inline pdu::Pdu bind_ack(std::vector<pdu::ContextResultEntry> results, std::uint32_t call_id = 1,
                         std::uint16_t xmit = 4280, std::uint16_t recv = 4280, std::uint8_t flags = pdu::pfc::kFirstLast) {
  auto p = pdu::testing::make_pdu(pdu::PType::bind_ack, pdu::BindAck{xmit, recv, 0x1234, "135", std::move(results)},
                                  Drep::little(), flags);
  p.header.call_id = call_id;
  return p;
}

inline pdu::ContextResultEntry accept_ndr20() { return {pdu::ContextResult::acceptance, 0, syntax::kNdr20}; }

inline pdu::Pdu response(std::uint32_t call_id, std::span<const std::uint8_t> stub, std::uint8_t flags = pdu::pfc::kFirstLast,
                         std::uint16_t context = 0, Drep drep = Drep::little()) {
  auto p = pdu::testing::make_pdu(pdu::PType::response,
                                  pdu::Response{static_cast<std::uint32_t>(stub.size()), context, 0, 0, stub}, drep,
                                  flags);
  p.header.call_id = call_id;
  return p;
}

template <class E>
const E* only_event(const std::vector<ClientEvent>& events) {
  EXPECT_EQ(events.size(), 1u);
  return events.size() == 1 ? std::get_if<E>(&events[0]) : nullptr;
}

template <class Code>
bool protocol_error_is(const std::vector<ClientEvent>& events, Code code) {
  for (const auto& e : events)
    if (auto* p = std::get_if<ev::ProtocolError>(&e)) {
      if (p->error.is(code)) return true;
      ADD_FAILURE() << "other protocol error: " << p->error.to_string();
      return false;
    }
  ADD_FAILURE() << "no protocol error among " << events.size() << " events";
  return false;
}

}  // namespace rampart::runtime::testing
