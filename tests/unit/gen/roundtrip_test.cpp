// Every procedure of idl/test/conformance.idl (one per language feature)
// round-trips in NDR20 and NDR64, little- and big-endian: encode, decode
// to an equal value with the same describe(), re-encode to the same octets.
#include <gtest/gtest.h>

#include "conformance.hpp"
#include "gen_test_util.hpp"

namespace rampart::conformance {
namespace {

using gen_test::expect_round_trip;
using conformance_types::twr_t;

base_types sample_base() {
  base_types b;
  b.s8 = -5;
  b.s16 = -300;
  b.s32 = -70000;
  b.s64 = -(std::int64_t{1} << 40);
  b.u8v = 200;
  b.u16v = 60000;
  b.u32v = 0xdeadbeef;
  b.u64v = 0x0123456789abcdefULL;
  b.i8v = 7;
  b.i64v = 42;
  b.b = 0xab;
  b.c = 'Z';
  b.w = u'\u00e9';
  b.flag = true;
  b.f = 1.5f;
  b.dbl = -2.25;
  b.status = 0x16c9a0d6;
  b.hr = -2147467259;
  return b;
}

twr_t tower(std::uint32_t n) {
  twr_t t;
  t.tower_length = n;
  for (std::uint32_t i = 0; i < n; ++i) t.tower_octet_string.push_back(static_cast<std::uint8_t>(i * 7));
  return t;
}

pointers sample_pointers() {
  pointers p;
  p.v = 1;
  p.opt = 2;
  p.req = 3;
  p.full = 4;
  p.tower = tower(5);
  return p;
}

TEST(GenRoundTrip, BaseTypes) {
  expect_round_trip(op_base_types_request{sample_base()});
  expect_round_trip(op_base_types_response{sample_base(), 5});
}

TEST(GenRoundTrip, Enums) {
  expect_round_trip(op_enums_request{color_v1::color_blue, shape16::shape_star});
  expect_round_trip(op_enums_response{color_v1::color_red, shape16::shape_square, 0});
}

TEST(GenRoundTrip, FixedAndMultiDimensionalArrays) {
  fixed_arrays f;
  f.a = {1, -2, 3, -4};
  f.grid = {{{1, 2, 3}, {4, 5, 6}}};
  f.tail = 9;
  expect_round_trip(op_fixed_arrays_request{f});
  expect_round_trip(op_fixed_arrays_response{f, 0});
}

TEST(GenRoundTrip, ConformantStructure) {
  expect_round_trip(op_conformant_struct_request{tower(0)});
  expect_round_trip(op_conformant_struct_request{tower(13)});
  expect_round_trip(op_conformant_struct_response{tower(75), 0});
}

TEST(GenRoundTrip, ConformantParametersAndInOnlySize) {
  op_conformant_param_request rq;
  rq.n = 3;
  rq.data = {1, 2, 3};
  rq.max = 10;
  expect_round_trip(rq);
  op_conformant_param_response rs;
  rs.max = 10;  // the [in] size the [out] array's max_count carries
  rs.len = 2;
  rs.values = {-1, 1};
  expect_round_trip(rs);
}

TEST(GenRoundTrip, VaryingAndConformantVarying) {
  op_varying_request r;
  r.v.len = 3;
  r.v.values = {7, 8, 9};
  r.cv.max = 5;
  r.cv.len = 2;
  r.cv.values = {1, 2};
  expect_round_trip(r);
  expect_round_trip(op_varying_response{r.cv, 0});
}

TEST(GenRoundTrip, FirstIsLastIsMaxIs) {
  op_first_last_request r;
  r.v.first = 0;
  r.v.last = 2;
  r.v.values = {1, 2, 3};
  r.m.top = 3;
  r.m.values = {4, 5, 6, 7};
  expect_round_trip(r);
}

TEST(GenRoundTrip, Strings) {
  op_strings_request r;
  r.v.name = "fifteen chars!!";
  r.v.wide = u"wide \u00e9";
  r.v.narrow = "narrow";
  r.name = u"name";
  r.opt = std::nullopt;
  r.cs.len = 10;
  r.cs.text = u"hello";
  expect_round_trip(r);
  r.opt = "present";
  r.v.narrow = std::nullopt;
  r.v.name.clear();
  expect_round_trip(r);
  expect_round_trip(op_strings_response{r.v, 0});
}

TEST(GenRoundTrip, Range) {
  op_range_request r;
  r.count = 500;
  r.r.level = 10;
  r.r.after = -1;
  expect_round_trip(r);
}

TEST(GenRoundTrip, PointersRefUniqueFull) {
  op_pointers_request r;
  r.v = sample_pointers();
  r.maybe = 11;
  r.full = 12;
  expect_round_trip(r);
  r.v.opt.reset();
  r.v.full.reset();
  r.v.tower.reset();
  r.maybe.reset();
  r.full.reset();
  expect_round_trip(r);
  expect_round_trip(op_pointers_response{sample_pointers(), 0});
}

TEST(GenRoundTrip, ArrayOfStructuresWithPointersAndForwardTag) {
  op_pointer_array_request r;
  r.v.count = 3;
  r.v.items = std::vector<pointers>{sample_pointers(), pointers{}, sample_pointers()};
  (*r.v.items)[1].req = 99;
  r.l.value = 5;
  r.l.next = inner{6};
  expect_round_trip(r);
  r.v.count = 0;
  r.v.items = std::vector<pointers>{};
  r.l.next.reset();
  expect_round_trip(r);
}

TEST(GenRoundTrip, NonEncapsulatedUnion) {
  op_nonencap_union_request r;
  r.v.kind = 2;
  r.v.u.discriminant = 2;
  r.v.u.value.emplace<1>(-9);
  r.kind = 4;
  r.u.discriminant = 4;
  r.u.value.emplace<2>(u"arm with a pointer");
  expect_round_trip(r);
  r.kind = 5;
  r.u.discriminant = 5;
  r.u.value.emplace<3>();  // the empty arm
  r.v.kind = 77;
  r.v.u.discriminant = 77;
  r.v.u.value.emplace<4>(short{-3});  // [default]
  expect_round_trip(r);
}

TEST(GenRoundTrip, EncapsulatedUnion) {
  encap_union u;
  u.disc = 2;
  u.arm.emplace<1>(3.5);
  expect_round_trip(op_encap_union_request{u});
  u.disc = 3;
  u.arm.emplace<2>(std::optional<std::int32_t>(17));
  expect_round_trip(op_encap_union_response{u, 0});
  u.disc = 1000;
  u.arm.emplace<3>();
  expect_round_trip(op_encap_union_request{u});
}

TEST(GenRoundTrip, ContextHandle) {
  op_context_handle_request r;
  r.h.attributes = 0;
  r.h.uuid = Uuid::from_string("01234567-89ab-cdef-0123-456789abcdef");
  expect_round_trip(r);
  expect_round_trip(op_context_handle_response{r.h, 0});
}

TEST(GenRoundTrip, Pipe) {
  op_pipe_request r;
  expect_round_trip(r);
  r.p = {1, 2, 3, 4, 5};
  expect_round_trip(r);
}

TEST(GenRoundTrip, HandleGuidRetvalHresult) {
  op_handle_request r;
  r.v = 3;
  r.g = Uuid::from_string("00000000-0000-0000-c000-000000000046");
  expect_round_trip(r);
  expect_round_trip(op_handle_response{r.g, -2147024891});
  expect_round_trip(op_void_request{true});
  expect_round_trip(op_void_response{});
}

TEST(GenRoundTrip, MultiLevelSizeIs) {
  expect_round_trip(op_multilevel_request{4});
  op_multilevel_response r;
  r.count = 2;
  r.values = std::vector<std::int32_t>{-1, 1};
  expect_round_trip(r);
  r.count = 0;
  r.values.reset();  // a NULL second-level pointer
  expect_round_trip(r);
}

TEST(GenRoundTrip, ObjectInterfaceOpnumsFollowIUnknown) {
  expect_round_trip(Ping_request{5});
  expect_round_trip(Ping_response{6, 0});
  const auto& d = IConformanceObject_descriptor();
  EXPECT_EQ(d.first_opnum, 3);
  EXPECT_EQ(d.operation_count(), 4);
  ASSERT_NE(d.find(3), nullptr);
  EXPECT_EQ(d.find(3)->name, "Ping");
  EXPECT_EQ(d.find(0), nullptr);
}

}  // namespace
}  // namespace rampart::conformance

