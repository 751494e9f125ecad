// The endpoint mapper and mgmt rampartd serves (generated from the
// specifications' IDL, idl/c706/epm.idl and mgmt.idl) against the wire
// shapes of idl/test/epm_compat.idl and mgmt_compat.idl, which were checked
// byte for byte against the hand-written codecs the generated ones replaced:
// on every stub of the fuzz corpus (all 26 request/response types, both
// byte orders, and captures from Impacket and Samba) both accept or both
// refuse, and both encode the decoded value to the same octets.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "epm.hpp"
#include "epm_compat.hpp"
#include "mgmt.hpp"
#include "mgmt_compat.hpp"
#include "rampart/ndr/stub.hpp"

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

// The limits rampartd's endpoint mapper decodes with: the compat shapes
// leave twr_t unbounded, the specification's IDL puts [range(0, 1024)] on it
// (idl/README.md, departure 2), so towers stay below that here.
template <class Gen, class Spec>
void compare(std::span<const std::uint8_t> stub, Drep drep) {
  auto spec = ndr::decode_stub<Spec, ndr::Ndr20>(stub, drep);
  auto gen = ndr::decode_stub<Gen, ndr::Ndr20>(stub, drep);
  ASSERT_EQ(spec.has_value(), gen.has_value())
      << (spec ? std::string("spec accepts") : spec.error().to_string()) << " / "
      << (gen ? std::string("compat accepts") : gen.error().to_string());
  if (!spec) return;
  const auto h = ndr::encode_stub<Spec, ndr::Ndr20>(*spec, drep);
  const auto g = ndr::encode_stub<Gen, ndr::Ndr20>(*gen, drep);
  ASSERT_TRUE(h.has_value());
  ASSERT_TRUE(g.has_value()) << g.error().to_string();
  EXPECT_EQ(*g, *h);
}

using Compare = void (*)(std::span<const std::uint8_t>, Drep);
constexpr Compare kTypes[] = {
    compare<ept_insert_request, spec::epm::ept_insert_request>,
    compare<ept_insert_response, spec::epm::ept_insert_response>,
    compare<ept_delete_request, spec::epm::ept_delete_request>,
    compare<ept_delete_response, spec::epm::ept_delete_response>,
    compare<ept_lookup_request, spec::epm::ept_lookup_request>,
    compare<ept_lookup_response, spec::epm::ept_lookup_response>,
    compare<ept_map_request, spec::epm::ept_map_request>,
    compare<ept_map_response, spec::epm::ept_map_response>,
    compare<ept_lookup_handle_free_request, spec::epm::ept_lookup_handle_free_request>,
    compare<ept_lookup_handle_free_response, spec::epm::ept_lookup_handle_free_response>,
    compare<ept_inq_object_request, spec::epm::ept_inq_object_request>,
    compare<ept_inq_object_response, spec::epm::ept_inq_object_response>,
    compare<ept_mgmt_delete_request, spec::epm::ept_mgmt_delete_request>,
    compare<ept_mgmt_delete_response, spec::epm::ept_mgmt_delete_response>,
    compare<ept_map_auth_request, spec::epm::ept_map_auth_request>,
    compare<ept_map_auth_response, spec::epm::ept_map_auth_response>,
    compare<mgmt_compat::rpc__mgmt_inq_if_ids_request, spec::mgmt::rpc__mgmt_inq_if_ids_request>,
    compare<mgmt_compat::rpc__mgmt_inq_if_ids_response, spec::mgmt::rpc__mgmt_inq_if_ids_response>,
    compare<mgmt_compat::rpc__mgmt_inq_stats_request, spec::mgmt::rpc__mgmt_inq_stats_request>,
    compare<mgmt_compat::rpc__mgmt_inq_stats_response, spec::mgmt::rpc__mgmt_inq_stats_response>,
    compare<mgmt_compat::rpc__mgmt_is_server_listening_request, spec::mgmt::rpc__mgmt_is_server_listening_request>,
    compare<mgmt_compat::rpc__mgmt_is_server_listening_response, spec::mgmt::rpc__mgmt_is_server_listening_response>,
    compare<mgmt_compat::rpc__mgmt_stop_server_listening_request, spec::mgmt::rpc__mgmt_stop_server_listening_request>,
    compare<mgmt_compat::rpc__mgmt_stop_server_listening_response, spec::mgmt::rpc__mgmt_stop_server_listening_response>,
    compare<mgmt_compat::rpc__mgmt_inq_princ_name_request, spec::mgmt::rpc__mgmt_inq_princ_name_request>,
    compare<mgmt_compat::rpc__mgmt_inq_princ_name_response, spec::mgmt::rpc__mgmt_inq_princ_name_response>,
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
  EXPECT_EQ(d.syntax, spec::epm::ept_descriptor().syntax);
  EXPECT_EQ(d.operation_count(), 8);
  EXPECT_EQ(d.find(3)->name, "ept_map");
}

}  // namespace
}  // namespace rampart::epm_compat
