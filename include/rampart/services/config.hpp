// Configuration of the endpoint mapper and management services. rampartd's
// [services] config table sets these fields by name.
#pragma once

#include <cstddef>
#include <string>

#include "rampart/base/uuid.hpp"

namespace rampart::services {

struct Config {
  /// Accept ept_insert / ept_delete / ept_mgmt_delete from TCP peers on a
  /// loopback address. Default false: docs/hardening.md C14 says local servers
  /// register over the local socket transport only; this switch exists for
  /// test rigs and servers that cannot speak the local transport.
  bool allow_loopback_tcp_registration = false;

  /// The local socket whose registrations are static: they survive the
  /// connection that made them (rampartd's own and configured services).
  /// Registrations over any other connection vanish when it closes, as
  /// Windows removes a server's entries once it stops (RpcEpRegister
  /// remarks). Empty: no static socket.
  std::string static_socket_path;

  /// Entries in the whole database. Each costs a few hundred octets (tower,
  /// annotation, decoded binding); a Windows domain controller holds a few
  /// hundred. 4096 bounds memory and the cost of a full ept_lookup scan
  /// (docs/hardening.md C13).
  std::size_t max_entries = 4096;

  /// Entries one registration connection may own, so one local client
  /// cannot fill the database for everybody else (C13).
  std::size_t max_entries_per_owner = 512;

  /// What ept_inq_object returns (C706 Appendix O: "the object UUID of the
  /// endpoint map"). Nil, as no Rampart EPM is addressed by object.
  Uuid ept_object;
};

}  // namespace rampart::services
