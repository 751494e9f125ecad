// The scheduling and the per-probe conversation (engine.hpp).
#include "engine.hpp"

#include <fmt/format.h>

#include <asio/co_spawn.hpp>
#include <asio/experimental/as_tuple.hpp>
#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/steady_timer.hpp>
#include <asio/this_coro.hpp>
#include <asio/use_awaitable.hpp>

#include <algorithm>
#include <exception>

#include "auth_session.hpp"
#include "baseline.hpp"
#include "fingerprint.hpp"
#include "probe_conn.hpp"
#include "rampart/pdu/pdu.hpp"
#include "wire.hpp"

namespace rampart::probe {

namespace {

using Clock = std::chrono::steady_clock;
using asio::awaitable;
using asio::ip::tcp;
constexpr auto kNoThrow = asio::experimental::as_tuple(asio::use_awaitable);

// Paces connection starts: one every 1/rate seconds, across all hosts.
class Pacer {
 public:
  explicit Pacer(double rate)
      : interval_(rate > 0 ? std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(1.0 / rate))
                           : Clock::duration::zero()) {}
  awaitable<void> acquire() {
    if (interval_ == Clock::duration::zero()) co_return;
    const auto now = Clock::now();
    const auto slot = std::max(now, next_);
    next_ = slot + interval_;
    if (slot > now) {
      asio::steady_timer t(co_await asio::this_coro::executor, slot);
      (void)co_await t.async_wait(kNoThrow);
    }
  }

 private:
  Clock::duration interval_;
  Clock::time_point next_{};
};

struct Shared {
  const std::vector<std::string>& targets;
  const std::vector<const Probe*>& probes;
  const EngineOptions& o;
  const EngineCallbacks& cb;
  Pacer pacer;
  std::size_t next_target = 0;
};

Reaction bare(ReactionKind k, std::string detail) {
  Reaction r;
  r.kind = k;
  r.detail = std::move(detail);
  return r;
}

// The stub of a response PDU (empty for anything else).
std::vector<std::uint8_t> response_stub(std::span<const std::uint8_t> octets) {
  auto p = pdu::decode(octets);
  const auto* r = p ? p->as<pdu::Response>() : nullptr;
  if (!r) return {};
  return {r->stub.begin(), r->stub.end()};
}

bool wants_linger(const Probe& p) {
  return std::any_of(p.expected.begin(), p.expected.end(), [](const Expected& e) { return e.close_after.has_value(); });
}

// A fresh connection whose EPM bind is accepted: the host still serves.
awaitable<bool> bind_once(const tcp::endpoint& ep, Shared& s) {
  co_await s.pacer.acquire();
  ProbeConn c(co_await asio::this_coro::executor);
  if (!(co_await c.connect(ep, s.o.connect_timeout)).empty()) co_return false;
  if (!(co_await c.write(wire::epm_bind(1), s.o.reply_timeout)).empty()) co_return false;
  auto r = co_await c.read_pdu(s.o.reply_timeout);
  c.close();
  if (r.kind != ReadOutcome::Kind::pdu) co_return false;
  auto reaction = reaction_from_pdu(r.octets);
  co_return reaction.kind == ReactionKind::bind_ack && reaction.code == 0;
}

// Three attempts, 250 ms and 1 s apart: a host that sheds connections under
// load (a per-source cap, a full backlog) is not mistaken for a dead one.
awaitable<bool> alive(const tcp::endpoint& ep, Shared& s) {
  constexpr std::chrono::milliseconds kBackoff[] = {std::chrono::milliseconds(250), std::chrono::milliseconds(1000)};
  if (co_await bind_once(ep, s)) co_return true;
  for (auto wait : kBackoff) {
    asio::steady_timer t(co_await asio::this_coro::executor, wait);
    (void)co_await t.async_wait(kNoThrow);
    if (co_await bind_once(ep, s)) co_return true;
  }
  co_return false;
}

// Binds the EPM on `c` for a probe that runs on an association.
awaitable<std::optional<Session>> preamble(ProbeConn& c, Shared& s, std::string& why) {
  if (auto err = co_await c.write(wire::epm_bind(1), s.o.reply_timeout); !err.empty()) {
    why = "preamble bind: " + err;
    co_return std::nullopt;
  }
  auto r = co_await c.read_pdu(s.o.reply_timeout);
  if (r.kind != ReadOutcome::Kind::pdu) {
    why = "preamble bind: no reply";
    co_return std::nullopt;
  }
  auto p = pdu::decode(r.octets);
  const auto* ack = p ? p->as<pdu::BindAck>() : nullptr;
  if (!ack || ack->results.empty() || ack->results[0].result != pdu::ContextResult::acceptance) {
    why = "preamble bind refused";
    co_return std::nullopt;
  }
  co_return Session{ack->max_recv_frag, ack->max_xmit_frag, ack->assoc_group_id};
}

// The reaction to the probe's last PDU, and whether the server then closes.
awaitable<Reaction> observe(ProbeConn& c, const Probe& p, Shared& s) {
  Reaction out;
  auto r = co_await c.read_pdu(s.o.reply_timeout);
  for (std::uint8_t i = 0; i < p.setup_replies && r.kind == ReadOutcome::Kind::pdu; ++i)
    r = co_await c.read_pdu(s.o.reply_timeout);
  switch (r.kind) {
    case ReadOutcome::Kind::timeout: out.kind = ReactionKind::silence; co_return out;
    case ReadOutcome::Kind::closed:
    case ReadOutcome::Kind::error: out.kind = ReactionKind::closed; out.detail = r.detail; co_return out;
    case ReadOutcome::Kind::malformed: out.kind = ReactionKind::malformed; out.detail = r.detail; co_return out;
    case ReadOutcome::Kind::pdu: break;
  }
  out = reaction_from_pdu(r.octets);
  if (out.kind == ReactionKind::response && (p.inspect || p.response_status)) {
    const auto stub = response_stub(r.octets);
    if (p.inspect) out.flaw = p.inspect(stub);
    // C706 12.6.3.1: byte 4's high nibble 0 means big-endian integers.
    if (p.response_status)
      if (auto status = p.response_status(stub, (r.octets[4] & 0xf0) != 0)) out.code = *status;
  }
  if (!wants_linger(p)) co_return out;
  const auto until = Clock::now() + s.o.linger;
  while (Clock::now() < until) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - Clock::now());
    auto more = co_await c.read_pdu(std::max(left, std::chrono::milliseconds{1}));
    if (more.kind == ReadOutcome::Kind::pdu) continue;  // a second reply; keep watching
    out.closed_after = more.kind == ReadOutcome::Kind::closed || more.kind == ReadOutcome::Kind::error;
    break;
  }
  co_return out;
}

