#include <fmt/format.h>

#include "rampart/ndr/types.hpp"

namespace rampart::ndr {

std::string ContextHandle::describe() const {
  return fmt::format("attributes 0x{:08x} uuid {}", attributes, uuid.to_string());
}

}  // namespace rampart::ndr
