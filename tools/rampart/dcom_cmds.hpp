// `rampart dcom activate` and `rampart oxid`: results and printers
// (dcom_render.cpp); the calls are in dcom_cmds.cpp over dcom::DcomClient.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "net.hpp"
#include "rampart/dcom/dcom_client.hpp"

namespace rampart::cli {

/// One method called through the IRampartEcho proxy.
struct DcomCall {
  std::string method;  // "echo" or "add"
  std::vector<std::string> args;
  std::string result;
  std::uint32_t hresult = 0;
};

struct DcomActivateResult {
  std::string host;
  std::uint16_t port = 0;
  Uuid clsid;
  bool class_object = false;  // RemoteGetClassObject rather than RemoteCreateInstance
  /// The reply; with class_object, its interfaces are the instance's (made
  /// by IClassFactory::CreateInstance, the further IIDs by RemQueryInterface).
  dcom::ActivationReply reply;
  std::optional<dcom::ActivatedInterface> factory;  // the class object's IClassFactory
  std::optional<dcom::ExporterAddress> exporter;
  std::optional<DcomCall> call;
  std::vector<dcom::QueryResult> queries;
  std::vector<dcom::PingOutcome> pings;
  std::uint32_t released_refs = 0;  // public references given back with RemRelease
};

struct OxidResult {
  std::string host;
  std::uint16_t port = 0;
  std::optional<dcom::ServerAliveInfo> alive;  // ServerAlive2
  std::optional<std::uint64_t> oxid;           // --resolve
  std::optional<dcom::OxidInfo> resolved;
  std::optional<std::uint64_t> set_id;  // --ping: SimplePing answered OK
};

int render_dcom_activate(const CommonOptions& common, const DcomActivateResult& r);
int render_oxid(const CommonOptions& common, const OxidResult& r);

/// "S_OK (0x00000000)", "E_NOINTERFACE (0x80004002)", "0x80041234".
[[nodiscard]] std::string hresult_text(std::uint32_t value);

/// dcom activate, oxid.
void add_dcom_commands(CLI::App& app, CommonOptions& common, Action& action);

}  // namespace rampart::cli