awaitable<std::string> write_all(ProbeConn& c, const std::vector<std::vector<std::uint8_t>>& pdus, Shared& s) {
  std::vector<std::uint8_t> octets;
  for (const auto& pdu : pdus) octets.insert(octets.end(), pdu.begin(), pdu.end());
  co_return co_await c.write(octets, s.o.reply_timeout);
}

// The last step of a probe about a handle's association ([MS-RPCE]
// 3.3.1.4.1): a second connection with an association group of its own,
// while the first, which holds the handle, stays open.
awaitable<Reaction> on_new_association(const tcp::endpoint& ep, const Probe& p,
                                       const std::vector<std::vector<std::uint8_t>>& pdus, Shared& s) {
  co_await s.pacer.acquire();
  ProbeConn c(co_await asio::this_coro::executor);
  if (auto err = co_await c.connect(ep, s.o.connect_timeout); !err.empty())
    co_return bare(ReactionKind::connect_failed, "second connection: " + err);
  std::string why;
  if (!co_await preamble(c, s, why)) co_return bare(ReactionKind::connect_failed, "second connection: " + why);
  if (auto err = co_await write_all(c, pdus, s); !err.empty())
    co_return bare(ReactionKind::closed, "while sending: " + err);
  auto r = co_await observe(c, p, s);
  c.close();
  co_return r;
}

