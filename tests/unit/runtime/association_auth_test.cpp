// Authenticated associations with a real gss-ntlmssp exchange: NTLMSSP over
// bind/bind_ack/auth3, protected requests and responses in every fragment,
// the pause while a provider step runs (other connections keep being
// served), and the refusals of docs/hardening.md C17.
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "association_fixture.hpp"
#include "rampart/security/errc.hpp"

namespace rampart::runtime::testing {
namespace {

using security::AuthLevel;

class AuthHarness : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("rampart-assoc-auth-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
    std::ofstream(dir_ / "users") << "RAMPART:alice:Secret-Pass1\n";
    auto server = security::GssCredential::ntlm_user_file(dir_ / "users", "host@localhost");
    ASSERT_TRUE(server);
    auto client = security::GssCredential::password("RAMPART\\alice", "Secret-Pass1", security::GssMech::ntlm);
    ASSERT_TRUE(client);
    auto registry = std::make_shared<security::ProviderRegistry>();
    provider_ = security::make_ntlm_provider(std::make_shared<security::GssCredential>(std::move(*server)),
                                             std::make_shared<security::GssCredential>(std::move(*client)),
                                             "host@localhost");
    registry->add(provider_);
    h_.core.set_providers(registry);
    h_.assoc = h_.make();  // takes the registry snapshot
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  pdu::Pdu bind_with(std::span<const std::uint8_t> token, AuthLevel level, std::uint32_t ctx_id = 7) {
    auto p = make_pdu(pdu::PType::bind, h_.bind_body({{0, kEchoSyntax, {syntax::kNdr20}}}));
    p.auth = pdu::AuthVerifier{security::auth_type::kNtlm, static_cast<std::uint8_t>(level), 0, 0, ctx_id, {}, token};
    return p;
  }

  // Runs bind (and auth3) at `level`; returns the client's protection.
  std::unique_ptr<security::PduProtection> authenticate(AuthLevel level, Association* a = nullptr) {
    client_ = std::move(*provider_->new_initiator("host@localhost", level));
    auto negotiate = client_->step({});
    EXPECT_TRUE(negotiate);
    auto sent = h_.send(bind_with(negotiate->output, level), a);
    EXPECT_EQ(sent.size(), 1u);
    if (sent.size() != 1 || sent[0].ptype() != pdu::PType::bind_ack) return nullptr;
    EXPECT_TRUE(sent[0].auth);
    auto challenge = std::vector<std::uint8_t>(sent[0].auth->auth_value.begin(), sent[0].auth->auth_value.end());
    auto authenticate = client_->step(challenge);
    EXPECT_TRUE(authenticate);
    auto p = make_pdu(pdu::PType::auth3, pdu::Auth3{0});
    p.auth = pdu::AuthVerifier{security::auth_type::kNtlm, static_cast<std::uint8_t>(level), 0, 0, 7, {},
                               authenticate->output};
    EXPECT_TRUE(h_.send(p, a).empty());
    if (level == AuthLevel::connect) return nullptr;
    auto prot = client_->protection({{security::auth_type::kNtlm, level, 7}, false, security::Role::initiator});
    EXPECT_TRUE(prot) << prot.error().to_string();
    return prot ? std::move(*prot) : nullptr;
  }

  std::vector<std::uint8_t> protected_request(security::PduProtection& prot, std::span<const std::uint8_t> stub,
                                              std::uint32_t call_id = 2, std::uint16_t frag = 4280) {
    std::vector<std::uint8_t> bytes;
    auto n = fragment_protected(h_.request(0, stub, call_id), frag, prot, bytes);
    EXPECT_TRUE(n);
    return bytes;
  }

  // Unprotects every response fragment the server sent last and returns
  // the reassembled stub.
  std::vector<std::uint8_t> open_responses(security::PduProtection& prot) {
    std::vector<std::uint8_t> raw = h_.keep.back();
    std::vector<std::uint8_t> stub;
    std::size_t at = 0;
    while (at < raw.size()) {
      const std::size_t len = raw[at + 8] | (raw[at + 9] << 8);
      std::span<std::uint8_t> one(raw.data() + at, len);
      auto l = prot.unprotect(one, 24);
      EXPECT_TRUE(l) << l.error().to_string();
      if (!l) return {};
      stub.insert(stub.end(), one.begin() + 24, one.begin() + 24 + static_cast<std::ptrdiff_t>(l->stub_length));
      at += len;
    }
    return stub;
  }

  Harness h_;
  std::shared_ptr<security::SecurityProvider> provider_;
  std::unique_ptr<security::SecurityContext> client_;
  std::filesystem::path dir_;
};

TEST_F(AuthHarness, NtlmPrivacyRequestAndResponseAreSealedInEveryFragment) {
  auto prot = authenticate(AuthLevel::privacy);
  ASSERT_TRUE(prot);
  std::vector<std::uint8_t> stub(10000);
  for (std::size_t i = 0; i < stub.size(); ++i) stub[i] = static_cast<std::uint8_t>(i * 7);
  auto bytes = protected_request(*prot, stub);
  auto sent = h_.feed(bytes);
  ASSERT_GE(sent.size(), 3u) << "a 10000-octet echo needs several response fragments";
  for (const auto& p : sent) {
    ASSERT_EQ(p.ptype(), pdu::PType::response);
    ASSERT_TRUE(p.auth);
    EXPECT_EQ(p.auth->auth_level, 6);
    EXPECT_EQ(p.auth->auth_context_id, 7u);
  }
  auto echoed = open_responses(*prot);
  ASSERT_EQ(echoed.size(), stub.size());
  EXPECT_TRUE(std::equal(echoed.begin(), echoed.end(), stub.rbegin()));
  EXPECT_FALSE(h_.closed);
}

TEST_F(AuthHarness, TheHandlerSeesTheCallsSecurityContext) {
  for (const auto level : {AuthLevel::integrity, AuthLevel::privacy}) {
    h_.assoc = h_.make();
    auto prot = authenticate(level);
    ASSERT_TRUE(prot);
    static const std::vector<std::uint8_t> stub{1, 2, 3, 4};
    auto sent = h_.feed(protected_request(*prot, stub));
    ASSERT_EQ(sent.size(), 1u);
    ASSERT_EQ(sent[0].ptype(), pdu::PType::response);
    EXPECT_EQ(h_.echo->last_auth.auth_type, security::auth_type::kNtlm);
    EXPECT_EQ(h_.echo->last_auth.auth_level, static_cast<std::uint8_t>(level));
    EXPECT_EQ(h_.echo->last_auth.context_id, 7u);
    EXPECT_TRUE(h_.echo->last_auth.authenticated());
    EXPECT_EQ(h_.echo->last_principal, "RAMPART\\alice");
  }
}

TEST_F(AuthHarness, AnUnauthenticatedCallCarriesNoSecurity) {
  h_.bind_echo();
  h_.echo->last_auth = {security::auth_type::kNtlm, 6, false, 9, {}};  // must be overwritten
  auto sent = h_.send(h_.request(0, std::vector<std::uint8_t>{1, 2, 3, 4}));
  ASSERT_EQ(sent.size(), 1u);
  ASSERT_EQ(sent[0].ptype(), pdu::PType::response);
  EXPECT_FALSE(h_.echo->last_auth.authenticated());
  EXPECT_EQ(h_.echo->last_auth.auth_level, 1);  // none
  EXPECT_EQ(h_.echo->last_principal, "");
}

TEST_F(AuthHarness, IntegrityTamperedSignatureGetsSecPkgErrorAndClose) {
  auto prot = authenticate(AuthLevel::integrity);
  ASSERT_TRUE(prot);
  const std::vector<std::uint8_t> stub{1, 2, 3, 4};
  auto bytes = protected_request(*prot, stub);
  bytes[24] ^= 0x01;  // the stub is in clear at integrity: the MAC must catch it
  auto sent = h_.feed(bytes);
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(fault_status(sent[0]), pdu::status::kSecPkgError);
  EXPECT_TRUE(h_.closed);
}

TEST_F(AuthHarness, RequestWithAnotherLevelIsAccessDenied) {
  auto prot = authenticate(AuthLevel::privacy);
  ASSERT_TRUE(prot);
  static const std::vector<std::uint8_t> stub{1, 2, 3, 4};  // the request's stub span outlives this line
  auto p = h_.request(0, stub);
  static const std::vector<std::uint8_t> sig(16, 0);
  p.auth = pdu::AuthVerifier{security::auth_type::kNtlm, 5, 0, 0, 7, {}, sig};
  auto sent = h_.send(p);
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(fault_status(sent[0]), pdu::status::kAccessDenied);
  EXPECT_TRUE(h_.closed);
}

TEST_F(AuthHarness, RequestWithoutVerifierOnProtectedContextIsAccessDenied) {
  ASSERT_TRUE(authenticate(AuthLevel::integrity));
  auto sent = h_.send(h_.request(0, std::vector<std::uint8_t>{1, 2, 3, 4}));
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(fault_status(sent[0]), pdu::status::kAccessDenied);
  EXPECT_TRUE(h_.closed);
}

TEST_F(AuthHarness, SecondAuth3IsAProtocolError) {
  ASSERT_TRUE(authenticate(AuthLevel::integrity));
  auto p = make_pdu(pdu::PType::auth3, pdu::Auth3{0});
  static const std::vector<std::uint8_t> junk(32, 1);
  p.auth = pdu::AuthVerifier{security::auth_type::kNtlm, 5, 0, 0, 7, {}, junk};
  auto sent = h_.send(p);
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(fault_status(sent[0]), pdu::status::kNcaProtoError);
  EXPECT_TRUE(h_.closed);
}

// The fragments of encoded PDUs, split by their frag_length.
std::vector<std::vector<std::uint8_t>> split_fragments(const std::vector<std::uint8_t>& bytes) {
  std::vector<std::vector<std::uint8_t>> out;
  for (std::size_t at = 0; at + 10 <= bytes.size();) {
    const std::size_t len = bytes[at + 8] | (bytes[at + 9] << 8);
    out.emplace_back(bytes.begin() + static_cast<std::ptrdiff_t>(at),
                     bytes.begin() + static_cast<std::ptrdiff_t>(at + len));
    at += len;
  }
  return out;
}

// CVE-2021-23192 and Windows' answer (raw_protocol
// test_ntlmssp_multi_auth_first1_lastSame111): a later fragment is verified
// under its call's security context, and what it says of its context and
// opnum is ignored; the first fragment's govern.
TEST_F(AuthHarness, LaterFragmentClaimsAreIgnoredAndItsSignatureChecked) {
  auto first_prot = authenticate(AuthLevel::integrity);
  ASSERT_TRUE(first_prot);
  // A second sealer of the same session, fresh: its second fragment carries
  // sequence number 1, the one the server expects after the first fragment.
  auto later_prot = client_->protection({{security::auth_type::kNtlm, AuthLevel::integrity, 7}, false,
                                         security::Role::initiator});
  ASSERT_TRUE(later_prot);
  const std::vector<std::uint8_t> stub(3000, 0x5a);
  std::vector<std::uint8_t> a;
  std::vector<std::uint8_t> b;
  ASSERT_TRUE(fragment_protected(h_.request(0, stub, 2), 2048, *first_prot, a));
  ASSERT_TRUE(fragment_protected(h_.request(3, stub, 2, 9), 2048, **later_prot, b));
  const auto fa = split_fragments(a);
  const auto fb = split_fragments(b);
  ASSERT_EQ(fa.size(), 2u);
  ASSERT_EQ(fb.size(), 2u);
  EXPECT_TRUE(h_.feed(fa[0]).empty());
  auto sent = h_.feed(fb[1]);  // opnum 3 and context 9: neither exists
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].ptype(), pdu::PType::response);
  EXPECT_FALSE(h_.closed);
}

