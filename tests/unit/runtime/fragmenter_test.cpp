#include "rampart/runtime/fragmenter.hpp"

#include <gtest/gtest.h>

#include "unit/pdu/pdu_fixtures.hpp"

namespace rampart::runtime {
namespace {

using namespace pdu::testing;

TEST(Fragmenter, HonoursSizeFlagsAlignmentAndAllocHint) {
  for (std::size_t n : {0u, 1u, 7u, 8u, 2023u, 2024u, 2025u, 10000u, 65536u}) {
    std::vector<std::uint8_t> stub(n, 0x5a);
    const auto whole = make_pdu(pdu::PType::response, pdu::Response{0, 0, 0, 0, stub});
    std::vector<std::uint8_t> all;
    const std::size_t written = fragment(whole, 2048, all);
    const auto frags = decode_stream(all);
    ASSERT_EQ(frags.size(), fragment_count(whole, 2048)) << n;
    ASSERT_EQ(frags.size(), written) << n;
    std::size_t seen = 0;
    for (std::size_t i = 0; i < frags.size(); ++i) {
      const auto& f = frags[i];
      const auto* r = f.as<pdu::Response>();
      EXPECT_LE(f.header.frag_length, 2048);
      EXPECT_EQ(f.header.is_first_frag(), i == 0);
      EXPECT_EQ(f.header.is_last_frag(), i + 1 == frags.size());
      EXPECT_EQ(r->alloc_hint, n - seen);
      if (i + 1 < frags.size()) {
        EXPECT_EQ(r->stub.size() % 8, 0u);
      }
      seen += r->stub.size();
    }
    EXPECT_EQ(seen, n);
  }
}

TEST(Fragmenter, RequestFragmentsAllCarryTheObject) {
  std::vector<std::uint8_t> stub(5000, 1);
  const Uuid object = Uuid::from_string("01234567-89ab-cdef-0123-456789abcdef");
  const auto whole = make_pdu(pdu::PType::request, pdu::Request{0, 0, 1, object, stub}, Drep::little(),
                              pdu::pfc::kFirstLast | pdu::pfc::kObjectUuid);
  std::vector<std::uint8_t> all;
  fragment(whole, 2048, all);
  for (const auto& f : decode_stream(all)) {
    EXPECT_TRUE(f.header.has_flag(pdu::pfc::kObjectUuid));
    EXPECT_EQ(f.as<pdu::Request>()->object, object);
  }
}

TEST(Fragmenter, RefusesSizesThatCannotCarryStub) {
  std::vector<std::uint8_t> stub(10);
  const auto whole = make_pdu(pdu::PType::response, pdu::Response{0, 0, 0, 0, stub});
  std::vector<std::uint8_t> out;
  EXPECT_THROW(fragment(whole, 30, out), std::invalid_argument);
}

}  // namespace
}  // namespace rampart::runtime
