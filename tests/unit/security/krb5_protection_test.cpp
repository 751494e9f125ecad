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
    std::shared_ptr<GssContext> client;
    std::shared_ptr<GssContext> server;
    int legs = 0;
    std::vector<std::size_t> token_sizes;
  };

  // Runs the exchange; each leg is one token from one side to the other.
  Result<Pair> exchange(const std::string& password) {
    auto sc = RAMPART_TRY(GssCredential::keytab(env_->keytab));
    auto cc = RAMPART_TRY(GssCredential::password(env_->user, password, GssMech::kerberos));
    Pair p;
    p.server = std::make_shared<GssContext>(
        GssContext::acceptor(std::make_shared<GssCredential>(std::move(sc))));
    p.client = std::make_shared<GssContext>(RAMPART_TRY(GssContext::initiator(
        std::make_shared<GssCredential>(std::move(cc)), env_->service, true, true)));
    std::vector<std::uint8_t> token;
    for (int leg = 0; leg < 6; ++leg) {
      GssContext& side = leg % 2 == 0 ? *p.client : *p.server;
      if (side.complete()) break;
      if (leg > 0 && token.empty()) break;
      auto s = side.step(token);
      if (!s) {
        status_ = side.last_status();
        return std::unexpected(s.error());
      }
      token = std::move(s->output);
      if (!token.empty()) {
        ++p.legs;
        p.token_sizes.push_back(token.size());
      }
    }
    return p;
  }

  struct Protected {
    Krb5Protection client;
    Krb5Protection server;
  };
  Protected protections(AuthLevel level, bool header_sign) {
    auto p = exchange(env_->password);
    EXPECT_TRUE(p) << (p ? "" : p.error().to_string() + " " + status_);
    return {Krb5Protection::create(p->client, level, header_sign).value(),
            Krb5Protection::create(p->server, level, header_sign).value()};
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
  EXPECT_EQ(p->server->source_name(), env_->user);
}

TEST_F(Krb5, WrongPasswordFails) {
  auto p = exchange(env_->password + "x");
  EXPECT_FALSE(p);
}

void round_trip(Krb5Protection& sender, Krb5Protection& receiver, AuthLevel level, std::size_t n,
                std::uint8_t ptype) {
  const auto stub = sample_stub(n);
  const std::size_t len = sender.auth_length(n + auth_pad_for(n)).value();
  auto pdu = request_pdu(stub, level, len, ptype);
  auto l = sender.protect(pdu, kStubOffset);
  ASSERT_TRUE(l) << l.error().to_string();
  const bool stub_in_clear = std::equal(stub.begin(), stub.end(), pdu.begin() + kStubOffset);
  EXPECT_EQ(stub_in_clear, level != AuthLevel::privacy);
  auto r = receiver.unprotect(pdu, kStubOffset, {auth_type::kKerberos, level, kContextId});
  ASSERT_TRUE(r) << r.error().to_string();
  EXPECT_TRUE(std::equal(stub.begin(), stub.end(), pdu.begin() + kStubOffset));
}

TEST_F(Krb5, RoundTripsBothWaysAtEveryLevel) {
  for (auto level : {AuthLevel::packet, AuthLevel::integrity, AuthLevel::privacy}) {
    for (bool hs : {false, true}) {
      SCOPED_TRACE(::testing::Message() << "level " << int(level) << " header_sign " << hs);
      auto p = protections(level, hs);
      for (std::size_t n : {0U, 1U, 16U, 100U, 1000U}) {
        round_trip(p.client, p.server, level, n, 0x00);  // request
        round_trip(p.server, p.client, level, n, 0x02);  // response
      }
    }
  }
}

TEST_F(Krb5, PrivacyTokenIsLargerThanIntegrityMic) {
  auto i = protections(AuthLevel::integrity, true);
  auto v = protections(AuthLevel::privacy, true);
  // AES: a 28-octet MIC token ([RFC 4121] 4.2.6.1), a 60-octet DCE-style wrap header.
  EXPECT_EQ(i.client.auth_length(16).value(), 28U);
  EXPECT_EQ(v.client.auth_length(16).value(), 60U);
}

