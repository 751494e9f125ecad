#include <gtest/gtest.h>

#include <vector>

#include "unit/ndr/test_types.hpp"

namespace rampart::ndr {
namespace {

using test::Bytes;
using test::Inner;
using test::le32s;
using test::Node;
using test::Outer;

TEST(NdrPointers, UniqueNullAndNonNull) {
  const Bytes b = le32s({0, 0x00020000, 42});
  Decoder d(b, Drep::little());
  EXPECT_TRUE(d.unique_pointer()->is_null());
  auto p = d.unique_pointer();
  ASSERT_TRUE(p);
  EXPECT_EQ(p->referent_id, 0x00020000u);
  EXPECT_EQ(*d.u32(), 42u);  // a top-level referent follows its pointer at once
}

TEST(NdrPointers, EmbeddedRefPointerMayNotBeNull) {
  const Bytes b = le32s({0});
  Decoder d(b, Drep::little());
  auto p = d.ref_pointer();
  ASSERT_FALSE(p);
  EXPECT_TRUE(p.error().is(Errc::null_ref_pointer));
  EXPECT_EQ(p.error().offset(), 0u);
}

TEST(NdrPointers, FullPointerRepeatedIdIsTheSameObject) {
  const Bytes b = le32s({1, 2, 1, 0});
  Decoder d(b, Drep::little());
  const auto a = *d.full_pointer(7);
  const auto c = *d.full_pointer(7);
  const auto again = *d.full_pointer(7);
  const auto null = *d.full_pointer(7);
  EXPECT_TRUE(a.first);
  EXPECT_TRUE(c.first);
  EXPECT_NE(a.slot, c.slot);
  EXPECT_FALSE(again.first);
  EXPECT_EQ(again.slot, a.slot);
  EXPECT_TRUE(null.is_null());
}

TEST(NdrPointers, FullPointerIdReusedForAnotherType) {
  const Bytes b = le32s({5, 5});
  Decoder d(b, Drep::little());
  ASSERT_TRUE(d.full_pointer(1));
  auto r = d.full_pointer(2);
  ASSERT_FALSE(r);
  EXPECT_TRUE(r.error().is(Errc::bad_referent_id));
  EXPECT_EQ(r.error().offset(), 4u);
}

TEST(NdrPointers, FullPointerTableIsCapped) {
  Bytes b;
  for (std::uint32_t i = 1; i <= 40; ++i) test::le32(b, i);
  DecodeLimits l;
  l.max_full_pointers = 30;
  Decoder d(b, Drep::little(), l);
  Result<FullPointer> r = FullPointer{};
  int ok = 0;
  while ((r = d.full_pointer(1))) ++ok;
  EXPECT_EQ(ok, 30);
  EXPECT_TRUE(r.error().is(Errc::pointer_limit));
  EXPECT_GT(d.allocated(), 0u) << "overflow entries are charged";
}

// C706 14.3.12.3: embedded referents follow the whole enclosing construct,
// in pointer order, and a referent's own embedded referents follow it.
//   offset  0: x (u16) + 2 pad   4: p id   8: q id        (Outer scalars)
//          12: *p                                          (first referent)
//          16: q->y  20: q->r id                           (second referent, scalars)
//          24: *q->r                                       (its deferred referent)
Bytes outer_vector() {
  Bytes b = {0x05, 0x00, 0x00, 0x00};
  const Bytes rest = le32s({0x00020000, 0x00020004, 0x11, 0x22, 0x00020008, 0x33});
  b.insert(b.end(), rest.begin(), rest.end());
  return b;
}

TEST(NdrPointers, DeferredOrderForNestedEmbeddedPointers) {
  const Bytes b = outer_vector();
  Decoder d(b, Drep::little());
  Outer o;
  ASSERT_TRUE(decode_construct(d, o));
  EXPECT_TRUE(d.finish());
  EXPECT_EQ(o.x, 5);
  EXPECT_EQ(o.p, 0x11u);
  ASSERT_TRUE(o.q);
  EXPECT_EQ(o.q->y, 0x22u);
  EXPECT_EQ(o.q->r, 0x33u);
  EXPECT_EQ(d.depth(), 0u);
}

TEST(NdrPointers, EncoderReproducesDeferredOrderAndIds) {
  Outer o{5, 0x11, Inner{0x22, 0x33}};
  std::vector<std::uint8_t> out;
  ByteWriter w(out);
  Encoder e(w);
  ASSERT_TRUE(encode_construct(e, o));
  EXPECT_EQ(out, outer_vector());
}

TEST(NdrPointers, NullEmbeddedPointersCarryNoReferent) {
  const Bytes b = {0x05, 0x00, 0x00, 0x00, 0, 0, 0, 0, 0, 0, 0, 0};
  Decoder d(b, Drep::little());
  Outer o;
  ASSERT_TRUE(decode_construct(d, o));
  EXPECT_TRUE(d.finish());
  EXPECT_FALSE(o.p);
  EXPECT_FALSE(o.q);
}

// An array of structures: all elements' scalars, then all referents.
//   0: max_count 2   4: y0  8: r0 id  12: y1  16: r1 id (NULL)... then *r0.
TEST(NdrPointers, DeferredOrderForArrayOfStructures) {
  const Bytes b = le32s({3, 1, 0x00020000, 2, 0, 3, 0x00020004, 0xa1, 0xa3});
  Decoder d(b, Drep::little());
  const auto n = *d.conformance();
  auto v = decode_elements<Inner>(d, n, 8);
  ASSERT_TRUE(v) << v.error().to_string();
  EXPECT_TRUE(d.finish());
  ASSERT_EQ(v->size(), 3u);
  EXPECT_EQ((*v)[0], (Inner{1, 0xa1}));
  EXPECT_EQ((*v)[1], (Inner{2, std::nullopt}));
  EXPECT_EQ((*v)[2], (Inner{3, 0xa3}));

  std::vector<std::uint8_t> out;
  ByteWriter w(out);
  Encoder e(w);
  ASSERT_TRUE(e.conformance(v->size()));
  ASSERT_TRUE(encode_elements(e, *v));
  EXPECT_EQ(out, b);
}

TEST(NdrPointers, ArrayOfStructuresCountCheckedFirst) {
  const Bytes b = le32s({0x10000000, 1, 0});
  Decoder d(b, Drep::little());
  const auto n = *d.conformance();
  auto v = decode_elements<Inner>(d, n, 8);
  ASSERT_FALSE(v);
  EXPECT_TRUE(v.error().is(Errc::count_exceeds_limit));
  EXPECT_EQ(d.allocated(), 0u);
}

TEST(NdrPointers, BigEndianDeferredVector) {
  Bytes b = {0x00, 0x05, 0x00, 0x00};
  for (std::uint32_t v : {0x00020000u, 0u, 0x11u}) test::be32(b, v);
  Decoder d(b, Drep::big());
  Outer o;
  ASSERT_TRUE(decode_construct(d, o));
  EXPECT_EQ(o.x, 5);
  EXPECT_EQ(o.p, 0x11u);
  EXPECT_FALSE(o.q);
}

Bytes linked_list(std::uint32_t length) {
  Bytes b;
  for (std::uint32_t i = 0; i < length; ++i) {
    test::le32(b, i);
    test::le32(b, i + 1 < length ? 0x00020000 + 4 * i : 0);
  }
  return b;
}

TEST(NdrPointers, SelfReferencingTypeWithinDepthLimit) {
  const Bytes b = linked_list(20);
  Decoder d(b, Drep::little());
  Node head;
  ASSERT_TRUE(decode_construct(d, head));
  EXPECT_TRUE(d.finish());
  int n = 0;
  for (const Node* p = &head; p != nullptr; p = p->next.get()) EXPECT_EQ(p->v, static_cast<std::uint32_t>(n++));
  EXPECT_EQ(n, 20);
}

TEST(NdrPointers, SelfReferencingTypeHitsDepthLimit) {
  const Bytes b = linked_list(40);
  Decoder d(b, Drep::little());
  Node head;
  auto r = decode_construct(d, head);
  ASSERT_FALSE(r);
  EXPECT_TRUE(r.error().is(Errc::depth_exceeded));
  EXPECT_EQ(d.depth(), 0u) << "guards unwind on error";
}

TEST(NdrPointers, EncoderReferentIds) {
  std::vector<std::uint8_t> out;
  ByteWriter w(out);
  Encoder e(w);
  EXPECT_EQ(e.unique_pointer(true).referent_id, 0x00020000u);
  EXPECT_EQ(e.unique_pointer(false).referent_id, 0u);
  EXPECT_EQ(e.ref_pointer().referent_id, 0x00020004u);
  EXPECT_EQ(e.full_pointer(true).referent_id, 1u);
  EXPECT_EQ(e.full_pointer(false).referent_id, 0u);
  EXPECT_EQ(e.full_pointer(true).referent_id, 2u);
  EXPECT_EQ(out, le32s({0x00020000, 0, 0x00020004, 1, 0, 2}));
}

}  // namespace
}  // namespace rampart::ndr
