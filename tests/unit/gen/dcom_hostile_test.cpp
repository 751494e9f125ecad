// Hostile stubs against the decoders generated from idl/ms-dcom: sizes that
// disagree with their arrays (HARDENING C7) and counts beyond the octets
// received (C11) are refused with the ndr::Errc of the rule they break, and
// the encoder refuses values whose size fields lie. Also: the generated
// rampart::spec::epm / rampart::spec::mgmt (rampartd's) link beside the
// DCOM interfaces.
#include <gtest/gtest.h>

#include "epm.hpp"
#include "gen_test_util.hpp"
#include "mgmt.hpp"
#include "oxid.hpp"
#include "rampart/base/hex.hpp"
#include "remact.hpp"

namespace rampart::spec {
namespace {

using gen_test::ndr_code;
using gen_test::Wire;
using gen_test::code;
using gen_test::hex;
using gen_test::kNdr20;
using gen_test::kNdr64;
using ndr::Errc;

template <class T>
std::uint16_t decode_code(std::string_view stub, const Wire& w = kNdr20) {
  return ndr_code(gen_test::decode<T>(hex(stub), w));
}

// ServerAlive2's response (see dcom_roundtrip_test.cpp's golden vector for
// the layout), with the DUALSTRINGARRAY's head replaced.
std::string alive2(std::string_view max_count, std::string_view head) {
  return "05000700 00000200 " + std::string(max_count) + " " + std::string(head) +
         " 0700 4800 4f00 5300 5400 0000 0000 0a00 ffff 0000 0000 0000 00000000 00000000";
}

TEST(GenDcomHostile, DualStringArrayEntriesDisagreeWithItsArray) {
  // [size_is(wNumEntries)]: max_count 11, wNumEntries 12.
  EXPECT_EQ(decode_code<oxid::ServerAlive2_response>(alive2("0b000000", "0c00 0700")),
            code(Errc::conformance_mismatch));
  // and 10: fewer entries than the array carries.
  EXPECT_EQ(decode_code<oxid::ServerAlive2_response>(alive2("0b000000", "0a00 0700")),
            code(Errc::conformance_mismatch));
  // The consistent stub decodes: the mutations above are what is refused.
  EXPECT_EQ(decode_code<oxid::ServerAlive2_response>(alive2("0b000000", "0b00 0700")), 0);
  // NDR64: 8-octet referent id and max_count, the structure 8-aligned and
  // padded at its end to 8 (24 + 4 + 22 = 50, so 6 octets).
  EXPECT_EQ(decode_code<oxid::ServerAlive2_response>(
                "05000700 00000000 0000020000000000 0b00000000000000 0c00 0700 "
                "0700 4800 4f00 5300 5400 0000 0000 0a00 ffff 0000 0000 000000000000 "
                "00000000 00000000",
                kNdr64),
            code(Errc::conformance_mismatch));
}

TEST(GenDcomHostile, DualStringArrayCountBeyondTheStub) {
  // 0x1000 entries claimed (8192 octets), 22 present: refused before any
  // allocation.
  EXPECT_EQ(decode_code<oxid::ServerAlive2_response>(alive2("00100000", "0010 0700")),
            code(Errc::count_exceeds_remaining));
}

TEST(GenDcomHostile, DualStringArraySecurityOffsetIsNotAnIdlCheck) {
  // wSecurityOffset beyond wNumEntries breaks [MS-DCOM] 2.2.19.1, but no IDL
  // attribute relates the two (idl/README.md, "What the IDL cannot say"):
  // the generated decoder passes it on and the OXID resolver must refuse it.
  auto r = gen_test::decode<oxid::ServerAlive2_response>(hex(alive2("0b000000", "0b00 f0ff")), kNdr20);
  ASSERT_TRUE(r.has_value());
  ASSERT_TRUE(r->ppdsaOrBindings.has_value());
  EXPECT_EQ(r->ppdsaOrBindings->wSecurityOffset, 0xfff0);
  EXPECT_EQ(r->ppdsaOrBindings->aStringArray.size(), 11u);
}

TEST(GenDcomHostile, DualStringArrayEncoderChecksItsSize) {
  oxid::ServerAlive2_response r;
  r.ppdsaOrBindings.emplace();
  r.ppdsaOrBindings->aStringArray = {0, 0};
  r.ppdsaOrBindings->wNumEntries = 3;
  for (const auto& w : gen_test::all_wires()) {
    SCOPED_TRACE(w.name);
    const auto bytes = gen_test::encode(r, w);
    ASSERT_FALSE(bytes.has_value());
    EXPECT_EQ(bytes.error().code(), code(Errc::conformance_mismatch));
  }
}

// RemoteCreateInstance's response: ORPCTHAT {flags, NULL extensions}, the
// [unique] ppActProperties, MInterfacePointer {max_count, ulCntData,
// abData}, then the HRESULT.
std::string create_response(std::string_view max_count, std::string_view cnt, std::string_view data) {
  return "00000000 00000000 00000200 " + std::string(max_count) + " " + std::string(cnt) + " " +
         std::string(data) + " 00000000";
}

TEST(GenDcomHostile, InterfacePointerCountDisagreesWithItsData) {
  using remact::RemoteCreateInstance_response;
  EXPECT_EQ(decode_code<RemoteCreateInstance_response>(create_response("04000000", "04000000", "4d454f57")), 0);
  // [size_is(ulCntData)]: max_count 4, ulCntData 5 (and 3).
  EXPECT_EQ(decode_code<RemoteCreateInstance_response>(create_response("04000000", "05000000", "4d454f57")),
            code(Errc::conformance_mismatch));
  EXPECT_EQ(decode_code<RemoteCreateInstance_response>(create_response("04000000", "03000000", "4d454f57")),
            code(Errc::conformance_mismatch));
  // Both claim 4096 octets; 4 follow.
  EXPECT_EQ(decode_code<RemoteCreateInstance_response>(create_response("00100000", "00100000", "4d454f57")),
            code(Errc::count_exceeds_remaining));
  EXPECT_EQ(decode_code<RemoteCreateInstance_response>(create_response("ffffffff", "ffffffff", "4d454f57")),
            code(Errc::count_exceeds_limit));
}

TEST(GenDcomHostile, InterfacePointerEncoderChecksItsSize) {
  remact::RemoteCreateInstance_response r;
  r.ppActProperties = orpc::MInterfacePointer{5, {1, 2, 3, 4}};
  for (const auto& w : gen_test::all_wires()) {
    SCOPED_TRACE(w.name);
    const auto bytes = gen_test::encode(r, w);
    ASSERT_FALSE(bytes.has_value());
    EXPECT_EQ(bytes.error().code(), code(Errc::conformance_mismatch));
  }
}

TEST(GenSpecs, TheServedInterfacesAndTheDcomOnesLinkTogether) {
  EXPECT_EQ(epm::ept_descriptor().syntax.to_string(), "e1af8308-5d1f-11c9-91a4-08002b14a0fa v3.0");
  EXPECT_EQ(epm::ept_descriptor().operation_count(), 8);
  EXPECT_EQ(mgmt::mgmt_descriptor().syntax.to_string(), "afa8bd80-7d8a-11c9-bef4-08002b102989 v1.0");
  EXPECT_EQ(mgmt::mgmt_descriptor().operation_count(), 5);
  EXPECT_EQ(oxid::IObjectExporter_descriptor().operation_count(), 6);
  EXPECT_EQ(remact::IRemoteSCMActivator_descriptor().operation_count(), 5);
}

}  // namespace
}  // namespace rampart::spec
