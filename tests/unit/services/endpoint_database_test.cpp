// EndpointDatabase on its own: validation, matching rules and concurrent
// readers while a writer publishes.
#include <atomic>
#include <thread>

#include "services_fixture.hpp"

namespace rampart::services::testing {
namespace {

using binding::Protseq;

TEST(EndpointDatabase, MakeEntryDecodesTheTower) {
  auto e = entry(kLsarpc, Protseq::ncacn_ip_tcp, "49153", "127.0.0.1", "lsarpc");
  EXPECT_EQ(e.interface(), kLsarpc);
  EXPECT_EQ(e.binding.protseq, Protseq::ncacn_ip_tcp);
  EXPECT_EQ(e.binding.endpoint, "49153");
  EXPECT_EQ(e.binding.address, "127.0.0.1");
  auto octets = tower_octets(kLsarpc, Protseq::ncacn_ip_tcp, "1", "127.0.0.1");
  octets.push_back(0);  // trailing octet: the tower must be exactly one tower
  EXPECT_FALSE(EndpointDatabase::make_entry({}, octets, "", std::nullopt));
  EXPECT_FALSE(EndpointDatabase::make_entry({}, {}, "", std::nullopt));
}

TEST(EndpointDatabase, UptoAndCompatibleAcrossMajors) {
  EndpointDatabase db;
  ASSERT_EQ(db.insert({entry({kSamr.uuid, 1, 5}, Protseq::ncacn_ip_tcp, "1", "127.0.0.1"),
                       entry({kSamr.uuid, 2, 0}, Protseq::ncacn_ip_tcp, "2", "127.0.0.1")},
                      false),
            DbStatus::ok);
  auto count = [&](VersOption v, SyntaxId want) {
    LookupQuery q{Inquiry::match_by_if, {}, want, v};
    std::size_t n = 0;
    EndpointDatabase::page(*db.snapshot(), q, 0, 100, [&](const Entry&) { ++n; });
    return n;
  };
  EXPECT_EQ(count(VersOption::upto, {kSamr.uuid, 2, 0}), 2u);
  EXPECT_EQ(count(VersOption::upto, {kSamr.uuid, 1, 4}), 0u);
  EXPECT_EQ(count(VersOption::compatible, {kSamr.uuid, 1, 5}), 1u);
  EXPECT_EQ(count(VersOption::major_only, {kSamr.uuid, 2, 9}), 1u);
  EXPECT_EQ(count(VersOption::exact, {kSamr.uuid, 1, 5}), 1u);
  EXPECT_EQ(count(VersOption::all, {kSamr.uuid, 9, 9}), 2u);
  EXPECT_EQ(count(VersOption::all, {kLsarpc.uuid, 1, 5}), 0u);
}

TEST(EndpointDatabase, PageReportsTheNextMatch) {
  EndpointDatabase db;
  register_like_samba(db);
  MapQuery q{kLsarpc, syntax::kNdr20, Protseq::ncacn_ip_tcp, {}};
  auto s = db.snapshot();
  std::size_t n = 0;
  EXPECT_EQ(EndpointDatabase::page(*s, q, 0, 1, [&](const Entry&) { ++n; }), EndpointDatabase::npos);
  EXPECT_EQ(n, 1u);
  LookupQuery all;
  EXPECT_EQ(EndpointDatabase::page(*s, all, 0, 2, [](const Entry&) {}), 2u);
  EXPECT_EQ(EndpointDatabase::page(*s, all, 2, 2, [](const Entry&) {}), EndpointDatabase::npos);
}

TEST(EndpointDatabase, ReadersSeeWholeSnapshotsWhileAWriterChurns) {
  EndpointDatabase db;
  register_like_samba(db);
  std::atomic<bool> stop{false};
  std::atomic<std::size_t> bad{0};
  std::vector<std::thread> readers;
  for (int t = 0; t < 2; ++t) {
    readers.emplace_back([&] {
      MapQuery q{kLsarpc, syntax::kNdr20, Protseq::ncacn_ip_tcp, {}};
      while (!stop.load()) {
        auto s = db.snapshot();
        std::size_t n = 0;
        EndpointDatabase::page(*s, q, 0, 100, [&](const Entry& e) { n += e.binding.endpoint.empty() ? 100 : 1; });
        if (n != 1 && n != 2) ++bad;  // the static lsarpc entry, plus the churned one or not
      }
    });
  }
  for (int i = 0; i < 2000; ++i) {
    ASSERT_EQ(db.insert({entry(kLsarpc, Protseq::ncacn_ip_tcp, "7000", "127.0.0.1", "", {}, 42)}, false),
              DbStatus::ok);
    EXPECT_EQ(db.remove_all_owned_by(42), 1u);
  }
  stop = true;
  for (auto& r : readers) r.join();
  EXPECT_EQ(bad.load(), 0u);
  EXPECT_EQ(db.size(), 4u);
}

}  // namespace
}  // namespace rampart::services::testing
