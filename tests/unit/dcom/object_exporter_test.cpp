// ObjectExporter: reference counting, ping sets, garbage collection after
// period x 3, and the bounds on every table.
#include <gtest/gtest.h>

#include "rampart/dcom/errc.hpp"
#include "rampart/dcom/object_exporter.hpp"

namespace rampart::dcom {
namespace {

using namespace std::chrono_literals;

const Uuid kIid = Uuid::from_string("7f1b2c3d-0a4e-4c5f-9d6e-2b8a1c0e5f02");

struct ObjectExporterTest : ::testing::Test {
  ExporterLimits limits() {
    ExporterLimits l;
    l.ping_period = 10s;
    l.max_sets_per_client = 3;
    l.max_sets = 5;
    l.max_oids_per_set = 2;
    l.max_objects = 4;
    return l;
  }
  ObjectExporter ex{limits()};
  OxidEntry oxid = ex.add_oxid();
  Clock::time_point t0 = Clock::time_point{} + 1000s;
  int released = 0;

  Oid make(bool no_ping = false) {
    auto oid = ex.export_object(oxid.oxid, no_ping, t0, [this] { ++released; });
    EXPECT_TRUE(oid);
    return *oid;
  }
};

TEST_F(ObjectExporterTest, OxidResolvesAndUnknownOneIsRefused) {
  auto r = ex.resolve(oxid.oxid);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->ipid_rem_unknown, oxid.ipid_rem_unknown);
  EXPECT_FALSE(oxid.ipid_rem_unknown.is_nil());
  EXPECT_TRUE(ex.resolve(oxid.oxid + 1).error().is(Errc::unknown_oxid));
}

TEST_F(ObjectExporterTest, ObjectGoesWhenItsLastReferenceIsReleased) {
  const Oid oid = make();
  auto a = ex.add_interface(oid, kIid, nullptr, 2);
  ASSERT_TRUE(a);
  auto b = ex.add_interface(oid, Uuid::from_string("00000131-0000-0000-c000-000000000046"), nullptr, 1);
  ASSERT_TRUE(b);
  EXPECT_EQ(ex.find_interface(*b, kIid)->ipid, *a);
  EXPECT_TRUE(ex.release_refs(*a, 3).error().is(Errc::bad_reference_count));
  ASSERT_TRUE(ex.release_refs(*a, 2));
  EXPECT_TRUE(ex.holds_object(oid));
  ASSERT_TRUE(ex.release_refs(*b, 1));
  EXPECT_FALSE(ex.holds_object(oid));
  EXPECT_EQ(released, 1);
  EXPECT_FALSE(ex.find_ipid(*a));
  EXPECT_TRUE(ex.release_refs(*a, 1).error().is(Errc::unknown_ipid));
}

TEST_F(ObjectExporterTest, UnpingedObjectIsReleasedAfterThreePeriods) {
  const Oid oid = make();
  const Oid kept = make(/*no_ping=*/true);
  EXPECT_EQ(ex.collect(t0 + 29s), 0u);
  EXPECT_TRUE(ex.holds_object(oid));
  EXPECT_EQ(ex.collect(t0 + 30s), 1u);
  EXPECT_FALSE(ex.holds_object(oid));
  EXPECT_TRUE(ex.holds_object(kept));  // SORF_NOPING: pinging does not govern it
  EXPECT_EQ(released, 1);
}

TEST_F(ObjectExporterTest, PingingKeepsAnObjectAliveAndStoppingReleasesIt) {
  const Oid oid = make();
  const Oid add[] = {oid, 0x1234};  // the unknown OID is skipped
  auto set = ex.complex_ping("192.0.2.1", 0, 1, add, {}, t0 + 5s);
  ASSERT_TRUE(set);
  EXPECT_NE(*set, 0u);
  for (int i = 1; i <= 5; ++i) {
    ASSERT_TRUE(ex.simple_ping(*set, t0 + 5s + i * 20s));
    EXPECT_EQ(ex.collect(t0 + 5s + i * 20s + 1s), 0u);
  }
  EXPECT_TRUE(ex.holds_object(oid));
  const auto last = t0 + 5s + 100s;
  EXPECT_EQ(ex.collect(last + 29s), 0u);
  EXPECT_EQ(ex.collect(last + 30s), 1u);
  EXPECT_FALSE(ex.holds_object(oid));
  EXPECT_EQ(ex.set_count(), 0u);  // the set expired with it
  EXPECT_TRUE(ex.simple_ping(*set, last + 31s).error().is(Errc::unknown_set));
}

TEST_F(ObjectExporterTest, DeletingFromTheSetStopsKeepingTheObject) {
  const Oid oid = make();
  const Oid oids[] = {oid};
  auto set = ex.complex_ping("c", 0, 1, oids, {}, t0);
  ASSERT_TRUE(set);
  ASSERT_TRUE(ex.complex_ping("c", *set, 2, {}, oids, t0 + 10s));
  ASSERT_TRUE(ex.simple_ping(*set, t0 + 25s));
  EXPECT_EQ(ex.collect(t0 + 40s), 1u);
}

TEST_F(ObjectExporterTest, SetsPerClientAndInTotalAreBounded) {
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(ex.complex_ping("a", 0, 1, {}, {}, t0));
  EXPECT_TRUE(ex.complex_ping("a", 0, 1, {}, {}, t0).error().is(Errc::too_many_sets));
  ASSERT_TRUE(ex.complex_ping("b", 0, 1, {}, {}, t0));
  ASSERT_TRUE(ex.complex_ping("c", 0, 1, {}, {}, t0));
  EXPECT_TRUE(ex.complex_ping("d", 0, 1, {}, {}, t0).error().is(Errc::too_many_sets));
  EXPECT_EQ(ex.set_count(), 5u);
  ex.collect(t0 + 30s);  // all expire; the client's count comes back
  EXPECT_EQ(ex.set_count(), 0u);
  EXPECT_TRUE(ex.complex_ping("a", 0, 1, {}, {}, t0 + 31s));
}

TEST_F(ObjectExporterTest, OidsPerSetAndObjectsAreBounded) {
  const Oid a = make(), b = make(), c = make();
  const Oid two[] = {a, b};
  const Oid one[] = {c};
  auto set = ex.complex_ping("x", 0, 1, two, {}, t0);
  ASSERT_TRUE(set);
  EXPECT_TRUE(ex.complex_ping("x", *set, 2, one, {}, t0).error().is(Errc::too_many_oids_in_set));
  const Oid del[] = {a};
  EXPECT_TRUE(ex.complex_ping("x", *set, 3, one, del, t0));  // a swap stays within the bound
  make();
  EXPECT_TRUE(ex.export_object(oxid.oxid, false, t0).error().is(Errc::too_many_objects));
  EXPECT_TRUE(ex.export_object(oxid.oxid + 1, false, t0).error().is(Errc::unknown_oxid));
}

TEST_F(ObjectExporterTest, IdentifiersAreDistinctAndNonzero) {
  std::set<Oid> oids;
  for (int i = 0; i < 4; ++i) oids.insert(make());
  EXPECT_EQ(oids.size(), 4u);
  EXPECT_FALSE(oids.contains(0));
}

}  // namespace
}  // namespace rampart::dcom
