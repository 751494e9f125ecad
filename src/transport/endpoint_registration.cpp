#include "rampart/transport/endpoint_registration.hpp"

#include "rampart/binding/tower.hpp"
#include "epm.hpp"
#include "rampart/ndr/stub.hpp"
#include "rampart/transport/client.hpp"
#include "rampart/transport/errc.hpp"

namespace rampart::transport {

namespace {

namespace epm = spec::epm;

// C706 Appendix O: ept_entry_t's annotation is char[64], NUL included.
constexpr std::size_t kMaxAnnotation = 63;

Result<std::unique_ptr<BlockingClient>> open_epm(const RegistrationOptions& options) {
  ClientOptions co;
  co.connect_timeout = options.timeout;
  co.call_timeout = options.timeout;
  auto client = std::make_unique<BlockingClient>(co);
  if (auto ok = client->connect_local(options.socket); !ok) return std::unexpected(ok.error());
  if (auto ok = client->bind(epm::ept_descriptor().syntax); !ok) return std::unexpected(ok.error());
  return client;
}

// One ept_insert or ept_delete; a fault is an answer, not an Error, so the
// caller can tell "refused" (e.g. access denied) from "unreachable".
Result<EptAnswer> call_epm(BlockingClient& client, epm::ept_opnum op, std::span<const EptEntry> entries,
                           std::chrono::milliseconds timeout) {
  std::vector<epm::ept_entry_t> list;
  list.reserve(entries.size());
  for (const auto& e : entries)
    list.push_back({e.object, spec::nbase::twr_t{static_cast<std::uint32_t>(e.tower.size()), e.tower}, e.annotation});
  const auto n = static_cast<std::uint32_t>(list.size());
  auto stub = op == epm::ept_opnum::ept_insert
                  ? ndr::encode_stub(epm::ept_insert_request{n, std::move(list), 1}, Drep::little())
                  : ndr::encode_stub(epm::ept_delete_request{n, std::move(list)}, Drep::little());
  if (!stub) return std::unexpected(stub.error());
  const CallRequest call{epm::ept_descriptor().syntax, static_cast<std::uint16_t>(op), std::move(*stub), std::nullopt,
                         timeout};
  auto reply = client.call(call);
  if (!reply) return std::unexpected(reply.error());
  if (reply->is_fault()) return EptAnswer{reply->fault_status, 0};
  // ept_insert and ept_delete both answer a single error_status_t.
  auto r = ndr::decode_stub<epm::ept_insert_response>(reply->stub, reply->drep);
  if (!r) return std::unexpected(r.error());
  return EptAnswer{0, r->status};
}

}  // namespace

Result<EptEntry> make_ept_entry(const SyntaxId& interface, binding::Protseq protseq, std::string_view endpoint,
                                     std::string annotation, Uuid object) {
  if (annotation.size() > kMaxAnnotation) return std::unexpected(Error(Errc::annotation_too_long, "annotation"));
  const binding::TowerBinding tb{interface, syntax::kNdr20, protseq, 0, std::string(endpoint), {}};
  auto tower = binding::Tower::build(tb);
  if (!tower) return std::unexpected(tower.error());
  return EptEntry{object, tower->encode(), std::move(annotation)};
}

EndpointRegistration::EndpointRegistration(std::unique_ptr<BlockingClient> client, EptAnswer answer,
                                           std::span<const EptEntry> entries, RegistrationOptions options)
    : client_(std::move(client)), answer_(answer), entries_(entries.begin(), entries.end()), options_(std::move(options)) {}
EndpointRegistration::EndpointRegistration(EndpointRegistration&&) noexcept = default;
EndpointRegistration& EndpointRegistration::operator=(EndpointRegistration&&) noexcept = default;
EndpointRegistration::~EndpointRegistration() { release(); }

bool EndpointRegistration::connected() const noexcept { return client_ && client_->is_open(); }

Result<EptAnswer> EndpointRegistration::renew() {
  if (client_) {
    auto answer = call_epm(*client_, epm::ept_opnum::ept_insert, entries_, options_.timeout);
    if (answer) return answer_ = *answer;
    client_->close();
  }
  // The connection is gone (or was released): a new one owns the entries.
  auto client = open_epm(options_);
  if (!client) return std::unexpected(client.error());
  client_ = std::move(*client);
  auto answer = call_epm(*client_, epm::ept_opnum::ept_insert, entries_, options_.timeout);
  if (!answer) return std::unexpected(answer.error());
  return answer_ = *answer;
}

void EndpointRegistration::release() noexcept {
  if (client_) client_->close();
  client_.reset();
}

Result<EndpointRegistration> register_endpoint(std::span<const EptEntry> entries,
                                               const RegistrationOptions& options) {
  auto client = open_epm(options);
  if (!client) return std::unexpected(client.error());
  auto answer = call_epm(**client, epm::ept_opnum::ept_insert, entries, options.timeout);
  if (!answer) return std::unexpected(answer.error());
  return EndpointRegistration(std::move(*client), *answer, entries, options);
}

Result<EptAnswer> unregister_endpoint(std::span<const EptEntry> entries, const RegistrationOptions& options) {
  auto client = open_epm(options);
  if (!client) return std::unexpected(client.error());
  return call_epm(**client, epm::ept_opnum::ept_delete, entries, options.timeout);
}

}  // namespace rampart::transport
