// Code generated from idl/test/epm_compat.idl and mgmt_compat.idl against
// the hand-written endpoint mapper and mgmt codecs (src/interfaces): on
// every stub of their fuzz corpus (all 26 request/response types, both
// byte orders, and captures from Impacket and Samba) both accept or both refuse, and both encode the
// decoded value to the same octets. This is what converting src/interfaces
// to generated code must preserve.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "epm_compat.hpp"
#include "mgmt_compat.hpp"
#include "rampart/interfaces/epm.hpp"
#include "rampart/interfaces/mgmt.hpp"

namespace rampart::epm_compat {
namespace {

std::vector<std::uint8_t> read(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

struct Outcome {
  bool accepted = false;
  std::vector<std::uint8_t> reencoded;
};

template <class Gen, class Hand>
void compare(std::span<const std::uint8_t> stub, Drep drep) {
  auto hand = ndr::decode_stub<Hand>(stub, drep);
  auto gen = ndr::decode_stub<Gen, ndr::Ndr20>(stub, drep);
  ASSERT_EQ(hand.has_value(), gen.has_value())
      << (hand ? std::string("hand-written accepts") : hand.error().to_string()) << " / "
      << (gen ? std::string("generated accepts") : gen.error().to_string());
  if (!hand) return;
  const auto h = ndr::encode_stub(*hand, drep);
  const auto g = ndr::encode_stub<Gen, ndr::Ndr20>(*gen, drep);
  ASSERT_TRUE(h.has_value());
  ASSERT_TRUE(g.has_value()) << g.error().to_string();
  EXPECT_EQ(*g, *h);
}

using Compare = void (*)(std::span<const std::uint8_t>, Drep);
constexpr Compare kTypes[] = {
    compare<ept_insert_request, epm::EptInsertRequest>,
    compare<ept_insert_response, epm::EptInsertResponse>,
    compare<ept_delete_request, epm::EptDeleteRequest>,
    compare<ept_delete_response, epm::EptDeleteResponse>,
    compare<ept_lookup_request, epm::EptLookupRequest>,
    compare<ept_lookup_response, epm::EptLookupResponse>,
    compare<ept_map_request, epm::EptMapRequest>,
    compare<ept_map_response, epm::EptMapResponse>,
    compare<ept_lookup_handle_free_request, epm::EptLookupHandleFreeRequest>,
    compare<ept_lookup_handle_free_response, epm::EptLookupHandleFreeResponse>,
    compare<ept_inq_object_request, epm::EptInqObjectRequest>,
    compare<ept_inq_object_response, epm::EptInqObjectResponse>,
    compare<ept_mgmt_delete_request, epm::EptMgmtDeleteRequest>,
    compare<ept_mgmt_delete_response, epm::EptMgmtDeleteResponse>,
    compare<ept_map_auth_request, epm::EptMapAuthRequest>,
    compare<ept_map_auth_response, epm::EptMapAuthResponse>,
    compare<mgmt_compat::rpc__mgmt_inq_if_ids_request, mgmt::InqIfIdsRequest>,
    compare<mgmt_compat::rpc__mgmt_inq_if_ids_response, mgmt::InqIfIdsResponse>,
    compare<mgmt_compat::rpc__mgmt_inq_stats_request, mgmt::InqStatsRequest>,
    compare<mgmt_compat::rpc__mgmt_inq_stats_response, mgmt::InqStatsResponse>,
    compare<mgmt_compat::rpc__mgmt_is_server_listening_request, mgmt::IsServerListeningRequest>,
    compare<mgmt_compat::rpc__mgmt_is_server_listening_response, mgmt::IsServerListeningResponse>,
    compare<mgmt_compat::rpc__mgmt_stop_server_listening_request, mgmt::StopServerListeningRequest>,
    compare<mgmt_compat::rpc__mgmt_stop_server_listening_response, mgmt::StopServerListeningResponse>,
    compare<mgmt_compat::rpc__mgmt_inq_princ_name_request, mgmt::InqPrincNameRequest>,
    compare<mgmt_compat::rpc__mgmt_inq_princ_name_response, mgmt::InqPrincNameResponse>,
};

TEST(GenEpmCompat, GeneratedCodecsMatchTheHandWrittenOnesOnTheCorpus) {
  const std::filesystem::path dir = RAMPART_SOURCE_DIR "/tests/fuzz/corpus/interfaces_epm";
  std::size_t compared = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    const auto data = read(entry.path());
    if (data.empty()) continue;
    // The corpus format of fuzz_interfaces_epm: a selector octet (type in
    // the low five bits, bit 5 big-endian), then the stub.
    const std::size_t type = (data[0] & 0x1f) % 26;
    SCOPED_TRACE(entry.path().filename().string());
    const Drep drep = (data[0] & 0x20) != 0 ? Drep::big() : Drep::little();
    kTypes[type](std::span<const std::uint8_t>(data).subspan(1), drep);
    ++compared;
  }
  EXPECT_GE(compared, 55u);
}

TEST(GenEpmCompat, DescriptorOfTheEndpointMapper) {
  const auto& d = epm_compat_descriptor();
  EXPECT_EQ(d.syntax, epm::kInterface);
  EXPECT_EQ(d.operation_count(), 8);
  EXPECT_EQ(d.find(3)->name, "ept_map");
}

}  // namespace
}  // namespace rampart::epm_compat
