// Kerberos through MIT krb5 against a real KDC: the DCE-style three-leg
// exchange ([MS-RPCE] 3.3.1.5.2, [MS-KILE] 3.2.5.3) between an in-process
// initiator and acceptor, then whole PDUs protected and verified both ways.
//
// The KDC comes from tests/interop/krb5_test.sh, which starts one in a
// private network namespace and runs these tests there with KRB5_CONFIG and
// RAMPART_TEST_KRB5_{KEYTAB,USER,PASSWORD,SERVICE} set. Without them every
// test here is skipped.
#include "rampart/security/krb5_protection.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <optional>
#include <vector>

#include "rampart/security/errc.hpp"

namespace rampart::security {
namespace {

constexpr std::size_t kStubOffset = 24;
constexpr std::uint32_t kContextId = 79231;

struct Env {
  std::string keytab, user, password, service;
};

std::optional<Env> test_env() {
  const char* k = std::getenv("RAMPART_TEST_KRB5_KEYTAB");
  const char* u = std::getenv("RAMPART_TEST_KRB5_USER");
  const char* p = std::getenv("RAMPART_TEST_KRB5_PASSWORD");
  const char* s = std::getenv("RAMPART_TEST_KRB5_SERVICE");
  if (k == nullptr || u == nullptr || p == nullptr || s == nullptr) return std::nullopt;
  return Env{k, u, p, s};
}

std::vector<std::uint8_t> request_pdu(const std::vector<std::uint8_t>& stub, AuthLevel level,
                                      std::size_t auth_length, std::uint8_t type = 0x00) {
  std::vector<std::uint8_t> p;
  p.reserve(512);
  const std::uint8_t head[] = {5, 0, type, 0x03, 0x10, 0, 0, 0, 0, 0, 0, 0, 7, 0, 0, 0,
                               static_cast<std::uint8_t>(stub.size()), 0, 0, 0, 0, 0, 2, 0};
  p.insert(p.end(), std::begin(head), std::end(head));
  p.insert(p.end(), stub.begin(), stub.end());
  append_auth_trailer(p, kStubOffset,
                      {auth_type::kKerberos, static_cast<std::uint8_t>(level), 0, 0, kContextId},
                      auth_length);
  return p;
}

std::vector<std::uint8_t> sample_stub(std::size_t n) {
  std::vector<std::uint8_t> s(n);
  for (std::size_t i = 0; i < n; ++i) s[i] = static_cast<std::uint8_t>(i * 7 + 1);
  return s;
}

class Krb5 : public ::testing::Test {
 protected:
  void SetUp() override {
    env_ = test_env();
    if (!env_) GTEST_SKIP() << "no test KDC (run through tests/interop/krb5_test.sh)";
  }

  struct Pair {
    std::unique_ptr<SecurityContext> client;
    std::unique_ptr<SecurityContext> server;
    int legs = 0;
  };

  // Runs the exchange through the Kerberos provider; each leg is one token
  // from one side to the other.
  Result<Pair> exchange(const std::string& password) {
    auto sc = RAMPART_TRY(GssCredential::keytab(env_->keytab));
    auto cc = RAMPART_TRY(GssCredential::password(env_->user, password, GssMech::kerberos));
    auto prov = make_kerberos_provider(std::make_shared<GssCredential>(std::move(sc)),
                                       std::make_shared<GssCredential>(std::move(cc)));
    EXPECT_EQ(prov->auth_type(), auth_type::kKerberos);
    Pair p;
    p.server = RAMPART_TRY(prov->new_acceptor());
    p.client = RAMPART_TRY(prov->new_initiator(env_->service, AuthLevel::privacy));
    std::vector<std::uint8_t> token;
    for (int leg = 0; leg < 6; ++leg) {
      SecurityContext& side = leg % 2 == 0 ? *p.client : *p.server;
      if (side.complete() || (leg > 0 && token.empty())) break;
      auto s = side.step(token);
      if (!s) {
        status_ = side.last_status();
        return std::unexpected(s.error());
      }
      token = std::move(s->output);
      if (!token.empty()) ++p.legs;
    }
    return p;
  }

