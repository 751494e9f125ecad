// What a conformance client checks (idl/test/conformance.idl): a request
// per language feature, compared with the reference server's echo
// (conformance_echo.hpp), and the ways of speaking to a server (transfer
// syntaxes offered, byte order). Shared by end_to_end_test.cpp, which hosts
// the server itself, and conformance_remote_test.cpp, which calls the one
// rampartd hosts as a service module.
#pragma once

#include <gtest/gtest.h>

#include <optional>
#include <vector>

#include "conformance.hpp"
#include "rampart/base/drep.hpp"
#include "rampart/runtime/client_errc.hpp"

namespace rampart::conformance {

/// One way of speaking to the server: the transfer syntaxes offered in the
/// bind, the one the server must accept, and the byte order of the PDUs.
/// (Flags, not SyntaxIds: syntax::kNdr20 is not constructed yet while
/// namespace-scope objects of this file are.)
struct Wire {
  const char* name;
  bool offer20;
  bool offer64;
  bool big_endian;

  [[nodiscard]] std::vector<SyntaxId> offered() const {
    std::vector<SyntaxId> out;
    if (offer20) out.push_back(syntax::kNdr20);
    if (offer64) out.push_back(syntax::kNdr64);
    return out;
  }
  // [MS-RPCE] 3.3.1.5.6: the server prefers NDR64 when it is offered.
  [[nodiscard]] SyntaxId expected() const { return offer64 ? syntax::kNdr64 : syntax::kNdr20; }
  [[nodiscard]] Drep drep() const { return big_endian ? Drep::big() : Drep::little(); }
};

constexpr Wire kWires[] = {
    {"ndr20_little", true, false, false}, {"ndr20_big", true, false, true},
    {"ndr64_little", false, true, false}, {"ndr64_big", false, true, true},
    {"both_little", true, true, false},   {"both_big", true, true, true},
};

/// A request per language feature the conformance IDL has a shape for,
/// checked against the echo.
inline void call_every_feature(conformance_client& proxy) {
  // Multi-octet values whose octets differ show a byte-order mistake.
  op_base_types_request bq;
  bq.v.s8 = -5;
  bq.v.s16 = 0x1234;
  bq.v.s32 = 0x12345678;
  bq.v.s64 = 0x0102030405060708;
  bq.v.f = 1.5f;
  bq.v.dbl = -2.25;
  bq.v.c = 'x';
  bq.v.w = u'\u00e9';
  bq.v.flag = true;
  auto r0 = proxy.op_base_types(bq);
  ASSERT_TRUE(r0.has_value()) << r0.error().to_string();
  EXPECT_EQ(r0->r, bq.v);

  conformance_types::twr_t t{4, {9, 8, 7, 6}};
  auto r1 = proxy.op_conformant_struct({t});
  ASSERT_TRUE(r1.has_value()) << r1.error().to_string();
  EXPECT_EQ(r1->r, t);

  op_conformant_param_request cp;
  cp.n = 3;
  cp.data = {1, 2, 3};
  cp.max = 8;
  auto r2 = proxy.op_conformant_param(cp);
  ASSERT_TRUE(r2.has_value()) << r2.error().to_string();
  EXPECT_EQ(r2->max, 8u);
  EXPECT_EQ(r2->values, (std::vector<std::int32_t>{1, 2, 3}));

  op_strings_request sq;
  sq.v.name = "name";
  sq.v.wide = u"wide";
  sq.name = u"n";
  sq.cs.len = 3;
  sq.cs.text = u"ab";
  auto r3 = proxy.op_strings(sq);
  ASSERT_TRUE(r3.has_value()) << r3.error().to_string();
  EXPECT_EQ(r3->r, sq.v);

  op_nonencap_union_request uq;
  uq.v.kind = 4;
  uq.v.u.discriminant = 4;
  uq.v.u.value.emplace<2>(u"union arm");
  uq.kind = 1;
  uq.u.discriminant = 1;
  uq.u.value.emplace<0>(5);
  auto r4 = proxy.op_nonencap_union(uq);
  ASSERT_TRUE(r4.has_value()) << r4.error().to_string();
  EXPECT_EQ(r4->r, uq.v);

  auto r5 = proxy.op_pipe({{1, 2, 3, 4, 5, 6, 7}});
  ASSERT_TRUE(r5.has_value()) << r5.error().to_string();
  EXPECT_EQ(r5->count, 7u);

  auto r7 = proxy.op_multilevel({3});
  ASSERT_TRUE(r7.has_value()) << r7.error().to_string();
  EXPECT_EQ(r7->values, (std::optional<std::vector<std::int32_t>>(std::vector<std::int32_t>{42, 42, 42})));

  // [unique] on an array parameter: present (and empty) differs from NULL.
  auto ua = proxy.op_unique_array({3, std::vector<std::int32_t>{5, 6, -1}});
  ASSERT_TRUE(ua.has_value()) << ua.error().to_string();
  EXPECT_EQ(ua->sum, 10);
  auto ue = proxy.op_unique_array({0, std::vector<std::int32_t>{}});
  ASSERT_TRUE(ue.has_value()) << ue.error().to_string();
  EXPECT_EQ(ue->sum, 0);
  auto un = proxy.op_unique_array({0, std::nullopt});
  ASSERT_TRUE(un.has_value()) << un.error().to_string();
  EXPECT_EQ(un->sum, -1);

  // [out, string] wchar_t**: the string, or a NULL pointer.
  auto so = proxy.op_string_out({u"hi"});
  ASSERT_TRUE(so.has_value()) << so.error().to_string();
  EXPECT_EQ(so->echoed, std::optional<std::u16string>(u"hi!"));
  auto sn = proxy.op_string_out({u""});
  ASSERT_TRUE(sn.has_value()) << sn.error().to_string();
  EXPECT_FALSE(sn->echoed.has_value());

  op_varying_request vq;
  vq.v.len = 3;
  vq.v.values = {7, 8, 9};
  vq.cv.max = 5;
  vq.cv.len = 2;
  vq.cv.values = {1, 2};
  auto r8 = proxy.op_varying(vq);
  ASSERT_TRUE(r8.has_value()) << r8.error().to_string();
  EXPECT_EQ(r8->r, vq.cv);

  encap_union e;
  e.disc = 3;
  e.arm.emplace<2>(std::optional<std::int32_t>(17));
  auto r9 = proxy.op_encap_union({e});
  ASSERT_TRUE(r9.has_value()) << r9.error().to_string();
  EXPECT_EQ(r9->r, e);

  auto r6 = proxy.op_void({false});
  ASSERT_FALSE(r6.has_value());
  EXPECT_TRUE(r6.error().is(runtime::ClientErrc::call_faulted));
  EXPECT_EQ(proxy.last_fault(), 0x1c010003u);
}

}  // namespace rampart::conformance
