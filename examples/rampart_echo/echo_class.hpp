// The rampart-echo test class (CLSID 7f1b2c3d-0a4e-4c5f-9d6e-2b8a1c0e5f01):
// IRampartEcho implemented with the COM server API as a user would.
#pragma once

#include "rampart/dcom/com_server.hpp"
#include "rampart_echo.hpp"

namespace rampart::echo {

inline const Uuid kClsid = Uuid::from_string("7f1b2c3d-0a4e-4c5f-9d6e-2b8a1c0e5f01");
inline const Uuid kIid = Uuid::from_string("7f1b2c3d-0a4e-4c5f-9d6e-2b8a1c0e5f02");

class EchoObject final : public spec::rampart_echo::IRampartEcho_server {
 public:
  std::expected<spec::rampart_echo::Echo_response, std::uint32_t> Echo(
      const runtime::CallContext& ctx, spec::rampart_echo::Echo_request request) override;
  std::expected<spec::rampart_echo::Add_response, std::uint32_t> Add(
      const runtime::CallContext& ctx, spec::rampart_echo::Add_request request) override;
};

/// A new instance: one EchoObject behind IRampartEcho.
[[nodiscard]] dcom::ComObject make_echo_object();

/// The same class served by an out-of-process server (rampart-echo-server),
/// under a CLSID of its own so a test can tell the two apart.
inline const Uuid kServerClsid = Uuid::from_string("7f1b2c3d-0a4e-4c5f-9d6e-2b8a1c0e5f03");

/// Registers IRampartEcho and the class with `server`.
void register_echo_class(dcom::ComServer& server);

}  // namespace rampart::echo
