#include <gtest/gtest.h>

// The management interface's stubs as the code generated from
// idl/c706/mgmt.idl reads and writes them, on hostile input too.
#include "unit/interfaces/samples.hpp"

namespace rampart::spec::mgmt {
namespace {

using ::rampart::epm::test::Bytes;
using ::rampart::epm::test::put32;

TEST(Mgmt, InqIfIdsWireForm) {
  const nbase::_RPC_IF_ID ept_id{spec::epm::ept_descriptor().syntax.uuid, 3, 0};
  rpc__mgmt_inq_if_ids_response r{rpc_if_id_vector_t{1, {ept_id}}, 0};
  auto bytes = ndr::encode_stub(r, Drep::little());
  ASSERT_TRUE(bytes);
  Bytes expect;
  for (std::uint32_t v : {0x00020000u, 1u, 1u, 0x00020004u}) put32(expect, v);
  expect.insert(expect.end(), {0x08, 0x83, 0xaf, 0xe1, 0x1f, 0x5d, 0xc9, 0x11, 0x91, 0xa4, 0x08,
                               0x00, 0x2b, 0x14, 0xa0, 0xfa, 0x03, 0x00, 0x00, 0x00});
  put32(expect, 0);
  EXPECT_EQ(*bytes, expect);
  EXPECT_EQ(r.describe(),
            "rpc__mgmt_inq_if_ids response\n  if_id_vector:\n    count: 1\n    if_id: [1]\n      [0]:\n"
            "        Uuid: e1af8308-5d1f-11c9-91a4-08002b14a0fa\n        VersMajor: 3\n        VersMinor: 0\n"
            "  status: 0\n");
  expect[8] = 2;  // count differs from max_count
  auto bad = ndr::decode_stub<rpc__mgmt_inq_if_ids_response>(expect, Drep::little());
  ASSERT_FALSE(bad);
  EXPECT_TRUE(bad.error().is(ndr::Errc::conformance_mismatch));
}

TEST(Mgmt, InqIfIdsNullVector) {
  Bytes stub;
  put32(stub, 0);
  put32(stub, 0x16c9a0d6);
  auto r = ndr::decode_stub<rpc__mgmt_inq_if_ids_response>(stub, Drep::little());
  ASSERT_TRUE(r);
  EXPECT_FALSE(r->if_id_vector);
}

TEST(Mgmt, InqStatsCountCorrelation) {
  Bytes stub;
  for (std::uint32_t v : {2u, 3u, 1u, 2u, 3u, 0u}) put32(stub, v);
  auto r = ndr::decode_stub<rpc__mgmt_inq_stats_response>(stub, Drep::little());
  ASSERT_FALSE(r);
  EXPECT_TRUE(r.error().is(ndr::Errc::conformance_mismatch));
}

TEST(Mgmt, IsServerListeningOrder) {
  Bytes stub;
  put32(stub, 0);
  put32(stub, 1);
  auto r = ndr::decode_stub<rpc__mgmt_is_server_listening_response>(stub, Drep::little());
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 0u);
  EXPECT_EQ(r->return_value, 1u);
}

TEST(Mgmt, PrincNameBoundedAndTerminated) {
  Bytes stub;
  for (std::uint32_t v : {2000u, 0u, 1100u}) put32(stub, v);
  stub.insert(stub.end(), 1099, 'a');
  stub.push_back(0);
  put32(stub, 0);
  // rampart princ's decode limit (1024 chars and the terminator): C706's
  // IDL bounds the name by nothing but princ_name_size.
  ndr::DecodeLimits limits;
  limits.max_string_length = 1025;
  auto r = ndr::decode_stub<rpc__mgmt_inq_princ_name_response>(stub, Drep::little(), limits);
  ASSERT_FALSE(r);
  EXPECT_TRUE(r.error().is(ndr::Errc::string_too_long));

  Bytes unterminated;
  for (std::uint32_t v : {4u, 0u, 4u}) put32(unterminated, v);
  unterminated.insert(unterminated.end(), {'a', 'b', 'c', 'd'});
  put32(unterminated, 0);
  r = ndr::decode_stub<rpc__mgmt_inq_princ_name_response>(unterminated, Drep::little());
  ASSERT_FALSE(r);
  EXPECT_TRUE(r.error().is(ndr::Errc::string_not_terminated));

  Bytes zero_max;
  for (std::uint32_t v : {0u, 0u, 0u, 0u}) put32(zero_max, v);
  r = ndr::decode_stub<rpc__mgmt_inq_princ_name_response>(zero_max, Drep::little());
  ASSERT_FALSE(r);
}

TEST(Mgmt, PrincNameEncoderRespectsSize) {
  rpc__mgmt_inq_princ_name_response r{4, "abcd", 0};
  auto enc = ndr::encode_stub(r, Drep::little());
  ASSERT_FALSE(enc);
  EXPECT_TRUE(enc.error().is(ndr::Errc::actual_exceeds_max));
}

}  // namespace
}  // namespace rampart::spec::mgmt
