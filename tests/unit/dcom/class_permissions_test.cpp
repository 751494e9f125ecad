// Launch and access lists: the entry forms, how principals match them, and
// the per-class overrides of the defaults.
#include "rampart/dcom/class_permissions.hpp"

#include <gtest/gtest.h>

#include "rampart/runtime/association_group.hpp"

namespace rampart::dcom {
namespace {

const Uuid kEcho = Uuid::from_string("7f1b2c3d-0a4e-4c5f-9d6e-2b8a1c0e5f01");
const Uuid kOther = Uuid::from_string("11111111-2222-3333-4444-555555555555");

PermissionList list(const std::vector<std::string>& entries) { return PermissionList::parse(entries).value(); }

std::string error_of(std::string_view entry) {
  const auto p = parse_principal_pattern(entry);
  return p ? std::string("accepted") : p.error();
}

TEST(PermissionList, ExactNamesMatchWholeNamesWithoutRegardToCase) {
  const auto l = list({"RAMPART\\alice", "carol@EXAMPLE.ORG"});
  EXPECT_TRUE(l.admits("RAMPART\\alice"));
  EXPECT_TRUE(l.admits("rampart\\ALICE"));
  EXPECT_TRUE(l.admits("Carol@example.org"));
  EXPECT_FALSE(l.admits("RAMPART\\bob"));
  EXPECT_FALSE(l.admits("RAMPART\\alice2"));
  EXPECT_FALSE(l.admits("OTHER\\alice"));
  EXPECT_FALSE(l.admits("alice"));
  EXPECT_FALSE(l.admits("carol@EXAMPLE.ORG.evil"));
  EXPECT_FALSE(l.admits(""));  // unauthenticated: no principal
  // Only ASCII letters fold: a non-ASCII name matches exactly.
  const auto u = list({"RAMPART\\j\xc3\xb6rg"});
  EXPECT_TRUE(u.admits("rampart\\J\xc3\xb6RG"));
  EXPECT_FALSE(u.admits("RAMPART\\j\xc3\x96rg"));
}

TEST(PermissionList, DomainAndRealmWildcardsAdmitEveryAccountOfTheirScope) {
  const auto d = list({"RAMPART\\*"});
  EXPECT_TRUE(d.admits("RAMPART\\alice"));
  EXPECT_TRUE(d.admits("rampart\\bob"));
  EXPECT_FALSE(d.admits("RAMPART\\"));  // no account
  EXPECT_FALSE(d.admits("RAMPARTX\\alice"));
  EXPECT_FALSE(d.admits("X\\RAMPART\\alice"));
  EXPECT_FALSE(d.admits("alice@RAMPART"));
  EXPECT_FALSE(d.admits(""));
  const auto r = list({"*@EXAMPLE.ORG"});
  EXPECT_TRUE(r.admits("alice@EXAMPLE.ORG"));
  EXPECT_TRUE(r.admits("host/box.example.org@example.org"));
  EXPECT_FALSE(r.admits("@EXAMPLE.ORG"));  // no account
  EXPECT_FALSE(r.admits("alice@SUB.EXAMPLE.ORG"));
  EXPECT_FALSE(r.admits("alice@EXAMPLE.ORGX"));
  EXPECT_FALSE(r.admits("EXAMPLE.ORG\\alice"));
}

TEST(PermissionList, StarAdmitsEveryCallerAndAnEmptyListNoOne) {
  EXPECT_TRUE(PermissionList::any().admits("RAMPART\\alice"));
  EXPECT_TRUE(PermissionList::any().admits(""));  // the floor alone decides
  EXPECT_EQ(list({"*"}), PermissionList::any());
  const auto none = list({});
  EXPECT_FALSE(none.admits("RAMPART\\alice"));
  EXPECT_FALSE(none.admits(""));
}

TEST(PermissionList, BadEntriesAreRefusedWithTheirReason) {
  EXPECT_EQ(error_of("RAMPART\\alice"), "accepted");
  EXPECT_EQ(error_of(""), "a permission entry is empty");
  EXPECT_EQ(error_of("alice"),
            "permission entry 'alice' must be \"*\", DOMAIN\\user, user@REALM, DOMAIN\\* or *@REALM");
  EXPECT_EQ(error_of("\\alice"), "permission entry '\\alice' names no domain");
  EXPECT_EQ(error_of("RAMPART\\"), "permission entry 'RAMPART\\' names no account");
  EXPECT_EQ(error_of("@REALM"), "permission entry '@REALM' names no account");
  EXPECT_EQ(error_of("alice@"), "permission entry 'alice@' names no realm");
  EXPECT_EQ(error_of("A\\B\\c"), "permission entry 'A\\B\\c' holds more than one '\\'");
  EXPECT_EQ(error_of("RAMPART\\al*"), "permission entry 'RAMPART\\al*': '*' stands only for a whole account or entry");
  EXPECT_EQ(error_of("*\\alice"), "permission entry '*\\alice': '*' stands only for a whole account or entry");
  EXPECT_EQ(error_of("alice@*"), "permission entry 'alice@*': '*' stands only for a whole account or entry");
  EXPECT_EQ(error_of("RAMPART\\ali\nce"), "a permission entry holds a control character");
  EXPECT_EQ(error_of("RAMPART\\alice\x7f"), "a permission entry holds a control character");
  EXPECT_EQ(error_of(" RAMPART\\alice"), "permission entry ' RAMPART\\alice' begins or ends with a space");
  EXPECT_EQ(error_of("RAMPART\\" + std::string(600, 'a')), "a permission entry is longer than 512 octets");
  EXPECT_EQ(error_of("RAMPART\\" + std::string(512 - 8, 'a')), "accepted");
  const std::vector<std::string> many(257, "*");
  EXPECT_EQ(PermissionList::parse(many).error(), "a permission list has more than 256 entries");
  EXPECT_EQ(PermissionList::parse({"*", "bad"}).error(),
            "permission entry 'bad' must be \"*\", DOMAIN\\user, user@REALM, DOMAIN\\* or *@REALM");
}

TEST(ClassPermissions, AClassOverridesTheDefaultsListByList) {
  ClassPermissions p(list({"RAMPART\\*"}), list({"RAMPART\\alice"}));
  ASSERT_TRUE(p.add_class(kEcho, {list({"RAMPART\\bob"}), std::nullopt}));
  EXPECT_FALSE(p.add_class(kEcho, {list({}), list({})})) << "a class is named once";
  EXPECT_TRUE(p.may_launch(kEcho, "RAMPART\\bob"));
  EXPECT_FALSE(p.may_launch(kEcho, "RAMPART\\alice"));  // the class's own launch list
  EXPECT_TRUE(p.may_access(kEcho, "RAMPART\\alice"));   // no access list: the default
  EXPECT_FALSE(p.may_access(kEcho, "RAMPART\\bob"));
  EXPECT_TRUE(p.may_launch(kOther, "RAMPART\\alice"));  // another class: the defaults
  EXPECT_FALSE(p.may_launch(kOther, "OTHER\\alice"));
  // Without configuration every caller the floor admits may do everything.
  const ClassPermissions open;
  EXPECT_TRUE(open.may_launch(kEcho, ""));
  EXPECT_TRUE(open.may_access(kEcho, "anyone@ANYWHERE"));
}

TEST(PermissionGate, ReportsEachDenialAndSwapsListsWhole) {
  std::vector<PermissionDenial> denials;
  ClassPermissions p;
  ASSERT_TRUE(p.add_class(kEcho, {list({"RAMPART\\alice"}), list({})}));
  PermissionGate gate(p, [&](const PermissionDenial& d) { denials.push_back(d); });
  runtime::PeerInfo peer;
  peer.address = "192.0.2.7:50000";
  runtime::AssociationGroup group{1, runtime::TransportKind::tcp, 4};
  runtime::CallAuth auth{10, 6, false, 1, "RAMPART\\bob"};
  const runtime::CallContext ctx{peer, group, 1, 0, 4, std::nullopt, Drep::little(), syntax::kNdr20, {}, auth};
  EXPECT_FALSE(gate.check_launch(ctx, kEcho, "RemoteCreateInstance"));
  EXPECT_FALSE(gate.check_access(ctx, kEcho, "IRampartEcho"));
  EXPECT_TRUE(gate.check_launch(ctx, kOther, "RemoteCreateInstance"));
  ASSERT_EQ(denials.size(), 2u);
  EXPECT_EQ(denials[0].check, "launch");
  EXPECT_EQ(denials[0].operation, "RemoteCreateInstance");
  EXPECT_EQ(denials[0].clsid, kEcho);
  EXPECT_EQ(denials[0].principal, "RAMPART\\bob");
  EXPECT_EQ(denials[0].peer, "192.0.2.7:50000");
  EXPECT_EQ(denials[1].check, "access");
  const auto before = gate.current();
  gate.set(ClassPermissions{});
  EXPECT_TRUE(gate.check_launch(ctx, kEcho, "RemoteCreateInstance"));
  EXPECT_TRUE(before->classes().contains(kEcho)) << "a holder of the old lists keeps them";
  EXPECT_EQ(denials.size(), 2u);
}

}  // namespace
}  // namespace rampart::dcom