// Every single-bit flip in what the token covers is refused; with header
// signing that includes header and sec_trailer.
TEST_F(Krb5, EveryCoveredBitFlipIsRefused) {
  for (auto level : {AuthLevel::integrity, AuthLevel::privacy}) {
    const auto stub = sample_stub(32);
    auto probe = protections(level, true);
    const std::size_t len = probe.client.auth_length(32).value();
    auto pdu = request_pdu(stub, level, len);
    ASSERT_TRUE(probe.client.protect(pdu, kStubOffset));
    // Offsets 0..15 hold frag_length/auth_length, whose change is caught by
    // geometry; flip fields that geometry does not check: call_id, opnum,
    // stub, the sec_trailer's context id, and the token.
    const std::size_t trailer = kStubOffset + 32;
    for (std::size_t off : {std::size_t{12}, std::size_t{22}, kStubOffset, kStubOffset + 31,
                            trailer + 4, trailer + 8, pdu.size() - 1}) {
      SCOPED_TRACE(::testing::Message() << "level " << int(level) << " offset " << off);
      auto p = protections(level, true);
      auto copy = request_pdu(stub, level, len);
      ASSERT_TRUE(p.client.protect(copy, kStubOffset));
      copy[off] ^= 0x01;
      EstablishedAuth est{auth_type::kKerberos, level, kContextId};
      if (off == trailer + 4) est.context_id ^= 0x01;  // the receiver's context matches the flip
      auto r = p.server.unprotect(copy, kStubOffset, est);
      EXPECT_FALSE(r);
      EXPECT_TRUE(p.server.failed());
    }
  }
}

TEST_F(Krb5, WithoutHeaderSigningTheHeaderIsNotCovered) {
  // What Windows and Samba do without PFC_SUPPORT_HEADER_SIGN: which is why
  // the client insists on it once offered ([MS-RPCE] 3.3.1.5.2.2).
  auto p = protections(AuthLevel::privacy, false);
  const auto stub = sample_stub(32);
  auto pdu = request_pdu(stub, AuthLevel::privacy, p.client.auth_length(32).value());
  ASSERT_TRUE(p.client.protect(pdu, kStubOffset));
  pdu[22] ^= 0x01;  // opnum
  EXPECT_TRUE(p.server.unprotect(pdu, kStubOffset, {auth_type::kKerberos, AuthLevel::privacy, kContextId}));
}

TEST_F(Krb5, ReplayAndReorderAreRefused) {
  auto p = protections(AuthLevel::integrity, true);
  const auto stub = sample_stub(16);
  const std::size_t len = p.client.auth_length(16).value();
  const EstablishedAuth est{auth_type::kKerberos, AuthLevel::integrity, kContextId};
  auto first = request_pdu(stub, AuthLevel::integrity, len);
  auto second = request_pdu(stub, AuthLevel::integrity, len);
  ASSERT_TRUE(p.client.protect(first, kStubOffset));
  ASSERT_TRUE(p.client.protect(second, kStubOffset));
  auto replayed = first;
  ASSERT_TRUE(p.server.unprotect(first, kStubOffset, est));
  auto r = p.server.unprotect(replayed, kStubOffset, est);
  ASSERT_FALSE(r);
  EXPECT_TRUE(r.error().is(Errc::bad_sequence_number)) << r.error().to_string();

  auto q = protections(AuthLevel::integrity, true);
  auto a = request_pdu(stub, AuthLevel::integrity, len);
  auto b = request_pdu(stub, AuthLevel::integrity, len);
  ASSERT_TRUE(q.client.protect(a, kStubOffset));
  ASSERT_TRUE(q.client.protect(b, kStubOffset));
  auto rb = q.server.unprotect(b, kStubOffset, est);  // a was dropped
  ASSERT_FALSE(rb);
  EXPECT_TRUE(rb.error().is(Errc::bad_sequence_number)) << rb.error().to_string();
}

TEST_F(Krb5, ReflectionAndDowngradeAreRefused) {
  auto p = protections(AuthLevel::privacy, true);
  const auto stub = sample_stub(16);
  auto pdu = request_pdu(stub, AuthLevel::privacy, p.client.auth_length(16).value());
  ASSERT_TRUE(p.client.protect(pdu, kStubOffset));
  // The client cannot accept its own token back (acceptor/initiator subkeys differ).
  auto own = pdu;
  EXPECT_FALSE(p.client.unprotect(own, kStubOffset, {auth_type::kKerberos, AuthLevel::privacy, kContextId}));
  // A privacy receiver refuses a PDU whose trailer claims integrity.
  auto q = protections(AuthLevel::privacy, true);
  auto low = request_pdu(stub, AuthLevel::integrity, 28);
  auto r = q.server.unprotect(low, kStubOffset, {auth_type::kKerberos, AuthLevel::privacy, kContextId});
  ASSERT_FALSE(r);
  EXPECT_TRUE(r.error().is(Errc::auth_level_changed)) << r.error().to_string();
}

}  // namespace
}  // namespace rampart::security
