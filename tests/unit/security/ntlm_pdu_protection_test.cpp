// NTLM protection of whole PDUs at integrity and privacy ([MS-RPCE]
// 3.3.1.5.2.2, 2.2.2.11), with hand-built request PDUs.
#include "rampart/security/ntlm_pdu_protection.hpp"

#include <gtest/gtest.h>

#include <vector>

#include "rampart/security/errc.hpp"

namespace rampart::security {
namespace {

constexpr std::size_t kStubOffset = 24;
constexpr std::uint32_t kContextId = 79231;  // Impacket's first auth_context_id
constexpr std::uint32_t kFlags = 0xe28a8233;  // [MS-NLMP] 4.2.4 (ESS, 128, KEY_EXCH)

const EstablishedAuth kIntegrity{auth_type::kNtlm, AuthLevel::integrity, kContextId};
const EstablishedAuth kPrivacy{auth_type::kNtlm, AuthLevel::privacy, kContextId};
const EstablishedAuth kOtherContext{auth_type::kNtlm, AuthLevel::integrity, kContextId + 1};

const Bytes16 kKey = [] {
  Bytes16 k;
  k.fill(0x55);
  return k;
}();

std::vector<std::uint8_t> plaintext_utf16() {
  return {0x50, 0x00, 0x6c, 0x00, 0x61, 0x00, 0x69, 0x00, 0x6e,
          0x00, 0x74, 0x00, 0x65, 0x00, 0x78, 0x00, 0x74, 0x00};
}

std::vector<std::uint8_t> request_pdu(const std::vector<std::uint8_t>& stub, AuthLevel level) {
  // Built in a reserved buffer: GCC 12's -Warray-bounds misreads a growing
  // insert after a 24-element initializer.
  std::vector<std::uint8_t> p;
  p.reserve(256);
  const std::uint8_t head[] = {5, 0, 0, 0x03, 0x10, 0, 0, 0, 0, 0, 0, 0, 7, 0, 0, 0,
                               static_cast<std::uint8_t>(stub.size()), 0, 0, 0, 0, 0, 2, 0};
  p.insert(p.end(), std::begin(head), std::end(head));
  p.insert(p.end(), stub.begin(), stub.end());
  append_auth_trailer(p, kStubOffset, {auth_type::kNtlm, static_cast<std::uint8_t>(level), 0, 0,
                                       kContextId},
                      16);
  return p;
}

struct Pair {
  NtlmSealer client;
  NtlmSealer server;
};
Pair make_pair() {
  return {NtlmSealer::create(kKey, kFlags, NtlmRole::client).value(),
          NtlmSealer::create(kKey, kFlags, NtlmRole::server).value()};
}

TEST(NtlmPdu, IntegrityRoundTripSignsWholePdu) {
  auto s = make_pair();
  auto pdu = request_pdu(plaintext_utf16(), AuthLevel::integrity);
  const auto before = pdu;
  auto l = ntlm_protect_pdu(pdu, kStubOffset, s.client);
  ASSERT_TRUE(l) << l.error().to_string();
  // The stub stays in clear; only the auth_value changed.
  EXPECT_TRUE(std::equal(before.begin(), before.begin() + 64, pdu.begin()));
  // The signature is the MAC over octets [0, auth_value_offset).
  auto ref = NtlmSealer::create(kKey, kFlags, NtlmRole::client).value();
  auto want = ref.sign(std::span<const std::uint8_t>(before).first(l->auth_value_offset));
  ASSERT_TRUE(want);
  EXPECT_EQ(l->auth_value_offset, 64U);
  EXPECT_TRUE(std::equal(want->begin(), want->end(), pdu.begin() + 64));
  auto r = ntlm_unprotect_pdu(pdu, kStubOffset, s.server, kIntegrity);
  ASSERT_TRUE(r) << r.error().to_string();
  EXPECT_EQ(r->stub_length, 18U);
}

TEST(NtlmPdu, PrivacySealsStubAndPad) {
  auto s = make_pair();
  auto pdu = request_pdu(plaintext_utf16(), AuthLevel::privacy);
  const auto before = pdu;
  auto l = ntlm_protect_pdu(pdu, kStubOffset, s.client);
  ASSERT_TRUE(l) << l.error().to_string();
  ASSERT_EQ(l->pad_length, 14U);
  // The first RC4 octets of the client's sealing handle are the ones of
  // [MS-NLMP] 4.2.4.4, so the sealed stub starts with its sealed data.
  const std::vector<std::uint8_t> spec_sealed = {0x54, 0xe5, 0x01, 0x65, 0xbf, 0x19,
                                                 0x36, 0xdc, 0x99, 0x60, 0x20, 0xc1,
                                                 0x81, 0x1b, 0x0f, 0x06, 0xfb, 0x5f};
  EXPECT_TRUE(std::equal(spec_sealed.begin(), spec_sealed.end(), pdu.begin() + kStubOffset));
  // The pad is sealed too; header and sec_trailer are not.
  EXPECT_NE(std::vector(pdu.begin() + 42, pdu.begin() + 56),
            std::vector(before.begin() + 42, before.begin() + 56));
  EXPECT_TRUE(std::equal(before.begin(), before.begin() + 24, pdu.begin()));
  EXPECT_TRUE(std::equal(before.begin() + 56, before.begin() + 64, pdu.begin() + 56));
  auto r = ntlm_unprotect_pdu(pdu, kStubOffset, s.server, kPrivacy);
  ASSERT_TRUE(r) << r.error().to_string();
  EXPECT_TRUE(std::equal(before.begin(), before.begin() + 64, pdu.begin()));
}

TEST(NtlmPdu, SeveralPdusInBothDirections) {
  auto s = make_pair();
  for (int i = 0; i < 4; ++i) {
    auto req = request_pdu(std::vector<std::uint8_t>(5 + i * 7, 0x42), AuthLevel::privacy);
    ASSERT_TRUE(ntlm_protect_pdu(req, kStubOffset, s.client));
    ASSERT_TRUE(ntlm_unprotect_pdu(req, kStubOffset, s.server, kPrivacy));
    auto resp = request_pdu(std::vector<std::uint8_t>(3 + i, 0x17), AuthLevel::privacy);
    resp[2] = 2;  // response
    ASSERT_TRUE(ntlm_protect_pdu(resp, kStubOffset, s.server));
    auto r = ntlm_unprotect_pdu(resp, kStubOffset, s.client, kPrivacy);
    ASSERT_TRUE(r) << r.error().to_string();
    EXPECT_EQ(resp[kStubOffset], 0x17);
  }
}

// Flipping any bit of header, body, pad, sec_trailer or auth_value fails,
// at both levels: the header is covered whether or not header signing was
// negotiated, as NTLM always signs it.
void expect_every_flip_fails(AuthLevel level) {
  auto ref = make_pair();
  auto pdu = request_pdu(plaintext_utf16(), level);
  ASSERT_TRUE(ntlm_protect_pdu(pdu, kStubOffset, ref.client));
  for (std::size_t bit = 0; bit < pdu.size() * 8; ++bit) {
    auto s = make_pair();
    auto bad = pdu;
    bad[bit / 8] ^= static_cast<std::uint8_t>(1U << (bit % 8));
    auto r = ntlm_unprotect_pdu(bad, kStubOffset, s.server, EstablishedAuth{auth_type::kNtlm, level, kContextId});
    EXPECT_FALSE(r) << "bit " << bit << " flipped went unnoticed";
  }
}
TEST(NtlmPdu, EveryFlipFailsAtIntegrity) { expect_every_flip_fails(AuthLevel::integrity); }
TEST(NtlmPdu, EveryFlipFailsAtPrivacy) { expect_every_flip_fails(AuthLevel::privacy); }

TEST(NtlmPdu, WithoutEssOnlyStubAndPadAreChecksummed) {
  // NTLMv1's CRC-32 covers stub and pad only (Windows and Samba agree);
  // the header is then unprotected, one reason the policy should demand ESS.
  constexpr std::uint32_t kV1 = 0xe2028233;
  auto client = NtlmSealer::create(kKey, kV1, NtlmRole::client).value();
  auto pdu = request_pdu(plaintext_utf16(), AuthLevel::integrity);
  ASSERT_TRUE(ntlm_protect_pdu(pdu, kStubOffset, client));
  auto header_changed = pdu;
  header_changed[12] ^= 0x01;  // call_id
  auto server = NtlmSealer::create(kKey, kV1, NtlmRole::server).value();
  EXPECT_TRUE(ntlm_unprotect_pdu(header_changed, kStubOffset, server, kIntegrity));
  auto stub_changed = pdu;
  stub_changed[kStubOffset] ^= 0x01;
  auto server2 = NtlmSealer::create(kKey, kV1, NtlmRole::server).value();
  auto r = ntlm_unprotect_pdu(stub_changed, kStubOffset, server2, kIntegrity);
  ASSERT_FALSE(r);
  EXPECT_TRUE(r.error().is(Errc::bad_checksum));
}

TEST(NtlmPdu, LevelDowngradeIsRefused) {
  auto s = make_pair();
  auto pdu = request_pdu(plaintext_utf16(), AuthLevel::integrity);
  ASSERT_TRUE(ntlm_protect_pdu(pdu, kStubOffset, s.client));
  auto r = ntlm_unprotect_pdu(pdu, kStubOffset, s.server, kPrivacy);
  ASSERT_FALSE(r);
  EXPECT_TRUE(r.error().is(Errc::auth_level_changed)) << r.error().to_string();
}

TEST(NtlmPdu, SpnegoKeepsItsAuthType) {
  // NTLM chosen through SPNEGO signs and seals the same way under type 9.
  auto s = make_pair();
  auto pdu = request_pdu(plaintext_utf16(), AuthLevel::privacy);
  pdu[pdu.size() - 24] = auth_type::kSpnego;
  ASSERT_TRUE(ntlm_protect_pdu(pdu, kStubOffset, s.client));
  auto r = ntlm_unprotect_pdu(pdu, kStubOffset, s.server,
                              {auth_type::kSpnego, AuthLevel::privacy, kContextId});
  ASSERT_TRUE(r) << r.error().to_string();
  EXPECT_EQ(pdu[kStubOffset], 0x50);
}

TEST(NtlmPdu, ContextAndTypeSwitchAreRefused) {
  auto s = make_pair();
  auto pdu = request_pdu(plaintext_utf16(), AuthLevel::integrity);
  ASSERT_TRUE(ntlm_protect_pdu(pdu, kStubOffset, s.client));
  auto r = ntlm_unprotect_pdu(pdu, kStubOffset, s.server, kOtherContext);
  ASSERT_FALSE(r);
  EXPECT_TRUE(r.error().is(Errc::auth_context_changed));
  pdu[56] = auth_type::kKerberos;
  r = ntlm_unprotect_pdu(pdu, kStubOffset, s.server, kIntegrity);
  ASSERT_FALSE(r);
  EXPECT_TRUE(r.error().is(Errc::auth_type_changed));
}

TEST(NtlmPdu, ConnectLevelCarriesNoProtection) {
  auto s = make_pair();
  auto pdu = request_pdu(plaintext_utf16(), AuthLevel::connect);
  auto r = ntlm_protect_pdu(pdu, kStubOffset, s.client);
  ASSERT_FALSE(r);
  EXPECT_TRUE(r.error().is(Errc::bad_auth_level));
}

TEST(NtlmPdu, WrongAuthValueLength) {
  auto s = make_pair();
  auto p = request_pdu({}, AuthLevel::integrity);
  p.resize(kStubOffset);
  append_auth_trailer(p, kStubOffset, {auth_type::kNtlm, 5, 0, 0, kContextId}, 12);
  auto r = ntlm_protect_pdu(p, kStubOffset, s.client);
  ASSERT_FALSE(r);
  EXPECT_TRUE(r.error().is(Errc::bad_signature_length));
}

TEST(NtlmPdu, SignedRegionsFollowHeaderSigning) {
  auto pdu = request_pdu(plaintext_utf16(), AuthLevel::integrity);
  auto l = locate_auth_trailer(pdu, kStubOffset);
  ASSERT_TRUE(l);
  const auto with = signed_regions(*l, true);
  const auto without = signed_regions(*l, false);
  EXPECT_EQ(with.begin, 0U);
  EXPECT_EQ(without.begin, kStubOffset);
  EXPECT_EQ(with.end, l->auth_value_offset);
  EXPECT_EQ(without.end, l->auth_value_offset);
}

}  // namespace
}  // namespace rampart::security
