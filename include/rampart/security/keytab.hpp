// What a Kerberos keytab holds, read with MIT krb5's keytab API: the
// principals whose keys it carries, for mgmt inq_princ_name ([MS-RPCE]
// 3.1.1.5.3.3) and for checking a server's configuration at start.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "rampart/base/error.hpp"

namespace rampart::security {

/// The distinct principals of `file` ("host/name@REALM"), in keytab order.
/// A missing, unreadable or empty keytab is an error.
[[nodiscard]] Result<std::vector<std::string>> keytab_principals(const std::filesystem::path& file);

/// Whether `principal` ("host/name@REALM") names the host-based `service`
/// ("host@name"), in any realm.
[[nodiscard]] bool is_service_principal(const std::string& principal, const std::string& service);

/// The principal a host-based service name ("host@name") stands for among
/// `principals`: the first "host/name@..." one, else the first one; empty
/// when there are none.
[[nodiscard]] std::string principal_for_service(const std::vector<std::string>& principals,
                                                const std::string& service);

}  // namespace rampart::security
