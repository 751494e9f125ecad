// The generated server skeleton and dispatcher: [in] parameters are
// decoded with full validation in the call's transfer syntax before the
// implementation runs; a bad stub is a fault (rpc_x_bad_stub_data) and the
// implementation is never called.
#include <gtest/gtest.h>

#include <algorithm>

#include "conformance.hpp"
#include "gen_test_util.hpp"
#include "rampart/pdu/status.hpp"
#include "rampart/base/hex.hpp"
#include "rampart/runtime/association_group.hpp"

namespace rampart::conformance {
namespace {

class Impl final : public conformance_server {
 public:
  int calls = 0;
#define RAMPART_UNUSED_OP(name)                                                                      \
  std::expected<name##_response, std::uint32_t> name(const runtime::CallContext&, name##_request) override { \
    ++calls;                                                                                         \
    return std::unexpected(0x1c010003u);                                                             \
  }
  RAMPART_UNUSED_OP(op_base_types)
  RAMPART_UNUSED_OP(op_enums)
  RAMPART_UNUSED_OP(op_fixed_arrays)
  RAMPART_UNUSED_OP(op_varying)
  RAMPART_UNUSED_OP(op_first_last)
  RAMPART_UNUSED_OP(op_strings)
  RAMPART_UNUSED_OP(op_range)
  RAMPART_UNUSED_OP(op_pointers)
  RAMPART_UNUSED_OP(op_pointer_array)
  RAMPART_UNUSED_OP(op_nonencap_union)
  RAMPART_UNUSED_OP(op_encap_union)
  RAMPART_UNUSED_OP(op_context_handle)
  RAMPART_UNUSED_OP(op_pipe)
  RAMPART_UNUSED_OP(op_handle)
  RAMPART_UNUSED_OP(op_void)
  RAMPART_UNUSED_OP(op_conformant_param)
  RAMPART_UNUSED_OP(op_multilevel)
  RAMPART_UNUSED_OP(op_unique_array)
  RAMPART_UNUSED_OP(op_string_out)
#undef RAMPART_UNUSED_OP
  std::expected<op_conformant_struct_response, std::uint32_t> op_conformant_struct(
      const runtime::CallContext&, op_conformant_struct_request request) override {
    ++calls;
    auto t = request.t;
    std::reverse(t.tower_octet_string.begin(), t.tower_octet_string.end());
    return op_conformant_struct_response{t, 7};
  }
};

struct Call {
  runtime::PeerInfo peer;
  runtime::AssociationGroup group{1, runtime::TransportKind::tcp, 4};

  runtime::CallOutcome run(runtime::Interface& itf, std::uint16_t opnum, std::span<const std::uint8_t> stub,
                           const SyntaxId& syntax, Drep drep = Drep::little()) {
    const runtime::CallContext ctx{peer, group, 1, 0, opnum, std::nullopt, drep, syntax, stub};
    auto slot = std::make_shared<runtime::Responder::Slot>();
    itf.call(ctx, runtime::Responder(slot));
    return slot->inline_outcome.value_or(runtime::CallOutcome::fault(1));
  }
};

TEST(GenDispatcher, DecodesCallsAndEncodesInTheBoundSyntax) {
  auto impl = std::make_shared<Impl>();
  conformance_dispatcher d(impl);
  EXPECT_EQ(d.syntax().to_string(), "6b7a3c1e-94f2-4c1d-8d0e-2f5a9b3c7d41 v1.2");
  EXPECT_EQ(d.name(), "conformance");
  EXPECT_EQ(d.operation_count(), 20);
  Call call;
  const op_conformant_struct_request req{conformance_types::twr_t{3, {1, 2, 3}}};
  for (const auto& w : gen_test::all_wires()) {
    SCOPED_TRACE(w.name);
    const auto stub = *gen_test::encode(req, w);
    const auto out = call.run(d, 3, stub, w.ndr64 ? syntax::kNdr64 : syntax::kNdr20, w.drep);
    ASSERT_FALSE(out.is_fault()) << out.fault_status;
    const auto resp = gen_test::decode<op_conformant_struct_response>(out.stub, w);
    ASSERT_TRUE(resp.has_value());
    EXPECT_EQ(resp->r.tower_octet_string, (std::vector<std::uint8_t>{3, 2, 1}));
    EXPECT_EQ(resp->return_value, 7u);
  }
  EXPECT_EQ(impl->calls, 4);
}

TEST(GenDispatcher, BadStubFaultsBeforeTheImplementationRuns) {
  auto impl = std::make_shared<Impl>();
  conformance_dispatcher d(impl);
  Call call;
  const auto lying = *parse_hex("05000000 03000000 aabbccddee");
  const auto out = call.run(d, 3, lying, syntax::kNdr20);
  EXPECT_TRUE(out.is_fault());
  EXPECT_EQ(out.fault_status, pdu::status::kRpcBadStubData);
  EXPECT_EQ(impl->calls, 0);
  // The same octets are not a valid NDR64 stub either.
  EXPECT_EQ(call.run(d, 3, lying, syntax::kNdr64).fault_status, pdu::status::kRpcBadStubData);
  EXPECT_EQ(impl->calls, 0);
}

TEST(GenDispatcher, ImplementationFaultsAndUnknownOpnums) {
  auto impl = std::make_shared<Impl>();
  conformance_dispatcher d(impl);
  Call call;
  const auto stub = *gen_test::encode(op_void_request{true}, gen_test::all_wires()[0]);
  EXPECT_EQ(call.run(d, 16, stub, syntax::kNdr20).fault_status, 0x1c010003u);
  const auto out = call.run(d, 20, stub, syntax::kNdr20);
  EXPECT_EQ(out.fault_status, pdu::status::kNcaOpRangeError);
  EXPECT_TRUE(out.did_not_execute);
}

TEST(GenDescriptor, TypeErasedCodecsPerOpnumAndSyntax) {
  const auto& desc = conformance_descriptor();
  EXPECT_EQ(desc.operation_count(), 20);
  const auto* op = desc.find(3);
  ASSERT_NE(op, nullptr);
  EXPECT_EQ(op->name, "op_conformant_struct");
  const auto stub = *parse_hex("03000000 03000000 aabbcc");
  const auto idx = runtime::InterfaceDescriptor::syntax_index(syntax::kNdr20);
  ASSERT_TRUE(idx.has_value());
  const auto& codecs = op->codecs[*idx];
  auto text = codecs.describe_request(stub, Drep::little());
  ASSERT_TRUE(text.has_value());
  EXPECT_EQ(*text,
            "op_conformant_struct request\n"
            "  t:\n"
            "    tower_length: 3\n"
            "    tower_octet_string: [3] aa bb cc\n");
  auto value = codecs.decode_request(stub, Drep::little());
  ASSERT_TRUE(value.has_value());
  auto again = codecs.encode_request(*value, Drep::little());
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(*again, stub);
  EXPECT_FALSE(codecs.encode_response(*value, Drep::little()).has_value());  // a request is not a response
  EXPECT_FALSE(runtime::InterfaceDescriptor::syntax_index(SyntaxId{}).has_value());
  EXPECT_EQ(desc.find(20), nullptr);
}

}  // namespace
}  // namespace rampart::conformance
