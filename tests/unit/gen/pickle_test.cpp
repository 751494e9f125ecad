// Type serialization ([MS-RPCE] 2.2.6) generated for the activation
// properties marked [encode, decode] in idl/ms-dcom/activation_props.idl:
// a vector derived by hand, round trips in both byte orders, and headers
// that lie.
#include <gtest/gtest.h>

#include <algorithm>

#include "activation_props.hpp"
#include "gen_test_util.hpp"
#include "rampart/base/hex.hpp"

namespace rampart::spec::activation_props {
namespace {

using gen_test::code;
using gen_test::hex;

using ms_dtyp::GUID;
using ndr::Errc;

ScmRequestInfoData sample_scm_request() {
  ScmRequestInfoData v;
  v.remoteRequest.emplace();
  v.remoteRequest->ClientImpLevel = 2;  // RPC_C_IMP_LEVEL_IDENTIFY
  v.remoteRequest->cRequestedProtseqs = 1;
  v.remoteRequest->pRequestedProtseqs = std::vector<std::uint16_t>{0x0007};  // ncacn_ip_tcp
  return v;
}

// [MS-DCOM] 2.2.22.2.4: ScmRequestInfoData { [unique] DWORD* pdwReserved;
// [unique] customREMOTE_REQUEST_SCM_INFO* remoteRequest }, and
// customREMOTE_REQUEST_SCM_INFO { DWORD ClientImpLevel; unsigned short
// cRequestedProtseqs; [size_is(cRequestedProtseqs)] unsigned short*
// pRequestedProtseqs }, serialized as [MS-RPCE] 2.2.6 says.
constexpr std::string_view kScmRequest =
    "01 10 0800 cccccccc"  // common header: version 1, little-endian, length 8, filler
    "20000000 00000000"    // private header: ObjectBufferLength 32, filler 0
    "00000000"             // pdwReserved: NULL
    "00000200"             // remoteRequest: first referent id
    "02000000"             // ClientImpLevel (the referent, deferred after the structure)
    "0100 0000"            // cRequestedProtseqs 1, pad to 4
    "04000200"             // pRequestedProtseqs: second referent id
    "01000000 0700"        // its max_count 1, ncacn_ip_tcp
    "000000000000";        // pad the object buffer from 26 to 32 octets

TEST(GenPickle, HandDerivedScmRequestInfo) {
  const auto bytes = ScmRequestInfoData_encode(sample_scm_request());
  ASSERT_TRUE(bytes.has_value()) << bytes.error().to_string();
  EXPECT_EQ(to_hex(*bytes), to_hex(hex(kScmRequest)));
  const auto back = ScmRequestInfoData_decode(hex(kScmRequest));
  ASSERT_TRUE(back.has_value()) << back.error().to_string();
  EXPECT_EQ(*back, sample_scm_request());
}

template <class T, class Enc, class Dec>
void expect_pickle_round_trip(const T& v, Enc enc, Dec dec) {
  for (const auto drep : {Drep::little(), Drep::big()}) {
    SCOPED_TRACE(drep.is_little() ? "little" : "big");
    const auto bytes = enc(v, drep);
    ASSERT_TRUE(bytes.has_value()) << bytes.error().to_string();
    ASSERT_GE(bytes->size(), 16u);
    EXPECT_EQ((*bytes)[1], drep.is_little() ? 0x10 : 0x00);
    EXPECT_EQ((bytes->size() - 16) % 8, 0u);
    const auto back = dec(*bytes, ndr::DecodeLimits{});
    ASSERT_TRUE(back.has_value()) << back.error().to_string();
    EXPECT_EQ(*back, v);
  }
}

TEST(GenPickle, PropertiesRoundTripInBothByteOrders) {
  const GUID clsid = Uuid::from_string("000001ab-0000-0000-c000-000000000046");
  CustomHeader h;
  h.totalSize = 0x1a0;
  h.headerSize = 0x60;
  h.cIfs = 2;
  h.classInfoClsid = clsid;
  h.pclsid = std::vector<GUID>{clsid, clsid};
  h.pSizes = std::vector<std::uint32_t>{0x48, 0x20};
  expect_pickle_round_trip(h, CustomHeader_encode, CustomHeader_decode);

  expect_pickle_round_trip(sample_scm_request(), ScmRequestInfoData_encode, ScmRequestInfoData_decode);

  LocationInfoData loc;
  loc.machineName = u"HOST";
  loc.processId = 42;
  expect_pickle_round_trip(loc, LocationInfoData_encode, LocationInfoData_decode);
}

std::uint16_t decode_code(const std::vector<std::uint8_t>& blob) {
  const auto r = ScmRequestInfoData_decode(blob);
  return r.has_value() ? 0 : r.error().code();
}

/// kScmRequest with the octets at `offset` replaced.
std::vector<std::uint8_t> patched(std::size_t offset, std::string_view octets) {
  auto blob = hex(kScmRequest);
  const auto p = hex(octets);
  std::copy(p.begin(), p.end(), blob.begin() + static_cast<std::ptrdiff_t>(offset));
  return blob;
}

TEST(GenPickle, HostileHeaders) {
  EXPECT_EQ(decode_code(hex(kScmRequest)), 0);
  // Version 2, an unknown endianness, a common header length of 16.
  EXPECT_EQ(decode_code(patched(0, "02")), code(Errc::bad_pickle_header));
  EXPECT_EQ(decode_code(patched(1, "20")), code(Errc::bad_pickle_header));
  EXPECT_EQ(decode_code(patched(2, "1000")), code(Errc::bad_pickle_header));
  // The fillers carry nothing and are not checked ([MS-RPCE] 2.2.6.2:
  // "SHOULD be ignored during unmarshaling").
  EXPECT_EQ(decode_code(patched(4, "00000000")), 0);
  EXPECT_EQ(decode_code(patched(12, "ffffffff")), 0);
  // ObjectBufferLength 40 with 32 octets present; 0x7ffffff8; 28 (not a
  // multiple of 8); 24 (8 octets follow the object buffer).
  EXPECT_EQ(decode_code(patched(8, "28000000")), code(Errc::count_exceeds_remaining));
  EXPECT_EQ(decode_code(patched(8, "f8ffff7f")), code(Errc::count_exceeds_remaining));
  EXPECT_EQ(decode_code(patched(8, "1c000000")), code(Errc::bad_pickle_header));
  EXPECT_EQ(decode_code(patched(8, "18000000")), code(Errc::trailing_bytes));
  // Shorter than the headers.
  EXPECT_EQ(decode_code(hex("01 10 0800 cccccccc 2000")), code(Errc::bad_pickle_header));
  // A value that ends 8 or more octets before its object buffer does.
  auto longer = patched(8, "28000000");
  longer.resize(longer.size() + 8, 0);
  EXPECT_EQ(decode_code(longer), code(Errc::trailing_bytes));
  // Inside the object buffer the usual checks hold: max_count 2 (object
  // offset 20) against cRequestedProtseqs 1.
  EXPECT_EQ(decode_code(patched(16 + 20, "02000000")), code(Errc::conformance_mismatch));
  // ObjectBufferLength is read in the header's byte order: flipped to
  // big-endian, 20 00 00 00 is 0x20000000 and runs past the buffer.
  EXPECT_EQ(decode_code(patched(1, "00")), code(Errc::count_exceeds_remaining));
}

}  // namespace
}  // namespace rampart::spec::activation_props
