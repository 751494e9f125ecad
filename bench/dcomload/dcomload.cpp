// rampart-dcomload: authenticated DCOM load on port 135 through Rampart's
// own client (dcom::DcomClient), so every call is really protected and
// every reply really verified (NTLM through gss-ntlmssp, at integrity by
// default). The server must host the rampart-echo class.
//
// Shapes:
//   activate  N workers each loop CoCreateInstanceEx as a client process does
//             it: a new DcomClient (connect to 135, NTLM bind of
//             IRemoteSCMActivator), RemoteCreateInstance of IRampartEcho,
//             connect to the OXID binding, NTLM bind, one Echo checked
//             against its text, RemRelease, close both connections
//   reuse     the same cycle on connections kept open (one DcomClient per
//             worker): RemoteCreateInstance, Echo, RemRelease
//   ping      N connections, each activates one object once, then calls
//             ComplexPing back to back, alternately adding its OID to its
//             ping set and deleting it ([MS-DCOM] 3.1.2.5.1.2)
//
// --clsid selects the class (the in-process rampart-echo by default;
// 7f1b2c3d-0a4e-4c5f-9d6e-2b8a1c0e5f03 is the same class served out of
// process by rampart-echo-server, whose own CPU --server-pid does not see).
//
// With --server-pid PID the server's CPU (utime+stime of its process group,
// /proc) over the timed window is reported per operation.
//
// Output: one line "RESULT key=value ..." on stdout.
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "echo_class.hpp"
#include "proc_sample.hpp"
#include "rampart/dcom/dcom_client.hpp"
#include "rampart/dcom/errc.hpp"
#include "rampart/security/security_provider.hpp"
#include "rampart_echo.hpp"

namespace {

using namespace rampart;
using Clock = std::chrono::steady_clock;
namespace re = spec::rampart_echo;

enum class Shape : std::uint8_t { activate, reuse, ping };

struct Options {
  std::string host = "127.0.0.1";
  std::uint16_t port = 135;
  Shape shape = Shape::activate;
  std::size_t connections = 8;
  double seconds = 4;
  double warmup = 0.5;
  std::string user, password;
  std::string spn;  // default host@HOST
  security::AuthLevel level = security::AuthLevel::integrity;
  int server_pid = 0;
  std::string label = "-";
  Uuid clsid = echo::kClsid;
};

[[noreturn]] void usage(const char* why) {
  std::fprintf(stderr,
               "rampart-dcomload: %s\n"
               "usage: rampart-dcomload --user DOMAIN\\\\USER --password PW [--host A] [--port P]\n"
               "         [--shape activate|reuse|ping] [--connections N] [--seconds S] [--warmup S]\n"
               "         [--level integrity|privacy] [--spn SERVICE@HOST] [--server-pid PID] [--label TEXT]\n"
               "         [--clsid CLSID]\n",
               why);
  std::exit(2);
}

Shape shape_of(std::string_view s) {
  if (s == "activate") return Shape::activate;
  if (s == "reuse") return Shape::reuse;
  if (s == "ping") return Shape::ping;
  usage("unknown shape");
}

Options parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string_view a = argv[i];
    auto next = [&]() -> std::string {
      if (i + 1 >= argc) usage("missing value");
      return argv[++i];
    };
    if (a == "--host") o.host = next();
    else if (a == "--port") o.port = static_cast<std::uint16_t>(std::atoi(next().c_str()));
    else if (a == "--shape") o.shape = shape_of(next());
    else if (a == "--connections") o.connections = static_cast<std::size_t>(std::atoi(next().c_str()));
    else if (a == "--seconds") o.seconds = std::atof(next().c_str());
    else if (a == "--warmup") o.warmup = std::atof(next().c_str());
    else if (a == "--user") o.user = next();
    else if (a == "--password") o.password = next();
    else if (a == "--level") o.level = next() == "privacy" ? security::AuthLevel::privacy : security::AuthLevel::integrity;
    else if (a == "--server-pid") o.server_pid = std::atoi(next().c_str());
    else if (a == "--label") o.label = next();
    else if (a == "--spn") o.spn = next();
    else if (a == "--clsid") {
      auto clsid = Uuid::parse(next());
      if (!clsid) usage("--clsid needs a CLSID");
      o.clsid = *clsid;
    }
    else usage("unknown option");
  }
  if (o.user.empty() || o.connections == 0 || o.connections > 256) usage("--user and 1..256 connections needed");
  return o;
}

