#include "class_server_registry.hpp"

#include <pwd.h>
#include <sys/un.h>

#include <fmt/format.h>

#include <stdexcept>

#include "log.hpp"
#include "rampart/dcom/activation_exchange.hpp"
#include "rampart/dcom/hresult.hpp"
#include "rampart/dcom/oxid_resolver.hpp"
#include "rampart/ndr/stub.hpp"
#include "rampart/pdu/status.hpp"
#include "rampart/transport/client.hpp"
#include "rampart/transport/stub_channel.hpp"

namespace rampartd {

namespace cs = rampart::spec::class_server;
namespace dcom = rampart::dcom;
using rampart::Uuid;
using spdlog::level::level_enum;

namespace {

std::string utf16_to_ascii(const std::u16string& s) {
  std::string out;
  for (char16_t c : s) out.push_back(c < 0x80 ? static_cast<char>(c) : '?');
  return out;
}

std::string clsid_list(const std::vector<Uuid>& clsids) {
  std::string out;
  for (const auto& c : clsids) out += (out.empty() ? "" : ",") + c.to_string();
  return out;
}

}  // namespace

ClassServerRegistry::ClassServerRegistry(std::vector<Server> servers, std::shared_ptr<dcom::ObjectExporter> exporter,
                                         std::chrono::milliseconds timeout)
    : servers_(std::move(servers)), exporter_(std::move(exporter)), timeout_(timeout) {
  for (std::size_t i = 0; i < servers_.size(); ++i)
    for (const auto& c : servers_[i].clsids) configured_[c] = i;
  rundown_thread_ = std::jthread([this](std::stop_token stop) { rundown_loop(stop); });
}

ClassServerRegistry::~ClassServerRegistry() {
  rundown_thread_.request_stop();
  rundown_wake_.notify_all();
}

void ClassServerRegistry::queue_rundown(dcom::Oxid oxid, dcom::Oid oid) {
  {
    std::lock_guard lock(rundown_mutex_);
    if (rundowns_.size() < kMaxPendingRundowns) {
      rundowns_.emplace_back(oxid, oid);
      rundown_wake_.notify_one();
      return;
    }
  }
  rampartd::log::event(level_enum::warn, "dcom class server object not run down",
                       {{"oxid", fmt::format("0x{:016x}", oxid)},
                        {"oid", fmt::format("0x{:016x}", oid)},
                        {"reason", "too many rundowns pending"}});
}

void ClassServerRegistry::rundown_loop(std::stop_token stop) {
  std::unique_lock lock(rundown_mutex_);
  while (!stop.stop_requested()) {
    if (!rundown_wake_.wait(lock, stop, [this] { return !rundowns_.empty(); })) break;
    const auto [oxid, oid] = rundowns_.front();
    rundowns_.pop_front();
    lock.unlock();
    rundown(oxid, oid);
    lock.lock();
  }
}

std::vector<ClassServerRegistry::Server> ClassServerRegistry::from_config(const DcomConfig& config) {
  std::vector<Server> out;
  for (const auto& s : config.servers) {
    const passwd* pw = ::getpwnam(s.user.c_str());
    if (pw == nullptr) throw std::runtime_error("[[dcom.server]] " + s.name + ": no such user '" + s.user + "'");
    Server server{s.name, {}, pw->pw_uid};
    for (const auto& c : s.clsids) server.clsids.push_back(Uuid::from_string(c));
    out.push_back(std::move(server));
  }
  return out;
}

std::uint32_t ClassServerRegistry::check(const rampart::runtime::PeerInfo& peer,
                                         const cs::RegisterClassServer_request& r, std::size_t& server) const {
  if (peer.transport != rampart::runtime::TransportKind::local || !peer.credentials)
    return dcom::hr::kErrorAccessDenied;
  if (r.clsids.empty()) return dcom::hr::kClassNotRegistered;
  const auto first = configured_.find(dcom::from_wire(r.clsids.front()));
  if (first == configured_.end()) return dcom::hr::kClassNotRegistered;
  server = first->second;
  for (const auto& w : r.clsids) {
    const auto it = configured_.find(dcom::from_wire(w));
    if (it == configured_.end() || it->second != server) return dcom::hr::kClassNotRegistered;
  }
  if (peer.credentials->uid != 0 && peer.credentials->uid != servers_[server].uid) return dcom::hr::kErrorAccessDenied;
  // sockaddr_un's sun_path holds 107 octets and a NUL.
  const auto held = exporter_->resolve(r.oxid);
  const bool own_oxid = held && held->port == 0;
  if (r.oxid == 0 || own_oxid || r.port == 0 || r.ipidRemUnknown.is_nil() || r.socketPath.empty() ||
      r.socketPath.front() != u'/' || r.socketPath.size() >= sizeof(sockaddr_un{}.sun_path))
    return dcom::hr::kInvalidArg;
  for (const auto& [conn, reg] : by_connection_) {
    if (conn == peer.connection_id) continue;
    if (reg.exporter.oxid == r.oxid) return dcom::hr::kInvalidArg;
    for (const auto& w : r.clsids)
      if (const auto o = owner_.find(dcom::from_wire(w)); o != owner_.end() && o->second == conn) return kCoEObjIsReg;
  }
  return 0;
}

std::expected<cs::RegisterClassServer_response, std::uint32_t> ClassServerRegistry::RegisterClassServer(
    const rampart::runtime::CallContext& ctx, cs::RegisterClassServer_request request) {
  cs::RegisterClassServer_response out;
  std::vector<Uuid> clsids;
  for (const auto& w : request.clsids) clsids.push_back(dcom::from_wire(w));
  const auto pid = ctx.peer.credentials ? ctx.peer.credentials->pid : 0;
  const auto uid = ctx.peer.credentials ? ctx.peer.credentials->uid : static_cast<uid_t>(-1);
  std::size_t server = 0;
  {
    std::lock_guard lock(mutex_);
    out.return_value = check(ctx.peer, request, server);
    if (out.return_value == 0) {
      // Registering again on the same connection replaces the registration.
      for (auto it = owner_.begin(); it != owner_.end();)
        it = it->second == ctx.peer.connection_id ? owner_.erase(it) : std::next(it);
      const auto level = static_cast<dcom::AuthnLevel>(request.authnLevel);
      if (const auto old = by_connection_.find(ctx.peer.connection_id);
          old != by_connection_.end() && old->second.exporter.oxid != request.oxid)
        exporter_->remove_foreign_oxid(old->second.exporter.oxid);
      const dcom::OxidEntry entry{request.oxid, request.ipidRemUnknown, level, request.port};
      if (!exporter_->resolve(request.oxid) && !exporter_->add_foreign_oxid(entry)) {
        out.return_value = dcom::hr::kInvalidArg;
      } else {
        by_connection_[ctx.peer.connection_id] =
            Registration{server,
                         pid,
                         uid,
                         {request.oxid, request.port, request.ipidRemUnknown, level},
                         utf16_to_ascii(request.socketPath)};
        for (const auto& c : clsids) owner_[c] = ctx.peer.connection_id;
      }
    }
  }
  rampartd::log::event(out.return_value == 0 ? level_enum::info : level_enum::warn,
                       out.return_value == 0 ? "dcom class server registered" : "dcom class server refused",
                       {{"server", out.return_value == 0 ? servers_[server].name : std::string("-")},
                        log::num("pid", static_cast<std::uint64_t>(pid)),
                        log::num("uid", uid),
                        {"clsids", clsid_list(clsids)},
                        {"oxid", fmt::format("0x{:016x}", request.oxid)},
                        log::num("port", request.port),
                        {"socket", utf16_to_ascii(request.socketPath)},
                        {"status", fmt::format("0x{:08x}", out.return_value)}});
  return out;
}

void ClassServerRegistry::connection_closed(std::uint64_t connection_id) noexcept {
  try {
    std::unique_lock lock(mutex_);
    const auto it = by_connection_.find(connection_id);
    if (it == by_connection_.end()) return;
    const Registration reg = it->second;
    by_connection_.erase(it);
    for (auto o = owner_.begin(); o != owner_.end();) o = o->second == connection_id ? owner_.erase(o) : std::next(o);
    exporter_->remove_foreign_oxid(reg.exporter.oxid);
    lock.unlock();
    rampartd::log::event(level_enum::info, "dcom class server unregistered",
                         {{"server", servers_[reg.server].name},
                          log::num("pid", static_cast<std::uint64_t>(reg.pid)),
                          log::num("uid", reg.uid),
                          {"oxid", fmt::format("0x{:016x}", reg.exporter.oxid)},
                          {"reason", "connection closed"}});
  } catch (...) {
    // Logging failed for lack of memory; the registration is gone anyway.
  }
}

bool ClassServerRegistry::forwards(const Uuid& clsid) const { return configured_.contains(clsid); }

std::size_t ClassServerRegistry::registered() const {
  std::lock_guard lock(mutex_);
  return by_connection_.size();
}

std::optional<ClassServerRegistry::Registration> ClassServerRegistry::live(const Uuid& clsid) const {
  std::lock_guard lock(mutex_);
  const auto o = owner_.find(clsid);
  if (o == owner_.end()) return std::nullopt;
  return by_connection_.at(o->second);
}

namespace {

// One call to the class server, on a connection of its own: a class
// server serves rampartd alone, so there is nothing to share.
std::expected<std::vector<dcom::InterfaceResult>, std::string> call_server(rampart::transport::BlockingClient& client,
                                                                           const dcom::ForwardRequest& request) {
  cs::IRampartClassServer_client proxy(rampart::transport::stub_channel(client));
  const auto principal = std::u16string(request.principal.begin(), request.principal.end());
  const auto level = static_cast<std::uint32_t>(request.caller_level);
  std::vector<dcom::InterfaceResult> out;
  if (request.class_object) {
    auto r = proxy.GetClassObject({dcom::to_wire(request.clsid), level, principal});
    if (!r)
      return std::unexpected(
          fmt::format("GetClassObject failed: {} (fault 0x{:08x})", r.error().to_string(), proxy.last_fault()));
    // The class object's one interface is IClassFactory; any other IID
    // asked for gets E_NOINTERFACE, as for an in-process class object.
    for (const auto& iid : request.iids) {
      if (iid == dcom::kIidIClassFactory && r->return_value == 0)
        out.push_back({0, {r->std.flags, r->std.cPublicRefs, r->std.oxid, r->std.oid, r->std.ipid}});
      else
        out.push_back(
            {r->return_value != 0 ? static_cast<std::uint32_t>(r->return_value) : dcom::hr::kNoInterface, {}});
    }
    return out;
  }
  std::vector<rampart::spec::ms_dtyp::GUID> iids;
  for (const auto& i : request.iids) iids.push_back(dcom::to_wire(i));
  auto r = proxy.CreateInstance(
      {dcom::to_wire(request.clsid), static_cast<std::uint32_t>(iids.size()), iids, level, principal});
  if (!r)
    return std::unexpected(
        fmt::format("CreateInstance failed: {} (fault 0x{:08x})", r.error().to_string(), proxy.last_fault()));
  if (r->return_value != 0) {
    out.assign(request.iids.size(), {static_cast<std::uint32_t>(r->return_value), {}});
    return out;
  }
  for (const auto& x : r->results)
    out.push_back(
        {static_cast<std::uint32_t>(x.hresult), {x.std.flags, x.std.cPublicRefs, x.std.oxid, x.std.oid, x.std.ipid}});
  return out;
}

}  // namespace

std::expected<dcom::ForwardedInstance, std::uint32_t> ClassServerRegistry::forward(
    const dcom::ForwardRequest& request) {
  const auto reg = live(request.clsid);
  auto refuse = [&](const std::string& why) {
    rampartd::log::event(level_enum::warn, "dcom activation not forwarded",
                         {{"clsid", request.clsid.to_string()}, {"reason", why}});
    return std::unexpected(dcom::kServerExecFailure);
  };
  if (!reg) return refuse("no class server registered");
  rampart::transport::ClientOptions options;
  options.connect_timeout = timeout_;
  options.call_timeout = timeout_;
  rampart::transport::BlockingClient client(options);
  if (auto ok = client.connect_local(reg->socket); !ok) return refuse("connect: " + ok.error().to_string());
  const auto peer = client.peer_credentials();
  if (!peer || peer->uid != reg->uid) return refuse("the socket's listener is not the registered user");
  if (auto ok = client.bind(cs::IRampartClassServer_descriptor().syntax); !ok)
    return refuse("bind: " + ok.error().to_string());
  auto results = call_server(client, request);
  if (!results) return refuse(results.error());
  if (auto why = dcom::validate_forwarded(reg->exporter, request.iids, *results)) return refuse(*why);
  if (!track(*reg, *results)) {
    refuse("too many objects to track");
    return std::unexpected(dcom::hr::kOutOfMemory);
  }
  return dcom::ForwardedInstance{reg->exporter, std::move(*results)};
}

bool ClassServerRegistry::track(const Registration& reg, const std::vector<dcom::InterfaceResult>& results) {
  for (const auto& r : results) {
    if (r.hresult != dcom::hr::kOk || r.std.no_ping()) continue;
    // validate_forwarded(): every S_OK result is on one OID.
    std::weak_ptr<ClassServerRegistry> self = weak_from_this();
    const auto oxid = reg.exporter.oxid;
    const auto oid = r.std.oid;
    auto tracked = exporter_->track_object(oxid, oid, dcom::Clock::now(), [self, oxid, oid] {
      if (auto registry = self.lock()) registry->queue_rundown(oxid, oid);
    });
    if (!tracked) {
      queue_rundown(oxid, oid);  // the server made it; nobody could keep it alive
      return false;
    }
    return true;
  }
  return true;
}

void ClassServerRegistry::rundown(dcom::Oxid oxid, dcom::Oid oid) {
  std::optional<Registration> reg;
  {
    std::lock_guard lock(mutex_);
    for (const auto& [conn, r] : by_connection_)
      if (r.exporter.oxid == oxid) reg = r;
  }
  if (!reg) return;  // the server is gone, and its objects with it
  rampart::transport::ClientOptions options;
  options.connect_timeout = timeout_;
  options.call_timeout = timeout_;
  rampart::transport::BlockingClient client(options);
  std::string outcome = "run down";
  if (!client.connect_local(reg->socket)) {
    outcome = "server unreachable";
  } else if (const auto peer = client.peer_credentials(); !peer || peer->uid != reg->uid) {
    outcome = "the socket's listener is not the registered user";
  } else if (!client.bind(cs::IRampartClassServer_descriptor().syntax)) {
    outcome = "bind failed";
  } else {
    cs::IRampartClassServer_client proxy(rampart::transport::stub_channel(client));
    if (!proxy.RundownOids({1, {oid}})) outcome = "RundownOids failed";
  }
  rampartd::log::event(level_enum::info, "dcom class server object released",
                       {{"server", servers_[reg->server].name},
                        {"oxid", fmt::format("0x{:016x}", oxid)},
                        {"oid", fmt::format("0x{:016x}", oid)},
                        {"reason", "not pinged"},
                        {"outcome", outcome}});
}

namespace {

class ClassRegistryInterface final : public rampart::runtime::Interface {
 public:
  explicit ClassRegistryInterface(std::shared_ptr<ClassServerRegistry> registry)
      : registry_(registry), inner_(std::make_shared<cs::IRampartClassRegistry_dispatcher>(std::move(registry))) {}
  [[nodiscard]] const rampart::SyntaxId& syntax() const noexcept override { return inner_->syntax(); }
  [[nodiscard]] std::string_view name() const noexcept override { return inner_->name(); }
  [[nodiscard]] std::uint16_t operation_count() const noexcept override { return inner_->operation_count(); }
  [[nodiscard]] bool supports_transfer_syntax(const rampart::SyntaxId& t) const noexcept override {
    return inner_->supports_transfer_syntax(t);
  }
  // docs/hardening.md C14: registration is for local processes only.
  [[nodiscard]] bool allows_peer(const rampart::runtime::PeerInfo& peer, std::uint16_t) const noexcept override {
    return peer.transport == rampart::runtime::TransportKind::local;
  }
  void call(const rampart::runtime::CallContext& ctx, rampart::runtime::Responder responder) override {
    if (!allows_peer(ctx.peer, ctx.opnum))
      return responder.respond(rampart::runtime::CallOutcome::fault(rampart::pdu::status::kAccessDenied, true));
    inner_->call(ctx, std::move(responder));
  }
  void connection_closed(const rampart::runtime::PeerInfo& peer) noexcept override {
    registry_->connection_closed(peer.connection_id);
  }

 private:
  std::shared_ptr<ClassServerRegistry> registry_;
  std::shared_ptr<rampart::runtime::Interface> inner_;
};

}  // namespace

std::shared_ptr<rampart::runtime::Interface> make_class_registry_interface(
    std::shared_ptr<ClassServerRegistry> registry) {
  return std::make_shared<ClassRegistryInterface>(std::move(registry));
}

}  // namespace rampartd
