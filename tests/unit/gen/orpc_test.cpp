// The constructs DCOM IDL relies on (idl/test/orpc_shapes.idl, compiled
// with --orpc): implicit ORPCTHIS/ORPCTHAT, sizes computed by expressions,
// size_is(, n) on a deeper pointer level, an anonymous union whose arms
// are anonymous structures. Each round-trips in NDR20 and NDR64, both
// byte orders; a computed size that disagrees with its array is refused.
#include <gtest/gtest.h>

#include "gen_test_util.hpp"
#include "orpc_shapes.hpp"

namespace rampart::orpc_shapes {
namespace {

using gen_test::expect_round_trip;

ORPCTHIS sample_this() {
  ORPCTHIS t;
  t.version = COMVERSION{5, 7};
  t.cid = Uuid::from_string("11223344-5566-7788-99aa-bbccddeeff00");
  ORPC_EXTENT_ARRAY a;
  a.size = 1;
  ORPC_EXTENT e;
  e.id = Uuid::from_string("00000000-0000-0000-c000-000000000046");
  e.size = 3;
  e.data = {1, 2, 3, 0, 0, 0, 0, 0};  // [size_is((size + 7) & ~7)]
  a.extent = std::vector<std::optional<ORPC_EXTENT>>{e, std::nullopt};  // [size_is((size + 1) & ~1)]
  t.extensions = a;
  return t;
}

TEST(GenOrpc, RemQueryInterfaceCarriesOrpcThisAndThat) {
  RemQueryInterface_request q;
  q.orpcthis = sample_this();
  q.ripid = Uuid::from_string("01020304-0506-0708-090a-0b0c0d0e0f10");
  q.cRefs = 5;
  q.cIids = 2;
  q.iids = {Uuid{}, q.ripid};
  expect_round_trip(q);

  RemQueryInterface_response r;
  r.orpcthat.flags = 0;
  r.cIids = 2;
  REMQIRESULT one;
  one.hResult = 0;
  one.std.oxid = 0x1122334455667788ULL;
  r.ppQIResults = std::vector<REMQIRESULT>{one, REMQIRESULT{}};
  expect_round_trip(r);
  EXPECT_EQ(RemQueryInterface_request{}.describe().rfind("RemQueryInterface request\n  orpcthis:\n", 0), 0u);
}

TEST(GenOrpc, ComputedSizesAreChecked) {
  ORPCTHIS t = sample_this();
  t.extensions->extent->front()->data.resize(3);  // (3 + 7) & ~7 is 8, not 3
  RemQueryInterface_request q;
  q.orpcthis = t;
  const auto bytes = gen_test::encode(q, gen_test::all_wires()[0]);
  ASSERT_FALSE(bytes.has_value());
  EXPECT_EQ(bytes.error().code(), static_cast<std::uint16_t>(ndr::Errc::conformance_mismatch));
}

TEST(GenOrpc, ObjrefArmsAndInterfacePointers) {
  GetObjRef_response r;
  r.ref.signature = 0x574f454d;  // "MEOW"
  r.ref.flags = OBJREF_STANDARD;
  r.ref.iid = Uuid::from_string("00000000-0000-0000-c000-000000000046");
  r.ref.u_objref.discriminant = OBJREF_STANDARD;
  OBJREF_u_objref_u_standard st;
  st.std.cPublicRefs = 5;
  st.saResAddr.wNumEntries = 3;
  st.saResAddr.wSecurityOffset = 2;
  st.saResAddr.aStringArray = {7, 0, 0};
  r.ref.u_objref.value.emplace<0>(st);
  r.ip = MInterfacePointer{4, {0xde, 0xad, 0xbe, 0xef}};
  expect_round_trip(r);
  r.ref.flags = OBJREF_CUSTOM;
  r.ref.u_objref.discriminant = OBJREF_CUSTOM;
  OBJREF_u_objref_u_custom custom;
  custom.size = 2;
  custom.pData = {9, 9};
  r.ref.u_objref.value.emplace<2>(custom);
  r.ip.reset();
  expect_round_trip(r);
  // A flags value that selects no arm (the union has no [default]).
  r.ref.flags = 8;
  r.ref.u_objref.discriminant = 8;
  EXPECT_FALSE(gen_test::encode(r, gen_test::all_wires()[0]).has_value());
}

TEST(GenOrpc, ObjectInterfaceDescriptor) {
  const auto& d = IRemUnknown_shape_descriptor();
  EXPECT_EQ(d.syntax.to_string(), "00000131-0000-0000-c000-000000000046 v0.0");
  EXPECT_EQ(d.first_opnum, 3);
  EXPECT_EQ(d.find(3)->name, "RemQueryInterface");
  EXPECT_EQ(d.operation_count(), 6);
}

}  // namespace
}  // namespace rampart::orpc_shapes
