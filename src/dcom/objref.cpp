// OBJREF decoding and encoding; the rules are listed in objref.hpp.
#include "rampart/dcom/objref.hpp"

#include <fmt/format.h>

#include "rampart/base/byte_reader.hpp"
#include "rampart/base/byte_writer.hpp"
#include "rampart/base/hex.hpp"
#include "rampart/dcom/errc.hpp"

namespace rampart::dcom {

namespace {

constexpr std::uint32_t kStandard = 0x1;
constexpr std::uint32_t kHandler = 0x2;
constexpr std::uint32_t kCustom = 0x4;
constexpr std::uint32_t kExtended = 0x8;
constexpr std::size_t kHeadSize = 24;       // signature, flags, iid (2.2.18)
constexpr std::size_t kStdObjRefSize = 40;  // 2.2.18.2
constexpr std::size_t kCustomHeadSize = 24;  // clsid, cbExtension, reserved (2.2.18.6)
constexpr std::size_t kElementHeadSize = 24;  // dataID, cbSize, cbRounded (2.2.18.8)

Result<void> need(const ByteReader& r, std::size_t n, const char* what) {
  if (n > r.remaining()) return fail(Errc::objref_truncated, what, r.position());
  return {};
}

Result<StdObjRef> read_std(ByteReader& r) {
  RAMPART_CHECK(need(r, kStdObjRefSize, "OBJREF ends inside its STDOBJREF"));
  StdObjRef s;
  s.flags = RAMPART_TRY(r.u32());
  s.public_refs = RAMPART_TRY(r.u32());
  s.oxid = RAMPART_TRY(r.u64());
  s.oid = RAMPART_TRY(r.u64());
  s.ipid = RAMPART_TRY(Uuid::decode(r));
  return s;
}

void write_std(ByteWriter& w, const StdObjRef& s) {
  w.u32(s.flags);
  w.u32(s.public_refs);
  w.u64(s.oxid);
  w.u64(s.oid);
  s.ipid.encode(w);
}

Result<DualStringArray> read_dsa(ByteReader& r, const ObjRefLimits& limits) {
  RAMPART_CHECK(need(r, 4, "OBJREF ends before its DUALSTRINGARRAY"));
  return DualStringArray::decode_packed(r, limits.dsa);
}

Result<DataElement> read_element(ByteReader& r, const ObjRefLimits& limits) {
  RAMPART_CHECK(need(r, 8 + kElementHeadSize, "OBJREF_EXTENDED ends before its element"));
  const std::size_t at = r.position();
  const auto wire_n_elms = RAMPART_TRY(r.u32());
  const auto signature2 = RAMPART_TRY(r.u32());
  if (wire_n_elms != 1) return fail(Errc::objref_bad_extended, "OBJREF_EXTENDED nElms is not 1", at);
  if (signature2 != kObjRefExtendedSignature)
    return fail(Errc::objref_bad_extended, "OBJREF_EXTENDED Signature2 is not 0x4e535956", at + 4);
  DataElement e;
  e.data_id = RAMPART_TRY(Uuid::decode(r));
  const auto wire_cb_size = RAMPART_TRY(r.u32());
  const auto wire_cb_rounded = RAMPART_TRY(r.u32());
  if (wire_cb_size > limits.max_element_data)
    return fail(Errc::objref_bad_extended, "DATAELEMENT cbSize above the limit", at + 24);
  // 2.2.18.8: cbRounded is cbSize rounded up to a multiple of 8.
  if (wire_cb_rounded != ((wire_cb_size + 7u) & ~7u))
    return fail(Errc::objref_bad_extended, "DATAELEMENT cbRounded is not cbSize rounded up to 8", at + 28);
  if (wire_cb_rounded > r.remaining())
    return fail(Errc::objref_truncated, "DATAELEMENT data runs past the OBJREF", at + 28);
  const auto data = RAMPART_TRY(r.bytes(wire_cb_rounded));
  e.data.assign(data.begin(), data.begin() + wire_cb_size);
  return e;
}

Result<ObjRefCustom> read_custom(ByteReader& r, const ObjRefLimits& limits) {
  RAMPART_CHECK(need(r, kCustomHeadSize, "OBJREF ends inside its OBJREF_CUSTOM head"));
  ObjRefCustom c;
  c.clsid = RAMPART_TRY(Uuid::decode(r));
  c.cb_extension = RAMPART_TRY(r.u32());
  c.reserved = RAMPART_TRY(r.u32());
  if (r.remaining() > limits.max_custom_data)
    return fail(Errc::objref_custom_too_large, "OBJREF_CUSTOM data above the limit", r.position());
  const auto data = RAMPART_TRY(r.bytes(r.remaining()));
  c.object_data.assign(data.begin(), data.end());
  return c;
}

Result<decltype(ObjRef::form)> read_form(ByteReader& r, std::uint32_t flags, const ObjRefLimits& limits) {
  switch (flags) {
    case kStandard: {
      ObjRefStandard s;
      s.std = RAMPART_TRY(read_std(r));
      s.resolver_address = RAMPART_TRY(read_dsa(r, limits));
      return s;
    }
    case kHandler: {
      ObjRefHandler h;
      h.std = RAMPART_TRY(read_std(r));
      RAMPART_CHECK(need(r, 16, "OBJREF_HANDLER ends inside its clsid"));
      h.clsid = RAMPART_TRY(Uuid::decode(r));
      h.resolver_address = RAMPART_TRY(read_dsa(r, limits));
      return h;
    }
    case kCustom: return RAMPART_TRY(read_custom(r, limits));
    case kExtended: {
      ObjRefExtended x;
      x.std = RAMPART_TRY(read_std(r));
      RAMPART_CHECK(need(r, 4, "OBJREF_EXTENDED ends before Signature1"));
      const std::size_t at = r.position();
      if (RAMPART_TRY(r.u32()) != kObjRefExtendedSignature)
        return fail(Errc::objref_bad_extended, "OBJREF_EXTENDED Signature1 is not 0x4e535956", at);
      x.resolver_address = RAMPART_TRY(read_dsa(r, limits));
      x.element = RAMPART_TRY(read_element(r, limits));
      return x;
    }
    default: break;
  }
  return fail(Errc::objref_bad_flags, "OBJREF flags are not exactly one form", 4);
}

}  // namespace

Result<ObjRef> ObjRef::decode(std::span<const std::uint8_t> data, const ObjRefLimits& limits) {
  ByteReader r(data, Drep::little());
  if (data.size() < kHeadSize) return fail(Errc::objref_truncated, "OBJREF shorter than its 24-octet head", 0);
  if (RAMPART_TRY(r.u32()) != kObjRefSignature) return fail(Errc::objref_bad_signature, "OBJREF signature is not MEOW", 0);
  const auto wire_flags = RAMPART_TRY(r.u32());
  ObjRef out;
  out.iid = RAMPART_TRY(Uuid::decode(r));
  if (wire_flags != kStandard && wire_flags != kHandler && wire_flags != kCustom && wire_flags != kExtended)
    return fail(Errc::objref_bad_flags, "OBJREF flags are not exactly one form", 4);
  if (out.iid.is_nil()) return fail(Errc::objref_null_iid, "OBJREF iid is GUID_NULL", 8);
  out.form = RAMPART_TRY(read_form(r, wire_flags, limits));
  if (r.remaining() != 0) return fail(Errc::objref_trailing_bytes, "octets after the OBJREF's last field", r.position());
  return out;
}

std::uint32_t ObjRef::flags() const noexcept {
  constexpr std::uint32_t by_index[] = {kStandard, kHandler, kCustom, kExtended};
  return by_index[form.index()];
}

Result<std::vector<std::uint8_t>> ObjRef::encode(const ObjRefLimits& limits) const {
  if (iid.is_nil()) return fail(Errc::objref_null_iid, "OBJREF iid is GUID_NULL");
  std::vector<std::uint8_t> out;
  ByteWriter w(out, Drep::little());
  w.u32(kObjRefSignature);
  w.u32(flags());
  iid.encode(w);
  if (const auto* s = std::get_if<ObjRefStandard>(&form)) {
    write_std(w, s->std);
    RAMPART_CHECK(s->resolver_address.encode_packed(out, limits.dsa));
  } else if (const auto* h = std::get_if<ObjRefHandler>(&form)) {
    write_std(w, h->std);
    h->clsid.encode(w);
    RAMPART_CHECK(h->resolver_address.encode_packed(out, limits.dsa));
  } else if (const auto* c = std::get_if<ObjRefCustom>(&form)) {
    if (c->object_data.size() > limits.max_custom_data) return fail(Errc::objref_custom_too_large, "OBJREF_CUSTOM data above the limit");
    c->clsid.encode(w);
    w.u32(c->cb_extension);
    w.u32(c->reserved);
    w.bytes(c->object_data);
  } else {
    const auto& x = std::get<ObjRefExtended>(form);
    if (x.element.data.size() > limits.max_element_data) return fail(Errc::objref_bad_extended, "DATAELEMENT above the limit");
    write_std(w, x.std);
    w.u32(kObjRefExtendedSignature);
    RAMPART_CHECK(x.resolver_address.encode_packed(out, limits.dsa));
    w.u32(1);
    w.u32(kObjRefExtendedSignature);
    x.element.data_id.encode(w);
    const auto size = static_cast<std::uint32_t>(x.element.data.size());
    w.u32(size);
    w.u32((size + 7u) & ~7u);
    w.bytes(x.element.data);
    w.zeros(((size + 7u) & ~7u) - size);
  }
  return out;
}

std::string ObjRef::describe() const {
  static constexpr const char* kNames[] = {"standard", "handler", "custom", "extended"};
  std::string out = fmt::format("OBJREF {} iid={}\n", kNames[form.index()], iid.to_string());
  auto std_line = [](const StdObjRef& s) {
    return fmt::format("  std flags=0x{:08x} refs={} oxid=0x{:016x} oid=0x{:016x} ipid={}\n", s.flags, s.public_refs,
                       s.oxid, s.oid, s.ipid.to_string());
  };
  if (const auto* s = std::get_if<ObjRefStandard>(&form)) {
    out += std_line(s->std) + s->resolver_address.describe();
  } else if (const auto* h = std::get_if<ObjRefHandler>(&form)) {
    out += std_line(h->std) + fmt::format("  clsid={}\n", h->clsid.to_string()) + h->resolver_address.describe();
  } else if (const auto* c = std::get_if<ObjRefCustom>(&form)) {
    out += fmt::format("  clsid={} cbExtension={} reserved={} data={} octets\n", c->clsid.to_string(), c->cb_extension,
                       c->reserved, c->object_data.size());
  } else {
    const auto& x = std::get<ObjRefExtended>(form);
    out += std_line(x.std) + x.resolver_address.describe() +
           fmt::format("  element id={} data={} octets\n", x.element.data_id.to_string(), x.element.data.size());
  }
  return out;
}

}  // namespace rampart::dcom
