#include "rampart/runtime/reassembler.hpp"

#include <gtest/gtest.h>

#include "rampart/runtime/fragmenter.hpp"
#include "unit/pdu/pdu_fixtures.hpp"

namespace rampart::runtime {
namespace {

using namespace pdu::testing;

std::vector<std::uint8_t> make_stub(std::size_t n) {
  std::vector<std::uint8_t> s(n);
  for (std::size_t i = 0; i < n; ++i) s[i] = static_cast<std::uint8_t>(i * 13 + 1);
  return s;
}

// Splits a whole request into decoded fragments (their bytes kept in `storage`).
std::vector<pdu::Pdu> fragments_of(const pdu::Pdu& whole, std::uint16_t max_frag, std::vector<std::uint8_t>& storage) {
  storage.clear();
  fragment(whole, max_frag, storage);
  return decode_stream(storage);
}

pdu::Pdu request(std::span<const std::uint8_t> stub, std::uint32_t call_id = 7) {
  auto p = make_pdu(pdu::PType::request, pdu::Request{0, 1, 3, std::nullopt, stub});
  p.header.call_id = call_id;
  return p;
}

TEST(Reassembler, SingleFragmentIsNotCopied) {
  const auto stub = make_stub(100);
  Reassembler r;
  auto call = r.add(request(stub));
  ASSERT_TRUE(call && call->has_value());
  EXPECT_EQ((*call)->stub.data(), stub.data());
  EXPECT_EQ((*call)->fragments, 1u);
  EXPECT_EQ(r.in_progress(), 0u);
}

TEST(Reassembler, FragmentedStubComesBackWhole) {
  const auto stub = make_stub(20000);
  std::vector<std::uint8_t> storage;
  const auto frags = fragments_of(request(stub), 2048, storage);
  ASSERT_GT(frags.size(), 9u);
  Reassembler r;
  for (std::size_t i = 0; i + 1 < frags.size(); ++i) {
    auto step = r.add(frags[i]);
    ASSERT_TRUE(step) << step.error().to_string();
    EXPECT_FALSE(step->has_value());
  }
  auto call = r.add(frags.back());
  ASSERT_TRUE(call && call->has_value());
  EXPECT_TRUE(std::ranges::equal((*call)->stub, stub));
  EXPECT_EQ((*call)->fragments, frags.size());
  EXPECT_EQ((*call)->identity.opnum, 3);
  ReassembledCall moved = std::move(**call);
  EXPECT_TRUE(std::ranges::equal(moved.stub, stub)) << "the view follows the owned buffer";
}

TEST(Reassembler, AllocHintIsClampedNotTrusted) {
  const auto stub = make_stub(64);
  auto first = request(stub);
  first.header.pfc_flags = pdu::pfc::kFirstFrag;
  first.as<pdu::Request>()->alloc_hint = FragmentLimits{}.max_stub;
  Reassembler r;
  ASSERT_TRUE(r.add(first));
  EXPECT_LE(r.buffered_bytes(), FragmentLimits{}.max_initial_reserve);
}

TEST(Reassembler, FirstFragmentAllocHintAboveTheCapIsRefused) {
  const auto stub = make_stub(64);
  auto first = request(stub);
  first.header.pfc_flags = pdu::pfc::kFirstFrag;
  first.as<pdu::Request>()->alloc_hint = FragmentLimits{}.max_stub + 1;
  Reassembler r;
  auto step = r.add(first);
  ASSERT_FALSE(step);
  EXPECT_TRUE(step.error().is(FragErrc::alloc_hint_too_large)) << step.error().to_string();
  EXPECT_EQ(r.in_progress(), 0u);
}

TEST(Reassembler, WholeRequestAllocHintIsOnlyAHint) {
  // A first|last fragment carries its whole stub; its hint can't make it larger.
  const auto stub = make_stub(64);
  auto whole = request(stub);
  whole.as<pdu::Request>()->alloc_hint = 0xffffffff;
  Reassembler r;
  auto call = r.add(whole);
  ASSERT_TRUE(call && call->has_value());
}

TEST(Reassembler, LaterAllocHintAboveWhatRemainsIsRefused) {
  FragmentLimits limits;
  limits.max_stub = 10000;
  Reassembler r(limits);
  const auto stub = make_stub(4096);
  auto first = request(stub);
  first.header.pfc_flags = pdu::pfc::kFirstFrag;
  first.as<pdu::Request>()->alloc_hint = 8192;
  ASSERT_TRUE(r.add(first));
  auto middle = request(stub);
  middle.header.pfc_flags = 0;
  middle.as<pdu::Request>()->alloc_hint = 10000 - 4096 + 1;
  auto step = r.add(middle);
  ASSERT_FALSE(step);
  EXPECT_TRUE(step.error().is(FragErrc::alloc_hint_too_large)) << step.error().to_string();
  EXPECT_EQ(r.in_progress(), 0u) << "the refused call is dropped";
}

TEST(Reassembler, ResponseAllocHintIsNotHeldToTheCap) {
  FragmentLimits limits;
  limits.max_stub = 10000;
  Reassembler r(limits);
  const auto stub = make_stub(64);
  auto first = make_pdu(pdu::PType::response, pdu::Response{0xffffffff, 0, 0, 0, stub});
  first.header.pfc_flags = pdu::pfc::kFirstFrag;
  ASSERT_TRUE(r.add(first));
}

struct Mutation {
  const char* name;
  void (*apply)(pdu::Pdu&);
  FragErrc expected;
};

class LaterFragmentMustMatch : public ::testing::TestWithParam<Mutation> {};

TEST_P(LaterFragmentMustMatch, OrIsRefused) {
  const auto stub = make_stub(5000);
  std::vector<std::uint8_t> storage;
  auto frags = fragments_of(request(stub), 2048, storage);
  Reassembler r;
  ASSERT_TRUE(r.add(frags[0]));
  GetParam().apply(frags[1]);
  auto step = r.add(frags[1]);
  ASSERT_FALSE(step);
  EXPECT_TRUE(step.error().is(GetParam().expected)) << step.error().to_string();
  EXPECT_EQ(r.in_progress(), 0u) << "the broken call is dropped";
}

static const Uuid kObject = Uuid::from_string("01234567-89ab-cdef-0123-456789abcdef");
static const std::vector<std::uint8_t> kToken(8, 1);

INSTANTIATE_TEST_SUITE_P(
    C3, LaterFragmentMustMatch,
    ::testing::Values(
        Mutation{"call_id", [](pdu::Pdu& p) { p.header.call_id = 99; }, FragErrc::call_id_mismatch},
        Mutation{"drep", [](pdu::Pdu& p) { p.header.drep = Drep::big(); }, FragErrc::drep_mismatch},
        Mutation{"context", [](pdu::Pdu& p) { p.as<pdu::Request>()->context_id = 2; }, FragErrc::context_mismatch},
        Mutation{"opnum", [](pdu::Pdu& p) { p.as<pdu::Request>()->opnum = 4; }, FragErrc::opnum_mismatch},
        Mutation{"object", [](pdu::Pdu& p) { p.as<pdu::Request>()->object = kObject; }, FragErrc::object_mismatch},
        Mutation{"auth",
                 [](pdu::Pdu& p) { p.auth = pdu::AuthVerifier{10, 6, 0, 0, 0, {}, kToken}; },
                 FragErrc::auth_mismatch},
        Mutation{"ptype",
                 [](pdu::Pdu& p) {
                   const auto* q = p.as<pdu::Request>();
                   p.header.ptype = pdu::PType::response;
                   p.body = pdu::Response{q->alloc_hint, q->context_id, 0, 0, q->stub};
                 },
                 FragErrc::ptype_mismatch}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(Reassembler, ContinuationWithoutFirstIsRefused) {
  const auto stub = make_stub(16);
  auto p = request(stub);
  p.header.pfc_flags = pdu::pfc::kLastFrag;
  Reassembler r;
  auto step = r.add(p);
  ASSERT_FALSE(step);
  EXPECT_TRUE(step.error().is(FragErrc::unexpected_fragment));
}

TEST(Reassembler, OneCallAtATimeWithoutConcMpx) {
  const auto stub = make_stub(16);
  auto first = request(stub, 1);
  first.header.pfc_flags = pdu::pfc::kFirstFrag;
  Reassembler r;
  ASSERT_TRUE(r.add(first));
  auto second = request(stub, 2);
  auto step = r.add(second);
  ASSERT_FALSE(step);
  EXPECT_TRUE(step.error().is(FragErrc::call_in_progress));
}

TEST(Reassembler, InterleavedCallsWithConcMpx) {
  const auto a = make_stub(3000), b = make_stub(4000);
  std::vector<std::uint8_t> sa, sb;
  const auto fa = fragments_of(request(a, 1), 2048, sa);
  const auto fb = fragments_of(request(b, 2), 2048, sb);
  Reassembler r({}, true);
  ASSERT_TRUE(r.add(fa[0]));
  ASSERT_TRUE(r.add(fb[0]));
  EXPECT_EQ(r.in_progress(), 2u);
  auto done_b = r.add(fb[1]);
  ASSERT_TRUE(done_b && done_b->has_value());
  EXPECT_TRUE(std::ranges::equal((*done_b)->stub, b));
  auto done_a = r.add(fa[1]);
  ASSERT_TRUE(done_a && done_a->has_value());
  EXPECT_TRUE(std::ranges::equal((*done_a)->stub, a));
}

TEST(Reassembler, ConcurrentCallsAreCapped) {
  FragmentLimits limits;
  limits.max_concurrent_calls = 3;
  Reassembler r(limits, true);
  const auto stub = make_stub(8);
  for (std::uint32_t id = 1; id <= 3; ++id) {
    auto f = request(stub, id);
    f.header.pfc_flags = pdu::pfc::kFirstFrag;
    ASSERT_TRUE(r.add(f));
  }
  auto f = request(stub, 4);
  f.header.pfc_flags = pdu::pfc::kFirstFrag;
  auto step = r.add(f);
  ASSERT_FALSE(step);
  EXPECT_TRUE(step.error().is(FragErrc::too_many_calls));
}

TEST(Reassembler, StubCapStopsGrowthBeforeCopying) {
  FragmentLimits limits;
  limits.max_stub = 10000;
  Reassembler r(limits);
  const auto stub = make_stub(4096);
  auto first = request(stub);
  first.header.pfc_flags = pdu::pfc::kFirstFrag;
  ASSERT_TRUE(r.add(first));
  auto middle = request(stub);
  middle.header.pfc_flags = 0;
  ASSERT_TRUE(r.add(middle));
  auto step = r.add(middle);
  ASSERT_FALSE(step);
  EXPECT_TRUE(step.error().is(FragErrc::stub_too_large));
  EXPECT_EQ(r.buffered_bytes(), 0u);
}

TEST(Reassembler, FragmentCountIsCapped) {
  FragmentLimits limits;
  limits.max_fragments = 5;
  Reassembler r(limits);
  const auto stub = make_stub(8);
  auto f = request(stub);
  f.header.pfc_flags = pdu::pfc::kFirstFrag;
  ASSERT_TRUE(r.add(f));
  f.header.pfc_flags = 0;
  for (int i = 0; i < 4; ++i) ASSERT_TRUE(r.add(f));
  auto step = r.add(f);
  ASSERT_FALSE(step);
  EXPECT_TRUE(step.error().is(FragErrc::too_many_fragments));
}

TEST(Reassembler, OnlyRequestsAndResponsesAreFragments) {
  Reassembler r;
  auto step = r.add(*pdu::decode(impacket_epm_bind()));
  ASSERT_FALSE(step);
  EXPECT_TRUE(step.error().is(FragErrc::not_a_fragment));
}

}  // namespace
}  // namespace rampart::runtime
