// DCOM probe stubs (dcom_wire.hpp), over the generated IDL stubs.
#include "dcom_wire.hpp"

#include <algorithm>
#include <stdexcept>

#include "activation.hpp"
#include "oxid.hpp"
#include "rampart/base/byte_writer.hpp"
#include "rampart/base/hex.hpp"
#include "rampart/ndr/stub.hpp"
#include "remact.hpp"

namespace rampart::probe::dcom_wire {

namespace {

namespace sa = spec::activation;
namespace ra = spec::remact;
namespace ox = spec::oxid;

const Uuid kIUnknown = Uuid::from_string("00000000-0000-0000-c000-000000000046");
// [MS-DCOM] 2.2.18.6 / 1.9: IID_IActivationPropertiesIn, CLSID_ActivationPropertiesIn.
const Uuid kIActivationPropertiesIn = Uuid::from_string("000001a2-0000-0000-c000-000000000046");
const Uuid kClsidActivationPropertiesIn = Uuid::from_string("00000338-0000-0000-c000-000000000046");
constexpr std::uint32_t kObjRefSignature = 0x574f454d;  // 'MEOW' ([MS-DCOM] 2.2.18)
constexpr std::uint32_t kObjRefCustom = 4;
constexpr std::uint16_t kNcacnIpTcp = 7;                // [MS-DCOM] 2.2.19.1 tower id

// The blob Impacket 0.10.0's CoCreateInstanceEx sends (368 octets), as the
// unit tests of the activator use it; the class and interface are
// overwritten below.
constexpr std::string_view kImpacketBlob =
    "680100000000000001100800cccccccc88000000cccccccc68010000980000000000000002000000040000000000000000000000"
    "000000000000000087530000a0d000000000000004000000ab01000000000000c000000000000046a501000000000000c00000"
    "0000000046a401000000000000c000000000000046aa01000000000000c000000000000046040000005800000028000000200000"
    "003000000001100800cccccccc44000000cccccccc3d2c1b7f4e0a5f4c9d6e2b8a1c0e5f0100000000000000000000000001000000"
    "00000000218500000000000005000700010000003d2c1b7f4e0a5f4c9d6e2b8a1c0e5f02fafafafa01100800cccccccc1800000"
    "0cccccccc00000000000000000000000000000000000000000000000001100800cccccccc10000000cccccccc000000000000000"
    "0000000000000000001100800cccccccc1a000000cccccccc00000000618c0000000000000100aaaa97390000010000000700fafa"
    "fafafafa";
// InstantiationInfoData.classId and its one IID inside the blob.
constexpr std::size_t kClassIdOffset = 176;
constexpr std::size_t kIidOffset = 228;

// A stub of ours that does not encode is a bug in this file, not input.
template <class T>
Octets must_encode(const T& v) {
  auto stub = ndr::encode_stub(v, Drep::little());
  if (!stub) throw std::logic_error("probe stub does not encode: " + stub.error().to_string());
  return std::move(*stub);
}

void put_uuid(Octets& b, std::size_t at, const Uuid& u) {
  Octets tmp;
  ByteWriter w(tmp, Drep::little());
  u.encode(w);
  std::copy(tmp.begin(), tmp.end(), b.begin() + static_cast<std::ptrdiff_t>(at));
}

Octets alter(std::uint32_t call_id, std::uint16_t id, std::string_view uuid) {
  return wire::bind(call_id, {pdu::PresentationContext{id, SyntaxId{Uuid::from_string(uuid), 0, 0}, {syntax::kNdr20}}},
                    0, pdu::PType::alter_context);
}

spec::orpc::ORPCTHIS orpcthis(std::uint16_t major, std::uint16_t minor) {
  spec::orpc::ORPCTHIS t;
  t.version = {major, minor};
  return t;
}

}  // namespace

const Uuid kProbeClsid = Uuid::from_string("52414d50-4152-5400-0000-70726f626521");

Octets exporter_alter(std::uint32_t call_id) {
  return alter(call_id, kExporterContext, "99fcfec4-5260-101b-bbcb-00aa0021347a");
}
Octets scm_alter(std::uint32_t call_id) {
  return alter(call_id, kScmContext, "000001a0-0000-0000-c000-000000000046");
}
Octets activation_alter(std::uint32_t call_id) {
  return alter(call_id, kActivationContext, "4d9f4ab8-7d1c-11cf-861e-0020af6e7c57");
}

Octets activation_blob() {
  auto blob = parse_hex(kImpacketBlob);
  if (!blob || blob->size() != 368) throw std::logic_error("probe activation blob");
  put_uuid(*blob, kClassIdOffset, kProbeClsid);
  put_uuid(*blob, kIidOffset, kIUnknown);
  return std::move(*blob);
}

Octets act_properties_objref(std::span<const std::uint8_t> blob) {
  Octets out;
  ByteWriter w(out, Drep::little());
  w.u32(kObjRefSignature);
  w.u32(kObjRefCustom);
  kIActivationPropertiesIn.encode(w);
  kClsidActivationPropertiesIn.encode(w);
  w.u32(0);                                              // cbExtension
  w.u32(static_cast<std::uint32_t>(blob.size() + 8));    // reserved: the size, as Windows writes it
  w.bytes(blob);
  return out;
}

Octets create_instance_stub(std::optional<Octets> objref, std::uint16_t major, std::uint16_t minor) {
  ra::RemoteCreateInstance_request req;
  req.orpcthis = orpcthis(major, minor);
  if (objref) req.pActProperties = spec::orpc::MInterfacePointer{static_cast<std::uint32_t>(objref->size()), *objref};
  return must_encode(req);
}

Octets remote_activation_stub(std::optional<std::u16string> object_name, std::uint16_t major, std::uint16_t minor) {
  sa::RemoteActivation_request r;
  r.ORPCthis = orpcthis(major, minor);
  r.Clsid = kProbeClsid;
  r.pwszObjectName = std::move(object_name);
  r.ClientImpLevel = 2;  // RPC_C_IMP_LEVEL_IDENTIFY
  r.Interfaces = 1;
  r.pIIDs = std::vector{kIUnknown};
  r.cRequestedProtseqs = 1;
  r.aRequestedProtseqs = {kNcacnIpTcp};
  return must_encode(r);
}

Octets resolve_oxid2_stub(std::uint64_t oxid) {
  return must_encode(ox::ResolveOxid2_request{oxid, 1, {kNcacnIpTcp}});
}

std::optional<std::uint32_t> remote_activation_phr(std::span<const std::uint8_t> stub, Drep drep) {
  auto r = ndr::decode_stub<sa::RemoteActivation_response>(stub, drep);
  if (!r) return std::nullopt;
  return static_cast<std::uint32_t>(r->phr);
}

namespace {

// [MS-DCOM] 2.2.19: zero-terminated entries, the string bindings up to
// wSecurityOffset, then the security bindings; each string binding is a
// tower id then a network address. Only printable ASCII is kept.
std::string ascii(std::span<const std::uint16_t> units) {
  std::string s;
  for (auto u : units.first(std::min<std::size_t>(units.size(), 300)))
    s += (u >= 0x20 && u < 0x7f) ? static_cast<char>(u) : '?';
  return s;
}

// One zero-terminated entry starting at `i`: its units, and `i` moved past
// the terminator (or to the end).
std::span<const std::uint16_t> entry(std::span<const std::uint16_t> units, std::size_t& i) {
  const std::size_t start = i;
  while (i < units.size() && units[i] != 0) ++i;
  auto out = units.subspan(start, i - start);
  if (i < units.size()) ++i;
  return out;
}

std::vector<std::string> dsa_entries(std::span<const std::uint16_t> units, std::size_t security_offset) {
  constexpr std::size_t kMaxEntries = 32;
  std::vector<std::string> out;
  security_offset = std::min(security_offset, units.size());
  for (std::size_t i = 0; i < security_offset && units[i] != 0 && out.size() < kMaxEntries;) {
    auto e = entry(units.first(security_offset), i);
    out.push_back(std::to_string(e[0]) + ":" + ascii(e.subspan(1)));
  }
  for (std::size_t i = security_offset; i < units.size() && units[i] != 0 && out.size() < kMaxEntries;) {
    auto e = entry(units, i);
    // wAuthnSvc, wAuthzSvc (reserved), then the principal name.
    out.push_back("sec " + std::to_string(e[0]) + ":" + (e.size() > 2 ? ascii(e.subspan(2)) : std::string{}));
  }
  return out;
}

}  // namespace

std::optional<AliveInfo> server_alive2_reply(std::span<const std::uint8_t> stub, Drep drep) {
  auto r = ndr::decode_stub<ox::ServerAlive2_response>(stub, drep);
  if (!r) return std::nullopt;
  AliveInfo out{r->return_value, r->pComVersion.MajorVersion, r->pComVersion.MinorVersion, {}};
  if (r->ppdsaOrBindings) out.bindings = dsa_entries(r->ppdsaOrBindings->aStringArray, r->ppdsaOrBindings->wSecurityOffset);
  return out;
}

}  // namespace rampart::probe::dcom_wire
