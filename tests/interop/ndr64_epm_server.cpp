// A server for the endpoint mapper interface generated from idl/c706/epm.idl
// (rampart::spec::epm, the code rampartd's endpoint mapper moves onto),
// holding one fixed entry, so that Impacket can call ept_lookup and ept_map
// on generated codecs over NDR64 before rampartd serves them
// (tests/interop/impacket_ndr64.py --generated-epm). It prints its port and
// serves until stdin closes.
//   interop_ndr64_epm   (entry: the hello example's interface at 127.0.0.1[4242])
#include <cstdio>
#include <iostream>
#include <memory>
#include <string>

#include "epm.hpp"
#include "rampart/binding/tower.hpp"
#include "rampart/pdu/status.hpp"
#include "rampart/runtime/server_core.hpp"
#include "rampart/transport/server.hpp"

namespace {

using namespace rampart;
using namespace rampart::spec::epm;
using Fault = std::uint32_t;

const SyntaxId kHello{Uuid::from_string("5f3c2a1e-8d4b-4c6a-9e7f-0a1b2c3d4e5f"), 1, 0};
constexpr std::uint32_t kNotRegistered = 0x16c9a0d6;

rampart::spec::nbase::twr_t tower_of(const binding::TowerBinding& b) {
  auto octets = binding::Tower::build(b)->encode();
  return {static_cast<std::uint32_t>(octets.size()), std::move(octets)};
}

bool asks_for_hello(const ept_map_request& q) {
  if (!q.map_tower) return false;
  auto asked = binding::Tower::decode(q.map_tower->tower_octet_string);
  if (!asked) return false;
  auto protocol = asked->protocol();
  return protocol && protocol->interface == kHello;
}

class OneEntry final : public ept_server {
 public:
  OneEntry() {
    entry_.tower = tower_of({kHello, syntax::kNdr20, binding::Protseq::ncacn_ip_tcp, 0, "4242", "127.0.0.1"});
    entry_.annotation = "ndr64 test";
  }
  std::expected<ept_lookup_response, Fault> ept_lookup(const runtime::CallContext&, ept_lookup_request q) override {
    ept_lookup_response r;
    r.max_ents = q.max_ents;
    if (q.max_ents == 0) return r;
    r.num_ents = 1;
    r.entries = {entry_};
    return r;
  }
  std::expected<ept_map_response, Fault> ept_map(const runtime::CallContext&, ept_map_request q) override {
    ept_map_response r;
    r.max_towers = q.max_towers;
    if (!asks_for_hello(q) || q.max_towers == 0) {
      r.status = kNotRegistered;
      return r;
    }
    r.num_towers = 1;
    r.ITowers = {entry_.tower};
    return r;
  }
  std::expected<ept_insert_response, Fault> ept_insert(const runtime::CallContext&, ept_insert_request) override {
    return std::unexpected(pdu::status::kAccessDenied);
  }
  std::expected<ept_delete_response, Fault> ept_delete(const runtime::CallContext&, ept_delete_request) override {
    return std::unexpected(pdu::status::kAccessDenied);
  }
  std::expected<ept_lookup_handle_free_response, Fault> ept_lookup_handle_free(
      const runtime::CallContext&, ept_lookup_handle_free_request q) override {
    return ept_lookup_handle_free_response{q.entry_handle, 0};
  }
  std::expected<ept_inq_object_response, Fault> ept_inq_object(const runtime::CallContext&,
                                                                ept_inq_object_request) override {
    return ept_inq_object_response{};
  }
  std::expected<ept_mgmt_delete_response, Fault> ept_mgmt_delete(const runtime::CallContext&,
                                                                  ept_mgmt_delete_request) override {
    return std::unexpected(pdu::status::kAccessDenied);
  }
  std::expected<ept_map_auth_response, Fault> ept_map_auth(const runtime::CallContext&,
                                                            ept_map_auth_request) override {
    return std::unexpected(pdu::status::kNcaOpRangeError);
  }

 private:
  ept_entry_t entry_;
};

}  // namespace

int main() {
  runtime::ServerCore core;
  core.interfaces.add(std::make_shared<ept_dispatcher>(std::make_shared<OneEntry>()));
  transport::Server server(core);
  auto bound = server.listen(*transport::parse_tcp_address("127.0.0.1:0"));
  if (!bound) return 1;
  std::printf("%u\n", static_cast<unsigned>(bound->tcp.port()));
  std::fflush(stdout);
  for (std::string line; std::getline(std::cin, line);) {
  }
  server.stop();
  return 0;
}
