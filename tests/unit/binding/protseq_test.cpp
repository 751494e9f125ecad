// The protseq table (C706 Appendix I floor ids; Samba, Wine and Impacket
// agree on them): lookups both ways and the floor kinds.
#include <gtest/gtest.h>

#include "rampart/binding/protseq.hpp"

namespace rampart::binding {
namespace {

TEST(Protseq, TableIsIndexedByEnumAndNamesLookUp) {
  ASSERT_EQ(protseq_table().size(), 5u);
  for (const auto& info : protseq_table()) {
    EXPECT_EQ(&protseq_info(info.id), &info);
    EXPECT_EQ(find_protseq(info.name), &info);
    EXPECT_EQ(find_protseq(info.protocol_floor, info.endpoint_floor), &info);
    EXPECT_EQ(floor_kind(static_cast<std::uint8_t>(info.protocol_floor)), FloorKind::version);
  }
  EXPECT_EQ(find_protseq("ncacn_ip_udp"), nullptr);
  EXPECT_EQ(find_protseq(""), nullptr);
}

TEST(Protseq, FloorIds) {
  const auto& tcp = protseq_info(Protseq::ncacn_ip_tcp);
  EXPECT_TRUE(tcp.connection_oriented);
  EXPECT_EQ(static_cast<int>(tcp.protocol_floor), 0x0b);
  EXPECT_EQ(static_cast<int>(tcp.endpoint_floor), 0x07);
  EXPECT_EQ(static_cast<int>(*tcp.address_floor), 0x09);
  const auto& udp = protseq_info(Protseq::ncadg_ip_udp);
  EXPECT_FALSE(udp.connection_oriented);
  EXPECT_EQ(static_cast<int>(udp.protocol_floor), 0x0a);
  EXPECT_EQ(static_cast<int>(udp.endpoint_floor), 0x08);
  const auto& np = protseq_info(Protseq::ncacn_np);
  EXPECT_EQ(static_cast<int>(np.endpoint_floor), 0x0f);
  EXPECT_EQ(static_cast<int>(*np.address_floor), 0x11);
  const auto& lrpc = protseq_info(Protseq::ncalrpc);
  EXPECT_EQ(static_cast<int>(lrpc.protocol_floor), 0x0c);
  EXPECT_EQ(static_cast<int>(lrpc.endpoint_floor), 0x10);
  EXPECT_FALSE(lrpc.address_floor);
  EXPECT_EQ(lrpc.floor_count(), 4u);
  EXPECT_EQ(static_cast<int>(protseq_info(Protseq::ncacn_http).endpoint_floor), 0x1f);
}

TEST(Protseq, ExactlyElevenKnownFloorIds) {
  int known = 0;
  for (int id = 0; id < 256; ++id)
    if (floor_kind(static_cast<std::uint8_t>(id))) ++known;
  EXPECT_EQ(known, 11);
  EXPECT_EQ(floor_kind(0x0d), FloorKind::uuid);
  EXPECT_EQ(floor_kind(0x09), FloorKind::ipv4);
  EXPECT_EQ(floor_kind(0x1f), FloorKind::port);
  EXPECT_EQ(floor_kind(0x11), FloorKind::string);
  EXPECT_EQ(floor_protocol_name(FloorProtocol::smb), "named_pipe");
}

}  // namespace
}  // namespace rampart::binding
