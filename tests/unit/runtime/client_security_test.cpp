// The client association authenticating with a real NTLM provider
// (gss-ntlmssp, temporary user file) against a scripted server that runs the
// acceptor side: bind/bind_ack/auth3, protected request fragments, verified
// response fragments, and each way a server can cheat ([MS-RPCE] 3.3.1.5.2).
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "rampart/pdu/verification_trailer.hpp"
#include "rampart/runtime/client_association.hpp"
#include "rampart/security/errc.hpp"

// gss-ntlmssp's known leak is suppressed by src/sanitizer_defaults.cpp,
// which every unit test program links.

namespace rampart::runtime {
namespace {

namespace ev = client_event;
namespace sec = security;

const SyntaxId kEpm{Uuid::parse("e1af8308-5d1f-11c9-91a4-08002b14a0fa").value(), 3, 0};

class ClientAuthTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("rampart-cauth-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
    std::ofstream(dir_ / "users") << "RAMPART:alice:Secret-Pass1\n";
    auto s = sec::GssCredential::ntlm_user_file(dir_ / "users", "host@localhost");
    auto c = sec::GssCredential::password("RAMPART\\alice", "Secret-Pass1", sec::GssMech::ntlm);
    ASSERT_TRUE(s && c);
    provider_ = sec::make_ntlm_provider(std::make_shared<sec::GssCredential>(std::move(*s)),
                                        std::make_shared<sec::GssCredential>(std::move(*c)));
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  ClientAuth auth(sec::AuthLevel level) { return {provider_, level, "host@localhost", 7, true, true}; }

  // The scripted server's view of what the client sent.
  static std::vector<std::vector<std::uint8_t>> split(const std::vector<std::uint8_t>& bytes) {
    std::vector<std::vector<std::uint8_t>> out;
    const auto pieces = pdu::split_pdus(bytes).value();
    for (auto piece : pieces) out.emplace_back(piece.begin(), piece.end());
    return out;
  }

  // Binds; the server echoes header signing unless told otherwise. Returns
  // the events of the bind_ack.
  std::vector<ClientEvent> bind(sec::AuthLevel level, bool echo_header_sign = true) {
    EXPECT_TRUE(client_.use_auth(auth(level)));
    Output out;
    const ClientContext ctx{0, kEpm, {syntax::kNdr20}};
    EXPECT_TRUE(client_.begin_bind(std::span(&ctx, 1), out));
    auto bind = pdu::decode(out.send).value();
    EXPECT_TRUE(bind.header.has_flag(pdu::pfc::kSupportHeaderSign));
    EXPECT_EQ(bind.auth->auth_type, sec::auth_type::kNtlm);
    acceptor_ = provider_->new_acceptor().value();
    auto challenge = acceptor_->step(std::vector<std::uint8_t>(bind.auth->auth_value.begin(), bind.auth->auth_value.end())).value();
    pdu::Pdu ack;
    ack.header.ptype = pdu::PType::bind_ack;
    ack.header.pfc_flags = pdu::pfc::kFirstLast | (echo_header_sign ? pdu::pfc::kSupportHeaderSign : 0);
    ack.header.call_id = bind.header.call_id;
    ack.body = pdu::BindAck{5840, 5840, 0x1234, "135", {{pdu::ContextResult::acceptance, 0, syntax::kNdr20}}};
    ack.auth = pdu::AuthVerifier{sec::auth_type::kNtlm, static_cast<std::uint8_t>(level), 0, 0, 7, {}, challenge.output};
    std::vector<ClientEvent> events;
    client_.on_bytes(pdu::encode(ack), events);
    for (auto& e : events) {
      if (auto* s = std::get_if<ev::Send>(&e)) {
        auto a3 = pdu::decode(s->bytes).value();
        EXPECT_EQ(a3.ptype(), pdu::PType::auth3);
        auto done = acceptor_->step(std::vector<std::uint8_t>(a3.auth->auth_value.begin(), a3.auth->auth_value.end()));
        EXPECT_TRUE(done && done->status == sec::StepStatus::complete);
        server_prot_ = acceptor_->protection({{sec::auth_type::kNtlm, level, 7}, true, sec::Role::acceptor}).value();
      }
    }
    return events;
  }

  // A protected response fragment from the server.
  std::vector<std::uint8_t> response(std::uint32_t call_id, const std::vector<std::uint8_t>& stub,
                                     sec::AuthLevel level, sec::PduProtection& prot,
                                     std::uint8_t flags = pdu::pfc::kFirstLast) {
    pdu::Pdu r;
    r.header.ptype = pdu::PType::response;
    r.header.pfc_flags = flags;
    r.header.call_id = call_id;
    r.body = pdu::Response{static_cast<std::uint32_t>(stub.size()), 0, 0, 0, stub};
    auto bytes = pdu::encode(r);
    sec::append_auth_trailer(bytes, 24, {sec::auth_type::kNtlm, static_cast<std::uint8_t>(level), 0, 0, 7}, 16);
    EXPECT_TRUE(prot.protect(bytes, 24));
    return bytes;
  }

  std::uint32_t call(const std::vector<std::uint8_t>& stub, std::vector<std::uint8_t>& plain_stub,
                     sec::AuthLevel level) {
    Output out;
    auto id = client_.begin_call({std::nullopt, 0, 3, std::nullopt, stub}, out);
    EXPECT_TRUE(id);
    plain_stub.clear();
    for (auto& frag : split(out.send)) {
      EXPECT_LE(frag.size(), client_.max_xmit_frag());
      if (stub.size() >= 16 && plain_stub.empty()) {
        // On the wire the stub is in clear below privacy and sealed at it.
        const bool clear = std::equal(stub.begin(), stub.begin() + 16, frag.begin() + 24);
        EXPECT_EQ(clear, level != sec::AuthLevel::privacy);
      }
      auto l = server_prot_->unprotect(frag, 24);
      EXPECT_TRUE(l) << l.error().to_string();
      if (!l) break;
      plain_stub.insert(plain_stub.end(), frag.begin() + 24, frag.begin() + 24 + l->stub_length);
    }
    return id.value_or(0);
  }

  std::filesystem::path dir_;
  std::shared_ptr<sec::SecurityProvider> provider_;
  std::unique_ptr<sec::SecurityContext> acceptor_;
  std::unique_ptr<sec::PduProtection> server_prot_;
  ClientAssociation client_;
};

template <class E>
const E* find(const std::vector<ClientEvent>& events) {
  for (const auto& e : events)
    if (const auto* x = std::get_if<E>(&e)) return x;
  return nullptr;
}

TEST_F(ClientAuthTest, NtlmBindAuth3ThenProtectedCallsBothWays) {
  for (auto level : {sec::AuthLevel::integrity, sec::AuthLevel::privacy}) {
    SCOPED_TRACE(static_cast<int>(level));
    client_ = ClientAssociation();
    auto events = bind(level);
    ASSERT_TRUE(find<ev::Send>(events));
    ASSERT_TRUE(find<ev::Bound>(events));
    ASSERT_TRUE(client_.security()->established());
    ASSERT_TRUE(client_.security()->header_sign());
    for (std::size_t n : {0U, 5U, 300U, 12000U}) {  // 12000: several fragments
      std::vector<std::uint8_t> stub(n);
      for (std::size_t i = 0; i < n; ++i) stub[i] = static_cast<std::uint8_t>(i * 13);
      std::vector<std::uint8_t> got;
      const auto id = call(stub, got, level);
      // The server sees the stub followed by the verification trailer.
      ASSERT_GE(got.size(), n);
      EXPECT_TRUE(std::equal(stub.begin(), stub.end(), got.begin()));
      auto vt = pdu::find_verification_trailer(got, Drep::little());
      ASSERT_TRUE(vt && *vt);
      EXPECT_EQ((*vt)->offset, n + (4 - n % 4) % 4);
      const std::vector<std::uint8_t> reply{1, 2, 3, 4, 5, 6, 7, 8};
      std::vector<ClientEvent> done;
      client_.on_bytes(response(id, reply, level, *server_prot_), done);
      const auto* c = find<ev::CallCompleted>(done);
      ASSERT_TRUE(c) << (find<ev::ProtocolError>(done) ? find<ev::ProtocolError>(done)->error.to_string() : "");
      EXPECT_EQ(c->stub, reply);
    }
  }
}

TEST_F(ClientAuthTest, EveryResponseFragmentIsVerified) {
  ASSERT_TRUE(find<ev::Bound>(bind(sec::AuthLevel::privacy)));
  std::vector<std::uint8_t> got;
  const auto id = call({1, 2, 3}, got, sec::AuthLevel::privacy);
  const std::vector<std::uint8_t> first(32, 0xab), second{1, 2, 3, 4, 5};
  auto f1 = response(id, first, sec::AuthLevel::privacy, *server_prot_, pdu::pfc::kFirstFrag);
  auto f2 = response(id, second, sec::AuthLevel::privacy, *server_prot_, pdu::pfc::kLastFrag);
  std::vector<ClientEvent> done;
  client_.on_bytes(f1, done);
  EXPECT_TRUE(done.empty());
  f2[30] ^= 0x01;  // the second fragment's sealed stub
  client_.on_bytes(f2, done);
  const auto* e = find<ev::ProtocolError>(done);
  ASSERT_TRUE(e);
  EXPECT_TRUE(e->error.is(ClientErrc::auth_failed)) << e->error.to_string();

  client_ = ClientAssociation();
  ASSERT_TRUE(find<ev::Bound>(bind(sec::AuthLevel::privacy)));
  const auto id2 = call({1, 2, 3}, got, sec::AuthLevel::privacy);
  done.clear();
  client_.on_bytes(response(id2, first, sec::AuthLevel::privacy, *server_prot_, pdu::pfc::kFirstFrag), done);
  client_.on_bytes(response(id2, second, sec::AuthLevel::privacy, *server_prot_, pdu::pfc::kLastFrag), done);
  const auto* c = find<ev::CallCompleted>(done);
  ASSERT_TRUE(c);
  std::vector<std::uint8_t> want = first;
  want.insert(want.end(), second.begin(), second.end());
  EXPECT_EQ(c->stub, want);
}

TEST_F(ClientAuthTest, HeaderSigningNotEchoedIsADowngrade) {
  auto events = bind(sec::AuthLevel::integrity, false);
  const auto* e = find<ev::ProtocolError>(events);
  ASSERT_TRUE(e);
  EXPECT_TRUE(e->error.is(ClientErrc::auth_downgrade)) << e->error.to_string();
  EXPECT_EQ(client_.state(), ClientAssociation::State::closed);
}

TEST_F(ClientAuthTest, UnsignedTamperedAndReplayedResponsesAreRefused) {
  const std::vector<std::uint8_t> reply{9, 9, 9, 9};
  for (int mode = 0; mode < 3; ++mode) {
    SCOPED_TRACE(mode);
    client_ = ClientAssociation();
    ASSERT_TRUE(find<ev::Bound>(bind(sec::AuthLevel::privacy)));
    std::vector<std::uint8_t> got;
    const auto id = call({1, 2, 3}, got, sec::AuthLevel::privacy);
    std::vector<std::uint8_t> bytes;
    if (mode == 0) {  // a response in clear
      pdu::Pdu r;
      r.header.ptype = pdu::PType::response;
      r.header.call_id = id;
      r.body = pdu::Response{4, 0, 0, 0, reply};
      bytes = pdu::encode(r);
    } else {
      bytes = response(id, reply, sec::AuthLevel::privacy, *server_prot_);
      if (mode == 1) bytes[26] ^= 0x40;  // a sealed stub octet
    }
    std::vector<ClientEvent> done;
    client_.on_bytes(bytes, done);
    if (mode == 2) {  // first one good, then the same bytes again for a second call
      ASSERT_TRUE(find<ev::CallCompleted>(done));
      const auto id2 = call({4}, got, sec::AuthLevel::privacy);
      auto again = bytes;
      again[12] = static_cast<std::uint8_t>(id2);
      done.clear();
      client_.on_bytes(again, done);
    }
    const auto* e = find<ev::ProtocolError>(done);
    ASSERT_TRUE(e);
    EXPECT_TRUE(e->error.is(mode == 0 ? ClientErrc::auth_downgrade : ClientErrc::auth_failed)) << e->error.to_string();
    EXPECT_FALSE(find<ev::CallCompleted>(done) && mode != 2);
  }
}

TEST_F(ClientAuthTest, BindAckInAnotherLevelIsRefused) {
  ASSERT_TRUE(client_.use_auth(auth(sec::AuthLevel::privacy)));
  Output out;
  const ClientContext ctx{0, kEpm, {syntax::kNdr20}};
  ASSERT_TRUE(client_.begin_bind(std::span(&ctx, 1), out));
  auto bind = pdu::decode(out.send).value();
  auto acc = provider_->new_acceptor().value();
  auto challenge = acc->step(std::vector<std::uint8_t>(bind.auth->auth_value.begin(), bind.auth->auth_value.end())).value();
  pdu::Pdu ack;
  ack.header.ptype = pdu::PType::bind_ack;
  ack.header.pfc_flags = pdu::pfc::kFirstLast | pdu::pfc::kSupportHeaderSign;
  ack.header.call_id = bind.header.call_id;
  ack.body = pdu::BindAck{5840, 5840, 1, "135", {{pdu::ContextResult::acceptance, 0, syntax::kNdr20}}};
  ack.auth = pdu::AuthVerifier{sec::auth_type::kNtlm, 5, 0, 0, 7, {}, challenge.output};
  std::vector<ClientEvent> events;
  client_.on_bytes(pdu::encode(ack), events);
  const auto* e = find<ev::ProtocolError>(events);
  ASSERT_TRUE(e);
  EXPECT_TRUE(e->error.is(ClientErrc::auth_downgrade)) << e->error.to_string();
}

TEST_F(ClientAuthTest, WrongPasswordFailsAtTheServer) {
  auto c = sec::GssCredential::password("RAMPART\\alice", "wrong", sec::GssMech::ntlm);
  ASSERT_TRUE(c);
  provider_ = sec::make_ntlm_provider(nullptr, std::make_shared<sec::GssCredential>(std::move(*c)));
  auto s = sec::GssCredential::ntlm_user_file(dir_ / "users", "host@localhost");
  auto server = sec::make_ntlm_provider(std::make_shared<sec::GssCredential>(std::move(*s)), nullptr);
  ASSERT_TRUE(client_.use_auth(auth(sec::AuthLevel::integrity)));
  Output out;
  const ClientContext ctx{0, kEpm, {syntax::kNdr20}};
  ASSERT_TRUE(client_.begin_bind(std::span(&ctx, 1), out));
  auto bind = pdu::decode(out.send).value();
  auto acc = server->new_acceptor().value();
  auto challenge = acc->step(std::vector<std::uint8_t>(bind.auth->auth_value.begin(), bind.auth->auth_value.end())).value();
  pdu::Pdu ack;
  ack.header.ptype = pdu::PType::bind_ack;
  ack.header.pfc_flags = pdu::pfc::kFirstLast | pdu::pfc::kSupportHeaderSign;
  ack.header.call_id = bind.header.call_id;
  ack.body = pdu::BindAck{5840, 5840, 1, "135", {{pdu::ContextResult::acceptance, 0, syntax::kNdr20}}};
  ack.auth = pdu::AuthVerifier{sec::auth_type::kNtlm, 5, 0, 0, 7, {}, challenge.output};
  std::vector<ClientEvent> events;
  client_.on_bytes(pdu::encode(ack), events);
  const auto* s3 = find<ev::Send>(events);
  ASSERT_TRUE(s3);
  auto a3 = pdu::decode(s3->bytes).value();
  EXPECT_FALSE(acc->step(std::vector<std::uint8_t>(a3.auth->auth_value.begin(), a3.auth->auth_value.end())));
}

}  // namespace
}  // namespace rampart::runtime