namespace rampart::conformance {
namespace {

using gen_test::code;
using gen_test::expect_round_trip;
using gen_test::hex;
using gen_test::kNdr20;
using gen_test::kNdr64;
using gen_test::ndr_code;

TEST(GenRoundTrip, UniqueArrayParameter) {
  // `[in, unique, size_is(n)] long values[]`: a nullable pointer to the array.
  expect_round_trip(op_unique_array_request{2, std::vector<std::int32_t>{-7, 9}});
  expect_round_trip(op_unique_array_request{0, std::vector<std::int32_t>{}});
  expect_round_trip(op_unique_array_request{0, std::nullopt});
  // NDR20: n, the referent id, then max_count and the elements; NULL is an
  // id of 0 and nothing after it.
  auto present = gen_test::decode<op_unique_array_request>(
      hex("02000000 00000200 02000000 f9ffffff 09000000"), kNdr20);
  ASSERT_TRUE(present.has_value()) << present.error().to_string();
  EXPECT_EQ(present->values, (std::optional<std::vector<std::int32_t>>(std::vector<std::int32_t>{-7, 9})));
  auto null = gen_test::decode<op_unique_array_request>(hex("00000000 00000000"), kNdr20);
  ASSERT_TRUE(null.has_value()) << null.error().to_string();
  EXPECT_FALSE(null->values.has_value());
  auto bytes = gen_test::encode(op_unique_array_request{0, std::nullopt}, kNdr20);
  ASSERT_TRUE(bytes.has_value());
  EXPECT_EQ(*bytes, hex("00000000 00000000"));
  // NDR64: 8-octet referent id and max_count.
  auto wide = gen_test::decode<op_unique_array_request>(
      hex("01000000 00000000 00000200 00000000 01000000 00000000 05000000"), kNdr64);
  ASSERT_TRUE(wide.has_value()) << wide.error().to_string();
  EXPECT_EQ(wide->values, (std::optional<std::vector<std::int32_t>>(std::vector<std::int32_t>{5})));
  // The size_is correlation is still checked behind the pointer.
  EXPECT_EQ(ndr_code(gen_test::decode<op_unique_array_request>(
                hex("03000000 00000200 02000000 f9ffffff 09000000"), kNdr20)),
            code(ndr::Errc::conformance_mismatch));
}

TEST(GenRoundTrip, StringThroughADoublePointer) {
  // `[out, string] wchar_t** echoed`: [ref] (no wire form) to [unique] to a
  // conformant varying string.
  op_string_out_response r;
  r.echoed = u"ab";
  expect_round_trip(r);
  r.echoed.reset();
  expect_round_trip(r);
  auto s = gen_test::decode<op_string_out_response>(
      hex("00000200 03000000 00000000 03000000 6100 6200 0000 0000 2a000000"), kNdr20);
  ASSERT_TRUE(s.has_value()) << s.error().to_string();
  EXPECT_EQ(s->echoed, std::optional<std::u16string>(u"ab"));
  EXPECT_EQ(s->return_value, 42u);
  auto null = gen_test::decode<op_string_out_response>(hex("00000000 2a000000"), kNdr20);
  ASSERT_TRUE(null.has_value()) << null.error().to_string();
  EXPECT_FALSE(null->echoed.has_value());
  // The terminator is still required.
  EXPECT_EQ(ndr_code(gen_test::decode<op_string_out_response>(
                hex("00000200 02000000 00000000 02000000 6100 6200 2a000000"), kNdr20)),
            code(ndr::Errc::string_not_terminated));
}

}  // namespace
}  // namespace rampart::conformance
