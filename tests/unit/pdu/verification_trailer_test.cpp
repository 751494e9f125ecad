#include "rampart/pdu/verification_trailer.hpp"

#include <gtest/gtest.h>

#include "pdu_fixtures.hpp"

namespace rampart::pdu {
namespace {

using namespace testing;

VerificationTrailer sample() {
  VerificationTrailer vt;
  vt.commands.push_back({false, VtBitmask1{1}});
  vt.commands.push_back({true, VtPContext{kEpm, syntax::kNdr20}});
  vt.commands.push_back({true, VtHeader2{0, {0x10, 0, 0, 0}, 5, 0, 3}});
  return vt;
}

TEST(VerificationTrailer, FoundAfterStubAndPadding) {
  for (Drep d : {Drep::little(), Drep::big()}) {
    std::vector<std::uint8_t> stub;
    ByteWriter w(stub, d);
    w.bytes(std::vector<std::uint8_t>{1, 2, 3, 4, 5});  // NDR stub data, then alignment
    sample().encode(w);
    auto found = find_verification_trailer(stub, d);
    ASSERT_TRUE(found) << found.error().to_string();
    ASSERT_TRUE(found->has_value());
    EXPECT_EQ((*found)->offset, 8u);
    EXPECT_EQ((*found)->trailer, sample());
    EXPECT_NE((*found)->trailer.describe().find("header2 ptype=0"), std::string::npos);
  }
}

TEST(VerificationTrailer, EndIsBit14AndMustProcessBit15) {
  // [MS-RPCE] 2.2.2.13: the last command carries SEC_VT_COMMAND_END 0x4000;
  // SEC_VT_MUST_PROCESS_COMMAND is 0x8000 (Samba's and Wireshark's reading too).
  std::vector<std::uint8_t> stub;
  ByteWriter w(stub);
  VerificationTrailer vt;
  vt.commands.push_back({true, VtBitmask1{1}});
  vt.commands.push_back({false, VtHeader2{0, {0x10, 0, 0, 0}, 5, 0, 3}});
  vt.encode(w);
  ASSERT_EQ(stub.size(), 8u + 8u + 20u);
  EXPECT_EQ(stub[8] | stub[9] << 8, 0x8001);    // must process, not the end
  EXPECT_EQ(stub[16] | stub[17] << 8, 0x4003);  // the end
}

TEST(VerificationTrailer, AbsentWhenNoSignature) {
  std::vector<std::uint8_t> stub(64, 0x71);
  auto found = find_verification_trailer(stub, Drep::little());
  ASSERT_TRUE(found);
  EXPECT_FALSE(found->has_value());
}

TEST(VerificationTrailer, CommandLengthMustMatchType) {
  std::vector<std::uint8_t> stub;
  ByteWriter w(stub);
  VerificationTrailer vt;
  vt.commands.push_back({false, VtBitmask1{1}});
  vt.encode(w);
  stub[10] = 8;  // bitmask length 8
  stub.insert(stub.end(), 4, 0);
  auto found = find_verification_trailer(stub, Drep::little());
  ASSERT_FALSE(found);
  EXPECT_TRUE(found.error().is(Errc::bad_verification_trailer));
}

TEST(VerificationTrailer, MustEndAtTheStubEnd) {
  std::vector<std::uint8_t> stub;
  ByteWriter w(stub);
  sample().encode(w);
  stub.insert(stub.end(), 4, 0);
  auto found = find_verification_trailer(stub, Drep::little());
  ASSERT_FALSE(found);
  EXPECT_TRUE(found.error().is(Errc::bad_verification_trailer));
}

TEST(VerificationTrailer, TruncatedCommandIsAnError) {
  std::vector<std::uint8_t> stub;
  ByteWriter w(stub);
  sample().encode(w);
  ASSERT_GE(stub.size(), 4U);
  stub.erase(stub.end() - 4, stub.end());
  auto found = find_verification_trailer(stub, Drep::little());
  ASSERT_FALSE(found);
  EXPECT_TRUE(found.error().is(Errc::bad_verification_trailer));
}

TEST(VerificationTrailer, UnknownCommandsAreKeptWithTheirFlag) {
  std::vector<std::uint8_t> stub;
  ByteWriter w(stub);
  VerificationTrailer vt;
  vt.commands.push_back({true, VtUnknown{0x22, {9, 9}}});
  vt.encode(w);
  auto found = find_verification_trailer(stub, Drep::little());
  ASSERT_TRUE(found && found->has_value());
  EXPECT_EQ((*found)->trailer, vt);
}

}  // namespace
}  // namespace rampart::pdu
