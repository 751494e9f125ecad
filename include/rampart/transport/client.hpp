// The client transport: an Asio connection driving a runtime::ClientAssociation
// (TCP host:port or a Unix-domain socket path), with per-call timeouts,
// concurrent calls when the server negotiates PFC_CONC_MPX, and a blocking
// wrapper for command-line tools. Endpoint resolution through the endpoint
// mapper (ept_map, [MS-RPCE] 2.2.1.2.5) turns a binding without an endpoint
// into a port.
//
// AsyncClient is driven by one io_context and is not thread-safe: call it
// from a thread running that io_context (asio::post from elsewhere). Every
// operation completes exactly once, with a value or an Error of
// runtime::ClientErrc (or the code of the layer that refused the input).
// Design and state diagram: docs/client.md.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <asio/io_context.hpp>

#include "rampart/base/error.hpp"
#include "rampart/base/uuid.hpp"
#include "rampart/binding/string_binding.hpp"
#include "rampart/binding/tower.hpp"
#include "rampart/runtime/client_association.hpp"
#include "rampart/runtime/client_errc.hpp"
#include "rampart/runtime/peer.hpp"

namespace rampart::transport {

struct ClientOptions {
  /// What the association enforces on the server (sizes offered, stub cap, ...).
  runtime::ClientLimits limits;
  /// Name resolution plus TCP/Unix connect.
  std::chrono::milliseconds connect_timeout{5000};
  /// Default budget of a bind, alter_context or call; a call that exceeds
  /// it is orphaned and fails with ClientErrc::call_timed_out.
  std::chrono::milliseconds call_timeout{30000};
  /// Ask for PFC_CONC_MPX at bind; concurrency is used only if the server echoes it.
  bool request_conc_mpx = true;
  /// The endpoint mapper's port for dynamic endpoints ([MS-RPCE] 2.1.1.1: 135).
  std::uint16_t epm_port = 135;
  /// The transfer syntaxes offered for each interface, in one presentation
  /// context; the server accepts one ([MS-RPCE] 3.3.1.5.6: NDR64 when it
  /// has it and it is offered). Stubs must be marshalled in the accepted one
  /// (AsyncClient::transfer_syntax); generated proxies do so.
  std::vector<SyntaxId> transfer_syntaxes{syntax::kNdr20};
  /// The data representation of every PDU sent, and so of request stubs
  /// (C706 14.1: the receiver makes it right).
  Drep drep = Drep::little();
  /// Authenticate the association (provider, level, target); none when empty.
  std::optional<runtime::ClientAuth> auth;
};

/// Where to connect.
struct ClientEndpoint {
  enum class Kind : std::uint8_t { tcp, local };
  Kind kind = Kind::tcp;
  std::string host;        // Kind::tcp: name or numeric address
  std::uint16_t port = 0;  // Kind::tcp
  std::string path;        // Kind::local: absolute socket path

  [[nodiscard]] static ClientEndpoint tcp(std::string host, std::uint16_t port);
  [[nodiscard]] static ClientEndpoint local(std::string path);
  /// "127.0.0.1:135", "[::1]:135" or "local:/run/rampart/epmapper.sock".
  [[nodiscard]] std::string to_string() const;
};

/// The endpoint a string binding names, without resolution: ncacn_ip_tcp
/// with a port endpoint, or ncalrpc with an absolute path. An ncacn_ip_tcp
/// binding without an endpoint fails with ClientErrc::endpoint_not_found
/// (use resolve_endpoint first); other protseqs with bad_binding.
[[nodiscard]] Result<ClientEndpoint> endpoint_for(const binding::StringBinding& b);

/// What a bind or alter_context established.
struct BindInfo {
  std::vector<runtime::ContextOutcome> contexts;  // the answers to this bind or alter
  std::uint32_t assoc_group_id = 0;
  std::uint16_t max_xmit_frag = 0;
  std::uint16_t max_recv_frag = 0;
  bool conc_mpx = false;
  std::string secondary_address;
};

/// One call to make.
struct CallRequest {
  SyntaxId interface;  // must be bound (accepted) on this connection
  std::uint16_t opnum = 0;
  std::vector<std::uint8_t> stub;
  std::optional<Uuid> object;
  std::chrono::milliseconds timeout{0};  // 0: ClientOptions::call_timeout
};

/// A response stub, or the fault the server answered with.
struct CallReply {
  std::vector<std::uint8_t> stub;
  Drep drep;                        // the response's data representation
  std::uint32_t fault_status = 0;   // nonzero: the call faulted
  bool did_not_execute = false;     // PFC_DID_NOT_EXECUTE on the fault
  [[nodiscard]] bool is_fault() const noexcept { return fault_status != 0; }
};

class AsyncClient : public std::enable_shared_from_this<AsyncClient> {
 public:
  using ConnectHandler = std::function<void(Result<void>)>;
  using BindHandler = std::function<void(Result<BindInfo>)>;
  using CallHandler = std::function<void(Result<CallReply>)>;
  /// Identifies a call for cancel(); assigned when async_call is made.
  using CallTicket = std::uint64_t;

  [[nodiscard]] static std::shared_ptr<AsyncClient> create(asio::io_context& io, ClientOptions options = {});
  ~AsyncClient();
  AsyncClient(const AsyncClient&) = delete;
  AsyncClient& operator=(const AsyncClient&) = delete;