// The same fragment, but signed out of sequence (the signature of another
// position), is refused with DCERPC_FAULT_SEC_PKG_ERROR for the call's context.
TEST_F(AuthHarness, LaterFragmentIsVerifiedUnderTheCallsContext) {
  auto prot = authenticate(AuthLevel::integrity);
  ASSERT_TRUE(prot);
  const std::vector<std::uint8_t> stub(3000, 0x5a);
  std::vector<std::uint8_t> bytes;
  ASSERT_TRUE(fragment_protected(h_.request(0, stub, 2), 2048, *prot, bytes));
  std::vector<std::uint8_t> again;
  ASSERT_TRUE(fragment_protected(h_.request(0, stub, 2), 2048, *prot, again));
  EXPECT_TRUE(h_.feed(split_fragments(bytes)[0]).empty());
  auto sent = h_.feed(split_fragments(again)[1]);  // sequence 3 where 1 is due
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(fault_status(sent[0]), pdu::status::kSecPkgError);
  EXPECT_EQ(sent[0].as<pdu::Fault>()->context_id, 0u);
  EXPECT_TRUE(h_.closed);
}

// test_ntlmssp_multi_auth_first1_lastSameNone: a later fragment without the
// verifier its call's level needs is a protocol error for the call's context.
TEST_F(AuthHarness, LaterFragmentWithoutVerifierIsAProtocolError) {
  auto prot = authenticate(AuthLevel::integrity);
  ASSERT_TRUE(prot);
  const std::vector<std::uint8_t> stub(3000, 0x5a);
  std::vector<std::uint8_t> bytes;
  ASSERT_TRUE(fragment_protected(h_.request(0, stub, 2), 2048, *prot, bytes));
  EXPECT_TRUE(h_.feed(split_fragments(bytes)[0]).empty());
  static const std::vector<std::uint8_t> rest(16, 1);
  auto last = h_.request(0, rest, 2, 5);
  last.header.pfc_flags = pdu::pfc::kLastFrag;
  auto sent = h_.send(last);
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(fault_status(sent[0]), pdu::status::kNcaProtoError);
  EXPECT_EQ(sent[0].as<pdu::Fault>()->context_id, 0u) << "the call's context, not the fragment's 5";
  EXPECT_TRUE(h_.closed);
}

