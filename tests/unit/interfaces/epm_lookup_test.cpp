#include <gtest/gtest.h>

// The endpoint mapper's ept_lookup, ept_insert and ept_map_auth stubs as
// the code generated from idl/c706/epm.idl reads them: the checks the IDL's
// attributes carry ([range(0, 500)], the 64-char annotation, size_is
// correlations, RPC_SID's [range(0, 15)]) on hostile input.
#include "unit/interfaces/samples.hpp"

namespace rampart::epm {
namespace {

using test::Bytes;
using test::put32;
using test::ept_entry_t;
using test::twr;
using spec::epm::ept_insert_request;
using spec::epm::ept_lookup_request;
using spec::epm::ept_lookup_response;
using spec::epm::ept_map_auth_request;

TEST(EptLookup, RequestWireForm) {
  // inquiry_type 0, object NULL, Ifid NULL, vers_option 1, handle, max_ents 500.
  Bytes stub;
  for (std::uint32_t v : {0u, 0u, 0u, 1u}) put32(stub, v);
  stub.insert(stub.end(), 20, 0x00);
  put32(stub, 500);
  auto r = ndr::decode_stub<ept_lookup_request>(stub, Drep::little());
  ASSERT_TRUE(r) << r.error().to_string();
  EXPECT_EQ(r->vers_option, 1u);
  EXPECT_EQ(r->max_ents, 500u);
  EXPECT_FALSE(r->object);
  EXPECT_EQ(*ndr::encode_stub(*r, Drep::little()), stub);
  stub[36] = 0xf5;  // 501
  auto bad = ndr::decode_stub<ept_lookup_request>(stub, Drep::little());
  ASSERT_FALSE(bad);
  EXPECT_TRUE(bad.error().is(ndr::Errc::range_violation));
}

TEST(EptLookup, ResponseEntryOrderAndAnnotation) {
  auto resp = test::lookup_response({}, 2, {ept_entry_t{Uuid{}, twr({9, 8}), "ab"}}, 0);
  auto bytes = ndr::encode_stub(resp, Drep::little());
  ASSERT_TRUE(bytes);
  Bytes expect(20, 0x00);
  for (std::uint32_t v : {1u, 2u, 0u, 1u}) put32(expect, v);
  expect.insert(expect.end(), 16, 0x00);  // object
  put32(expect, 1);                       // tower referent ([ptr])
  put32(expect, 0);                       // annotation offset
  put32(expect, 3);                       // annotation actual_count
  expect.insert(expect.end(), {'a', 'b', 0x00, 0x00});  // chars + pad
  put32(expect, 2);                       // deferred tower: conformance
  put32(expect, 2);                       // tower_length
  expect.insert(expect.end(), {9, 8, 0, 0});
  put32(expect, 0);                       // status
  EXPECT_EQ(*bytes, expect);
}

TEST(EptLookup, AnnotationBoundedByItsArray) {
  auto resp = test::lookup_response({}, 1, {ept_entry_t{Uuid{}, std::nullopt, std::string(64, 'x')}}, 0);
  auto enc = ndr::encode_stub(resp, Drep::little());
  ASSERT_FALSE(enc);
  Bytes stub(20, 0x00);
  for (std::uint32_t v : {1u, 1u, 0u, 1u}) put32(stub, v);
  stub.insert(stub.end(), 16, 0x00);
  put32(stub, 0);
  put32(stub, 0);
  put32(stub, 65);
  stub.insert(stub.end(), 64, 'x');
  stub.push_back(0);
  stub.insert(stub.end(), 3, 0);
  put32(stub, 0);
  auto r = ndr::decode_stub<ept_lookup_response>(stub, Drep::little());
  ASSERT_FALSE(r);
  EXPECT_TRUE(r.error().is(ndr::Errc::actual_exceeds_max));
}

TEST(EptInsert, NumEntsMustEqualConformance) {
  auto good = ndr::encode_stub(ept_insert_request{3, test::sample_entries(), 0}, Drep::little());
  ASSERT_TRUE(good);
  Bytes bad = *good;
  bad[0] = 2;  // num_ents 2, max_count 3
  auto r = ndr::decode_stub<ept_insert_request>(bad, Drep::little());
  ASSERT_FALSE(r);
  EXPECT_TRUE(r.error().is(ndr::Errc::conformance_mismatch));
  EXPECT_EQ(r.error().offset(), 4u);
}

TEST(EptInsert, HugeNumEntsFailsBeforeAllocating) {
  Bytes stub;
  put32(stub, 100000);
  put32(stub, 100000);
  stub.insert(stub.end(), 64, 0);
  ndr::Decoder d(stub, Drep::little());
  auto r = ept_insert_request::decode(d);
  ASSERT_FALSE(r);
  EXPECT_TRUE(r.error().is(ndr::Errc::count_exceeds_remaining));
  EXPECT_EQ(d.allocated(), 0u);
}

TEST(EptInsert, NullTowerDecodesForTheServiceToJudge) {
  auto r = ndr::decode_stub<ept_insert_request>(
      *ndr::encode_stub(ept_insert_request{1, {ept_entry_t{}}, 0}, Drep::little()), Drep::little());
  ASSERT_TRUE(r);
  EXPECT_FALSE(r->entries[0].tower);
}

TEST(EptMapAuth, SidCountMustEqualConformance) {
  const ept_map_auth_request req{Uuid{}, test::sample_tower(), test::sample_sid(), {}, 1};
  auto bytes = ndr::encode_stub(req, Drep::little());
  ASSERT_TRUE(bytes);
  // object (16) + tower (4 + 4 + 75, pad 1) + sid referent (4) = 104: max_count.
  ASSERT_EQ((*bytes)[104], 2);
  Bytes bad = *bytes;
  bad[104] = 3;
  auto r = ndr::decode_stub<ept_map_auth_request>(bad, Drep::little());
  ASSERT_FALSE(r);
  EXPECT_TRUE(r.error().is(ndr::Errc::conformance_mismatch));
}

TEST(EptMapAuth, TooManySubAuthorities) {
  auto enc = ndr::encode_stub(
      ept_map_auth_request{Uuid{}, test::twr({}), test::sample_sid(std::vector<std::uint32_t>(16, 1)), {}, 0},
      Drep::little());
  ASSERT_FALSE(enc);
  EXPECT_TRUE(enc.error().is(ndr::Errc::range_violation));
}

}  // namespace
}  // namespace rampart::epm
