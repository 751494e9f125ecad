// The provider-neutral interfaces over real gss-ntlmssp exchanges: NTLMSSP
// (10) and SPNEGO (9) acceptors and initiators from a temporary user file,
// then whole PDUs protected by one side and opened by the other.
#include "rampart/security/security_provider.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "rampart/security/errc.hpp"
#include "rampart/security/spnego_token.hpp"

namespace rampart::security {
namespace {

constexpr std::size_t kStubOffset = 24;

class Providers : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("rampart-prov-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
    users_ = dir_ / "users";
    std::ofstream(users_) << "RAMPART:alice:Secret-Pass1\n";
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::shared_ptr<SecurityProvider> provider(GssMech mech, const std::string& password) {
    auto server = mech == GssMech::spnego ? GssCredential::spnego_user_file(users_, "host@localhost")
                                          : GssCredential::ntlm_user_file(users_, "host@localhost");
    EXPECT_TRUE(server) << server.error().to_string();
    auto client = GssCredential::password("RAMPART\\alice", password, mech);
    EXPECT_TRUE(client) << client.error().to_string();
    if (!server || !client) return nullptr;
    auto s = std::make_shared<GssCredential>(std::move(*server));
    auto c = std::make_shared<GssCredential>(std::move(*client));
    return mech == GssMech::spnego ? make_spnego_provider(s, c, "host@localhost")
                                   : make_ntlm_provider(s, c, "host@localhost");
  }

  // Runs the legs until both complete; returns the failure if one fails.
  static Result<void> run(SecurityContext& client, SecurityContext& server) {
    std::vector<std::uint8_t> token;
    for (int leg = 0; leg < 8 && !(client.complete() && server.complete()); ++leg) {
      SecurityContext& side = leg % 2 == 0 ? client : server;
      if (side.complete()) {
        if (token.empty()) break;
        return fail(Errc::gss_failure, "token for a completed side");
      }
      auto s = side.step(token);
      if (!s) return std::unexpected(s.error());
      token = std::move(s->output);
    }
    if (!client.complete() || !server.complete()) return fail(Errc::gss_failure, "incomplete");
    return {};
  }

  static std::vector<std::uint8_t> request(std::uint8_t type, AuthLevel level, std::size_t sig) {
    std::vector<std::uint8_t> p;
    p.reserve(256);
    const std::uint8_t head[] = {5, 0, 0, 0x03, 0x10, 0, 0, 0, 0, 0, 0, 0, 7, 0, 0, 0,
                                 11, 0, 0, 0, 0, 0, 2, 0};
    p.insert(p.end(), std::begin(head), std::end(head));
    for (std::uint8_t i = 0; i < 11; ++i) p.push_back(static_cast<std::uint8_t>('a' + i));
    append_auth_trailer(p, kStubOffset, {type, static_cast<std::uint8_t>(level), 0, 0, 5}, sig);
    return p;
  }

  void round_trip(GssMech mech, std::uint8_t type) {
    auto prov = provider(mech, "Secret-Pass1");
    ASSERT_TRUE(prov);
    EXPECT_EQ(prov->auth_type(), type);
    auto server = prov->new_acceptor();
    ASSERT_TRUE(server);
    auto client = prov->new_initiator("host@localhost", AuthLevel::privacy);
    ASSERT_TRUE(client);
    auto r = run(**client, **server);
    ASSERT_TRUE(r) << r.error().to_string() << " " << (*server)->last_status() << " "
                   << (*client)->last_status();
    EXPECT_EQ((*server)->mech(), GssMech::ntlm);
    EXPECT_NE((*server)->peer_name().find("alice"), std::string::npos) << (*server)->peer_name();
    const EstablishedAuth est{type, AuthLevel::privacy, 5};
    auto sp = (*server)->protection({est, true, Role::acceptor});
    ASSERT_TRUE(sp) << sp.error().to_string();
    auto cp = (*client)->protection({est, true, Role::initiator});
    ASSERT_TRUE(cp) << cp.error().to_string();
    EXPECT_EQ((*sp)->signature_length(), 16U);
    for (int i = 0; i < 3; ++i) {
      auto pdu = request(type, AuthLevel::privacy, 16);
      const auto plain = pdu;
      ASSERT_TRUE((*cp)->protect(pdu, kStubOffset));
      EXPECT_NE(pdu, plain);
      auto l = (*sp)->unprotect(pdu, kStubOffset);
      ASSERT_TRUE(l) << l.error().to_string();
      EXPECT_EQ(std::vector(pdu.begin() + 24, pdu.begin() + 35),
                std::vector(plain.begin() + 24, plain.begin() + 35));
      auto resp = request(type, AuthLevel::privacy, 16);
      resp[2] = 2;
      ASSERT_TRUE((*sp)->protect(resp, kStubOffset));
      ASSERT_TRUE((*cp)->unprotect(resp, kStubOffset));
    }
    // A tampered sealed payload fails and the protection stays failed.
    auto pdu = request(type, AuthLevel::privacy, 16);
    ASSERT_TRUE((*cp)->protect(pdu, kStubOffset));
    pdu[kStubOffset] ^= 1;
    EXPECT_FALSE((*sp)->unprotect(pdu, kStubOffset));
  }

  std::filesystem::path dir_;
  std::filesystem::path users_;
};

TEST_F(Providers, NtlmExchangeAndPrivacyRoundTrip) { round_trip(GssMech::ntlm, auth_type::kNtlm); }

TEST_F(Providers, SpnegoOverNtlmExchangeAndPrivacyRoundTrip) {
  round_trip(GssMech::spnego, auth_type::kSpnego);
}

TEST_F(Providers, WrongPasswordFailsTheAcceptor) {
  auto prov = provider(GssMech::ntlm, "wrong");
  ASSERT_TRUE(prov);
  auto server = prov->new_acceptor();
  auto client = prov->new_initiator("host@localhost", AuthLevel::integrity);
  ASSERT_TRUE(server && client);
  EXPECT_FALSE(run(**client, **server));
  EXPECT_FALSE((*server)->protection({}));
}

TEST_F(Providers, RegistryFindsByAuthType) {
  ProviderRegistry reg;
  EXPECT_TRUE(reg.empty());
  reg.add(provider(GssMech::ntlm, "x"));
  EXPECT_TRUE(reg.find(auth_type::kNtlm));
  EXPECT_FALSE(reg.find(auth_type::kKerberos));
  EXPECT_EQ(reg.principal(auth_type::kKerberos), "host@localhost");
}

TEST(SpnegoToken, RejectsTruncatedAndOverlongLengths) {
  const std::vector<std::uint8_t> truncated{0xa1, 0x05, 0x30, 0x03};
  EXPECT_FALSE(spnego_inner_token(truncated));
  const std::vector<std::uint8_t> overlong{0xa1, 0x85, 0, 0, 0, 0, 1};
  EXPECT_FALSE(spnego_inner_token(overlong));
  const std::vector<std::uint8_t> resp{0xa1, 0x09, 0x30, 0x07, 0xa2, 0x05, 0x04, 0x03, 1, 2, 3};
  auto t = spnego_inner_token(resp);
  ASSERT_TRUE(t);
  EXPECT_EQ(*t, (std::vector<std::uint8_t>{1, 2, 3}));
}

// RFC 4178 4.2.2: negTokenResp { negState [0], responseToken [2],
// mechListMIC [3] }; the MIC is found whether or not a token precedes it.
TEST(SpnegoToken, FindsMechListMic) {
  const std::vector<std::uint8_t> with_mic{0xa1, 0x10, 0x30, 0x0e, 0xa0, 0x03, 0x0a, 0x01, 0x00,
                                           0xa3, 0x07, 0x04, 0x05, 1,    2,    3,    4,    5};
  EXPECT_TRUE(spnego_has_mech_list_mic(with_mic));
  const std::vector<std::uint8_t> token_and_mic{0xa1, 0x0f, 0x30, 0x0d, 0xa2, 0x04, 0x04, 0x02, 9, 9,
                                                0xa3, 0x05, 0x04, 0x03, 1,    2,    3};
  EXPECT_TRUE(spnego_has_mech_list_mic(token_and_mic));
  const std::vector<std::uint8_t> accept_completed{0xa1, 0x07, 0x30, 0x05, 0xa0, 0x03, 0x0a, 0x01, 0x00};
  EXPECT_FALSE(spnego_has_mech_list_mic(accept_completed));
  const std::vector<std::uint8_t> truncated{0xa1, 0x10, 0x30, 0x0e, 0xa0, 0x03};
  EXPECT_FALSE(spnego_has_mech_list_mic(truncated));
  EXPECT_FALSE(spnego_has_mech_list_mic({}));
}

// RFC 4178 4.2.2: only negState accept-completed (0) in a negTokenResp
// closes the exchange; other states, an absent state, a negTokenInit and
// short or trailing bytes do not.
TEST(SpnegoToken, AcceptCompletedOnlyForThatNegState) {
  const std::vector<std::uint8_t> completed{0xa1, 0x07, 0x30, 0x05, 0xa0, 0x03, 0x0a, 0x01, 0x00};
  EXPECT_TRUE(spnego_accept_completed(completed));
  for (std::uint8_t state : {1, 2, 3}) {
    auto other = completed;
    other.back() = state;
    EXPECT_FALSE(spnego_accept_completed(other)) << int{state};
  }
  const std::vector<std::uint8_t> two_octets{0xa1, 0x08, 0x30, 0x06, 0xa0, 0x04, 0x0a, 0x02, 0x00, 0x00};
  EXPECT_FALSE(spnego_accept_completed(two_octets));
  const std::vector<std::uint8_t> integer{0xa1, 0x07, 0x30, 0x05, 0xa0, 0x03, 0x02, 0x01, 0x00};
  EXPECT_FALSE(spnego_accept_completed(integer));
  const std::vector<std::uint8_t> mic_only{0xa1, 0x09, 0x30, 0x07, 0xa3, 0x05, 0x04, 0x03, 1, 2, 3};
  EXPECT_FALSE(spnego_accept_completed(mic_only));
  const std::vector<std::uint8_t> init{0xa0, 0x07, 0x30, 0x05, 0xa0, 0x03, 0x0a, 0x01, 0x00};
  EXPECT_FALSE(spnego_accept_completed(init));
  EXPECT_FALSE(spnego_accept_completed(std::vector<std::uint8_t>(completed.begin(), completed.end() - 1)));
  EXPECT_FALSE(spnego_accept_completed({}));
}

// An exchange that did not negotiate SEAL yields no privacy protection
// (test_spnego_privacy_bind_none/_sign), while integrity still works.
TEST_F(Providers, PrivacyNeedsSeal) {
  auto prov = provider(GssMech::spnego, "Secret-Pass1");
  ASSERT_TRUE(prov);
  auto server = prov->new_acceptor();
  auto client = prov->new_initiator("host@localhost", AuthLevel::integrity);
  ASSERT_TRUE(server && client);
  ASSERT_TRUE(run(**client, **server));
  auto privacy = (*server)->protection({{auth_type::kSpnego, AuthLevel::privacy, 5}, true, Role::acceptor});
  ASSERT_FALSE(privacy);
  EXPECT_TRUE(privacy.error().is(Errc::feature_not_negotiated)) << privacy.error().to_string();
  auto integrity = (*server)->protection({{auth_type::kSpnego, AuthLevel::integrity, 5}, true, Role::acceptor});
  EXPECT_TRUE(integrity) << integrity.error().to_string();
}

// negTokenInit { mechTypes { MS KRB5 }, mechToken } around `mech_token`, DER by hand.
std::vector<std::uint8_t> neg_token_init(const std::vector<std::uint8_t>& mech_token) {
  std::vector<std::uint8_t> mechs{0xa0, 0x0d, 0x30, 0x0b, 0x06, 0x09, 0x2a, 0x86, 0x48,
                                  0x82, 0xf7, 0x12, 0x01, 0x02, 0x02};
  std::vector<std::uint8_t> tok{0xa2, static_cast<std::uint8_t>(mech_token.size() + 2), 0x04,
                                static_cast<std::uint8_t>(mech_token.size())};
  tok.insert(tok.end(), mech_token.begin(), mech_token.end());
  std::vector<std::uint8_t> seq{0x30, static_cast<std::uint8_t>(mechs.size() + tok.size())};
  seq.insert(seq.end(), mechs.begin(), mechs.end());
  seq.insert(seq.end(), tok.begin(), tok.end());
  std::vector<std::uint8_t> body{0x06, 0x06, 0x2b, 0x06, 0x01, 0x05, 0x05, 0x02, 0xa0,
                                 static_cast<std::uint8_t>(seq.size())};
  body.insert(body.end(), seq.begin(), seq.end());
  std::vector<std::uint8_t> out{0x60, static_cast<std::uint8_t>(body.size())};
  out.insert(out.end(), body.begin(), body.end());
  return out;
}

TEST(SpnegoToken, FramedKerberosApReqIsRebuiltBare) {
  const std::vector<std::uint8_t> ap_req{0x6e, 0x03, 0x02, 0x01, 0x05};
  std::vector<std::uint8_t> framed{0x60, 0x12, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7,
                                   0x12, 0x01, 0x02, 0x02, 0x01, 0x00};
  framed.insert(framed.end(), ap_req.begin(), ap_req.end());
  auto bare = spnego_with_bare_ap_req(neg_token_init(framed));
  ASSERT_TRUE(bare);
  EXPECT_EQ(*bare, neg_token_init(ap_req));
  auto inner = spnego_inner_token(*bare);
  ASSERT_TRUE(inner);
  EXPECT_EQ(*inner, ap_req);
  // Already bare, another TOK_ID (an AP-REP), an NTLM token, a negTokenResp: left alone.
  EXPECT_FALSE(spnego_with_bare_ap_req(neg_token_init(ap_req)));
  auto ap_rep = framed;
  ap_rep[13] = 0x02;
  EXPECT_FALSE(spnego_with_bare_ap_req(neg_token_init(ap_rep)));
  const std::vector<std::uint8_t> ntlm{'N', 'T', 'L', 'M', 'S', 'S', 'P', 0};
  EXPECT_FALSE(spnego_with_bare_ap_req(neg_token_init(ntlm)));
  const std::vector<std::uint8_t> resp{0xa1, 0x09, 0x30, 0x07, 0xa2, 0x05, 0x04, 0x03, 1, 2, 3};
  EXPECT_FALSE(spnego_with_bare_ap_req(resp));
  // A framing length that runs past the token: refused, not read beyond.
  auto cut = neg_token_init(framed);
  cut[1] = static_cast<std::uint8_t>(cut[1] + 1);
  EXPECT_FALSE(spnego_with_bare_ap_req(cut));
}

}  // namespace
}  // namespace rampart::security
