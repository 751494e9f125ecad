// The authenticated probes: each one is the signed ept_lookup of the
// preamble's control call with exactly the field it names changed, and
// runs only with credentials, after the authenticated bind.
#include <gtest/gtest.h>

#include "auth_session.hpp"
#include "catalogue.hpp"
#include "rampart/pdu/pdu.hpp"
#include "rampart/security/auth_trailer.hpp"

namespace rampart::probe {
namespace {

constexpr std::uint32_t kProbeCallId = 0x5c5;
const Session kSession{5840, 5840, 0x1234};

std::vector<wire::Octets> build(std::string_view id) {
  const Probe* p = find_probe(id);
  EXPECT_NE(p, nullptr) << id;
  return p ? p->build(kSession) : std::vector<wire::Octets>{};
}

// The offsets at which `a` and `b` (of one size) differ.
std::vector<std::size_t> differences(const wire::Octets& a, const wire::Octets& b) {
  EXPECT_EQ(a.size(), b.size());
  std::vector<std::size_t> out;
  for (std::size_t i = 0; i < std::min(a.size(), b.size()); ++i)
    if (a[i] != b[i]) out.push_back(i);
  return out;
}

TEST(Auth, EveryAuthProbeNeedsCredentialsAndTheBind) {
  std::size_t n = 0;
  for (const auto& p : catalogue()) {
    if (!p.needs_auth) continue;
    ++n;
    EXPECT_TRUE(p.after_bind) << p.id;
    EXPECT_FALSE(p.needs_dcom) << p.id;
  }
  EXPECT_EQ(n, 4u);
}

TEST(Auth, TheControlCallIsAWellFormedSignedRequest) {
  const auto base = signed_lookup(kSession, kProbeCallId);
  const auto p = pdu::decode(base);
  ASSERT_TRUE(p);
  ASSERT_NE(p->as<pdu::Request>(), nullptr);
  ASSERT_TRUE(p->auth);
  EXPECT_EQ(p->auth->auth_level, static_cast<std::uint8_t>(security::AuthLevel::integrity));
  EXPECT_EQ(p->auth->auth_context_id, 1u);
  EXPECT_EQ(p->auth->auth_value.size(), 16u);  // NTLMSSP_MESSAGE_SIGNATURE
}

TEST(Auth, EachProbeChangesOnlyWhatItNames) {
  const auto base = signed_lookup(kSession, kProbeCallId);
  const auto trailer = base.size() - 16 - security::kSecTrailerSize;

  const auto other = build("c5.request-other-auth-context");
  ASSERT_EQ(other.size(), 1u);
  EXPECT_EQ(differences(base, other[0]), std::vector<std::size_t>{trailer + 4});  // auth_context_id 1 -> 2
  EXPECT_EQ(pdu::decode(other[0])->auth->auth_context_id, 2u);

  const auto tampered = build("c17.tampered-signature");
  ASSERT_EQ(tampered.size(), 1u);
  EXPECT_EQ(differences(base, tampered[0]), std::vector<std::size_t>{base.size() - 5});  // in the checksum

  const auto empty = signed_lookup(kSession, kProbeCallId, 0, true);
  const auto pad = build("c4.auth-pad-over-stub");
  ASSERT_EQ(pad.size(), 1u);
  const auto empty_trailer = empty.size() - 16 - security::kSecTrailerSize;
  EXPECT_EQ(differences(empty, pad[0]), std::vector<std::size_t>{empty_trailer + 2});
  EXPECT_EQ(pad[0][empty_trailer + 2], 8);
  EXPECT_TRUE(pdu::decode(empty));
  EXPECT_FALSE(pdu::decode(pad[0]));  // our own decoder refuses the pad before the stub
}

TEST(Auth, SecondAuth3IsAnAuth3ThenTheControlRequest) {
  const auto pdus = build("c17.second-auth3");
  ASSERT_EQ(pdus.size(), 2u);
  const auto a = pdu::decode(pdus[0]);
  ASSERT_TRUE(a);
  EXPECT_NE(a->as<pdu::Auth3>(), nullptr);
  EXPECT_EQ(a->header.call_id, 1u);  // the bind's ([MS-RPCE] 2.2.2.10)
  EXPECT_EQ(pdus[1], signed_lookup(kSession, kProbeCallId));
}

}  // namespace
}  // namespace rampart::probe