// test_ntlmssp_auth_middle_*: without CONC_MPX a fragment that continues no
// call is a protocol error answered for context 0, before its verifier is read.
TEST_F(AuthHarness, MiddleFragmentWithoutCallIsAProtocolErrorForContextZero) {
  ASSERT_TRUE(authenticate(AuthLevel::integrity));
  static const std::vector<std::uint8_t> middle(16, 1);
  auto p = h_.request(0, middle, 3, 5);
  p.header.pfc_flags = 0;
  static const std::vector<std::uint8_t> sig(16, 0);
  p.auth = pdu::AuthVerifier{security::auth_type::kNtlm, 111, 0, 0, 111, {}, sig};
  auto sent = h_.send(p);
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(fault_status(sent[0]), pdu::status::kNcaProtoError);
  EXPECT_EQ(sent[0].as<pdu::Fault>()->context_id, 0u);
  EXPECT_FALSE(sent[0].header.has_flag(pdu::pfc::kDidNotExecute));
  EXPECT_TRUE(h_.closed);
}

TEST_F(AuthHarness, ConnectLevelServesPlainRequests) {
  authenticate(AuthLevel::connect);
  auto sent = h_.send(h_.request(0, std::vector<std::uint8_t>{1, 2, 3, 4}));
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].ptype(), pdu::PType::response);
  EXPECT_FALSE(sent[0].auth);
  // The bind authenticated the connection: the call is that context's.
  EXPECT_EQ(h_.echo->last_auth.auth_level, 2);
  EXPECT_EQ(h_.echo->last_auth.context_id, 7u);
  EXPECT_EQ(h_.echo->last_principal, "RAMPART\\alice");
}

