// The generated conformance client against the conformance server that
// rampartd hosts as a service module (conformance_module.cpp), run by
// tests/interop/service_module_test.sh with RAMPART_CONFORMANCE_HOST set to
// the host rampartd serves on. The client finds the interface through
// rampartd's endpoint mapper (ept_map on 135), then calls every language
// feature in NDR20 and NDR64, little- and big-endian, and checks that the
// bind negotiated the transfer syntax [MS-RPCE] 3.3.1.5.6 prescribes.
#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

#include "conformance.hpp"
#include "unit/gen/conformance_calls.hpp"
#include "rampart/transport/client.hpp"
#include "rampart/transport/stub_channel.hpp"

namespace rampart::conformance {
namespace {

using namespace std::chrono_literals;

std::string host() {
  const char* h = std::getenv("RAMPART_CONFORMANCE_HOST");
  return h != nullptr ? h : "";
}

TEST(ConformanceRemote, EndpointMapperNamesRampartdsOwnPort) {
  if (host().empty()) GTEST_SKIP() << "RAMPART_CONFORMANCE_HOST is not set";
  auto where = transport::resolve_endpoint(host(), conformance_descriptor().syntax);
  ASSERT_TRUE(where.has_value()) << where.error().to_string();
  EXPECT_EQ(where->endpoint, "135");
}

class ConformanceRemoteWire : public ::testing::TestWithParam<Wire> {};

TEST_P(ConformanceRemoteWire, EveryFeatureRoundTripsThroughRampartd) {
  if (host().empty()) GTEST_SKIP() << "RAMPART_CONFORMANCE_HOST is not set";
  const Wire& w = GetParam();
  auto where = transport::resolve_endpoint(host(), conformance_descriptor().syntax);
  ASSERT_TRUE(where.has_value()) << where.error().to_string();
  transport::ClientOptions options;
  options.call_timeout = 10s;
  options.transfer_syntaxes = w.offered();
  options.drep = w.drep();
  transport::BlockingClient client(options);
  ASSERT_TRUE(client.connect_tcp(host(), static_cast<std::uint16_t>(std::stoul(where->endpoint))));
  auto bound = client.bind(conformance_descriptor().syntax);
  ASSERT_TRUE(bound.has_value()) << bound.error().to_string();
  ASSERT_EQ(client.transfer_syntax(conformance_descriptor().syntax), w.expected());
  conformance_client proxy(transport::stub_channel(client));
  call_every_feature(proxy);
}

INSTANTIATE_TEST_SUITE_P(Wires, ConformanceRemoteWire, ::testing::ValuesIn(kWires),
                         [](const auto& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace rampart::conformance
