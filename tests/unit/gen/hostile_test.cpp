// Hostile stubs against the generated decoders: each lie is refused with
// the ndr::Errc of the rule it breaks (HARDENING C7, C8, C10, C11, C12),
// and values that break an IDL constraint are refused by the encoder.
#include <gtest/gtest.h>

#include "conformance.hpp"
#include "gen_test_util.hpp"
#include "rampart/base/hex.hpp"

namespace rampart::conformance {
namespace {

using gen_test::ndr_code;
using gen_test::Wire;
using gen_test::code;
using gen_test::hex;
using gen_test::kNdr20;
using gen_test::kNdr64;
using ndr::Errc;

template <class T>
std::uint16_t decode_code(const std::vector<std::uint8_t>& stub, const Wire& w = kNdr20,
                          const ndr::DecodeLimits& limits = {}) {
  return ndr_code(gen_test::decode<T>(stub, w, limits));
}

TEST(GenHostile, SizeFieldThatLiesAboutTheHoistedConformance) {
  // max_count 5, tower_length 3: the size field (read after the hoisted
  // conformance) disagrees.
  EXPECT_EQ(decode_code<op_conformant_struct_request>(hex("05000000 03000000 aabbccddee")),
            code(Errc::conformance_mismatch));
  EXPECT_EQ(decode_code<op_conformant_struct_request>(
                hex("0500000000000000 03000000 aabbccddee 000000"), kNdr64),
            code(Errc::conformance_mismatch));
}

TEST(GenHostile, CountBeyondTheBytesThatRemain) {
  EXPECT_EQ(decode_code<op_conformant_struct_request>(hex("00001000 00001000 aabb")),
            code(Errc::count_exceeds_remaining));
  EXPECT_EQ(decode_code<op_conformant_struct_request>(hex("ffffffff ffffffff aabb")),
            code(Errc::count_exceeds_limit));
}

TEST(GenHostile, ConformantParameterMustMatchItsSize) {
  // n = 2 but data's max_count is 3.
  EXPECT_EQ(decode_code<op_conformant_param_request>(hex("02000000 03000000 010203 00 05000000")),
            code(Errc::conformance_mismatch));
}

TEST(GenHostile, Ndr64CountAboveTheCarryingType) {
  // op_conformant_param response: len 2, then max_count 0x100000002, which
  // the 32-bit [in] max that carries it cannot hold (found by fuzzing).
  EXPECT_EQ(decode_code<op_conformant_param_response>(
                hex("02000000 00000000 0200000001000000 0000000000000000 0200000000000000 "
                    "01000000 02000000 00000000"),
                kNdr64),
            code(Errc::conformance_mismatch));
}

TEST(GenHostile, NullRefPointer) {
  // The embedded [ref] req with referent id 0 (C10).
  EXPECT_EQ(decode_code<op_pointers_request>(
                hex("01000000 00000000 00000000 00000000 00000000 00000000 00000000")),
            code(Errc::null_ref_pointer));
}

TEST(GenHostile, AliasedFullPointer) {
  op_pointers_request r;
  r.v.req = 3;
  r.v.full = 4;
  r.full = 12;
  auto stub = *gen_test::encode(r, kNdr20);
  // The top-level [ptr] parameter's id (2) at 32 becomes the struct's (1).
  ASSERT_EQ(stub[32], 2);
  stub[32] = 1;
  EXPECT_EQ(decode_code<op_pointers_request>(stub), code(Errc::bad_referent_id));
}

std::vector<std::uint8_t> strings_stub() {
  op_strings_request r;
  r.v.name = "ab";
  r.v.wide = u"w";
  r.name = u"n";
  r.cs.len = 2;
  r.cs.text = u"x";
  return *gen_test::encode(r, kNdr20);
}

TEST(GenHostile, Strings) {
  // strings.name: offset 0 at 0, actual_count 3 at 4, "ab\0" at 8..10.
  auto stub = strings_stub();
  ASSERT_TRUE(gen_test::decode<op_strings_request>(stub, kNdr20).has_value());
  auto unterminated = stub;
  unterminated[10] = 'c';
  EXPECT_EQ(decode_code<op_strings_request>(unterminated), code(Errc::string_not_terminated));
  auto inner_nul = stub;
  inner_nul[9] = 0;
  EXPECT_EQ(decode_code<op_strings_request>(inner_nul), code(Errc::string_embedded_nul));
  auto too_long = stub;
  too_long[4] = 17;  // actual_count above the [string] char[16] bound
  EXPECT_EQ(decode_code<op_strings_request>(too_long), code(Errc::actual_exceeds_max));
}

TEST(GenHostile, Range) {
  EXPECT_EQ(decode_code<op_range_request>(hex("f5010000 00000000 02000000 00000000 0000000000000000")),
            code(Errc::range_violation));
  EXPECT_EQ(decode_code<op_range_request>(hex("05000000 00000000 00000000 00000000 0000000000000000")),
            code(Errc::range_violation));
  EXPECT_EQ(decode_code<op_range_request>(hex("05000000 00000000 0b000000 00000000 0000000000000000")),
            code(Errc::range_violation));
}

TEST(GenHostile, Enums) {
  EXPECT_EQ(decode_code<op_enums_request>(hex("07000000 0080")), code(Errc::bad_enum_value));  // > 0x7fff
  EXPECT_EQ(decode_code<op_enums_request>(hex("07000000 0500")), code(Errc::bad_enum_value));  // undeclared
  EXPECT_EQ(decode_code<op_enums_request>(hex("03000000 0100")), code(Errc::bad_enum_value));
}

TEST(GenHostile, UnionDiscriminantDiffersFromSwitchIs) {
  // kind 1, but the union's own discriminant says 2.
  EXPECT_EQ(decode_code<op_nonencap_union_request>(hex("0100 0200 ffffffff 0500 0500")),
            code(Errc::switch_mismatch));
  // the switch_is parameter (5) and the union (4) disagree.
  EXPECT_EQ(decode_code<op_nonencap_union_request>(hex("0100 0100 ffffffff 0500 0400")),
            code(Errc::switch_mismatch));
}

TEST(GenHostile, Variance) {
  // varying_struct: len 3, offset 1.
  const auto head = "03000000 01000000 03000000 070000000800000009000000 ";
  EXPECT_EQ(decode_code<op_varying_request>(hex(std::string(head) + "05000000 00000000 00000000")),
            code(Errc::variance_offset_nonzero));
  // len 3 but actual_count 2.
  EXPECT_EQ(decode_code<op_varying_request>(
                hex("03000000 00000000 02000000 0700000008000000 05000000 00000000 00000000 00000000")),
            code(Errc::length_mismatch));
  // actual_count 9 above the fixed bound 8.
  EXPECT_EQ(decode_code<op_varying_request>(hex("09000000 00000000 09000000")), code(Errc::actual_exceeds_max));
}

TEST(GenHostile, DepthAndAllocationBudget) {
  op_pointer_array_request r;
  r.v.count = 1;
  r.v.items = std::vector<pointers>{pointers{}};
  const auto stub = *gen_test::encode(r, kNdr20);
  ndr::DecodeLimits shallow;
  shallow.max_depth = 1;  // the holder is one level, its items array a second
  EXPECT_EQ(decode_code<op_pointer_array_request>(stub, kNdr20, shallow), code(Errc::depth_exceeded));
  ndr::DecodeLimits poor;
  poor.max_alloc_bytes = 16;
  EXPECT_EQ(decode_code<op_pointer_array_request>(stub, kNdr20, poor), code(Errc::allocation_limit));
  EXPECT_TRUE(gen_test::decode<op_pointer_array_request>(stub, kNdr20).has_value());
}

TEST(GenHostile, PipeChunksAreBounded) {
  // A chunk announcing more elements than remain.
  EXPECT_EQ(decode_code<op_pipe_request>(hex("00100000 01000000")), code(Errc::count_exceeds_remaining));
}

TEST(GenHostile, TrailingAndMissingOctets) {
  EXPECT_EQ(decode_code<op_enums_request>(hex("07000000 0100 00")), code(Errc::trailing_bytes));
  const auto truncated = gen_test::decode<op_enums_request>(hex("07000000 01"), kNdr20);
  ASSERT_FALSE(truncated.has_value());
  EXPECT_EQ(truncated.error().domain(), ErrorDomain::base);
}

TEST(GenHostile, EncoderRefusesValuesThatBreakTheIdl) {
  const auto err = [](auto r) { return gen_test::ndr_code(gen_test::encode(r, kNdr20)); };
  // tower_length disagrees with the array.
  EXPECT_EQ(err(op_conformant_struct_request{conformance_types::twr_t{2, {1, 2, 3}}}),
            code(Errc::conformance_mismatch));
  EXPECT_EQ(err(op_range_request{501, ranged{2, 0}}), code(Errc::range_violation));
  op_nonencap_union_request u;
  u.v.kind = 1;
  u.v.u.discriminant = 2;
  EXPECT_EQ(err(u), code(Errc::switch_mismatch));
  u.v.u.discriminant = 1;
  u.v.u.value.emplace<1>(5);  // the hyper arm, but discriminant 1 selects the long
  EXPECT_EQ(err(u), code(Errc::unknown_union_arm));
  op_varying_request v;
  v.v.len = 1;
  v.v.values = {1, 2};
  EXPECT_EQ(err(v), code(Errc::length_mismatch));
  op_strings_request s;
  s.v.name = std::string(16, 'x');  // no room for the terminator in char[16]
  s.cs.len = 1;
  EXPECT_NE(err(s), 0);
}

}  // namespace
}  // namespace rampart::conformance