TEST_F(AuthHarness, WrongPasswordAuth3LeavesTheConnectionRefusingRequests) {
  auto bad = security::GssCredential::password("RAMPART\\alice", "wrong", security::GssMech::ntlm);
  ASSERT_TRUE(bad);
  auto ctx = security::GssContext::initiator(std::make_shared<security::GssCredential>(std::move(*bad)),
                                             "host@localhost", false);
  ASSERT_TRUE(ctx);
  auto negotiate = ctx->step({});
  ASSERT_TRUE(negotiate);
  auto sent = h_.send(bind_with(negotiate->output, AuthLevel::integrity));
  ASSERT_EQ(sent.size(), 1u);
  auto challenge = std::vector<std::uint8_t>(sent[0].auth->auth_value.begin(), sent[0].auth->auth_value.end());
  auto authenticate = ctx->step(challenge);
  ASSERT_TRUE(authenticate);
  auto p = make_pdu(pdu::PType::auth3, pdu::Auth3{0});
  p.auth = pdu::AuthVerifier{security::auth_type::kNtlm, 5, 0, 0, 7, {}, authenticate->output};
  EXPECT_TRUE(h_.send(p).empty()) << "auth3 is never answered";
  sent = h_.send(h_.request(0, std::vector<std::uint8_t>{1, 2, 3, 4}));
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(fault_status(sent[0]), pdu::status::kAccessDenied);
  EXPECT_TRUE(h_.closed);
}

