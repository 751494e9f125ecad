#include "rampart/runtime/framer.hpp"

#include <gtest/gtest.h>

#include "rampart/pdu/pdu.hpp"
#include "rampart/runtime/fragmenter.hpp"
#include "unit/pdu/pdu_fixtures.hpp"

namespace rampart::runtime {
namespace {

using namespace pdu::testing;

// A stream as a client sends it: bind, a 3-fragment request, a shutdown.
std::vector<std::uint8_t> sample_stream(std::vector<std::size_t>& sizes) {
  std::vector<std::uint8_t> out = impacket_epm_bind();
  sizes = {out.size()};
  std::vector<std::uint8_t> stub(5000);
  for (std::size_t i = 0; i < stub.size(); ++i) stub[i] = static_cast<std::uint8_t>(i * 7);
  const auto req = make_pdu(pdu::PType::request, pdu::Request{5000, 0, 3, std::nullopt, stub});
  std::size_t before = out.size();
  fragment(req, 2048, out);
  // fragment() emits 2048-octet PDUs then the rest
  for (std::size_t left = out.size() - before; left > 0;) {
    const std::size_t n = std::min<std::size_t>(left, 2048);
    sizes.push_back(n);
    left -= n;
  }
  const auto shut = pdu::encode(make_pdu(pdu::PType::shutdown, pdu::Shutdown{}));
  out.insert(out.end(), shut.begin(), shut.end());
  sizes.push_back(shut.size());
  return out;
}

// Feeds `input` in the pieces given, returning the frames seen.
std::vector<std::vector<std::uint8_t>> run(Framer& f, std::span<const std::uint8_t> input,
                                           std::span<const std::size_t> cuts) {
  std::vector<std::vector<std::uint8_t>> frames;
  std::size_t start = 0;
  auto feed_piece = [&](std::span<const std::uint8_t> piece) {
    while (!piece.empty()) {
      auto p = f.feed(piece);
      EXPECT_TRUE(p) << p.error().to_string();
      if (!p) return;
      piece = piece.subspan(p->consumed);
      if (p->frame_ready) {
        frames.emplace_back(f.frame().begin(), f.frame().end());
        f.pop();
      }
    }
  };
  for (std::size_t cut : cuts) {
    feed_piece(input.subspan(start, cut - start));
    start = cut;
  }
  feed_piece(input.subspan(start));
  return frames;
}

TEST(Framer, SplitAtEveryByteYieldsTheSameFrames) {
  std::vector<std::size_t> sizes;
  const auto stream = sample_stream(sizes);
  Framer whole;
  const auto expected = run(whole, stream, {});
  ASSERT_EQ(expected.size(), sizes.size());
  for (std::size_t i = 0; i < sizes.size(); ++i) EXPECT_EQ(expected[i].size(), sizes[i]);
  for (std::size_t cut = 1; cut < stream.size(); ++cut) {
    Framer f;
    const std::size_t cuts[] = {cut};
    ASSERT_EQ(run(f, stream, cuts), expected) << "split at " << cut;
  }
}

TEST(Framer, ByteAtATimeYieldsTheSameFrames) {
  std::vector<std::size_t> sizes;
  const auto stream = sample_stream(sizes);
  Framer whole, bytewise;
  std::vector<std::size_t> cuts(stream.size() - 1);
  for (std::size_t i = 0; i < cuts.size(); ++i) cuts[i] = i + 1;
  EXPECT_EQ(run(bytewise, stream, cuts), run(whole, stream, {}));
}

TEST(Framer, RefusesOversizedPduOnItsHeaderAlone) {
  pdu::DecodeLimits limits;
  limits.max_frag_length = 4280;
  Framer f(limits);
  auto header = impacket_epm_bind();
  header[2] = 0;        // request
  header[8] = 0x60;     // frag_length 0xea60 = 60000
  header[9] = 0xea;
  header.resize(16);
  auto p = f.feed(header);
  ASSERT_FALSE(p);
  EXPECT_TRUE(p.error().is(pdu::Errc::frag_length_too_large));
  EXPECT_EQ(f.state(), Framer::State::failed);
}

TEST(Framer, RefusesUndersizedFragLength) {
  Framer f;
  auto bytes = impacket_epm_bind();
  bytes[8] = 12;
  bytes[9] = 0;
  auto p = f.feed(bytes);
  ASSERT_FALSE(p);
  EXPECT_TRUE(p.error().is(pdu::Errc::frag_length_too_small));
}

TEST(Framer, NeverResynchronisesAfterAnError) {
  Framer f;
  std::vector<std::uint8_t> junk(16, 0x41);
  ASSERT_FALSE(f.feed(junk));
  auto again = f.feed(impacket_epm_bind());
  ASSERT_FALSE(again);
  EXPECT_TRUE(again.error().is(pdu::Errc::bad_rpc_version));
}

TEST(Framer, ReportsMidPduForTimeouts) {
  Framer f;
  EXPECT_FALSE(f.mid_pdu());
  const auto bind = impacket_epm_bind();
  ASSERT_TRUE(f.feed(std::span(bind).first(5)));
  EXPECT_TRUE(f.mid_pdu());
  ASSERT_TRUE(f.feed(std::span(bind).subspan(5)));
  f.pop();
  EXPECT_FALSE(f.mid_pdu());
}

TEST(Framer, WaitsForPopBeforeTakingMore) {
  Framer f;
  auto two = impacket_epm_bind();
  const auto bind = impacket_epm_bind();
  two.insert(two.end(), bind.begin(), bind.end());
  auto p = f.feed(two);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->consumed, 72u);
  EXPECT_TRUE(p->frame_ready);
  auto q = f.feed(std::span(two).subspan(72));
  ASSERT_TRUE(q);
  EXPECT_EQ(q->consumed, 0u);
}

}  // namespace
}  // namespace rampart::runtime
