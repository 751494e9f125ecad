#include "rampart/transport/errc.hpp"

namespace rampart {

const char* ErrorCodeTraits<transport::Errc>::name(transport::Errc e) noexcept {
  switch (e) {
    case transport::Errc::bad_address: return "bad_address";
    case transport::Errc::bad_port: return "bad_port";
    case transport::Errc::path_too_long: return "path_too_long";
    case transport::Errc::annotation_too_long: return "annotation_too_long";
    case transport::Errc::listen_failed: return "listen_failed";
  }
  return "unknown";
}

}  // namespace rampart
