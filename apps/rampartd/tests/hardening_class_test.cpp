#include "hardening_class.hpp"

#include <gtest/gtest.h>

#include "rampart/base/drep.hpp"
#include "rampart/ndr/errc.hpp"
#include "rampart/pdu/errc.hpp"
#include "rampart/runtime/errc.hpp"
#include "rampart/runtime/frag_errc.hpp"
#include "rampart/security/errc.hpp"

namespace rampartd {
namespace {

template <class E>
std::string_view class_of(E code) {
  return hardening_class(rampart::Error(code, "test"));
}

TEST(HardeningClass, FramingAndHeaderErrorsAreC1) {
  EXPECT_EQ(class_of(rampart::pdu::Errc::bad_rpc_version), "C1");
  EXPECT_EQ(class_of(rampart::pdu::Errc::frag_length_too_small), "C1");
  EXPECT_EQ(class_of(rampart::runtime::Errc::request_before_bind), "C1");
  EXPECT_EQ(class_of(rampart::BaseErrc::bad_drep), "C1");
}

TEST(HardeningClass, EachLayerMapsToTheClassItsErrcNames) {
  EXPECT_EQ(class_of(rampart::runtime::FragErrc::stub_too_large), "C2");
  EXPECT_EQ(class_of(rampart::runtime::FragErrc::call_id_mismatch), "C3");
  EXPECT_EQ(class_of(rampart::pdu::Errc::auth_trailer_misaligned), "C4");
  EXPECT_EQ(class_of(rampart::security::Errc::trailer_misaligned), "C4");
  EXPECT_EQ(class_of(rampart::security::Errc::auth_level_changed), "C5");
  EXPECT_EQ(class_of(rampart::pdu::Errc::no_context_elements), "C6");
  EXPECT_EQ(class_of(rampart::runtime::Errc::second_bind), "C6");
  EXPECT_EQ(class_of(rampart::ndr::Errc::conformance_mismatch), "C7");
  EXPECT_EQ(class_of(rampart::ndr::Errc::string_not_terminated), "C8");
  EXPECT_EQ(class_of(rampart::pdu::Errc::bad_verification_trailer), "C9");
  EXPECT_EQ(class_of(rampart::BaseErrc::truncated), "C10");
  EXPECT_EQ(class_of(rampart::ndr::Errc::null_ref_pointer), "C10");
  EXPECT_EQ(class_of(rampart::ndr::Errc::count_exceeds_remaining), "C11");
  EXPECT_EQ(class_of(rampart::ndr::Errc::depth_exceeded), "C12");
  EXPECT_EQ(class_of(rampart::runtime::Errc::too_many_pending_calls), "C13");
  EXPECT_EQ(class_of(rampart::runtime::FragErrc::too_many_calls), "C13");
  EXPECT_EQ(class_of(rampart::runtime::Errc::remote_caller_refused), "C14");
  EXPECT_EQ(class_of(rampart::runtime::Errc::call_timed_out), "C16");
}

TEST(HardeningClass, ErrorsOfNoInputClassSayNone) {
  EXPECT_EQ(class_of(rampart::runtime::Errc::handler_failed), "none");
  EXPECT_EQ(class_of(rampart::runtime::Errc::opnum_out_of_range), "none");
  EXPECT_EQ(class_of(rampart::BaseErrc::bad_uuid_text), "none");
}

}  // namespace
}  // namespace rampartd
