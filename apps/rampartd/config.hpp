// rampartd's configuration: the TOML file (documented key by key in
// rampartd.toml and rampartd(8)) merged with command-line overrides.
// Parsing is strict: an unknown key, a wrong type or an out-of-range value
// is an error naming the file, line and column, never silently ignored.
#pragma once

#include <chrono>
#include <cstddef>
#include <expected>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rampart/base/uuid.hpp"
#include "rampart/binding/protseq.hpp"
#include "rampart/dcom/class_permissions.hpp"
#include "rampart/runtime/auth_policy.hpp"
#include "rampart/runtime/server_limits.hpp"
#include "rampart/transport/listen_address.hpp"

namespace rampartd {

enum class LogFormat : std::uint8_t { text, json };

/// One [[static_endpoint]]: a mapping the endpoint mapper serves without a
/// server having registered it (ept_insert), e.g. for a service that is
/// started on demand. The EPM service consumes the list.
struct StaticEndpoint {
  rampart::SyntaxId interface;         // uuid + "major.minor"
  rampart::binding::Protseq protseq;   // ncacn_ip_tcp, ncalrpc, ...
  std::string endpoint;                // "135", or a name for ncalrpc / ncacn_np
  std::string annotation;              // at most 64 octets (C706 ept_entry_t annotation)
  std::optional<rampart::Uuid> object;
  friend bool operator==(const StaticEndpoint&, const StaticEndpoint&) = default;
};

/// One [[registration.allow]]: the interfaces a uid may register over the
/// local socket. With none configured, any local caller may register any
/// interface; with some, a caller other than root may register only what
/// a rule for its uid lists.
struct RegistrationRule {
  std::uint32_t uid = 0;
  bool any_interface = false;               // interfaces = ["*"]
  std::vector<rampart::Uuid> interfaces;
  friend bool operator==(const RegistrationRule&, const RegistrationRule&) = default;
};

/// [dcom]: the object resolver (IObjectExporter) on the endpoint mapper's
/// listeners. Off by default; `enabled = false` (or --no-dcom) is the
/// switch the MS03-026 / MS03-039 bulletins' workaround asked for.
struct DcomConfig {
  bool enabled = false;
  /// [MS-DCOM] 3.2.6.1 ping period; objects go after 3 periods unpinged.
  std::chrono::milliseconds ping_period{120000};
  /// What ServerAlive2 and OXID bindings disclose: "listening" (the
  /// connection's address and the configured non-wildcard listeners) or
  /// "connection" (the connection's address only).
  std::string disclosure = "listening";
  /// Principal name in the security bindings; never empty.
  std::string principal = "rampart";
  std::size_t max_sets = 65536;
  std::size_t max_sets_per_client = 64;
  std::size_t max_oids_per_set = 4096;
  /// The lowest authentication level activation accepts, and the object
  /// exporter's level for ORPC calls: "integrity" (default), "privacy" or
  /// "none" (unauthenticated activation; tests only).
  std::string activation_floor = "integrity";
  /// Built-in classes to serve: "rampart-echo" is the test class.
  std::vector<std::string> classes;
  /// COM modules to load at start (absolute paths; com_module_loader.hpp).
  std::vector<std::string> modules;
  /// default_launch, default_access and [[dcom.class_security]]: who may
  /// activate and call each class (class_permissions.hpp). Reloaded on SIGHUP.
  rampart::dcom::ClassPermissions permissions;
  /// [[dcom.server]]: out-of-process class servers (docs/dcom.md). Each
  /// names the CLSIDs it may register and the one local user besides root
  /// allowed to register them.
  struct ClassServer {
    std::string name;
    std::vector<std::string> clsids;  // canonical lower-case UUID text
    std::string user;
    friend bool operator==(const ClassServer&, const ClassServer&) = default;
  };
  std::vector<ClassServer> servers;
  /// How long rampartd waits for a class server's answer to a forwarded
  /// activation before answering CO_E_SERVER_EXEC_FAILURE.
  std::chrono::milliseconds forward_timeout{5000};
  friend bool operator==(const DcomConfig&, const DcomConfig&) = default;
};

/// [security]: server credentials for the security providers
/// (docs/security.md, rampartd(8)). NTLMSSP (10) and SPNEGO (9) are always
/// offered; with no user file they authenticate anonymous NTLM logons only.
/// A keytab adds Kerberos (16) and lets SPNEGO negotiate it.
struct SecurityConfig {
  /// gss-ntlmssp user file (DOMAIN:USER:PASSWORD lines, or smbpasswd).
  std::string ntlm_user_file;
  /// Kerberos service keys; empty: no Kerberos.
  std::string keytab;
  /// Host-based service name the acceptor credentials carry ("host@NAME");
  /// empty: "host@" and the host name.
  std::string service;
  /// What mgmt inq_princ_name answers for NTLM and SPNEGO; empty: the
  /// keytab's principal for the service, or the service name.
  std::string principal;
  friend bool operator==(const SecurityConfig&, const SecurityConfig&) = default;
};

/// [security] restrict_remote_clients, epm_requires_auth and
/// [[security.rule]]: which calls need which authentication.
struct PolicyConfig {
  rampart::runtime::AuthPolicy policy;
  friend bool operator==(const PolicyConfig&, const PolicyConfig&) = default;
};

struct Config {
  /// Where the configuration came from (for messages); empty for defaults.
  std::string source;

