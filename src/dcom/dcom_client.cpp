// The DCOM client; the rules are in dcom_client.hpp.
#include "rampart/dcom/dcom_client.hpp"

#include <sys/random.h>

#include <algorithm>
#include <array>
#include <charconv>

#include "classfactory.hpp"
#include "orpc.hpp"
#include "oxid.hpp"
#include "rampart/dcom/errc.hpp"
#include "rampart/dcom/hresult.hpp"
#include "rampart/dcom/oxid_resolver.hpp"
#include "rampart/runtime/client_errc.hpp"
#include "rampart/transport/stub_channel.hpp"
#include "remact.hpp"
#include "remunknown.hpp"

namespace rampart::dcom {

namespace cf = spec::classfactory;
namespace ox = spec::oxid;
namespace ra = spec::remact;
namespace ru = spec::remunknown;

struct DcomClient::Connection {
  explicit Connection(const transport::ClientOptions& o) : client(o) {}
  transport::BlockingClient client;
  std::vector<SyntaxId> bound;
};

namespace {

constexpr std::uint16_t kOpRemoteGetClassObject = 3;

std::string lower(std::string_view s) {
  std::string out(s);
  std::ranges::transform(out, out.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

// "[::1]" as typed for a URL-like host, or "::1": the bare address.
std::string bare(std::string_view host) {
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') return std::string(host.substr(1, host.size() - 2));
  return std::string(host);
}

Uuid random_uuid() {
  std::array<std::uint8_t, 16> b{};
  std::size_t got = 0;
  while (got < b.size()) {
    const ssize_t n = ::getrandom(b.data() + got, b.size() - got, 0);
    if (n > 0) got += static_cast<std::size_t>(n);
  }
  b[6] = static_cast<std::uint8_t>((b[6] & 0x0f) | 0x40);  // RFC 4122 version 4
  b[8] = static_cast<std::uint8_t>((b[8] & 0x3f) | 0x80);
  return Uuid(b);
}

}  // namespace

// [MS-DCOM] 2.2.19.3: aNetworkAddr is "host" or "host[endpoint]"; the
// endpoint of ncacn_ip_tcp is a decimal port.
Result<ExporterAddress> select_oxid_binding(const DualStringArray& bindings, std::string_view target) {
  const std::string want = lower(bare(target));
  for (const auto& b : bindings.strings) {
    if (b.tower_id != kTowerNcacnIpTcp) continue;
    const std::string addr = lower(u16_to_display(b.network_addr));
    const auto open = addr.find('[');
    if (open == std::string::npos || addr.back() != ']') continue;  // no port: not used
    if (addr.substr(0, open) != want) continue;
    const std::string_view port_text(addr.data() + open + 1, addr.size() - open - 2);
    std::uint32_t port = 0;
    const auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
    if (ec != std::errc{} || end != port_text.data() + port_text.size() || port == 0 || port > 0xffff) continue;
    return ExporterAddress{bare(target), static_cast<std::uint16_t>(port)};
  }
  return fail(Errc::unusable_binding, "no ncacn_ip_tcp OXID binding names the target host with a port");
}

DcomClient::DcomClient(std::string host, DcomClientOptions options)
    : host_(bare(host)), options_(std::move(options)) {}

DcomClient::~DcomClient() = default;

spec::orpc::ORPCTHIS DcomClient::orpcthis() const {
  spec::orpc::ORPCTHIS t;
  t.version = {options_.version.major, options_.version.minor};
  t.cid = random_uuid();  // [MS-DCOM] 2.2.13.3: the causality id of a new call chain
  return t;
}

Result<void> DcomClient::status(std::uint32_t value, const char* what) {
  if (value == 0) return {};
  last_status_ = value;
  return fail(Errc::call_failed, what);
}

Result<DcomClient::Connection*> DcomClient::resolver(const SyntaxId& interface) {
  if (!resolver_ || !resolver_->client.is_open()) {
    resolver_ = std::make_unique<Connection>(options_.transport);
    RAMPART_CHECK(resolver_->client.connect_tcp(host_, options_.resolver_port));
  }
  if (std::ranges::find(resolver_->bound, interface) == resolver_->bound.end()) {
    (void)RAMPART_TRY(resolver_->client.bind(interface));
    resolver_->bound.push_back(interface);
  }
  return resolver_.get();
}

Result<DcomClient::Connection*> DcomClient::exporter(const SyntaxId& interface) {
  if (!exporter_address_) return fail(runtime::ClientErrc::not_connected, "no activation has named an exporter yet");
  if (!exporter_ || !exporter_->client.is_open()) {
    exporter_ = std::make_unique<Connection>(options_.transport);
    RAMPART_CHECK(exporter_->client.connect_tcp(exporter_address_->host, exporter_address_->port));
  }
  if (std::ranges::find(exporter_->bound, interface) == exporter_->bound.end()) {
    (void)RAMPART_TRY(exporter_->client.bind(interface));
    exporter_->bound.push_back(interface);
  }
  return exporter_.get();
}

Result<ServerAliveInfo> DcomClient::server_alive2() {
  auto* c = RAMPART_TRY(resolver(ox::IObjectExporter_descriptor().syntax));
  ox::IObjectExporter_client proxy(transport::stub_channel(c->client));
  auto r = proxy.ServerAlive2({});
  if (!r) last_status_ = proxy.last_fault();
  const auto reply = RAMPART_TRY(std::move(r));
  RAMPART_CHECK(status(reply.return_value, "ServerAlive2 returned an error status"));
  if (!reply.ppdsaOrBindings) return fail(Errc::dsa_truncated, "ServerAlive2 returned no bindings");
  ServerAliveInfo out;
  (void)RAMPART_TRY(negotiate({reply.pComVersion.MajorVersion, reply.pComVersion.MinorVersion}));
  out.version = {reply.pComVersion.MajorVersion, reply.pComVersion.MinorVersion};
  out.bindings = RAMPART_TRY(from_wire(*reply.ppdsaOrBindings));
  return out;
}

Result<OxidInfo> DcomClient::resolve_oxid2(std::uint64_t oxid, std::vector<std::uint16_t> protseqs) {
  auto* c = RAMPART_TRY(resolver(ox::IObjectExporter_descriptor().syntax));
  ox::IObjectExporter_client proxy(transport::stub_channel(c->client));
  const auto count = static_cast<std::uint16_t>(protseqs.size());
  auto r = proxy.ResolveOxid2({oxid, count, std::move(protseqs)});
  if (!r) last_status_ = proxy.last_fault();
  const auto reply = RAMPART_TRY(std::move(r));
  RAMPART_CHECK(status(reply.return_value, "ResolveOxid2 returned an error status"));
  if (!reply.ppdsaOxidBindings) return fail(Errc::dsa_truncated, "ResolveOxid2 returned no bindings");
  OxidInfo out;
  out.bindings = RAMPART_TRY(from_wire(*reply.ppdsaOxidBindings));
  out.ipid_rem_unknown = reply.pipidRemUnknown;
  out.authn_hint = reply.pAuthnHint;
  (void)RAMPART_TRY(negotiate({reply.pComVersion.MajorVersion, reply.pComVersion.MinorVersion}));
  out.version = {reply.pComVersion.MajorVersion, reply.pComVersion.MinorVersion};
  return out;
}

Result<PingOutcome> DcomClient::complex_ping(std::uint64_t set_id, std::uint16_t sequence,
                                             std::span<const std::uint64_t> add, std::span<const std::uint64_t> remove) {
  auto* c = RAMPART_TRY(resolver(ox::IObjectExporter_descriptor().syntax));
  ox::IObjectExporter_client proxy(transport::stub_channel(c->client));
  ox::ComplexPing_request req;
  req.pSetId = set_id;
  req.SequenceNum = sequence;
  req.cAddToSet = static_cast<std::uint16_t>(add.size());
  req.cDelFromSet = static_cast<std::uint16_t>(remove.size());
  if (!add.empty()) req.AddToSet.emplace(add.begin(), add.end());
  if (!remove.empty()) req.DelFromSet.emplace(remove.begin(), remove.end());
  auto r = proxy.ComplexPing(req);
  if (!r) last_status_ = proxy.last_fault();
  const auto reply = RAMPART_TRY(std::move(r));
  RAMPART_CHECK(status(reply.return_value, "ComplexPing returned an error status"));
  // [MS-DCOM] 3.1.2.5.1.3: a new set gets a nonzero SETID; a known one keeps its own.
  if (reply.pSetId == 0 || (set_id != 0 && reply.pSetId != set_id))
    return fail(Errc::unknown_set, "ComplexPing returned another set identifier");
  return PingOutcome{reply.pSetId, true, reply.pPingBackoffFactor};
}

Result<void> DcomClient::simple_ping(std::uint64_t set_id) {
  auto* c = RAMPART_TRY(resolver(ox::IObjectExporter_descriptor().syntax));
  ox::IObjectExporter_client proxy(transport::stub_channel(c->client));
  auto r = proxy.SimplePing({set_id});
  if (!r) last_status_ = proxy.last_fault();
  const auto reply = RAMPART_TRY(std::move(r));
  return status(reply.return_value, "SimplePing returned an error status");
}

Result<PingOutcome> DcomClient::ping(std::span<const std::uint64_t> oids) {
  const std::set<std::uint64_t> want(oids.begin(), oids.end());
  if (ping_set_ != 0 && want == pinged_) {
    RAMPART_CHECK(simple_ping(ping_set_));
    return PingOutcome{ping_set_, false, 0};
  }
  std::vector<std::uint64_t> add, remove;
  std::ranges::set_difference(want, pinged_, std::back_inserter(add));
  std::ranges::set_difference(pinged_, want, std::back_inserter(remove));
  // [MS-DCOM] 3.2.6.1: the sequence number increases with every ComplexPing of a set.
  auto out = RAMPART_TRY(complex_ping(ping_set_, ++ping_sequence_, add, remove));
  ping_set_ = out.set_id;
  pinged_ = want;
  return out;
}

Result<ActivationReply> DcomClient::activate(std::uint16_t opnum, const ActivationParams& params) {
  auto* c = RAMPART_TRY(resolver(ra::IRemoteSCMActivator_descriptor().syntax));
  ra::IRemoteSCMActivator_client proxy(transport::stub_channel(c->client));
  auto blob = RAMPART_TRY(encode_activation_request(params));
  spec::orpc::MInterfacePointer props{static_cast<std::uint32_t>(blob.size()), std::move(blob)};
  std::optional<spec::orpc::MInterfacePointer> reply_props;
  std::int32_t hresult = 0;
  if (opnum == kOpRemoteGetClassObject) {
    auto r = proxy.RemoteGetClassObject({orpcthis(), std::move(props)});
    if (!r) last_status_ = proxy.last_fault();
    auto reply = RAMPART_TRY(std::move(r));
    reply_props = std::move(reply.ppActProperties);
    hresult = reply.return_value;
  } else {
    auto r = proxy.RemoteCreateInstance({orpcthis(), std::nullopt, std::move(props)});
    if (!r) last_status_ = proxy.last_fault();
    auto reply = RAMPART_TRY(std::move(r));
    reply_props = std::move(reply.ppActProperties);
    hresult = reply.return_value;
  }
  RAMPART_CHECK(status(static_cast<std::uint32_t>(hresult), "the activation returned a failure HRESULT"));
  if (!reply_props) return fail(Errc::actprop_missing_property, "S_OK without ppActProperties");
  auto out = RAMPART_TRY(parse_activation_reply(reply_props->abData, params.iids));
  exporter_address_ = RAMPART_TRY(select_oxid_binding(out.oxid_bindings, host_));
  if (exporter_ && activation_ && activation_->oxid != out.oxid) exporter_.reset();
  activation_ = out;
  return out;
}

Result<ActivationReply> DcomClient::create_instance(const ActivationParams& params) { return activate(4, params); }

Result<ActivationReply> DcomClient::get_class_object(const ActivationParams& params) {
  return activate(kOpRemoteGetClassObject, params);
}

Result<ObjRefStandard> DcomClient::create_from_class_object(const Uuid& class_ipid, const Uuid& iid) {
  auto* c = RAMPART_TRY(exporter(cf::IClassFactory_descriptor().syntax));
  cf::IClassFactory_client proxy(transport::stub_channel(c->client), class_ipid);
  auto r = proxy.RemoteCreateInstance({orpcthis(), iid});
  if (!r) last_status_ = proxy.last_fault();
  const auto reply = RAMPART_TRY(std::move(r));
  RAMPART_CHECK(status(static_cast<std::uint32_t>(reply.return_value), "IClassFactory::CreateInstance failed"));
  if (!reply.ppvObject) return fail(Errc::actprop_bad_value, "S_OK without an interface pointer");
  auto ref = RAMPART_TRY(ObjRef::decode(reply.ppvObject->abData));
  const auto* std_ref = std::get_if<ObjRefStandard>(&ref.form);
  // [MS-DCOM] 3.2.4.1.1.2: another OXID would need its own resolution and binding.
  if (std_ref == nullptr || ref.iid != iid || std_ref->std.oxid != activation_->oxid)
    return fail(Errc::actprop_bad_value, "the new object is not an OBJREF_STANDARD of its IID on this OXID");
  return *std_ref;
}

Result<runtime::StubChannel> DcomClient::object_channel(const SyntaxId& interface) {
  auto* c = RAMPART_TRY(exporter(interface));
  return transport::stub_channel(c->client);
}

Result<std::vector<QueryResult>> DcomClient::rem_query_interface(const Uuid& ipid, std::span<const Uuid> iids,
                                                                 std::uint32_t refs) {
  auto* c = RAMPART_TRY(exporter(ru::IRemUnknown_descriptor().syntax));
  ru::IRemUnknown_client proxy(transport::stub_channel(c->client), activation_->ipid_rem_unknown);
  ru::RemQueryInterface_request req{orpcthis(), ipid, refs, static_cast<std::uint16_t>(iids.size()),
                                    std::vector<Uuid>(iids.begin(), iids.end())};
  auto r = proxy.RemQueryInterface(req);
  if (!r) last_status_ = proxy.last_fault();
  const auto reply = RAMPART_TRY(std::move(r));
  RAMPART_CHECK(status(static_cast<std::uint32_t>(reply.return_value), "RemQueryInterface returned a failure"));
  if (!reply.ppQIResults || reply.cIids != iids.size() || reply.ppQIResults->size() != iids.size())
    return fail(Errc::actprop_bad_value, "RemQueryInterface answered another number of interfaces");
  std::vector<QueryResult> out;
  for (std::size_t i = 0; i < iids.size(); ++i) {
    const auto& q = (*reply.ppQIResults)[i];
    QueryResult item{iids[i], static_cast<std::uint32_t>(q.hResult), std::nullopt};
    if (item.hresult == hr::kOk)
      item.std = StdObjRef{q.std.flags, q.std.cPublicRefs, q.std.oxid, q.std.oid, q.std.ipid};
    out.push_back(item);
  }
  return out;
}

Result<std::vector<std::uint32_t>> DcomClient::rem_add_ref(std::span<const InterfaceRef> refs) {
  auto* c = RAMPART_TRY(exporter(ru::IRemUnknown_descriptor().syntax));
  ru::IRemUnknown_client proxy(transport::stub_channel(c->client), activation_->ipid_rem_unknown);
  ru::RemAddRef_request req{orpcthis(), static_cast<std::uint16_t>(refs.size()), {}};
  for (const auto& r : refs) req.InterfaceRefs.push_back({r.ipid, r.public_refs, r.private_refs});
  auto r = proxy.RemAddRef(req);
  if (!r) last_status_ = proxy.last_fault();
  const auto reply = RAMPART_TRY(std::move(r));
  if (reply.pResults.size() != refs.size())
    return fail(Errc::actprop_bad_value, "RemAddRef answered another number of references");
  RAMPART_CHECK(status(static_cast<std::uint32_t>(reply.return_value), "RemAddRef returned a failure"));
  std::vector<std::uint32_t> out;
  for (const auto v : reply.pResults) out.push_back(static_cast<std::uint32_t>(v));
  return out;
}

Result<void> DcomClient::rem_release(std::span<const InterfaceRef> refs) {
  auto* c = RAMPART_TRY(exporter(ru::IRemUnknown_descriptor().syntax));
  ru::IRemUnknown_client proxy(transport::stub_channel(c->client), activation_->ipid_rem_unknown);
  ru::RemRelease_request req{orpcthis(), static_cast<std::uint16_t>(refs.size()), {}};
  for (const auto& r : refs) req.InterfaceRefs.push_back({r.ipid, r.public_refs, r.private_refs});
  auto r = proxy.RemRelease(req);
  if (!r) last_status_ = proxy.last_fault();
  const auto reply = RAMPART_TRY(std::move(r));
  return status(static_cast<std::uint32_t>(reply.return_value), "RemRelease returned a failure");
}

std::optional<ExporterAddress> DcomClient::exporter_address() const { return exporter_address_; }

}  // namespace rampart::dcom
