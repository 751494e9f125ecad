// The catalogue: every probe is complete, builds the exact malformation it
// names on top of PDUs our own decoder accepts, and is listed in
// docs/probe.md and rampart(1) so the documentation cannot drift.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "activation.hpp"
#include "catalogue.hpp"
#include "dcom_wire.hpp"
#include "rampart/ndr/stub.hpp"
#include "rampart/pdu/pdu.hpp"
#include "remact.hpp"
#include "wire.hpp"

namespace rampart::probe {
namespace {

const Session kSession{5840, 5840, 0x1234};

std::vector<std::uint8_t> dw_objref() { return dcom_wire::act_properties_objref(dcom_wire::activation_blob()); }

std::vector<wire::Octets> build(std::string_view id, const Session& s = kSession) {
  const Probe* p = find_probe(id);
  EXPECT_NE(p, nullptr) << id;
  return p ? p->build(s) : std::vector<wire::Octets>{};
}

std::uint16_t u16(const wire::Octets& b, std::size_t off) { return static_cast<std::uint16_t>(b[off] | b[off + 1] << 8); }

std::string read_file(const std::string& rel) {
  std::ifstream in(std::filesystem::path(RAMPART_SOURCE_DIR) / rel);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(Catalogue, EveryProbeIsComplete) {
  std::set<std::string_view> ids;
  const std::regex cls("C[0-9]+");
  for (const auto& p : catalogue()) {
    EXPECT_TRUE(ids.insert(p.id).second) << "duplicate " << p.id;
    EXPECT_TRUE(std::regex_match(std::string(p.hclass), cls)) << p.id;
    EXPECT_FALSE(p.title.empty() || p.sends.empty() || p.why_safe.empty() || p.evidence.empty()) << p.id;
    EXPECT_FALSE(p.expected.empty()) << p.id;
    ASSERT_TRUE(p.build) << p.id;
    const auto pdus = p.build(kSession);
    ASSERT_FALSE(pdus.empty()) << p.id;
    for (const auto& pdu : pdus) {
      ASSERT_GE(pdu.size(), 16u) << p.id;
      // frag_length is always true to what is sent, except where the probe
      // is about frag_length itself.
      if (p.id != "c1.frag-below-header") {
        EXPECT_EQ(u16(pdu, wire::kFragLengthOffset), pdu.size()) << p.id;
      }
      EXPECT_LE(pdu.size(), 5848u) << p.id;
    }
  }
  EXPECT_GE(catalogue().size(), 25u);
}

TEST(Catalogue, UnsafeProbesAreOnlySentOnRequest) {
  std::vector<std::string> unknown;
  const auto safe = select_probes(false, {}, unknown);
  const auto all = select_probes(true, {}, unknown);
  EXPECT_TRUE(unknown.empty());
  EXPECT_EQ(all.size(), catalogue().size());
  for (const auto* p : safe) EXPECT_EQ(p->safety, Safety::safe) << p->id;
  EXPECT_EQ(find_probe("c1.frag-below-header")->safety, Safety::unsafe);
  EXPECT_EQ(find_probe("c2.alloc-hint-huge")->safety, Safety::unsafe);
  EXPECT_EQ(find_probe("c14.remote-stop-listening")->safety, Safety::unsafe);
  EXPECT_EQ(find_probe("c4.request-auth-length-past-frag")->safety, Safety::unsafe);
  EXPECT_EQ(find_probe("c8.princ-name-no-room")->safety, Safety::unsafe);
  EXPECT_EQ(find_probe("dcom.blaster-object-name")->safety, Safety::unsafe);
  EXPECT_EQ(find_probe("c4.auth-pad-over-stub")->safety, Safety::unsafe);
  EXPECT_EQ(all.size() - safe.size(), 7u);
}

TEST(Catalogue, SelectsByIdAndClass) {
  std::vector<std::string> unknown;
  const std::vector<std::string> only{"C3", "epm.opnum-out-of-range", "nonsense"};
  const auto sel = select_probes(false, only, unknown);
  ASSERT_EQ(unknown, std::vector<std::string>{"nonsense"});
  const auto c3 = std::count_if(catalogue().begin(), catalogue().end(), [](const Probe& p) { return p.hclass == "C3"; });
  EXPECT_GE(c3, 4);
  ASSERT_EQ(sel.size(), static_cast<std::size_t>(c3) + 1);
  for (const auto* p : sel) EXPECT_TRUE(p->hclass == "C3" || p->id == "epm.opnum-out-of-range") << p->id;
}

// Impacket's bind and ept_map stub (INTEROP: 72 and 132 octets, conformance
// and tower_length 75 at 24 and 28) are what the probes start from.
TEST(Wire, BaseShapesMatchWhatClientsSend) {
  const auto bind = wire::epm_bind(1);
  EXPECT_EQ(bind.size(), 72u);
  ASSERT_TRUE(pdu::decode(bind));
  const auto stub = wire::ept_map_stub();
  EXPECT_EQ(stub.size(), 132u);
  EXPECT_EQ(wire::get_u32(stub, wire::kMapTowerConformanceOffset), 75u);
  EXPECT_EQ(wire::get_u32(stub, wire::kMapTowerLengthOffset), 75u);
}

TEST(Wire, EachProbeChangesExactlyWhatItNames) {
  auto v = build("c1.version-minor")[0];
  EXPECT_EQ(v[wire::kVersMinorOffset], 1);
  v[wire::kVersMinorOffset] = 0;
  EXPECT_EQ(v, wire::epm_bind(1));

  auto a = build("c4.bind-auth-length-lies")[0];
  EXPECT_EQ(u16(a, wire::kAuthLengthOffset), 8);
  EXPECT_FALSE(pdu::decode(a));  // our own decoder refuses it
  a[wire::kAuthLengthOffset] = 0;
  EXPECT_EQ(a, wire::epm_bind(1));

  const auto h = build("c1.frag-below-ptype-min")[0];
  EXPECT_EQ(h.size(), 16u);

  const auto low = build("c1.frag-below-header")[0];
  EXPECT_EQ(low.size(), 72u);
  EXPECT_EQ(u16(low, wire::kFragLengthOffset), 10);
}

TEST(Wire, CallProbes) {
  const auto big = build("c1.frag-above-max-recv")[0];
  EXPECT_EQ(big.size(), 5848u);
  EXPECT_EQ(build("c1.frag-above-max-recv", Session{4280, 4280, 1})[0].size(), 4288u);

  const auto hint = build("c2.alloc-hint-over-cap")[0];
  EXPECT_EQ(wire::get_u32(hint, wire::kAllocHintOffset), 0x00400001u);
  EXPECT_EQ(hint[wire::kFlagsOffset], pdu::pfc::kFirstFrag);

  const auto twice = build("c3.first-twice");
  ASSERT_EQ(twice.size(), 2u);
  EXPECT_EQ(twice[0], twice[1]);

  const auto tower = build("c7.tower-length-mismatch")[0];
  auto decoded = pdu::decode(tower);
  ASSERT_TRUE(decoded);
  const auto stub = decoded->as<pdu::Request>()->stub;
  EXPECT_EQ(wire::get_u32(stub, wire::kMapTowerConformanceOffset), 77u);
  EXPECT_EQ(wire::get_u32(stub, wire::kMapTowerLengthOffset), 75u);

  const auto cut = build("c10.truncated-ept-map")[0];
  EXPECT_EQ(cut.size(), 24u + 40u);
}

// An ept_lookup response (C706 Appendix O) as a server sends it: entry
// handle, num_ents 0, an empty entries array, status.
wire::Octets lookup_reply(std::uint32_t call_id, const Uuid& handle, std::uint32_t status) {
  std::vector<std::uint8_t> stub(20, 0);
  const auto& b = handle.bytes();
  // The UUID in NDR little-endian order: time_low, time_mid, time_hi reversed.
  const std::size_t order[16] = {3, 2, 1, 0, 5, 4, 7, 6, 8, 9, 10, 11, 12, 13, 14, 15};
  for (std::size_t i = 0; i < 16; ++i) stub[4 + i] = b[order[i]];
  for (std::uint32_t v : {0u, 1u, 0u, 0u, status})
    for (int i = 0; i < 4; ++i) stub.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
  pdu::Pdu p;
  p.header.ptype = pdu::PType::response;
  p.header.call_id = call_id;
  p.body = pdu::Response{static_cast<std::uint32_t>(stub.size()), 0, 0, 0, stub};
  return pdu::encode(p);
}

std::uint16_t opnum_of(const wire::Octets& request) {
  auto d = pdu::decode(request);
  return d && d->as<pdu::Request>() ? d->as<pdu::Request>()->opnum : 0xffff;
}

std::span<const std::uint8_t> stub_of(const wire::Octets& request, pdu::Pdu& keep) {
  keep = *pdu::decode(request);
  return keep.as<pdu::Request>()->stub;
}

TEST(Conversation, FreedHandleIsTheOneTheServerIssued) {
  const Probe* p = find_probe("c15.lookup-handle-after-free");
  ASSERT_NE(p, nullptr);
  ASSERT_EQ(p->steps.size(), 1u);
  const auto handle = Uuid::from_string("01234567-89ab-cdef-0123-456789abcdef");
  std::vector<wire::Octets> replies{lookup_reply(1, handle, 0)};
  auto next = p->steps[0](kSession, replies);
  ASSERT_TRUE(next);
  ASSERT_EQ(next->size(), 2u);
  EXPECT_EQ(opnum_of((*next)[0]), 4);  // ept_lookup_handle_free
  EXPECT_EQ(opnum_of((*next)[1]), 2);  // ept_lookup
  pdu::Pdu free_pdu, lookup_pdu;
  EXPECT_TRUE(std::ranges::equal(stub_of((*next)[0], free_pdu).subspan(0, 20), std::span(replies[0]).subspan(24, 20)));
  EXPECT_TRUE(std::ranges::equal(stub_of((*next)[1], lookup_pdu).subspan(16, 20), std::span(replies[0]).subspan(24, 20)));
  // A first page without a handle leaves nothing to free: inconclusive.
  std::vector<wire::Octets> none{lookup_reply(1, Uuid{}, 0x16c9a0d6)};
  EXPECT_FALSE(p->steps[0](kSession, none));
}

TEST(Conversation, WalkProbeReusesTheFirstHandleOnlyAfterTheWalkEnded) {
  const Probe* p = find_probe("c15.lookup-handle-after-walk");
  ASSERT_NE(p, nullptr);
  ASSERT_EQ(p->steps.size(), 2u);
  const auto handle = Uuid::from_string("01234567-89ab-cdef-0123-456789abcdef");
  std::vector<wire::Octets> replies{lookup_reply(1, handle, 0)};
  ASSERT_TRUE(p->steps[0](kSession, replies));
  replies.push_back(lookup_reply(2, handle, 0));  // more than one page: the walk goes on
  EXPECT_FALSE(p->steps[1](kSession, replies));
  replies[1] = lookup_reply(2, Uuid{}, 0);  // the walk ended
  auto last = p->steps[1](kSession, replies);
  ASSERT_TRUE(last);
  pdu::Pdu keep;
  EXPECT_TRUE(std::ranges::equal(stub_of((*last)[0], keep).subspan(16, 20), std::span(replies[0]).subspan(24, 20)));
}

// The sizes the probes' documentation states.
TEST(Wire, SizesTheDocumentationStates) {
  EXPECT_EQ(build("c3.middle-fragment-alone")[0].size(), 64u);
  EXPECT_EQ(build("c1.request-before-bind")[0].size(), 64u);
  EXPECT_EQ(build("c6.no-contexts")[0].size(), 28u);
  EXPECT_EQ(build("c6.no-transfer-syntaxes")[0].size(), 52u);
  EXPECT_EQ(build("c6.alter-no-contexts")[0].size(), 28u);
  EXPECT_EQ(build("c6.context-redefined")[0].size(), 72u);
  EXPECT_EQ(build("epm.opnum-out-of-range")[0].size(), 24u);
  const auto lies = build("c4.request-auth-length-lies")[0];
  EXPECT_EQ(lies.size(), 64u);
  EXPECT_EQ(u16(lies, wire::kAuthLengthOffset), 8);
  EXPECT_EQ(u16(build("c4.request-auth-length-past-frag")[0], wire::kAuthLengthOffset), 1024);
  const auto split = build("c3.fragment-changes-opnum");
  ASSERT_EQ(split.size(), 2u);
  EXPECT_EQ(split[0].size() + split[1].size(), 2 * 24u + 40u);
}

TEST(Wire, ContextFloodStaysInsideTheAgreedFragment) {
  auto flood = pdu::decode(build("c13.context-flood")[0]);
  ASSERT_TRUE(flood);
  EXPECT_EQ(flood->as<pdu::AlterContext>()->contexts.size(), 120u);
  const auto small = build("c13.context-flood", Session{2048, 2048, 1})[0];
  EXPECT_LE(small.size(), 2048u);
  EXPECT_GE(small.size(), 2000u);
}

// The DCOM probes: an alter_context adding the interface, then one call on
// it, each changing exactly what it names in a stub the generated decoder
// otherwise accepts.
struct DcomCall {
  pdu::Pdu alter;
  pdu::Pdu request;
  std::vector<std::uint8_t> stub;
};

DcomCall dcom_call(std::string_view id) {
  const auto pdus = build(id);
  EXPECT_EQ(pdus.size(), 2u) << id;
  DcomCall c{*pdu::decode(pdus.at(0)), *pdu::decode(pdus.at(1)), {}};
  const auto* r = c.request.as<pdu::Request>();
  EXPECT_NE(r, nullptr) << id;
  if (r) c.stub.assign(r->stub.begin(), r->stub.end());
  return c;
}

spec::remact::RemoteCreateInstance_request create_request(std::string_view id) {
  auto r = ndr::decode_stub<spec::remact::RemoteCreateInstance_request>(dcom_call(id).stub, Drep::little());
  EXPECT_TRUE(r) << id;
  return r ? *r : spec::remact::RemoteCreateInstance_request{};
}

TEST(Dcom, EveryDcomProbeNeedsDcomAndRunsOnANewContext) {
  std::size_t n = 0;
  for (const auto& p : catalogue()) {
    if (!p.id.starts_with("dcom.")) continue;
    ++n;
    EXPECT_TRUE(p.needs_dcom && p.after_bind) << p.id;
    EXPECT_EQ(p.setup_replies, 1) << p.id;
    const auto c = dcom_call(p.id);
    const auto* alter = c.alter.as<pdu::AlterContext>();
    ASSERT_NE(alter, nullptr) << p.id;
    ASSERT_EQ(alter->contexts.size(), 1u);
    // Context ids 0 and 1 are the endpoint mapper's and mgmt's.
    EXPECT_GE(alter->contexts[0].context_id, 5);
    EXPECT_EQ(c.request.as<pdu::Request>()->context_id, alter->contexts[0].context_id) << p.id;
  }
  EXPECT_EQ(n, 8u);
}

TEST(Dcom, ActivationShapesChangeOnlyWhatTheyName) {
  const auto good = dw_objref();
  const auto floor = create_request("dcom.activation-below-floor");
  ASSERT_TRUE(floor.pActProperties);
  EXPECT_EQ(floor.pActProperties->abData, good);
  EXPECT_EQ(floor.orpcthis.version.MajorVersion, 5);

  auto meow = create_request("dcom.objref-no-meow").pActProperties.value().abData;
  EXPECT_EQ(meow[0], 'X');
  meow[0] = 'M';
  EXPECT_EQ(meow, good);

  const auto sizes = create_request("dcom.custom-header-sizes").pActProperties.value().abData;
  ASSERT_EQ(sizes.size(), good.size());
  const std::size_t total_at = 48 + dcom_wire::kBlobTotalSizeOffset;  // after the OBJREF_CUSTOM head
  EXPECT_EQ(wire::get_u32(good, total_at) - 8, wire::get_u32(sizes, total_at));
  EXPECT_EQ(wire::get_u32(good, 48), wire::get_u32(sizes, 48));  // dwSize is unchanged

  EXPECT_FALSE(create_request("dcom.null-act-properties").pActProperties);

  // ulCntData 16 above the conformance, and the 16 octets it names are sent.
  const auto cnt = dcom_call("dcom.cntdata-beyond-data").stub;
  EXPECT_FALSE((ndr::decode_stub<spec::remact::RemoteCreateInstance_request>(cnt, Drep::little())));
  const std::size_t at = cnt.size() - 16 - good.size() - 8;
  EXPECT_EQ(wire::get_u32(cnt, at), good.size());
  EXPECT_EQ(wire::get_u32(cnt, at + 4), good.size() + 16);
}

TEST(Dcom, RemoteActivationShapesAndTheirStatus) {
  auto v = ndr::decode_stub<spec::activation::RemoteActivation_request>(dcom_call("dcom.comversion-mismatch").stub,
                                                                         Drep::little());
  ASSERT_TRUE(v);
  EXPECT_EQ(v->ORPCthis.version.MajorVersion, 9);
  EXPECT_EQ(v->ORPCthis.version.MinorVersion, 9);
  EXPECT_FALSE(v->pwszObjectName);
  EXPECT_EQ(v->Clsid, dcom_wire::kProbeClsid);
  const auto blaster = build("dcom.blaster-object-name");
  EXPECT_LE(blaster[1].size(), 5840u);
  auto b = ndr::decode_stub<spec::activation::RemoteActivation_request>(dcom_call("dcom.blaster-object-name").stub,
                                                                         Drep::little());
  ASSERT_TRUE(b && b->pwszObjectName);
  EXPECT_EQ(b->pwszObjectName->size(), 2004u);
  // The reaction's status is phr, not the call's error_status_t.
  spec::activation::RemoteActivation_response resp;
  resp.Interfaces = 1;
  resp.phr = static_cast<std::int32_t>(0x80070005);
  resp.ppInterfaceData = {std::nullopt};
  resp.pResults = {0};
  const auto stub = ndr::encode_stub(resp, Drep::little()).value();
  const auto* p = find_probe("dcom.comversion-mismatch");
  ASSERT_TRUE(p->response_status);
  EXPECT_EQ(p->response_status(stub, true), std::optional<std::uint32_t>(0x80070005u));
  EXPECT_EQ(p->response_status(std::span(stub).first(8), true), std::nullopt);
}

// docs/probe.md and rampart-probe(1) name every probe with its class,
// safety, what it sends and why it is safe.
std::string unescape_troff(std::string s) {
  for (std::size_t i = 0; (i = s.find("\\-", i)) != std::string::npos;) s.replace(i, 2, "-");
  for (std::size_t i = 0; (i = s.find("\\&", i)) != std::string::npos;) s.erase(i, 2);
  for (std::size_t i = 0; (i = s.find("\\e", i)) != std::string::npos; ++i) s.replace(i, 2, "\\");
  return s;
}

TEST(Docs, ListEveryProbe) {
  const auto doc = read_file("docs/probe.md");
  const auto man = unescape_troff(read_file("docs/man/rampart-probe.1"));
  ASSERT_FALSE(man.empty());
  for (const auto& p : catalogue()) {
    EXPECT_NE(man.find(".B " + std::string(p.id) + "\n"), std::string::npos) << "rampart-probe.1 lacks " << p.id;
    EXPECT_NE(man.find(std::string(p.sends)), std::string::npos) << "rampart-probe.1: " << p.id << " sends";
    EXPECT_NE(man.find(std::string(p.why_safe)), std::string::npos) << "rampart-probe.1: " << p.id << " safety";
    const std::string row = "| `" + std::string(p.id) + "` | " + std::string(p.hclass) + " | " +
                            (p.safety == Safety::safe ? "safe" : "unsafe") + " |";
    EXPECT_NE(doc.find(row), std::string::npos) << "docs/probe.md lacks the row starting " << row;
    for (const auto& e : p.expected)
      EXPECT_NE(doc.find(e.describe()), std::string::npos) << p.id << ": docs/probe.md lacks " << e.describe();
  }
}

}  // namespace
}  // namespace rampart::probe
