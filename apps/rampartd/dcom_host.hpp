// DcomHost: rampartd's DCOM services on the endpoint mapper's listeners:
// the object exporter's tables and the object resolver (IObjectExporter),
// with a collector thread that releases what stopped being pinged
// ([dcom] in rampartd.toml). Absent when DCOM is disabled.
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <stop_token>
#include <thread>

#include "class_server_registry.hpp"
#include "config.hpp"
#include "metrics.hpp"
#include "rampart/dcom/activator.hpp"
#include "rampart/dcom/com_server.hpp"
#include "rampart/dcom/oxid_resolver.hpp"
#include "rampart/runtime/server_core.hpp"

namespace rampartd {

class DcomHost {
 public:
  DcomHost(rampart::runtime::ServerCore& core, const Config& config, std::shared_ptr<Metrics> metrics);
  ~DcomHost();
  DcomHost(const DcomHost&) = delete;
  DcomHost& operator=(const DcomHost&) = delete;

  [[nodiscard]] const rampart::dcom::OxidEntry& oxid() const noexcept { return oxid_; }
  /// Puts new launch and access permissions in force for the next call
  /// (SIGHUP); exported objects stay.
  void set_permissions(const rampart::dcom::ClassPermissions& permissions);

 private:
  void collect_loop(std::stop_token stop);
  /// Loads `[dcom] modules` (before the privilege drop); throws on a
  /// module that is refused.
  void load_modules(const std::vector<std::string>& paths);
  /// Warns about [[dcom.class_security]] tables of classes no one serves.
  void warn_unserved(const rampart::dcom::ClassPermissions& permissions) const;
  /// [[dcom.server]]: the registry of class servers, served on the local
  /// socket (class_servers_, the activators' forwarder); throws on a CLSID also served
  /// in-process or a user that does not exist.
  void setup_class_servers(rampart::runtime::ServerCore& core, const Config& config);

  std::shared_ptr<rampart::dcom::ObjectExporter> exporter_;
  std::shared_ptr<rampart::dcom::OxidResolver> resolver_;
  rampart::dcom::OxidEntry oxid_;
  std::shared_ptr<rampart::dcom::PermissionGate> permissions_;
  std::shared_ptr<rampart::dcom::ComServer> server_;
  std::shared_ptr<ClassServerRegistry> class_servers_;  // null without [[dcom.server]]
  std::mutex mutex_;
  std::condition_variable_any wake_;
  std::jthread collector_;
};

}  // namespace rampartd