// Sends the probe's PDUs; a conversation reads the reply to each step and
// builds the next PDUs from it. The reaction is to the last step's PDUs.
awaitable<Reaction> converse(const tcp::endpoint& ep, ProbeConn& c, const Probe& p, const Session& session,
                             Shared& s) {
  auto pdus = p.build(session);
  std::vector<std::vector<std::uint8_t>> replies;
  for (std::size_t step = 0;; ++step) {
    const bool last = step == p.steps.size();
    if (last && p.last_step_on_new_association) co_return co_await on_new_association(ep, p, pdus, s);
    if (auto err = co_await write_all(c, pdus, s); !err.empty())
      co_return bare(ReactionKind::closed, "while sending: " + err);
    if (last) co_return co_await observe(c, p, s);
    auto r = co_await c.read_pdu(s.o.reply_timeout);
    if (r.kind != ReadOutcome::Kind::pdu)
      co_return bare(ReactionKind::connect_failed, fmt::format("no reply to step {} of the conversation", step + 1));
    replies.push_back(std::move(r.octets));
    auto next = p.steps[step](session, replies);
    if (!next)
      co_return bare(ReactionKind::connect_failed,
                     fmt::format("the reply to step {} ({}) did not allow the next", step + 1,
                                 reaction_from_pdu(replies.back()).describe()));
    pdus = std::move(*next);
  }
}

// The probes of one host that are running, for attributing an outage.
using InFlight = std::vector<std::string_view>;

std::string others(const InFlight& in_flight, std::string_view self) {
  std::string out;
  for (auto id : in_flight)
    if (id != self) out += fmt::format("{}{}", out.empty() ? "" : ", ", id);
  return out;
}

// The credentials for `host`: without --spn the service name is host@ that
// host's own name, as for the other subcommands.
runtime::ClientAuth auth_for(const EngineOptions& o, const std::string& host) {
  runtime::ClientAuth a = *o.auth;
  if (o.auth_target_per_host) a.target = "host@" + host;
  return a;
}

awaitable<ProbeResult> run_probe(const tcp::endpoint& ep, const std::string& host, const Probe& p, InFlight& in_flight,
                                 Shared& s) {
  const auto start = Clock::now();
  ProbeResult res;
  res.probe = &p;
  co_await s.pacer.acquire();
  ProbeConn c(co_await asio::this_coro::executor);
  if (auto err = co_await c.connect(ep, s.o.connect_timeout); !err.empty()) {
    res.reaction = bare(ReactionKind::connect_failed, err);
  } else {
    std::string why;
    std::optional<Session> session = Session{};
    std::optional<AuthedSession> authed;  // owns the context session->security points into
    if (p.needs_auth) {
      authed = co_await auth_preamble(c, auth_for(s.o, host), s.o.reply_timeout, why);
      session = authed ? std::optional<Session>(authed->session) : std::nullopt;
    } else if (p.after_bind) {
      session = co_await preamble(c, s, why);
    }
    if (!session) {
      res.reaction = bare(ReactionKind::connect_failed, why);
    } else {
      res.reaction = co_await converse(ep, c, p, *session, s);
    }
  }
  c.close();
  // Whether the host still serves is asked after every reaction that is not
  // the documented one: a close or silence may be a crash, and an accepted
  // input may have broken the host as well (a remote stop that was obeyed).
  res.classification = classify(p, res.reaction, std::nullopt);
  const auto k = res.reaction.kind;
  const bool suspect = k == ReactionKind::closed || k == ReactionKind::silence || k == ReactionKind::malformed ||
                       is_finding(res.classification.verdict);
  if (k != ReactionKind::connect_failed && suspect) {
    // With more than one probe per host in flight, an outage cannot be
    // pinned on one of them: the reason names the others.
    const std::string concurrent = others(in_flight, p.id);
    res.alive_after = co_await alive(ep, s);
    res.classification = classify(p, res.reaction, res.alive_after);
    if (res.classification.verdict == Verdict::vulnerable_pattern && !concurrent.empty())
      res.classification.reason += " (also in flight: " + concurrent + ")";
  }
  res.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start);
  co_return res;
}

// Once a probe left the host unable to serve, the rest are not sent: they
// could only report the same outage, each after its timeouts.
ProbeResult not_run(const Probe& p, std::string_view after) {
  ProbeResult r;
  r.probe = &p;
  r.reaction = bare(ReactionKind::connect_failed, fmt::format("not sent: the host stopped serving after {}", after));
  r.classification = classify(p, r.reaction, std::nullopt);
  return r;
}

// A DCOM probe for a host that did not answer ServerAlive2, or an
// authenticated one without credentials, is not sent.
ProbeResult not_applicable(const Probe& p, std::string why) {
  ProbeResult r;
  r.probe = &p;
  r.reaction = bare(ReactionKind::connect_failed, "not sent: " + why);
  r.classification = {Verdict::not_applicable, std::move(why)};
  return r;
}

