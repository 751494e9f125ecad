// Fuzzes the object exporter's state ([MS-DCOM] 3.1.1.3, 3.1.2.5.1): the
// input is a program of operations (export, add an interface, add and
// release references, complex and simple pings from a few clients, time
// passing, collection). After every step the tables stay within their
// limits and every released object was released exactly once.
#include <cstdint>
#include <cstdlib>
#include <span>
#include <vector>

#include "rampart/base/byte_reader.hpp"
#include "rampart/dcom/object_exporter.hpp"

using namespace rampart::dcom;
using namespace std::chrono_literals;

namespace {

struct Run {
  ObjectExporter ex;
  OxidEntry oxid;
  Clock::time_point now = Clock::time_point{} + 1000s;
  std::vector<Oid> oids;
  std::vector<rampart::Uuid> ipids;
  std::vector<SetId> sets;
  std::size_t exported = 0;
  std::size_t released = 0;

  static ExporterLimits limits() {
    ExporterLimits l;
    l.ping_period = 1s;
    l.max_sets = 6;
    l.max_sets_per_client = 3;
    l.max_oids_per_set = 4;
    l.max_objects = 8;
    l.max_ipids_per_object = 3;
    return l;
  }
  Run() : ex(limits()), oxid(ex.add_oxid()) {}

  template <class T>
  T pick(const std::vector<T>& v, std::uint8_t k, T fallback) {
    return v.empty() ? fallback : v[k % v.size()];
  }
  std::vector<Oid> oid_list(rampart::ByteReader& r) {
    std::vector<Oid> out;
    const unsigned n = r.u8().value_or(0) % 6u;
    for (unsigned i = 0; i < n; ++i) out.push_back(pick(oids, r.u8().value_or(0), Oid{7}));
    return out;
  }
  void step(std::uint8_t op, rampart::ByteReader& r) {
    const std::uint8_t k = r.u8().value_or(0);
    switch (op % 8) {
      case 0:
        if (auto o = ex.export_object(oxid.oxid, (k & 1) != 0, now, [this] { ++released; },
                                      [](const rampart::Uuid&) { return std::make_shared<int>(1); })) {
          ++exported;
          oids.push_back(*o);
        }
        break;
      case 1:
        if (auto i = ex.add_interface(pick(oids, k, Oid{1}), rampart::Uuid{}, nullptr, k % 3)) ipids.push_back(*i);
        break;
      case 2:
        if ((k & 0x80) != 0) {
          // RemQueryInterface: an existing IID, or one the object makes.
          if (auto q = ex.query_interface(pick(ipids, k, rampart::Uuid{}), rampart::Uuid{}, k % 3); q && *q)
            ipids.push_back((*q)->ipid);
        } else {
          (void)ex.add_refs(pick(ipids, k, rampart::Uuid{}), k % 4);
        }
        break;
      case 3: (void)ex.release_refs(pick(ipids, k, rampart::Uuid{}), k % 4); break;
      case 4: {
        const char* clients[] = {"a", "b", "c"};
        const SetId set = (k & 1) != 0 ? 0 : pick(sets, k, SetId{5});
        auto add = oid_list(r);
        auto del = oid_list(r);
        if (auto s = ex.complex_ping(clients[k % 3], set, k, add, del, now); s && set == 0) sets.push_back(*s);
        break;
      }
      case 5: (void)ex.simple_ping(pick(sets, k, SetId{9}), now); break;
      case 6: now += std::chrono::milliseconds(k * 50); break;
      case 7: ex.collect(now); break;
    }
    if (ex.object_count() > limits().max_objects || ex.set_count() > limits().max_sets) std::abort();
    if (exported != released + ex.object_count()) std::abort();
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  Run run;
  rampart::ByteReader r(std::span<const std::uint8_t>(data, size));
  for (int steps = 0; steps < 512 && r.remaining() > 0; ++steps) run.step(r.u8().value_or(0), r);
  // Long after the last ping every pinged object is gone.
  run.ex.collect(run.now + 1h);
  if (run.ex.set_count() != 0) std::abort();
  return 0;
}
