#include "rampart/security/auth_trailer.hpp"

#include <fmt/format.h>

#include <array>

#include "rampart/security/errc.hpp"

namespace rampart::security {
namespace {

struct HeaderLengths {
  Drep drep;
  std::uint16_t frag_length;
  std::uint16_t auth_length;
};

// The three header fields the geometry needs (C706 12.6.3.1): drep at 4,
// frag_length at 8 and auth_length at 10, both in the PDU's drep.
Result<HeaderLengths> read_header(std::span<const std::uint8_t> pdu) {
  if (pdu.size() < kCommonHeaderSize) {
    return fail(Errc::trailer_truncated, "shorter than the common header", pdu.size());
  }
  const std::array<std::uint8_t, 4> label = {pdu[4], pdu[5], pdu[6], pdu[7]};
  const Drep drep = RAMPART_TRY(Drep::decode(label));
  ByteReader r(pdu, drep);
  RAMPART_CHECK(r.seek(8));
  const std::uint16_t frag = RAMPART_TRY(r.u16());
  const std::uint16_t auth = RAMPART_TRY(r.u16());
  return HeaderLengths{drep, frag, auth};
}

}  // namespace

namespace {

// The sec_trailer's fields, with every check but auth_level's range.
Result<SecTrailer> decode_trailer(ByteReader& r, bool check_level) {
  const std::size_t at = r.position();
  SecTrailer t;
  t.auth_type = RAMPART_TRY(r.u8());
  t.auth_level = RAMPART_TRY(r.u8());
  t.auth_pad_length = RAMPART_TRY(r.u8());
  t.auth_reserved = RAMPART_TRY(r.u8());
  t.auth_context_id = RAMPART_TRY(r.u32());
  if (check_level && (t.auth_level < static_cast<std::uint8_t>(AuthLevel::none) ||
                      t.auth_level > static_cast<std::uint8_t>(AuthLevel::privacy))) {
    return fail(Errc::bad_auth_level, "auth_level outside 1..6", at + 1);
  }
  // [MS-RPCE] 2.2.2.11: auth_pad_length is what brings the stub to a
  // 16-octet boundary, so 16 or more is never legitimate (Samba bug 11982
  // style pad abuse).
  if (t.auth_pad_length >= kAuthPadAlignment) {
    return fail(Errc::auth_pad_too_large, "auth_pad_length of 16 or more", at + 2);
  }
  if (t.auth_reserved != 0) {
    return fail(Errc::auth_reserved_nonzero, "auth_reserved is not 0", at + 3);
  }
  return t;
}

Result<AuthLayout> locate(std::span<const std::uint8_t> pdu, std::size_t stub_offset, bool check_level);

}  // namespace

Result<SecTrailer> SecTrailer::decode(ByteReader& r) { return decode_trailer(r, true); }

void SecTrailer::encode(ByteWriter& w) const {
  w.u8(auth_type);
  w.u8(auth_level);
  w.u8(auth_pad_length);
  w.u8(auth_reserved);
  w.u32(auth_context_id);
}

std::string SecTrailer::describe() const {
  return fmt::format("auth_type={} auth_level={} auth_pad_length={} auth_context_id={}", auth_type,
                     auth_level, auth_pad_length, auth_context_id);
}

Result<AuthLayout> locate_auth_trailer(std::span<const std::uint8_t> pdu,
                                       std::size_t stub_offset) {
  return locate(pdu, stub_offset, true);
}

Result<AuthLayout> locate_continuation_trailer(std::span<const std::uint8_t> pdu, std::size_t stub_offset) {
  return locate(pdu, stub_offset, false);
}

namespace {

Result<AuthLayout> locate(std::span<const std::uint8_t> pdu, std::size_t stub_offset, bool check_level) {
  const HeaderLengths h = RAMPART_TRY(read_header(pdu));
  if (h.frag_length != pdu.size()) {
    return fail(Errc::frag_length_mismatch, "frag_length disagrees with the PDU", 8);
  }
  if (stub_offset < kCommonHeaderSize || stub_offset > pdu.size()) {
    return fail(Errc::trailer_truncated, "PDU ends inside its fixed body", pdu.size());
  }
  if (h.auth_length == 0) return fail(Errc::no_auth_value, "auth_length is 0", 10);
  // Integer comparisons on what remains: the body after the fixed part must
  // hold sec_trailer and auth_value.
  const std::size_t body = pdu.size() - stub_offset;
  if (std::size_t{h.auth_length} + kSecTrailerSize > body) {
    return fail(Errc::trailer_outside_body, "sec_trailer and auth_value exceed the body", 10);
  }
  AuthLayout l;
  l.drep = h.drep;
  l.stub_offset = stub_offset;
  l.auth_length = h.auth_length;
  l.auth_value_offset = pdu.size() - h.auth_length;
  l.trailer_offset = l.auth_value_offset - kSecTrailerSize;
  if (l.trailer_offset % 4 != 0) {
    return fail(Errc::trailer_misaligned, "sec_trailer not 4-octet aligned", l.trailer_offset);
  }
  ByteReader r(pdu, h.drep);
  RAMPART_CHECK(r.seek(l.trailer_offset));
  l.trailer = RAMPART_TRY(decode_trailer(r, check_level));
  const std::size_t stub_and_pad = l.trailer_offset - stub_offset;
  if (l.trailer.auth_pad_length > stub_and_pad) {
    return fail(Errc::auth_pad_too_large, "auth_pad_length larger than the stub",
                l.trailer_offset + 2);
  }
  l.pad_length = l.trailer.auth_pad_length;
  l.stub_length = stub_and_pad - l.pad_length;
  return l;
}

}  // namespace

void append_auth_trailer(std::vector<std::uint8_t>& pdu, std::size_t stub_offset,
                         SecTrailer trailer, std::size_t auth_length) {
  const std::array<std::uint8_t, 4> label = {pdu.at(4), pdu.at(5), pdu.at(6), pdu.at(7)};
  const Drep drep = Drep::decode(label).value_or(Drep::little());
  const std::size_t pad = auth_pad_for(pdu.size() - stub_offset);
  trailer.auth_pad_length = static_cast<std::uint8_t>(pad);
  // Every protected PDU passes here: pad, sec_trailer and auth_value go
  // into the PDU's own buffer with at most one allocation.
  pdu.reserve(pdu.size() + pad + kSecTrailerSize + auth_length);
  pdu.insert(pdu.end(), pad, 0);
  ByteWriter w(pdu, drep);
  trailer.encode(w);
  pdu.insert(pdu.end(), auth_length, 0);
  // frag_length at 8 and auth_length at 10, in the PDU's drep (C706 12.6.3.1).
  auto put16 = [&](std::size_t at, std::size_t v) {
    const auto lo = static_cast<std::uint8_t>(v & 0xff);
    const auto hi = static_cast<std::uint8_t>((v >> 8) & 0xff);
    pdu[at] = drep.is_little() ? lo : hi;
    pdu[at + 1] = drep.is_little() ? hi : lo;
  };
  put16(8, pdu.size());
  put16(10, auth_length);
}

}  // namespace rampart::security