bool report(const char* what, const Error& e, const dcom::DcomClient& c) {
  std::fprintf(stderr, "rampart-dcomload: %s: %s (status 0x%08x)\n", what, e.to_string().c_str(), c.last_status());
  return false;
}

// One activation of IRampartEcho, one Echo checked, every reference released.
bool activate_echo_release(dcom::DcomClient& c, const Uuid& clsid, const std::u16string& text) {
  const std::vector iids{echo::kIid};
  const auto act = c.create_instance(dcom::activation_params(clsid, iids));
  if (!act) return report("RemoteCreateInstance", act.error(), c);
  const auto& ref = act->interfaces.at(0).objref;
  if (!ref) return report("RemoteCreateInstance", Error(dcom::Errc::call_failed, "no IRampartEcho"), c);
  auto channel = c.object_channel(SyntaxId{echo::kIid, 0, 0});
  if (!channel) return report("bind IRampartEcho", channel.error(), c);
  re::IRampartEcho_client proxy(std::move(*channel), ref->std.ipid);
  const auto echoed = proxy.Echo({c.orpcthis(), text});
  if (!echoed) return report("Echo", echoed.error(), c);
  if (echoed->return_value != 0 || echoed->echoed != text) {
    std::fprintf(stderr, "rampart-dcomload: Echo answered another text\n");
    return false;
  }
  const std::vector refs{dcom::InterfaceRef{ref->std.ipid, ref->std.public_refs, 0}};
  if (auto r = c.rem_release(refs); !r) return report("RemRelease", r.error(), c);
  return true;
}

// The ping shape's per-connection state: one kept object in one set.
struct Pinger {
  std::unique_ptr<dcom::DcomClient> client;
  std::uint64_t oid = 0, set = 0;
  std::uint16_t sequence = 0;
  bool in_set = false;

  bool start(const Options& o, const dcom::DcomClientOptions& options) {
    client = std::make_unique<dcom::DcomClient>(o.host, options);
    const std::vector iids{echo::kIid};
    const auto act = client->create_instance(dcom::activation_params(o.clsid, iids));
    if (!act) return report("RemoteCreateInstance", act.error(), *client);
    if (!act->interfaces.at(0).objref) return false;
    oid = act->interfaces.at(0).objref->std.oid;
    return true;
  }
  bool ping() {
    const std::vector oids{oid};
    const std::span<const std::uint64_t> none;
    auto r = in_set ? client->complex_ping(set, ++sequence, none, oids)
                    : client->complex_ping(set, ++sequence, oids, none);
    if (!r) return report("ComplexPing", r.error(), *client);
    set = r->set_id;
    in_set = !in_set;
    return true;
  }
};

struct Shared {
  std::atomic<bool> measuring{false}, stop{false};
  std::atomic<std::uint64_t> done{0}, errors{0};
  std::mutex m;
  std::vector<double> latencies_us;
};

