#include "rampart/base/error.hpp"

#include <fmt/format.h>

namespace rampart {

std::string_view to_string(ErrorDomain d) noexcept {
  switch (d) {
    case ErrorDomain::base: return "base";
    case ErrorDomain::pdu: return "pdu";
    case ErrorDomain::frag: return "frag";
    case ErrorDomain::ndr: return "ndr";
    case ErrorDomain::binding: return "binding";
    case ErrorDomain::runtime: return "runtime";
    case ErrorDomain::transport: return "transport";
    case ErrorDomain::service: return "service";
    case ErrorDomain::client: return "client";
    case ErrorDomain::security: return "security";
    case ErrorDomain::dcom: return "dcom";
  }
  return "unknown";
}

std::string Error::to_string() const {
  if (offset_ == kNoOffset) {
    return fmt::format("{}.{}: {}", rampart::to_string(domain_), code_name_, detail_);
  }
  return fmt::format("{}.{} at byte {}: {}", rampart::to_string(domain_), code_name_, offset_,
                     detail_);
}

}  // namespace rampart
