// The [MS-DCOM] types and operations generated from idl/ms-dcom (library
// rampart_gen_specs, namespaces rampart::spec::<stem>): each round-trips in
// NDR20 and NDR64, both byte orders; three NDR20 stubs derived by hand from
// the specification match the encoder byte for byte and decode to the value.
#include <gtest/gtest.h>

#include <concepts>

#include "gen_test_util.hpp"
#include "orpc.hpp"
#include "oxid.hpp"
#include "rampart/base/hex.hpp"
#include "remact.hpp"
#include "remunknown.hpp"

namespace rampart::spec {
namespace {

using gen_test::hex;

using gen_test::expect_round_trip;
using ms_dtyp::GUID;
using orpc::COMVERSION;
using orpc::DUALSTRINGARRAY;
using orpc::MInterfacePointer;
using orpc::ORPC_EXTENT;
using orpc::ORPC_EXTENT_ARRAY;
using orpc::ORPCTHAT;
using orpc::ORPCTHIS;
using orpc::STDOBJREF;

/// One value of a generated type as the only thing in a stub, marshalled as
/// a top-level [ref] parameter would be: a conformant structure's max_count
/// first (C706 14.3.7.1), then the flat part, then the deferred referents.
template <class T>
struct Alone {
  T value{};

  static constexpr bool kConformant = requires(const T& v) { T::conformance_of(v); };

