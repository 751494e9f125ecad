// ClassServerHost: rules in class_server_host.hpp.
#include "rampart/dcom/class_server_host.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <mutex>

#include "class_server.hpp"
#include "rampart/dcom/activation_exchange.hpp"
#include "rampart/dcom/class_object.hpp"
#include "rampart/dcom/hresult.hpp"
#include "rampart/dcom/oxid_resolver.hpp"
#include "rampart/dcom/rem_unknown.hpp"
#include "rampart/pdu/status.hpp"
#include "rampart/transport/client.hpp"
#include "rampart/transport/errc.hpp"
#include "rampart/transport/server.hpp"
#include "rampart/transport/stub_channel.hpp"

namespace rampart::dcom {

namespace cs = spec::class_server;

namespace {

// Clients ping rampartd; rampartd runs objects down with RundownOids. The
// host's own exporter keeps objects for a practically unbounded time
// (10^5 hours) rather than collecting what rampartd keeps alive.
ExporterLimits host_limits() {
  ExporterLimits l;
  l.ping_period = std::chrono::hours(1);
  l.ping_timeout_periods = 100000;
  return l;
}

cs::CS_INTERFACE_RESULT to_wire_result(const InterfaceResult& r) {
  cs::CS_INTERFACE_RESULT w{};
  w.hresult = static_cast<std::int32_t>(r.hresult);
  w.std = {r.std.flags, r.std.public_refs, r.std.oxid, r.std.oid, r.std.ipid};
  return w;
}

// IRampartClassServer: what rampartd asks of this server.
class ForwardingService final : public cs::IRampartClassServer_server {
 public:
  ForwardingService(std::shared_ptr<ComServer> server, std::shared_ptr<OxidResolver> resolver,
                    std::shared_ptr<std::atomic<std::size_t>> rundowns)
      : server_(std::move(server)), resolver_(std::move(resolver)), rundowns_(std::move(rundowns)) {}

  std::expected<cs::CreateInstance_response, std::uint32_t> CreateInstance(const runtime::CallContext&,
                                                                           cs::CreateInstance_request r) override {
    cs::CreateInstance_response out;
    out.cIids = r.cIids;  // the [out] array's size_is
    std::vector<Uuid> iids;
    for (const auto& w : r.iids) iids.push_back(from_wire(w));
    auto made = server_->create_instance(from_wire(r.clsid), iids, Clock::now());
    if (!made) {
      out.return_value = static_cast<std::int32_t>(made.error());
      out.results.assign(iids.size(), cs::CS_INTERFACE_RESULT{});
      for (auto& x : out.results) x.hresult = out.return_value;
      return out;
    }
    for (const auto& x : *made) out.results.push_back(to_wire_result(x));
    return out;
  }

  std::expected<cs::GetClassObject_response, std::uint32_t> GetClassObject(const runtime::CallContext&,
                                                                           cs::GetClassObject_request r) override {
    cs::GetClassObject_response out;
    auto made = export_class_object(server_, resolver_, from_wire(r.clsid), {kIidIClassFactory}, Clock::now());
    if (!made) {
      out.return_value = static_cast<std::int32_t>(made.error());
      return out;
    }
    out.std = to_wire_result(made->front()).std;
    return out;
  }

  std::expected<cs::RundownOids_response, std::uint32_t> RundownOids(const runtime::CallContext&,
                                                                     cs::RundownOids_request r) override {
    for (const Oid oid : r.oids)
      if (server_->exporter()->release_object(oid)) ++*rundowns_;
    return cs::RundownOids_response{};
  }

 private:
  std::shared_ptr<ComServer> server_;
  std::shared_ptr<OxidResolver> resolver_;
  std::shared_ptr<std::atomic<std::size_t>> rundowns_;
};

// Only the rampartd this host registered with (its uid, or root) may call
// IRampartClassServer, and only over the Unix socket.
class ForwardingInterface final : public runtime::Interface {
 public:
  ForwardingInterface(std::shared_ptr<ForwardingService> service, std::shared_ptr<std::atomic<uid_t>> rampartd_uid)
      : inner_(std::make_shared<cs::IRampartClassServer_dispatcher>(std::move(service))),
        rampartd_uid_(std::move(rampartd_uid)) {}
  [[nodiscard]] const SyntaxId& syntax() const noexcept override { return inner_->syntax(); }
  [[nodiscard]] std::string_view name() const noexcept override { return inner_->name(); }
  [[nodiscard]] std::uint16_t operation_count() const noexcept override { return inner_->operation_count(); }
  [[nodiscard]] bool allows_peer(const runtime::PeerInfo& peer, std::uint16_t) const noexcept override {
    return peer.transport == runtime::TransportKind::local && peer.credentials &&
           (peer.credentials->uid == 0 || peer.credentials->uid == rampartd_uid_->load());
  }
  void call(const runtime::CallContext& ctx, runtime::Responder responder) override {
    if (!allows_peer(ctx.peer, ctx.opnum))
      return responder.respond(runtime::CallOutcome::fault(pdu::status::kAccessDenied, true));
    inner_->call(ctx, std::move(responder));
  }

