// In-process NTLM exchange between a GSSAPI initiator and acceptor through
// gss-ntlmssp, with a temporary user file; then Rampart's NTLM sealer on
// both sides, keyed from the session keys GSSAPI exported.
#include "rampart/security/gss_context.hpp"

#include <gssapi/gssapi.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "rampart/security/errc.hpp"
#include "rampart/security/keytab.hpp"
#include "rampart/security/ntlm_sealer.hpp"

// gss-ntlmssp 1.2 leaks the OpenSSL digests it fetches on every exchange;
// every unit test program links src/sanitizer_defaults.cpp, which suppresses
// that leak by frame in the ASan build.

namespace rampart::security {
namespace {

class GssNtlm : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("rampart-gss-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
    users_ = dir_ / "users";
    std::ofstream(users_) << "RAMPART:alice:Secret-Pass1\n";
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  struct Outcome {
    Result<void> result;
    std::optional<GssContext> client;
    std::optional<GssContext> server;
  };

  // Runs the exchange until both sides complete or one fails.
  Outcome exchange(const std::string& password) {
    auto server_cred = GssCredential::ntlm_user_file(users_, "host@localhost");
    if (!server_cred) return {std::unexpected(server_cred.error()), {}, {}};
    auto client_cred = GssCredential::password("RAMPART\\alice", password, GssMech::ntlm);
    if (!client_cred) return {std::unexpected(client_cred.error()), {}, {}};
    auto server = GssContext::acceptor(std::make_shared<GssCredential>(std::move(*server_cred)));
    auto client = GssContext::initiator(std::make_shared<GssCredential>(std::move(*client_cred)),
                                        "host@localhost", true);
    if (!client) return {std::unexpected(client.error()), {}, {}};
    std::vector<std::uint8_t> token;
    for (int leg = 0; leg < 6 && !(client->complete() && server.complete()); ++leg) {
      GssContext& side = leg % 2 == 0 ? *client : server;
      if (side.complete()) break;
      auto s = side.step(token);
      if (!s) {
        status_ = side.last_status();
        return {std::unexpected(s.error()), std::move(*client), std::move(server)};
      }
      token = std::move(s->output);
    }
    return {{}, std::move(*client), std::move(server)};
  }

  std::string status_;
  std::filesystem::path dir_;
  std::filesystem::path users_;
};

TEST_F(GssNtlm, ExchangeCompletesWithMatchingSessionKeys) {
  auto o = exchange("Secret-Pass1");
  ASSERT_TRUE(o.result) << o.result.error().to_string() << " " << status_;
  ASSERT_TRUE(o.client->complete());
  ASSERT_TRUE(o.server->complete());
  auto ck = o.client->session_key();
  auto sk = o.server->session_key();
  ASSERT_TRUE(ck) << ck.error().to_string();
  ASSERT_TRUE(sk) << sk.error().to_string();
  EXPECT_EQ(*ck, *sk);
  EXPECT_NE(*ck, Bytes16{});
  EXPECT_NE(o.server->source_name().find("alice"), std::string::npos) << o.server->source_name();
  EXPECT_EQ(o.server->source_name().find('\0'), std::string::npos) << "no NUL in what is logged";
  // Both sides read the same negotiated flags from the AUTHENTICATE message.
  ASSERT_TRUE(o.client->ntlm_flags());
  ASSERT_TRUE(o.server->ntlm_flags());
  EXPECT_EQ(*o.client->ntlm_flags(), *o.server->ntlm_flags());
  EXPECT_TRUE(*o.server->ntlm_flags() & ntlm_flag::kSeal);
}

TEST_F(GssNtlm, SealersKeyedFromGssInteroperate) {
  auto o = exchange("Secret-Pass1");
  ASSERT_TRUE(o.result) << o.result.error().to_string() << " " << status_;
  auto client = NtlmSealer::create(o.client->session_key().value(), *o.client->ntlm_flags(),
                                   NtlmRole::client);
  auto server = NtlmSealer::create(o.server->session_key().value(), *o.server->ntlm_flags(),
                                   NtlmRole::server);
  ASSERT_TRUE(client && server);
  const std::vector<std::uint8_t> message = {'e', 'p', 't', '_', 'm', 'a', 'p', 0, 1, 2, 3};
  auto data = message;
  auto sig = client->seal(data, message);
  ASSERT_TRUE(sig);
  EXPECT_NE(data, message);
  auto r = server->unseal(data, data, *sig);
  ASSERT_TRUE(r) << r.error().to_string();
  EXPECT_EQ(data, message);
  auto reply = server->sign(message);
  ASSERT_TRUE(reply);
  EXPECT_TRUE(client->verify(message, *reply));
}

TEST_F(GssNtlm, SealerInteroperatesWithGssNtlmsspWrap) {
  // gss-ntlmssp's gss_wrap is [MS-NLMP] SEAL over one buffer, laid out as
  // the 16-octet signature followed by the sealed data. Opening it with
  // Rampart's sealer, and the reverse, checks keys, RC4 order and signature
  // layout against an independent implementation.
  auto o = exchange("Secret-Pass1");
  ASSERT_TRUE(o.result) << o.result.error().to_string();
  auto server = NtlmSealer::create(o.server->session_key().value(), *o.server->ntlm_flags(),
                                   NtlmRole::server);
  ASSERT_TRUE(server);
  const std::string text = "request stub sealed by gss-ntlmssp";
  OM_uint32 minor = 0;
  gss_buffer_desc in{text.size(), const_cast<char*>(text.data())};
  gss_buffer_desc out = GSS_C_EMPTY_BUFFER;
  int conf = 0;
  ASSERT_EQ(gss_wrap(&minor, static_cast<gss_ctx_id_t>(o.client->native_handle()), 1,
                     GSS_C_QOP_DEFAULT, &in, &conf, &out),
            GSS_S_COMPLETE);
  ASSERT_EQ(conf, 1);
  ASSERT_EQ(out.length, text.size() + kNtlmSignatureSize);
  const auto* bytes = static_cast<const std::uint8_t*>(out.value);
  std::vector<std::uint8_t> sig(bytes, bytes + kNtlmSignatureSize);
  std::vector<std::uint8_t> data(bytes + kNtlmSignatureSize, bytes + out.length);
  gss_release_buffer(&minor, &out);
  auto r = server->unseal(data, data, sig);
  ASSERT_TRUE(r) << r.error().to_string();
  EXPECT_EQ(std::string(data.begin(), data.end()), text);

  // And back: Rampart seals as the server, gss_unwrap opens it.
  const std::string reply = "response stub sealed by rampart";
  std::vector<std::uint8_t> sealed(reply.begin(), reply.end());
  auto rsig = server->seal(sealed, sealed);
  ASSERT_TRUE(rsig);
  std::vector<std::uint8_t> token(rsig->begin(), rsig->end());
  token.insert(token.end(), sealed.begin(), sealed.end());
  gss_buffer_desc tin{token.size(), token.data()};
  gss_buffer_desc plain = GSS_C_EMPTY_BUFFER;
  ASSERT_EQ(gss_unwrap(&minor, static_cast<gss_ctx_id_t>(o.client->native_handle()), &tin, &plain,
                       &conf, nullptr),
            GSS_S_COMPLETE);
  EXPECT_EQ(std::string(static_cast<const char*>(plain.value), plain.length), reply);
  gss_release_buffer(&minor, &plain);
  // A flipped bit in Rampart's output is refused by gss-ntlmssp too.
  auto sealed2 = std::vector<std::uint8_t>(reply.begin(), reply.end());
  auto sig2 = server->seal(sealed2, sealed2);
  ASSERT_TRUE(sig2);
  std::vector<std::uint8_t> token2(sig2->begin(), sig2->end());
  token2.insert(token2.end(), sealed2.begin(), sealed2.end());
  token2.back() ^= 0x01;
  gss_buffer_desc tin2{token2.size(), token2.data()};
  EXPECT_NE(gss_unwrap(&minor, static_cast<gss_ctx_id_t>(o.client->native_handle()), &tin2,
                       &plain, &conf, nullptr),
            GSS_S_COMPLETE);
}

TEST_F(GssNtlm, WrongPasswordFails) {
  auto o = exchange("wrong-password");
  ASSERT_FALSE(o.result);
  EXPECT_TRUE(o.result.error().is(Errc::gss_failure));
  ASSERT_TRUE(o.server);
  EXPECT_FALSE(o.server->complete());
  EXPECT_FALSE(o.server->session_key());
}

TEST_F(GssNtlm, UnknownUserFails) {
  std::ofstream(users_) << "RAMPART:bob:Secret-Pass1\n";
  auto o = exchange("Secret-Pass1");
  ASSERT_FALSE(o.result);
  EXPECT_FALSE(o.server && o.server->complete());
}

TEST_F(GssNtlm, GarbageTokensDoNotComplete) {
  auto cred = GssCredential::ntlm_user_file(users_, "host@localhost");
  ASSERT_TRUE(cred) << cred.error().to_string();
  auto shared = std::make_shared<GssCredential>(std::move(*cred));
  const std::vector<std::vector<std::uint8_t>> junk = {
      {},
      {'N', 'T', 'L', 'M', 'S', 'S', 'P', 0, 3, 0, 0, 0},  // AUTHENTICATE first, truncated
      std::vector<std::uint8_t>(4096, 0xff),
  };
  for (const auto& t : junk) {
    auto ctx = GssContext::acceptor(shared);
    auto s = ctx.step(t);
    EXPECT_FALSE(s && s->complete);
    EXPECT_FALSE(ctx.session_key());
    if (!s) {
      // A failed context refuses further steps.
      EXPECT_FALSE(ctx.step(t));
    }
  }
}


// A version 0x0502 keytab (MIT's file format, big-endian) with one AES-256
// key for host/localhost@RAMPART.TEST; the key itself is arbitrary.
void write_keytab(const std::filesystem::path& file) {
  std::vector<std::uint8_t> entry;
  auto u16 = [&](std::uint16_t v) {
    entry.push_back(static_cast<std::uint8_t>(v >> 8));
    entry.push_back(static_cast<std::uint8_t>(v));
  };
  auto u32 = [&](std::uint32_t v) {
    u16(static_cast<std::uint16_t>(v >> 16));
    u16(static_cast<std::uint16_t>(v));
  };
  auto str = [&](const std::string& v) {
    u16(static_cast<std::uint16_t>(v.size()));
    entry.insert(entry.end(), v.begin(), v.end());
  };
  u16(2);  // components
  str("RAMPART.TEST");
  str("host");
  str("localhost");
  u32(1);  // KRB5_NT_PRINCIPAL
  u32(0);  // timestamp
  entry.push_back(1);  // kvno
  u16(18);             // aes256-cts-hmac-sha1-96
  u16(32);
  entry.insert(entry.end(), 32, 0x42);
  std::ofstream out(file, std::ios::binary);
  const std::uint8_t head[] = {0x05, 0x02};
  out.write(reinterpret_cast<const char*>(head), 2);
  const std::uint32_t n = static_cast<std::uint32_t>(entry.size());
  const std::uint8_t size[] = {static_cast<std::uint8_t>(n >> 24), static_cast<std::uint8_t>(n >> 16),
                               static_cast<std::uint8_t>(n >> 8), static_cast<std::uint8_t>(n)};
  out.write(reinterpret_cast<const char*>(size), 4);
  out.write(reinterpret_cast<const char*>(entry.data()), static_cast<std::streamsize>(entry.size()));
}

TEST_F(GssNtlm, KeytabCredentials) {
  const auto keytab = dir_ / "service.keytab";
  write_keytab(keytab);
  auto cred = GssCredential::keytab(keytab);
  ASSERT_TRUE(cred) << cred.error().to_string();
  EXPECT_EQ(cred->mech(), GssMech::kerberos);
  // An empty keytab holds no service key to accept with.
  const auto empty = dir_ / "empty.keytab";
  std::ofstream(empty, std::ios::binary).write("\x05\x02", 2);
  EXPECT_FALSE(GssCredential::keytab(empty));
  EXPECT_FALSE(GssCredential::keytab(dir_ / "missing.keytab"));
}

TEST_F(GssNtlm, KeytabPrincipalsAndTheServices) {
  const auto keytab = dir_ / "service.keytab";
  write_keytab(keytab);
  auto names = keytab_principals(keytab);
  ASSERT_TRUE(names) << names.error().to_string();
  EXPECT_EQ(*names, std::vector<std::string>{"host/localhost@RAMPART.TEST"});
  const auto empty = dir_ / "empty.keytab";
  std::ofstream(empty, std::ios::binary).write("\x05\x02", 2);
  EXPECT_FALSE(keytab_principals(empty));
  EXPECT_FALSE(keytab_principals(dir_ / "missing.keytab"));
  // "host@name" is host/name@REALM; another service falls back to the first principal.
  const std::vector<std::string> two{"cifs/a@R", "host/b@R", "host/bb@R"};
  EXPECT_EQ(principal_for_service(two, "host@bb"), "host/bb@R");
  EXPECT_EQ(principal_for_service(two, "host@b"), "host/b@R");
  EXPECT_EQ(principal_for_service(two, "http@c"), "cifs/a@R");
  EXPECT_EQ(principal_for_service({}, "host@b"), "");
  EXPECT_TRUE(is_service_principal("host/b@R", "host@b"));
  EXPECT_FALSE(is_service_principal("host/bb@R", "host@b"));
  EXPECT_FALSE(is_service_principal("host/b@", "host@b"));
  EXPECT_FALSE(is_service_principal("host/b@R", "host"));
}

}  // namespace
}  // namespace rampart::security