  template <ndr::WireFormat F>
  static Result<Alone> decode(ndr::BasicDecoder<F>& d) {
    Alone r;
    auto guard = RAMPART_TRY(d.enter());
    if constexpr (kConformant) {
      const auto max_count = RAMPART_TRY(d.conformance());
      RAMPART_CHECK(T::decode_scalars(d, r.value, max_count));
    } else {
      RAMPART_CHECK(T::decode_scalars(d, r.value));
    }
    RAMPART_CHECK(T::decode_buffers(d, r.value));
    return r;
  }
  template <ndr::WireFormat F>
  Result<void> encode(ndr::BasicEncoder<F>& e) const {
    if constexpr (kConformant) RAMPART_CHECK(e.conformance(RAMPART_TRY(T::conformance_of(value))));
    RAMPART_CHECK(T::encode_scalars(e, value));
    return T::encode_buffers(e, value);
  }
  [[nodiscard]] std::string describe() const { return value.describe(); }
  friend bool operator==(const Alone&, const Alone&) = default;
};

template <class T>
void expect_type_round_trip(const T& v) {
  expect_round_trip(Alone<T>{v});
}

// GUID ([MS-DTYP] 2.3.4) is rampart::Uuid in generated code, which holds
// the octets in text order (Data1..Data3 most significant first).
GUID guid(std::uint32_t d1, std::uint16_t d2, std::uint16_t d3, std::array<std::uint8_t, 8> d4) {
  const auto b = [](auto v, int shift) { return static_cast<std::uint8_t>(v >> shift); };
  return GUID(std::array<std::uint8_t, 16>{b(d1, 24), b(d1, 16), b(d1, 8), b(d1, 0), b(d2, 8), b(d2, 0), b(d3, 8),
                                           b(d3, 0), d4[0], d4[1], d4[2], d4[3], d4[4], d4[5], d4[6], d4[7]});
}
const GUID kIidIUnknown = guid(0, 0, 0, {0xc0, 0, 0, 0, 0, 0, 0, 0x46});
const GUID kCid = guid(0x11223344, 0x5566, 0x7788, {0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff, 0x00});
const GUID kIpid = guid(0x01020304, 0x0506, 0x0708, {0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f, 0x10});

ORPC_EXTENT_ARRAY sample_extensions() {
  ORPC_EXTENT e;
  e.id = kCid;
  e.size = 5;
  e.data = {1, 2, 3, 4, 5, 0, 0, 0};  // [size_is((size + 7) & ~7)]
  ORPC_EXTENT_ARRAY a;
  a.size = 1;
  a.extent = std::vector<std::optional<ORPC_EXTENT>>{e, std::nullopt};  // [size_is((size + 1) & ~1, )]
  return a;
}

ORPCTHIS sample_this(bool with_extensions) {
  ORPCTHIS t;
  t.version = COMVERSION{5, 7};
  t.flags = 0;
  t.cid = kCid;
  if (with_extensions) t.extensions = sample_extensions();
  return t;
}

// A string binding ("HOST" over ncacn_ip_tcp) and an NTLM security binding
// with an empty principal name, [MS-DCOM] 2.2.19.1..3.
DUALSTRINGARRAY sample_bindings() {
  DUALSTRINGARRAY a;
  a.aStringArray = {0x0007, u'H', u'O', u'S', u'T', 0, 0, 0x000a, 0xffff, 0, 0};
  a.wNumEntries = static_cast<std::uint16_t>(a.aStringArray.size());
  a.wSecurityOffset = 7;
  return a;
}

MInterfacePointer sample_pointer(std::vector<std::uint8_t> data) {
  return MInterfacePointer{static_cast<std::uint32_t>(data.size()), std::move(data)};
}

TEST(GenDcom, TypesRoundTrip) {
  expect_type_round_trip(COMVERSION{5, 7});
  expect_type_round_trip(sample_this(false));
  expect_type_round_trip(sample_this(true));
  ORPCTHAT that;
  that.flags = 1;
  expect_type_round_trip(that);
  that.extensions = sample_extensions();
  expect_type_round_trip(that);
  expect_type_round_trip(STDOBJREF{0x1000, 5, 0x1122334455667788ULL, 0x0102030405060708ULL, kIpid});
  expect_type_round_trip(sample_bindings());
  expect_type_round_trip(DUALSTRINGARRAY{});
  expect_type_round_trip(sample_pointer({'M', 'E', 'O', 'W', 1, 0, 0, 0, 0xff}));
  expect_type_round_trip(sample_pointer({}));
}

TEST(GenDcom, ObjectExporterOperationsRoundTrip) {
  oxid::ResolveOxid2_request q{0x1122334455667788ULL, 2, {0x0007, 0x001f}};
  expect_round_trip(q);
  oxid::ResolveOxid2_response r;
  r.ppdsaOxidBindings = sample_bindings();
  r.pipidRemUnknown = kIpid;
  r.pAuthnHint = 6;
  r.pComVersion = COMVERSION{5, 7};
  expect_round_trip(r);
  r.ppdsaOxidBindings.reset();
  r.return_value = 0x80070005;
  expect_round_trip(r);

  expect_round_trip(oxid::ServerAlive2_request{});
  oxid::ServerAlive2_response alive;
  alive.pComVersion = COMVERSION{5, 7};
  alive.ppdsaOrBindings = sample_bindings();
  expect_round_trip(alive);
}

TEST(GenDcom, ActivatorOperationsRoundTrip) {
  remact::RemoteCreateInstance_request q;
  q.orpcthis = sample_this(true);
  q.pActProperties = sample_pointer({'M', 'E', 'O', 'W', 4, 0, 0, 0, 1, 2, 3});
  expect_round_trip(q);
  q.pUnkOuter = sample_pointer({9});
  expect_round_trip(q);

  remact::RemoteCreateInstance_response r;
  r.orpcthat.flags = 0;
  r.ppActProperties = sample_pointer({'M', 'E', 'O', 'W', 4, 0, 0, 0});
  expect_round_trip(r);
  r.ppActProperties.reset();
  r.return_value = static_cast<std::int32_t>(0x80004002);
  expect_round_trip(r);
}

TEST(GenDcom, RemUnknownOperationsRoundTrip) {
  remunknown::RemQueryInterface_request q;
  q.orpcthis = sample_this(false);
  q.ripid = kIpid;
  q.cRefs = 5;
  q.cIids = 2;
  q.iids = {kIidIUnknown, kCid};
  expect_round_trip(q);

  remunknown::RemQueryInterface_response r;
  r.cIids = 2;  // the [in] size of ppQIResults travels as its max_count
  remunknown::REMQIRESULT ok;
  ok.std = STDOBJREF{0, 5, 0x1122334455667788ULL, 0x99, kIpid};
  remunknown::REMQIRESULT refused;
  refused.hResult = static_cast<std::int32_t>(0x80004002);  // E_NOINTERFACE
  r.ppQIResults = std::vector<remunknown::REMQIRESULT>{ok, refused};
  expect_round_trip(r);
  // NULL results carry no max_count, so the [in] cIids is not on the wire
  // and decodes as 0.
  r.ppQIResults.reset();
  r.cIids = 0;
  expect_round_trip(r);
}

// ---- Stubs derived by hand from [MS-DCOM] (NDR20, little-endian) ----

template <class T>
void expect_golden(const T& v, std::string_view hex_text) {
  const gen_test::Wire le{false, Drep::little(), "ndr20_le"};
  const auto expected = hex(hex_text);
  const auto bytes = gen_test::encode(v, le);
  ASSERT_TRUE(bytes.has_value()) << bytes.error().to_string();
  EXPECT_EQ(to_hex(*bytes), to_hex(expected));
  const auto back = gen_test::decode<T>(expected, le);
  ASSERT_TRUE(back.has_value()) << back.error().to_string();
  EXPECT_EQ(*back, v);
}

TEST(GenDcom, GoldenServerAlive2Response) {
  // [MS-DCOM] 3.1.2.5.1.6: [out, ref] COMVERSION* pComVersion, [out, ref]
  // DUALSTRINGARRAY** ppdsaOrBindings, [out, ref] DWORD* pReserved, then
  // the error_status_t. The [ref] outer pointers have no wire form; the
  // inner [unique] one is a referent id (the first, 0x00020000) and its
  // referent follows at once (top-level pointers are not deferred). The
  // DUALSTRINGARRAY (2.2.19.1) is a conformant structure, so its max_count
  // (= wNumEntries) comes first, aligned to 4.
  oxid::ServerAlive2_response r;
  r.pComVersion = COMVERSION{5, 7};
  r.ppdsaOrBindings = sample_bindings();
  expect_golden(r,
                "0500 0700"           // COMVERSION 5.7 (2.2.11)
                "00000200"            // ppdsaOrBindings: referent id
                "0b000000"            // max_count 11
                "0b00 0700"           // wNumEntries 11, wSecurityOffset 7
                "0700"                // STRINGBINDING.wTowerId: ncacn_ip_tcp (2.2.19.3)
                "4800 4f00 5300 5400 0000"  // aNetworkAddr "HOST", NUL
                "0000"                // end of the string bindings
                "0a00 ffff 0000"      // SECURITYBINDING: wAuthnSvc 10 (NTLM), Reserved 0xffff, "" (2.2.19.4)
                "0000"                // end of the security bindings
                "0000"                // pad: 16 + 22 octets to the next 4-octet boundary
                "00000000"            // pReserved
                "00000000");          // error_status_t: 0
}

TEST(GenDcom, GoldenResolveOxid2Request) {
  // [MS-DCOM] 3.1.2.5.1.5: [in] OXID* pOxid (top-level [ref]: the hyper
  // itself, 8-aligned), [in] unsigned short cRequestedProtseqs, [in, ref,
  // size_is(cRequestedProtseqs)] unsigned short arRequestedProtseqs[]
  // (a conformant array: its max_count, 4-aligned, then the elements).
  oxid::ResolveOxid2_request q{0x1122334455667788ULL, 2, {0x0007, 0x001f}};
  expect_golden(q,
                "8877665544332211"  // pOxid
                "0200"              // cRequestedProtseqs
                "0000"              // pad to 4
                "02000000"          // max_count
                "0700 1f00");       // ncacn_ip_tcp, ncacn_http (2.2.19.3 tower ids)
}

TEST(GenDcom, GoldenRemQueryInterfaceRequest) {
  // [MS-DCOM] 3.1.1.5.6.1.1 with the implicit ORPCTHIS first (2.2.13.3):
  // ORPCTHIS { COMVERSION version; unsigned long flags; unsigned long
  // reserved1; CID cid; [unique] ORPC_EXTENT_ARRAY* extensions }, then
  // [in] REFIPID ripid, [in] unsigned long cRefs, [in] unsigned short
  // cIids, [in, size_is(cIids)] IID* iids. A GUID ([MS-DTYP] 2.3.4) is
  // Data1 (4), Data2 (2), Data3 (2), Data4 (8 octets), each in the drep.
  remunknown::RemQueryInterface_request q;
  q.orpcthis = sample_this(false);
  q.ripid = kIpid;
  q.cRefs = 5;
  q.cIids = 1;
  q.iids = {kIidIUnknown};
  expect_golden(q,
                "0500 0700"                         // version 5.7
                "00000000"                          // flags: ORPCF_NULL
                "00000000"                          // reserved1
                "44332211 6655 8877 99aabbccddeeff00"  // cid
                "00000000"                          // extensions: NULL
                "04030201 0605 0807 090a0b0c0d0e0f10"  // ripid
                "05000000"                          // cRefs
                "0100 0000"                         // cIids 1, pad to 4
                "01000000"                          // max_count of iids
                "00000000 0000 0000 c000000000000046");  // IID_IUnknown
}

}  // namespace
}  // namespace rampart::spec