 private:
  std::shared_ptr<runtime::Interface> inner_;
  std::shared_ptr<std::atomic<uid_t>> rampartd_uid_;
};

}  // namespace

struct ClassServerHost::Impl {
  std::unique_ptr<transport::Server> server;
  std::unique_ptr<transport::BlockingClient> registration;
  std::shared_ptr<std::atomic<uid_t>> rampartd_uid = std::make_shared<std::atomic<uid_t>>(0);
  std::mutex mutex;
};

ClassServerHost::ClassServerHost(ClassServerHostOptions options)
    : options_(std::move(options)),
      exporter_(std::make_shared<ObjectExporter>(host_limits())),
      oxid_(exporter_->add_oxid(options_.level)),
      server_(std::make_shared<ComServer>(exporter_, oxid_.oxid, core_.interfaces, options_.permissions)),
      rundowns_(std::make_shared<std::atomic<std::size_t>>(0)),
      impl_(std::make_unique<Impl>()) {
  auto resolver = std::make_shared<OxidResolver>(exporter_, ResolverPolicy{});
  register_class_object_interface(*server_);
  auto rem = make_rem_unknown_interfaces(std::make_shared<RemUnknown>(exporter_, resolver, server_->permissions()), exporter_);
  core_.interfaces.add(rem.rem_unknown);
  core_.interfaces.add(rem.rem_unknown2);
  core_.interfaces.add(std::make_shared<ForwardingInterface>(
      std::make_shared<ForwardingService>(server_, resolver, rundowns_), impl_->rampartd_uid));
}

ClassServerHost::~ClassServerHost() {
  if (impl_->registration) impl_->registration->close();
  if (impl_->server) impl_->server->stop(std::chrono::milliseconds(200));
  if (!options_.forward_socket.empty()) ::unlink(options_.forward_socket.c_str());
}

Result<std::uint32_t> ClassServerHost::start() {
  impl_->server = std::make_unique<transport::Server>(core_, transport::ServerOptions{options_.threads});
  const auto tcp = RAMPART_TRY(transport::parse_tcp_address(options_.listen));
  auto bound = impl_->server->listen(tcp);
  if (!bound) return fail(transport::Errc::listen_failed, "cannot listen on the object port");
  port_ = bound->tcp.port();
  const auto local = RAMPART_TRY(transport::local_address(options_.forward_socket));
  ::unlink(options_.forward_socket.c_str());
  auto serving = impl_->server->listen(local);
  if (!serving) return fail(transport::Errc::listen_failed, "cannot listen on the forwarding socket");
  return renew();
}

Result<std::uint32_t> ClassServerHost::renew() {
  std::lock_guard lock(impl_->mutex);
  cs::RegisterClassServer_request r;
  for (const auto& [clsid, name] : server_->classes()) r.clsids.push_back(to_wire(clsid));
  r.cClsids = static_cast<std::uint32_t>(r.clsids.size());
  r.oxid = oxid_.oxid;
  r.port = port_;
  r.ipidRemUnknown = oxid_.ipid_rem_unknown;
  r.authnLevel = static_cast<std::uint32_t>(options_.level);
  r.socketPath = std::u16string(options_.forward_socket.begin(), options_.forward_socket.end());
  auto call = [&](transport::BlockingClient& c) -> Result<std::uint32_t> {
    cs::IRampartClassRegistry_client proxy(transport::stub_channel(c));
    auto answer = proxy.RegisterClassServer(r);
    if (!answer) return std::unexpected(answer.error());
    return answer->return_value;
  };
  if (impl_->registration && impl_->registration->is_open()) {
    if (auto status = call(*impl_->registration)) return status;
    impl_->registration->close();
  }
  // No connection, or rampartd dropped it (a restart): a new one owns the
  // registration.
  transport::ClientOptions co;
  co.connect_timeout = options_.timeout;
  co.call_timeout = options_.timeout;
  impl_->registration = std::make_unique<transport::BlockingClient>(co);
  RAMPART_CHECK(impl_->registration->connect_local(options_.registration_socket));
  if (const auto peer = impl_->registration->peer_credentials()) impl_->rampartd_uid->store(peer->uid);
  RAMPART_CHECK(impl_->registration->bind(cs::IRampartClassRegistry_descriptor().syntax));
  return call(*impl_->registration);
}

}  // namespace rampart::dcom
