#include <gtest/gtest.h>

#include <tuple>

#include "unit/interfaces/samples.hpp"

namespace rampart::epm {
namespace {

template <class T>
void round_trip(const T& value) {
  for (const Drep drep : {Drep::little(), Drep::big()}) {
    auto bytes = ndr::encode_stub(value, drep);
    ASSERT_TRUE(bytes) << bytes.error().to_string();
    auto back = ndr::decode_stub<T>(*bytes, drep);
    ASSERT_TRUE(back) << value.describe() << back.error().to_string();
    EXPECT_EQ(*back, value) << value.describe();
    EXPECT_EQ(back->describe(), value.describe());
    auto again = ndr::encode_stub(*back, drep);
    ASSERT_TRUE(again);
    EXPECT_EQ(*again, *bytes) << value.describe();
    // Every strict prefix is refused without crashing.
    for (std::size_t n = 0; n < bytes->size(); n += 1 + n / 16) {
      EXPECT_FALSE(ndr::decode_stub<T>(std::span(bytes->data(), n), drep)) << n;
    }
  }
}

// The generated codecs of every operation, NDR20 in both byte orders (the
// NDR64 forms are covered by tests/unit/gen).
TEST(RoundTrip, EveryOperationBothByteOrders) {
  std::apply([](const auto&... v) { (round_trip(v), ...); }, test::samples());
}

TEST(RoundTrip, DescribeStartsWithTheOperationName) {
  std::apply(
      [](const auto&... v) {
        for (const std::string& d : {v.describe()...}) {
          EXPECT_TRUE(d.starts_with("ept_") || d.starts_with("rpc__mgmt_")) << d;
          EXPECT_EQ(d.back(), '\n');
        }
      },
      test::samples());
}

}  // namespace
}  // namespace rampart::epm