  struct Protected {
    Pair contexts;
    std::unique_ptr<PduProtection> client;
    std::unique_ptr<PduProtection> server;
  };
  // `server_context_id` lets a test make the receiver expect what a flipped
  // sec_trailer claims, so that only the token can catch the flip.
  Protected protections(AuthLevel level, bool header_sign,
                        std::uint32_t server_context_id = kContextId) {
    auto p = exchange(env_->password);
    EXPECT_TRUE(p) << (p ? "" : p.error().to_string() + " " + status_);
    const EstablishedAuth est{auth_type::kKerberos, level, kContextId};
    const EstablishedAuth server_est{auth_type::kKerberos, level, server_context_id};
    Protected out{std::move(*p), nullptr, nullptr};
    out.client = out.contexts.client->protection({est, header_sign, Role::initiator}).value();
    out.server = out.contexts.server->protection({server_est, header_sign, Role::acceptor}).value();
    return out;
  }

  std::optional<Env> env_;
  std::string status_;
};

TEST_F(Krb5, DceStyleExchangeHasThreeLegs) {
  auto p = exchange(env_->password);
  ASSERT_TRUE(p) << p.error().to_string() << " " << status_;
  // AP-REQ, AP-REP, and the client's AP-REP back ([MS-KILE] 3.2.5.3).
  EXPECT_EQ(p->legs, 3);
  EXPECT_TRUE(p->client->complete());
  EXPECT_TRUE(p->server->complete());
  EXPECT_EQ(p->server->peer_name(), env_->user);
  EXPECT_EQ(p->server->mech(), GssMech::kerberos);
}

TEST_F(Krb5, WrongPasswordFails) {
  auto p = exchange(env_->password + "x");
  EXPECT_FALSE(p);
}

void round_trip(PduProtection& sender, PduProtection& receiver, AuthLevel level, std::size_t n,
                std::uint8_t ptype) {
  const auto stub = sample_stub(n);
  const std::size_t len = sender.signature_length_for(n + auth_pad_for(n));
  auto pdu = request_pdu(stub, level, len, ptype);
  auto l = sender.protect(pdu, kStubOffset);
  ASSERT_TRUE(l) << l.error().to_string();
  const bool stub_in_clear = std::equal(stub.begin(), stub.end(), pdu.begin() + kStubOffset);
  // A sealed stub shorter than a cipher block can equal its plaintext by
  // chance (one time in 256 for a single octet); from 16 octets on it cannot.
  if (n >= 16) {
    EXPECT_EQ(stub_in_clear, level != AuthLevel::privacy);
  }
  auto r = receiver.unprotect(pdu, kStubOffset);
  ASSERT_TRUE(r) << r.error().to_string();
  EXPECT_TRUE(std::equal(stub.begin(), stub.end(), pdu.begin() + kStubOffset));
}

TEST_F(Krb5, RoundTripsBothWaysAtEveryLevel) {
  for (auto level : {AuthLevel::packet, AuthLevel::integrity, AuthLevel::privacy}) {
    for (bool hs : {false, true}) {
      SCOPED_TRACE(::testing::Message() << "level " << int(level) << " header_sign " << hs);
      auto p = protections(level, hs);
      for (std::size_t n : {0U, 1U, 16U, 100U, 1000U}) {
        round_trip(*p.client, *p.server, level, n, 0x00);  // request
        round_trip(*p.server, *p.client, level, n, 0x02);  // response
      }
    }
  }
}

TEST_F(Krb5, PrivacyTokenIsLargerThanIntegrityMic) {
  auto i = protections(AuthLevel::integrity, true);
  auto v = protections(AuthLevel::privacy, true);
  // AES256: a 28-octet MIC token ([RFC 4121] 4.2.6.1: 16-octet header and a
  // 12-octet HMAC) and a 76-octet DCE-style wrap token (header, confounder,
  // filler, encrypted header copy and HMAC, all ahead of the data).
  EXPECT_EQ(i.client->signature_length(), 28U);
  EXPECT_EQ(v.client->signature_length(), 76U);
}

// Every single-bit flip in what the token covers is refused; with header
// signing that includes header and sec_trailer.
TEST_F(Krb5, EveryCoveredBitFlipIsRefused) {
  for (auto level : {AuthLevel::integrity, AuthLevel::privacy}) {
    const auto stub = sample_stub(32);
    // frag_length, auth_length and the trailer's geometry fields are caught
    // before any crypto; flip what only the token protects: call_id, opnum,
    // stub, the sec_trailer's context id, and the token itself.
    const std::size_t trailer = kStubOffset + 32;
    for (std::size_t off : {std::size_t{12}, std::size_t{22}, kStubOffset, kStubOffset + 31,
                            trailer + 4, trailer + 8, trailer + 27}) {
      SCOPED_TRACE(::testing::Message() << "level " << int(level) << " offset " << off);
      const std::uint32_t expect = off == trailer + 4 ? kContextId ^ 1U : kContextId;
      auto p = protections(level, true, expect);
      auto pdu = request_pdu(stub, level, p.client->signature_length());
      ASSERT_TRUE(p.client->protect(pdu, kStubOffset));
      pdu[off] ^= 0x01;
      auto r = p.server->unprotect(pdu, kStubOffset);
      ASSERT_FALSE(r);
      EXPECT_TRUE(r.error().is(Errc::bad_checksum)) << r.error().to_string();
      // Final: even the untouched next PDU is refused afterwards.
      auto next = request_pdu(stub, level, p.client->signature_length());
      ASSERT_TRUE(p.client->protect(next, kStubOffset));
      EXPECT_FALSE(p.server->unprotect(next, kStubOffset));
    }
  }
}

TEST_F(Krb5, WithoutHeaderSigningTheHeaderIsNotCovered) {
  // What Windows and Samba do without PFC_SUPPORT_HEADER_SIGN, and why the
  // client insists on it once offered ([MS-RPCE] 3.3.1.5.2.2).
  auto p = protections(AuthLevel::privacy, false);
  const auto stub = sample_stub(32);
  auto pdu = request_pdu(stub, AuthLevel::privacy, p.client->signature_length());
  ASSERT_TRUE(p.client->protect(pdu, kStubOffset));
  pdu[22] ^= 0x01;  // opnum
  EXPECT_TRUE(p.server->unprotect(pdu, kStubOffset));
}

TEST_F(Krb5, ReplayAndReorderAreRefused) {
  auto p = protections(AuthLevel::integrity, true);
  const auto stub = sample_stub(16);
  const std::size_t len = p.client->signature_length();
  auto first = request_pdu(stub, AuthLevel::integrity, len);
  auto second = request_pdu(stub, AuthLevel::integrity, len);
  ASSERT_TRUE(p.client->protect(first, kStubOffset));
  ASSERT_TRUE(p.client->protect(second, kStubOffset));
  auto replayed = first;
  ASSERT_TRUE(p.server->unprotect(first, kStubOffset));
  auto r = p.server->unprotect(replayed, kStubOffset);
  ASSERT_FALSE(r);
  EXPECT_TRUE(r.error().is(Errc::bad_sequence_number)) << r.error().to_string();

  auto q = protections(AuthLevel::integrity, true);
  auto a = request_pdu(stub, AuthLevel::integrity, len);
  auto b = request_pdu(stub, AuthLevel::integrity, len);
  ASSERT_TRUE(q.client->protect(a, kStubOffset));
  ASSERT_TRUE(q.client->protect(b, kStubOffset));
  auto rb = q.server->unprotect(b, kStubOffset);  // a was dropped
  ASSERT_FALSE(rb);
  EXPECT_TRUE(rb.error().is(Errc::bad_sequence_number)) << rb.error().to_string();
}

TEST_F(Krb5, ReflectionAndDowngradeAreRefused) {
  auto p = protections(AuthLevel::privacy, true);
  const auto stub = sample_stub(16);
  auto pdu = request_pdu(stub, AuthLevel::privacy, p.client->signature_length());
  ASSERT_TRUE(p.client->protect(pdu, kStubOffset));
  // The client cannot accept its own token back ([RFC 4121] 4.2.2 SentByAcceptor).
  auto own = pdu;
  EXPECT_FALSE(p.client->unprotect(own, kStubOffset));
  // A privacy receiver refuses a PDU whose trailer claims integrity.
  auto q = protections(AuthLevel::privacy, true);
  auto low = request_pdu(stub, AuthLevel::integrity, 28);
  auto r = q.server->unprotect(low, kStubOffset);
  ASSERT_FALSE(r);
  EXPECT_TRUE(r.error().is(Errc::auth_level_changed)) << r.error().to_string();
}

}  // namespace
}  // namespace rampart::security