  // [server]
  std::vector<rampart::transport::ListenAddress> listeners;  // TCP only
  std::string local_socket;  // empty: no local socket
  std::size_t threads = 0;   // 0: one per hardware thread
  std::chrono::milliseconds drain_timeout{10000};
  /// Once the listeners are bound, rampartd switches to this user (and
  /// `group`, else the user's primary group) and keeps no capabilities.
  /// Empty: stay as started; as root that needs `allow_root`.
  std::string user;
  std::string group;
  bool allow_root = false;
  /// Where the static socket's registrations are kept across restarts
  /// (state_store.hpp); empty keeps none.
  std::string state_dir;

  // [limits]
  rampart::runtime::ServerLimits limits;

  // [logging]
  LogFormat log_format = LogFormat::text;
  std::string log_level = "info";

  // [registration]
  /// Whether loopback TCP callers may use ept_insert / ept_delete. Off by
  /// default: local servers register over the local socket, whose callers
  /// are identified by SO_PEERCRED (docs/hardening.md C14).
  bool allow_loopback_tcp = false;
  /// A second local socket, root-only (mode 0600), whose registrations are
  /// static: they outlive the connection that made them. Empty disables it.
  std::string static_socket;
  std::vector<RegistrationRule> registration_rules;

  // [metrics]
  /// "ADDR:PORT" of the Prometheus text endpoint (GET /metrics); empty: off.
  std::string metrics_listen;

  std::vector<StaticEndpoint> static_endpoints;
  // [services]
  /// Service modules to load at start (absolute paths;
  /// rampart/runtime/service_module_loader.hpp). Read once: a reload that
  /// changes them takes effect at the next start.
  std::vector<std::string> service_modules;
  // [dcom]
  DcomConfig dcom;

  // [security]
  SecurityConfig security;
  PolicyConfig policy;

  /// The built-in defaults: 0.0.0.0:135, [::]:135, /run/rampart/epmapper.sock
  /// and /run/rampart/epmapper-static.sock.
  [[nodiscard]] static Config defaults();
};

/// Parses TOML text; `source` names it in error messages.
[[nodiscard]] std::expected<Config, std::string> parse_config(std::string_view text, std::string_view source);
/// Reads and parses a file. Errors read "FILE:LINE:COLUMN: what".
[[nodiscard]] std::expected<Config, std::string> load_config_file(const std::string& path);

/// The log levels rampartd accepts (spdlog's names).
[[nodiscard]] bool valid_log_level(std::string_view level);
[[nodiscard]] std::optional<LogFormat> parse_log_format(std::string_view text);

}  // namespace rampartd