TEST_F(AuthHarness, UnknownAuthTypeIsNakReason8) {
  static const std::vector<std::uint8_t> token(16, 1);
  auto p = bind_with(token, AuthLevel::integrity);
  p.auth->auth_type = security::auth_type::kKerberos;
  auto sent = h_.send(p);
  ASSERT_EQ(sent.size(), 1u);
  ASSERT_EQ(sent[0].ptype(), pdu::PType::bind_nak);
  EXPECT_EQ(sent[0].as<pdu::BindNak>()->reason, pdu::RejectReason::authentication_type_not_recognized);
}

TEST_F(AuthHarness, ContextsPerConnectionAreCapped) {
  ServerLimits limits;
  limits.max_auth_contexts = 2;
  Harness small(limits);
  small.core.set_providers(h_.core.providers());
  small.assoc = small.make();
  auto client = std::move(*provider_->new_initiator("host@localhost", AuthLevel::integrity));
  auto negotiate = client->step({});
  ASSERT_TRUE(negotiate);
  auto bind = bind_with(negotiate->output, AuthLevel::integrity, 1);
  ASSERT_EQ(small.send(bind).at(0).ptype(), pdu::PType::bind_ack);
  for (std::uint32_t id = 2; id <= 3; ++id) {
    auto alter = make_pdu(pdu::PType::alter_context, pdu::AlterContext{h_.bind_body({{0, kEchoSyntax, {syntax::kNdr20}}})});
    alter.auth = pdu::AuthVerifier{security::auth_type::kNtlm, 5, 0, 0, id, {}, negotiate->output};
    auto sent = small.send(alter);
    ASSERT_EQ(sent.size(), 1u);
    if (id == 2) {
      EXPECT_EQ(sent[0].ptype(), pdu::PType::alter_context_resp) << "a second context is allowed";
    } else {
      EXPECT_EQ(fault_status(sent[0]), pdu::status::kNcaProtoError) << "the third exceeds the cap";
      EXPECT_TRUE(small.closed);
    }
  }
}

// C16: the provider step runs elsewhere; the paused connection holds its
// input, and another connection is served meanwhile.
TEST_F(AuthHarness, PausedConnectionHoldsInputWhileOthersAreServed) {
  std::deque<std::function<void()>> jobs;
  h_.core.auth_runner = [&](std::function<void()> job) {
    jobs.push_back(std::move(job));
    return true;
  };
  auto client = std::move(*provider_->new_initiator("host@localhost", AuthLevel::integrity));
  auto negotiate = client->step({});
  ASSERT_TRUE(negotiate);
  EXPECT_TRUE(h_.send(bind_with(negotiate->output, AuthLevel::integrity)).empty());
  EXPECT_TRUE(h_.assoc->step_outstanding());
  ASSERT_EQ(jobs.size(), 1u);
  // Pipelined while paused: held, not answered yet.
  EXPECT_TRUE(h_.send(h_.request(0, std::vector<std::uint8_t>{1, 2, 3, 4})).empty());

  auto other = h_.make();
  h_.bind_echo(other.get());
  auto served = h_.send(h_.request(0, std::vector<std::uint8_t>{9, 8}), other.get());
  ASSERT_EQ(served.size(), 1u);
  EXPECT_EQ(served[0].ptype(), pdu::PType::response);

  jobs.front()();
  jobs.pop_front();
  auto resumed = h_.run_posted();
  ASSERT_EQ(resumed.size(), 2u);
  EXPECT_EQ(resumed[0].ptype(), pdu::PType::bind_ack);
  // The held request was processed after the bind_ack: the exchange had
  // not completed, so it is refused (test_spnego_unfinished_request).
  EXPECT_EQ(fault_status(resumed[1]), pdu::status::kNcaProtoError);
  EXPECT_FALSE(h_.assoc->step_outstanding());
}

TEST_F(AuthHarness, FullProviderQueueRefusesTheBind) {
  h_.core.auth_runner = [](std::function<void()>) { return false; };
  auto client = std::move(*provider_->new_initiator("host@localhost", AuthLevel::integrity));
  auto negotiate = client->step({});
  auto sent = h_.send(bind_with(negotiate->output, AuthLevel::integrity));
  ASSERT_EQ(sent.size(), 1u);
  ASSERT_EQ(sent[0].ptype(), pdu::PType::bind_nak);
  EXPECT_EQ(sent[0].as<pdu::BindNak>()->reason, pdu::RejectReason::temporary_congestion);
}

}  // namespace
}  // namespace rampart::runtime::testing
