// Golden encodings derived by hand from C706 14 (NDR20) and [MS-RPCE]
// 2.2.5.3 (NDR64). Each test states its derivation octet by octet; the
// generated encoder must produce exactly these octets and the decoder must
// read them back to the same value.
#include <gtest/gtest.h>

#include "conformance.hpp"
#include "gen_test_util.hpp"
#include "rampart/base/hex.hpp"

namespace rampart::conformance {
namespace {

using gen_test::Wire;
using gen_test::hex;
using gen_test::kNdr20Be;

template <class T>
void expect_golden(const T& v, const Wire& w, std::string_view want_hex) {
  SCOPED_TRACE(w.name);
  const auto want = hex(want_hex);
  auto got = gen_test::encode(v, w);
  ASSERT_TRUE(got.has_value()) << got.error().to_string();
  EXPECT_EQ(to_hex(*got, true), to_hex(want, true));
  auto back = gen_test::decode<T>(want, w);
  ASSERT_TRUE(back.has_value()) << back.error().to_string();
  EXPECT_EQ(*back, v);
}

const Wire& kNdr20Le = gen_test::kNdr20;
const Wire& kNdr64Le = gen_test::kNdr64;

TEST(GenGolden, ConformantStructureHoistsItsConformance) {
  // twr_t {3, aa bb cc} behind a top-level [ref] pointer (no wire form).
  // NDR20 (C706 14.3.7.1): max_count 3 first, then tower_length 3, then
  // the three octets: 11 octets.
  conformance_types::twr_t t{3, {0xaa, 0xbb, 0xcc}};
  expect_golden(op_conformant_struct_request{t}, kNdr20Le, "03000000 03000000 aabbcc");
  // NDR64: max_count is 8 octets ([MS-RPCE] 2.2.5.3.3); the structure is
  // 8-aligned (its conformance is part of it), tower_length at 8, octets at
  // 12..14, then one octet of trailing pad to the structure's alignment
  // ([MS-RPCE] 2.2.5.3.4.1): 16 octets.
  expect_golden(op_conformant_struct_request{t}, kNdr64Le, "0300000000000000 03000000 aabbcc 00");
}

TEST(GenGolden, EnumWidthFollowsTheFormat) {
  // NDR20: [v1_enum] is 4 octets, a plain enum 2 (C706 14.2.6).
  const op_enums_request r{color_v1::color_blue, shape16::shape_square};
  expect_golden(r, kNdr20Le, "07000000 0100");
  expect_golden(r, kNdr20Be, "00000007 0001");
  // NDR64: every enum is a 4-octet long ([MS-RPCE] 2.2.5.3.2).
  expect_golden(r, kNdr64Le, "07000000 01000000");
}

TEST(GenGolden, AlignmentOfAStructureWithAHyper) {
  // count (u32) at 0; ranged {level u32, after hyper} is 8-aligned: pad
  // 4..7, level at 8, pad 12..15, after at 16: 24 octets, in both formats.
  const op_range_request r{5, ranged{2, -1}};
  const char* want = "05000000 00000000 02000000 00000000 ffffffffffffffff";
  expect_golden(r, kNdr20Le, want);
  expect_golden(r, kNdr64Le, want);
}

TEST(GenGolden, PipeChunks) {
  // C706 14.3.9: one chunk (count 2, then the elements), then the empty
  // chunk that ends the pipe. NDR64 counts are 8 octets.
  const op_pipe_request r{{1, 2}};
  expect_golden(r, kNdr20Le, "02000000 01000000 02000000 00000000");
  expect_golden(r, kNdr64Le, "0200000000000000 01000000 02000000 0000000000000000");
}

TEST(GenGolden, NonEncapsulatedUnionAlignment) {
  op_nonencap_union_request r;
  r.v.kind = 1;
  r.v.u.discriminant = 1;
  r.v.u.value.emplace<0>(-1);
  r.kind = 5;
  r.u.discriminant = 5;
  r.u.value.emplace<3>();
  // NDR20 (C706 14.3.8): kind at 0, the union's own discriminant (u16) at
  // 2, the long arm aligned by its own type at 4; then the kind parameter
  // at 8 and the second union's discriminant at 10 (its arm is empty).
  expect_golden(r, kNdr20Le, "0100 0100 ffffffff 0500 0500");
  // NDR64 ([MS-RPCE] 2.2.5.3.4.4): the union aligns to its largest arm (8,
  // the hyper): kind at 0, pad to 8, discriminant at 8, pad to 16, arm at
  // 16..19, structure trailing pad to 24; kind parameter at 24, pad to 32,
  // discriminant at 32, arm alignment pad to 40.
  expect_golden(r, kNdr64Le,
                "0100 000000000000 0100 000000000000 ffffffff 00000000 "
                "0500 000000000000 0500 000000000000");
}

TEST(GenGolden, EmbeddedPointersAndReferentIds) {
  op_pointers_request r;
  r.v.v = 1;
  r.v.req = 3;
  // NDR20: v, then the referent ids of opt (NULL), req (0x00020000, the
  // first id Windows uses), full (NULL), tower (NULL); then req's
  // referent (C706 14.3.12.3); then the top-level [unique] and [ptr]
  // parameters, both NULL: 32 octets.
  expect_golden(r, kNdr20Le,
                "01000000 00000000 00000200 00000000 00000000 03000000 00000000 00000000");
  // NDR64: referent ids are 8 octets, 8-aligned ([MS-RPCE] 2.2.5.3.5):
  // v at 0, pad, ids at 8, 16, 24, 32; referent at 40; the two top-level
  // pointers at 48 and 56: 64 octets.
  expect_golden(r, kNdr64Le,
                "01000000 00000000 0000000000000000 0000020000000000 0000000000000000 0000000000000000 "
                "03000000 00000000 0000000000000000 0000000000000000");
}

}  // namespace
}  // namespace rampart::conformance
