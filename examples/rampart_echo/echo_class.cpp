// IRampartEcho, implemented against the generated skeleton.
#include "echo_class.hpp"

#include <limits>

#include "rampart/dcom/hresult.hpp"

namespace rampart::echo {

namespace re = spec::rampart_echo;

std::expected<re::Echo_response, std::uint32_t> EchoObject::Echo(const runtime::CallContext&,
                                                                 re::Echo_request request) {
  re::Echo_response out;
  out.echoed = std::move(request.text);
  return out;
}

std::expected<re::Add_response, std::uint32_t> EchoObject::Add(const runtime::CallContext&, re::Add_request request) {
  re::Add_response out;
  const std::int64_t sum = std::int64_t{request.a} + request.b;
  if (sum < std::numeric_limits<std::int32_t>::min() || sum > std::numeric_limits<std::int32_t>::max()) {
    out.return_value = static_cast<std::int32_t>(dcom::hr::kInvalidArg);
    return out;
  }
  out.sum = static_cast<std::int32_t>(sum);
  return out;
}

dcom::ComObject make_echo_object() {
  dcom::ComObject object;
  object.add(re::IRampartEcho_descriptor(),
             std::make_shared<re::IRampartEcho_dispatcher>(std::make_shared<EchoObject>()));
  return object;
}

void register_echo_class(dcom::ComServer& server) {
  server.register_interface(re::IRampartEcho_descriptor());
  server.register_class(kClsid, "rampart-echo", make_echo_object);
}

}  // namespace rampart::echo