void worker(const Options& o, const dcom::DcomClientOptions& options, std::size_t index, Shared& sh) {
  std::vector<double> lat;
  const std::u16string text = u"rampart-dcomload " + std::u16string(1, static_cast<char16_t>(u'a' + index % 26));
  std::unique_ptr<dcom::DcomClient> kept;
  Pinger pinger;
  bool started = false;
  while (!sh.stop) {
    const auto t0 = Clock::now();
    bool ok = false;
    if (o.shape == Shape::activate) {
      dcom::DcomClient c(o.host, options);
      ok = activate_echo_release(c, o.clsid, text);
    } else if (o.shape == Shape::reuse) {
      if (!kept) kept = std::make_unique<dcom::DcomClient>(o.host, options);
      ok = activate_echo_release(*kept, o.clsid, text);
      if (!ok) kept.reset();
    } else {
      if (!started) started = pinger.start(o, options);
      ok = started && pinger.ping();
      if (!ok) started = false;
    }
    if (!ok) {
      ++sh.errors;
      continue;
    }
    if (sh.measuring) {
      ++sh.done;
      lat.push_back(std::chrono::duration<double, std::micro>(Clock::now() - t0).count());
    }
  }
  std::lock_guard lock(sh.m);
  sh.latencies_us.insert(sh.latencies_us.end(), lat.begin(), lat.end());
}

dcom::DcomClientOptions client_options(const Options& o) {
  auto cred = security::GssCredential::password(o.user, o.password, security::GssMech::ntlm);
  if (!cred) usage("cannot acquire NTLM credentials for --user");
  dcom::DcomClientOptions out;
  out.resolver_port = o.port;
  out.transport.connect_timeout = std::chrono::seconds(10);
  out.transport.call_timeout = std::chrono::seconds(10);
  runtime::ClientAuth a;
  a.provider = security::make_ntlm_provider(nullptr, std::make_shared<security::GssCredential>(std::move(*cred)));
  a.level = o.level;
  a.target = o.spn.empty() ? "host@" + o.host : o.spn;
  out.transport.auth = std::move(a);
  return out;
}

const char* shape_name(Shape s) {
  return s == Shape::activate ? "activate" : s == Shape::reuse ? "reuse" : "ping";
}

}  // namespace

int main(int argc, char** argv) {
  const Options o = parse(argc, argv);
  const auto options = client_options(o);
  Shared sh;
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < o.connections; ++i)
    threads.emplace_back(worker, std::cref(o), std::cref(options), i, std::ref(sh));
  std::this_thread::sleep_for(std::chrono::duration<double>(o.warmup));
  const auto cpu0 = bench::sample_group(o.server_pid);
  const auto t0 = Clock::now();
  sh.measuring = true;
  std::this_thread::sleep_for(std::chrono::duration<double>(o.seconds));
  sh.measuring = false;
  const double secs = std::chrono::duration<double>(Clock::now() - t0).count();
  const auto cpu1 = bench::sample_group(o.server_pid);
  const std::uint64_t ops = sh.done;
  sh.stop = true;
  for (auto& t : threads) t.join();
  std::sort(sh.latencies_us.begin(), sh.latencies_us.end());
  auto pct = [&](double q) {
    return sh.latencies_us.empty() ? 0.0 : sh.latencies_us[static_cast<std::size_t>(q * (sh.latencies_us.size() - 1))];
  };
  const double tick_us = 1e6 / static_cast<double>(::sysconf(_SC_CLK_TCK));
  const double cpu_us = static_cast<double>(cpu1.cpu_ticks - cpu0.cpu_ticks) * tick_us;
  std::printf("RESULT label=%s shape=%s level=%s connections=%zu seconds=%.2f calls=%llu calls_per_s=%.0f "
              "p50_us=%.1f p99_us=%.1f server_cpu_us_per_call=%.1f errors=%llu\n",
              o.label.c_str(), shape_name(o.shape), o.level == security::AuthLevel::privacy ? "privacy" : "integrity",
              o.connections, secs, static_cast<unsigned long long>(ops), static_cast<double>(ops) / secs, pct(0.5),
              pct(0.99), o.server_pid != 0 && ops != 0 ? cpu_us / static_cast<double>(ops) : 0.0,
              static_cast<unsigned long long>(sh.errors.load()));
  return ops != 0 && sh.errors == 0 ? 0 : 1;
}