  void async_connect(const ClientEndpoint& endpoint, ConnectHandler done);
  /// Offers one context per interface (NDR20): a bind the first time, an
  /// alter_context afterwards for interfaces not yet offered. Succeeds when
  /// the server answered; check BindInfo::contexts for rejections.
  void async_bind(std::vector<SyntaxId> interfaces, BindHandler done,
                  std::chrono::milliseconds timeout = std::chrono::milliseconds{0});
  /// Queues a call: sent at once when the server negotiated CONC_MPX (up to
  /// ClientLimits::max_pending_calls), otherwise after the previous call.
  /// A fault is a CallReply with fault_status set, not an Error.
  CallTicket async_call(CallRequest request, CallHandler done);
  /// Cancels a queued or pending call: its handler gets call_cancelled. A
  /// call already sent is orphaned (orphan) or co_cancelled (C706 12.6.4.6)
  /// and then left to complete. False when the ticket is not live.
  bool cancel(CallTicket ticket, bool orphan = true);
  /// Closes the connection; every outstanding handler gets call_cancelled.
  void close();

  [[nodiscard]] bool is_open() const noexcept;
  /// SO_PEERCRED of the server on a connected Unix-domain socket (nullopt
  /// for TCP or when not connected): who really listens on the path.
  [[nodiscard]] std::optional<runtime::PeerInfo::Credentials> peer_credentials() const noexcept;
  [[nodiscard]] bool conc_mpx() const noexcept;
  /// The transfer syntax the server accepted for `interface` (nullopt: not
  /// bound), and the drep of what this client sends.
  [[nodiscard]] std::optional<SyntaxId> transfer_syntax(const SyntaxId& interface) const noexcept;
  [[nodiscard]] Drep drep() const noexcept;
  [[nodiscard]] std::size_t outstanding_calls() const noexcept;  // queued + pending
  [[nodiscard]] const runtime::ClientAssociation& association() const noexcept;
  [[nodiscard]] asio::io_context& context() noexcept;

  struct Impl;

 private:
  explicit AsyncClient(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

/// A synchronous client for tools: runs its own io_context on the calling
/// thread for each operation, every wait bounded by a timeout.
class BlockingClient {
 public:
  explicit BlockingClient(ClientOptions options = {});
  ~BlockingClient();
  BlockingClient(const BlockingClient&) = delete;
  BlockingClient& operator=(const BlockingClient&) = delete;

  [[nodiscard]] Result<void> connect(const ClientEndpoint& endpoint);
  [[nodiscard]] Result<void> connect_tcp(std::string_view host, std::uint16_t port);
  [[nodiscard]] Result<void> connect_local(std::string_view path);
  /// Connects to what the binding names; a binding without an endpoint is
  /// resolved with ept_map for `interface` on the host's endpoint mapper
  /// (ClientOptions::epm_port).
  [[nodiscard]] Result<void> connect(const binding::StringBinding& b,
                                     std::optional<SyntaxId> interface = std::nullopt);

  /// Binds (or alters to) these interfaces; fails with context_rejected
  /// only in the single-interface form when the server rejects it.
  [[nodiscard]] Result<BindInfo> bind(std::span<const SyntaxId> interfaces);
  [[nodiscard]] Result<BindInfo> bind(const SyntaxId& interface);

  /// Calls `opnum` on the interface bound first. A fault is an Error with
  /// ClientErrc::call_faulted; last_fault() has its status.
  [[nodiscard]] Result<std::vector<std::uint8_t>> call(std::uint16_t opnum, std::span<const std::uint8_t> stub,
                                                       std::chrono::milliseconds timeout = std::chrono::milliseconds{0});
  /// Any bound interface, object UUID, fault as a CallReply.
  [[nodiscard]] Result<CallReply> call(const CallRequest& request);

  void close();
  [[nodiscard]] bool is_open() const noexcept;
  /// SO_PEERCRED of the server on a Unix-domain connection (AsyncClient's).
  [[nodiscard]] std::optional<runtime::PeerInfo::Credentials> peer_credentials() const noexcept;
  /// The transfer syntax the server accepted for `interface` (nullopt: not bound).
  [[nodiscard]] std::optional<SyntaxId> transfer_syntax(const SyntaxId& interface) const noexcept;
  /// The status of the last call that faulted (0 if none yet).
  [[nodiscard]] std::uint32_t last_fault() const noexcept { return last_fault_; }
  /// The accumulated bind answers (bind and every alter).
  [[nodiscard]] const std::optional<BindInfo>& bind_info() const noexcept { return bind_info_; }
  [[nodiscard]] const ClientOptions& options() const noexcept { return options_; }

 private:
  template <class T>
  Result<T> run(std::function<void(std::function<void(Result<T>)>)> start, std::chrono::milliseconds budget);

  ClientOptions options_;
  std::unique_ptr<asio::io_context> io_;
  std::shared_ptr<AsyncClient> client_;
  std::optional<BindInfo> bind_info_;
  std::optional<SyntaxId> first_interface_;
  std::uint32_t last_fault_ = 0;
};

/// Asks the endpoint mapper on host:epm_port (135) where `interface` listens
/// over `protseq`: ept_map with an NDR20 tower whose endpoint is empty
/// ([MS-RPCE] 2.2.1.2.5). Returns the first returned tower that names the
/// same interface and protseq; its `endpoint` is the port (or name).
[[nodiscard]] Result<binding::TowerBinding> resolve_endpoint(
    std::string_view host, const SyntaxId& interface, binding::Protseq protseq = binding::Protseq::ncacn_ip_tcp,
    std::chrono::milliseconds timeout = std::chrono::milliseconds{5000}, std::uint16_t epm_port = 135);
/// The same with the caller's options: its timeouts and, with `auth`, an
/// authenticated endpoint mapper connection.
[[nodiscard]] Result<binding::TowerBinding> resolve_endpoint(std::string_view host, const SyntaxId& interface,
                                                            binding::Protseq protseq, const ClientOptions& options,
                                                            std::uint16_t epm_port = 135);

}  // namespace rampart::transport
