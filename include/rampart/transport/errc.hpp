// Error codes of the transport layer: listen addresses a configuration or
// command line names. Socket failures stay std::error_code (they come from
// the operating system, not from a peer).
#pragma once

#include <cstdint>

#include "rampart/base/error.hpp"

namespace rampart::transport {

enum class Errc : std::uint16_t {
  bad_address = 1,      // not ADDR:PORT, [V6ADDR]:PORT or an absolute socket path
  bad_port,             // port missing, not decimal, or above 65535
  path_too_long,        // a local socket path longer than sockaddr_un allows
  annotation_too_long,  // an ept_entry annotation over 63 octets (C706 O.2.1: char[64])
  listen_failed,        // a socket could not be bound or listened on
};

}  // namespace rampart::transport

namespace rampart {
template <>
struct ErrorCodeTraits<transport::Errc> {
  static constexpr ErrorDomain domain = ErrorDomain::transport;
  static const char* name(transport::Errc e) noexcept;
};
}  // namespace rampart
