// AsyncClient: bind and alter_context, calls (queued, concurrent under
// PFC_CONC_MPX, per-call timeouts), cancellation, and the association's
// events (C706 12.4, [MS-RPCE] 3.3.3).
#include <algorithm>

#include <asio/post.hpp>

#include "client_impl.hpp"

namespace rampart::transport {

using runtime::ClientErrc;

namespace {
std::chrono::milliseconds or_default(std::chrono::milliseconds v, std::chrono::milliseconds d) {
  return v.count() > 0 ? v : d;
}
}  // namespace

BindInfo AsyncClient::Impl::bind_info_for(const std::vector<SyntaxId>& interfaces) const {
  BindInfo info = session;
  info.contexts.clear();
  for (const auto& s : interfaces)
    for (const auto& c : session.contexts)
      if (c.abstract_syntax == s) {
        info.contexts.push_back(c);
        break;
      }
  return info;
}

void AsyncClient::Impl::complete_bind(Result<BindInfo> r) {
  bind_timer.cancel();
  if (!bind_op) return;
  asio::post(io, [done = std::move(bind_op->done), r = std::move(r)] { done(r); });
  bind_op.reset();
}

void AsyncClient::Impl::bind(const std::shared_ptr<AsyncClient>& self, std::vector<SyntaxId> interfaces,
                             BindHandler done, std::chrono::milliseconds timeout) {
  auto refuse = [&](ClientErrc code, const char* why) {
    asio::post(io, [done = std::move(done), e = Error(code, why)] { done(std::unexpected(e)); });
  };
  if (phase != Phase::open) return refuse(ClientErrc::not_connected, "bind needs an open connection");
  if (bind_op || assoc.alter_pending()) return refuse(ClientErrc::wrong_state, "a bind or alter_context is pending");
  if (interfaces.empty()) return refuse(ClientErrc::wrong_state, "no interface to bind");
  std::vector<runtime::ClientContext> contexts;
  std::uint16_t next = assoc.next_context_id();
  for (const auto& s : interfaces) {
    const bool known = std::ranges::any_of(offered, [&](const auto& o) { return o.first == s; }) ||
                       std::ranges::any_of(contexts, [&](const auto& c) { return c.abstract_syntax == s; });
    if (!known) contexts.push_back({next++, s, options.transfer_syntaxes});
  }
  if (contexts.empty()) {  // everything already offered: answer from what we know
    BindInfo info = bind_info_for(interfaces);
    asio::post(io, [done = std::move(done), info = std::move(info)] { done(info); });
    return;
  }
  runtime::Output out;
  const bool first = assoc.state() == runtime::ClientAssociation::State::idle;
  if (first && options.auth) {
    // [MS-RPCE] 3.3.1.5.2: the provider's first token rides the bind.
    if (auto a = assoc.use_auth(*options.auth); !a) {
      asio::post(io, [done = std::move(done), e = a.error()] { done(std::unexpected(e)); });
      return;
    }
  }
  auto started = first ? assoc.begin_bind(contexts, out, options.request_conc_mpx) : assoc.begin_alter(contexts, out);
  if (!started) {
    asio::post(io, [done = std::move(done), e = started.error()] { done(std::unexpected(e)); });
    return;
  }
  for (const auto& c : contexts) offered.emplace_back(c.abstract_syntax, c.context_id);
  bind_op = BindOp{std::move(interfaces), std::move(done)};
  bind_timer.expires_after(or_default(timeout, options.call_timeout));
  bind_timer.async_wait([this, self](const std::error_code& ec) {
    if (ec || !bind_op) return;
    // No answer to a bind leaves the association unusable: close it.
    fail_all(Error(ClientErrc::call_timed_out, "no answer to bind or alter_context in time"));
  });
  write(self, std::move(out.send));
}

AsyncClient::CallTicket AsyncClient::Impl::call(const std::shared_ptr<AsyncClient>& self, CallRequest request,
                                                CallHandler done) {
  const CallTicket ticket = next_ticket++;
  if (phase != Phase::open || shutdown_requested) {
    const Error e = shutdown_requested ? Error(ClientErrc::server_shutdown, "the server asked the client to close")
                                       : Error(ClientErrc::not_connected, "calls need an open connection");
    asio::post(io, [done = std::move(done), e] { done(std::unexpected(e)); });
    return ticket;
  }
  const auto timeout = or_default(request.timeout, options.call_timeout);
  auto op = std::make_shared<CallOp>(io, ticket, std::move(request), std::move(done));
  // The budget covers waiting in the queue as well as the round trip (C16).
  op->timer.expires_after(timeout);
  op->timer.async_wait([this, self, ticket](const std::error_code& ec) {
    if (!ec) on_call_timeout(self, ticket);
  });
  by_ticket.emplace(ticket, op);
  queued.push_back(std::move(op));
  pump(self);
  return ticket;
}

void AsyncClient::Impl::complete_call(std::shared_ptr<CallOp> op, Result<CallReply> r) {
  // By value: erasing it from in_flight below must not end its lifetime.
  op->timer.cancel();
  by_ticket.erase(op->ticket);
  if (op->call_id) in_flight.erase(*op->call_id);
  std::erase(queued, op);
  asio::post(io, [done = std::move(op->done), r = std::move(r)] { done(r); });
}

void AsyncClient::Impl::pump(const std::shared_ptr<AsyncClient>& self) {
  if (phase != Phase::open || assoc.state() != runtime::ClientAssociation::State::bound) return;
  runtime::Output out;
  while (!queued.empty()) {
    // C706 12.4: one call at a time unless both sides agreed on CONC_MPX.
    const std::size_t cap = assoc.conc_mpx() ? options.limits.max_pending_calls : 1;
    if (in_flight.size() >= cap) break;
    auto op = queued.front();
    const auto ctx = assoc.context_for(op->request.interface);
    if (!ctx) {
      const bool offered_before = std::ranges::any_of(offered, [&](const auto& o) { return o.first == op->request.interface; });
      complete_call(op, offered_before ? fail(ClientErrc::context_rejected, "the server rejected this interface")
                                       : fail(ClientErrc::unknown_context, "the interface is not bound"));
      continue;
    }
    auto id = assoc.begin_call({std::nullopt, *ctx, op->request.opnum, op->request.object, op->request.stub}, out);
    if (!id) {
      complete_call(op, std::unexpected(id.error()));
      continue;
    }
    queued.pop_front();
    op->call_id = *id;
    op->request.stub = {};  // sent; free it
    in_flight.emplace(*id, std::move(op));
  }
  write(self, std::move(out.send));
}

void AsyncClient::Impl::on_call_timeout(const std::shared_ptr<AsyncClient>& self, CallTicket ticket) {
  auto it = by_ticket.find(ticket);
  if (it == by_ticket.end()) return;
  auto op = it->second;
  if (op->call_id) {
    // [MS-RPCE] 3.3.3.5.x: an abandoned call is orphaned so the server can
    // drop it; a late answer is then ignored by the association.
    runtime::Output out;
    (void)assoc.cancel(*op->call_id, true, out);
    write(self, std::move(out.send));
  }
  complete_call(op, fail(ClientErrc::call_timed_out, "no answer within the call's timeout"));
  pump(self);
  maybe_close_after_shutdown();
}

bool AsyncClient::Impl::cancel(const std::shared_ptr<AsyncClient>& self, CallTicket ticket, bool orphan) {
  auto it = by_ticket.find(ticket);
  if (it == by_ticket.end()) return false;
  auto op = it->second;
  if (op->call_id) {
    runtime::Output out;
    (void)assoc.cancel(*op->call_id, orphan, out);
    write(self, std::move(out.send));
    if (!orphan) return true;  // co_cancel: the server still answers (C706 12.6.4.6)
  }
  complete_call(op, fail(ClientErrc::call_cancelled, "cancelled by the caller"));
  pump(self);
  maybe_close_after_shutdown();
  return true;
}

void AsyncClient::Impl::maybe_close_after_shutdown() {
  // C706 12.6.4.11: after shutdown, close once no call is outstanding.
  if (shutdown_requested && in_flight.empty() && phase == Phase::open)
    fail_all(Error(ClientErrc::server_shutdown, "the server asked the client to close"));
}

void AsyncClient::Impl::on_events(const std::shared_ptr<AsyncClient>& self,
                                  std::vector<runtime::ClientEvent>& events) {
  namespace ev = runtime::client_event;
  for (auto& event : events) {
    if (phase != Phase::open) return;
    if (auto* b = std::get_if<ev::Bound>(&event)) {
      session = {std::move(b->results), b->assoc_group_id, b->max_xmit_frag, b->max_recv_frag, b->conc_mpx,
                 std::move(b->secondary_address)};
      if (bind_op) complete_bind(bind_info_for(bind_op->interfaces));
    } else if (auto* a = std::get_if<ev::Altered>(&event)) {
      session.contexts.insert(session.contexts.end(), a->results.begin(), a->results.end());
      if (bind_op) complete_bind(bind_info_for(bind_op->interfaces));
    } else if (auto* r = std::get_if<ev::BindRefused>(&event)) {
      (void)r;
      fail_all(Error(ClientErrc::bind_refused, "the server refused the bind (bind_nak)"));
    } else if (auto* c = std::get_if<ev::CallCompleted>(&event)) {
      if (auto it = in_flight.find(c->call_id); it != in_flight.end())
        complete_call(it->second, CallReply{std::move(c->stub), c->drep, 0, false});
    } else if (auto* f = std::get_if<ev::CallFaulted>(&event)) {
      if (auto it = in_flight.find(f->call_id); it != in_flight.end())
        complete_call(it->second, CallReply{{}, Drep::little(), f->status, f->did_not_execute});
    } else if (std::holds_alternative<ev::ShutdownRequested>(event)) {
      shutdown_requested = true;
    } else if (auto* e = std::get_if<ev::ProtocolError>(&event)) {
      fail_all(e->error);
    } else if (auto* s = std::get_if<ev::Send>(&event)) {
      write(self, std::move(s->bytes));  // an authentication leg (auth3, alter_context)
    }
  }
  pump(self);
  maybe_close_after_shutdown();
}

}  // namespace rampart::transport