struct HostRun {
  std::size_t next = 0;
  std::size_t running = 0;
  std::string stopped_by;
  InFlight in_flight;
};

awaitable<void> probe_worker(const tcp::endpoint& ep, HostReport& rep, HostRun& run, asio::steady_timer& done,
                             Shared& s) {
  while (run.next < s.probes.size()) {
    const std::size_t i = run.next++;
    const Probe& p = *s.probes[i];
    if (!run.stopped_by.empty()) {
      rep.results[i] = not_run(p, run.stopped_by);
    } else if (p.needs_dcom && !rep.baseline.dcom_offered) {
      const auto& err = rep.baseline.dcom_error;
      rep.results[i] = not_applicable(p, "the host does not offer DCOM on this port (" +
                                             (err.empty() ? std::string("no ServerAlive2") : err) + ")");
    } else if (p.needs_auth && !s.o.auth) {
      rep.results[i] = not_applicable(p, "no credentials given (-U)");
    } else {
      run.in_flight.push_back(p.id);
      rep.results[i] = co_await run_probe(ep, rep.target, p, run.in_flight, s);
      std::erase(run.in_flight, p.id);
      if (rep.results[i].classification.verdict == Verdict::vulnerable_pattern && run.stopped_by.empty())
        run.stopped_by = std::string(p.id);
    }
    if (s.cb.on_probe_done) s.cb.on_probe_done();
  }
  if (--run.running == 0) done.cancel();
}

awaitable<void> probe_host(const tcp::endpoint& ep, HostReport& rep, Shared& s) {
  auto ex = co_await asio::this_coro::executor;
  rep.results.resize(s.probes.size());
  HostRun run;
  run.running = std::min<std::size_t>(std::max(1u, s.o.per_host), s.probes.size());
  asio::steady_timer done(ex, Clock::time_point::max());
  const std::size_t workers = run.running;
  for (std::size_t i = 0; i < workers; ++i)
    asio::co_spawn(ex, probe_worker(ep, rep, run, done, s), [](std::exception_ptr e) {
      if (e) std::rethrow_exception(e);
    });
  // No suspension between the check and the wait, so a cancel cannot be missed.
  while (run.running > 0) (void)co_await done.async_wait(kNoThrow);
}

void skip_probes(Shared& s) {
  for (std::size_t i = 0; i < s.probes.size(); ++i)
    if (s.cb.on_probe_done) s.cb.on_probe_done();
}

awaitable<void> host_worker(Shared& s) {
  auto ex = co_await asio::this_coro::executor;
  while (s.next_target < s.targets.size()) {
    const auto start = Clock::now();
    HostReport rep;
    rep.index = s.next_target++;
    rep.target = s.targets[rep.index];
    tcp::resolver resolver(ex);
    auto [ec, found] = co_await resolver.async_resolve(rep.target, std::to_string(s.o.port), kNoThrow);
    if (ec || found.empty()) {
      rep.baseline.error = "cannot resolve: " + ec.message();
      skip_probes(s);
    } else {
      const tcp::endpoint ep = *found.begin();
      rep.address = ep.address().to_string();
      co_await s.pacer.acquire();
      rep.baseline = co_await run_baseline(ep, s.o);
      // Only a host that served a bind can be judged: the liveness check
      // asks for exactly that again.
      if (rep.baseline.bound)
        co_await probe_host(ep, rep, s);
      else
        skip_probes(s);
    }
    rep.fingerprint = fingerprint(rep.baseline, rep.results);
    rep.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start);
    if (s.cb.on_host_done) s.cb.on_host_done(std::move(rep));
  }
}

}  // namespace

void run_engine(const std::vector<std::string>& targets, const std::vector<const Probe*>& probes,
                const EngineOptions& options, const EngineCallbacks& callbacks) {
  asio::io_context io(1);
  Shared s{targets, probes, options, callbacks, Pacer(options.rate)};
  const unsigned per_host = std::max(1u, options.per_host);
  const std::size_t workers =
      std::min<std::size_t>(std::max(1u, options.global_concurrency / per_host), std::max<std::size_t>(targets.size(), 1));
  for (std::size_t i = 0; i < workers; ++i)
    asio::co_spawn(io, host_worker(s), [](std::exception_ptr e) {
      if (e) std::rethrow_exception(e);
    });
  io.run();
}

}  // namespace rampart::probe
