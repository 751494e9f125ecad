#include "rampart/pdu/verification_trailer.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "rampart/base/byte_reader.hpp"
#include "rampart/base/hex.hpp"

namespace rampart::pdu {

namespace {

// [MS-RPCE] 2.2.2.13.1 SEC_VT_SIGNATURE.
constexpr std::array<std::uint8_t, 8> kSignature = {0x8a, 0xe3, 0x13, 0x71, 0x02, 0xf4, 0x36, 0x71};
constexpr std::uint16_t kTypeMask = 0x3fff;
// [MS-RPCE] 2.2.2.13: bit 14 SEC_VT_COMMAND_END, bit 15
// SEC_VT_MUST_PROCESS_COMMAND (as Windows, Samba and Wireshark read them).
constexpr std::uint16_t kCommandEnd = 0x4000;
constexpr std::uint16_t kMustProcess = 0x8000;
constexpr std::uint16_t kBitmask1 = 1, kPContext = 2, kHeader2 = 3;

Result<VerificationTrailer::Command> decode_command_body(ByteReader& r, std::uint16_t type,
                                                         Bytes value) {
  using VT = VerificationTrailer;
  const std::size_t at = r.position();
  ByteReader v(value, r.drep());
  auto expect_length = [&](std::size_t n) -> Result<void> {
    if (value.size() != n)
      return fail(Errc::bad_verification_trailer, "command length does not match its type", at - 2);
    return {};
  };
  VT::Command c;
  switch (type) {
    case kBitmask1:
      RAMPART_CHECK(expect_length(4));
      c.body = VT::Bitmask1{RAMPART_TRY(v.u32())};
      break;
    case kPContext: {
      RAMPART_CHECK(expect_length(40));
      VT::PContext p;
      p.interface_id = RAMPART_TRY(SyntaxId::decode(v));
      p.transfer_syntax = RAMPART_TRY(SyntaxId::decode(v));
      c.body = p;
      break;
    }
    case kHeader2: {
      RAMPART_CHECK(expect_length(16));
      VT::Header2 h;
      h.ptype = RAMPART_TRY(v.u8());
      RAMPART_CHECK(v.skip(3));  // Reserved1, Reserved2
      const auto drep = RAMPART_TRY(v.bytes(4));
      std::copy(drep.begin(), drep.end(), h.drep.begin());
      h.call_id = RAMPART_TRY(v.u32());
      h.context_id = RAMPART_TRY(v.u16());
      h.opnum = RAMPART_TRY(v.u16());
      c.body = h;
      break;
    }
    default:
      c.body = VT::Unknown{type, {value.begin(), value.end()}};
  }
  return c;
}

Result<VerificationTrailer> decode_at(Bytes stub, std::size_t offset, Drep drep,
                                      const TrailerLimits& limits) {
  ByteReader r(stub, drep);
  RAMPART_CHECK(r.seek(offset + kSignature.size()));
  VerificationTrailer vt;
  // Windows, Samba and Impacket send three commands (bitmask_1, pcontext,
  // header2) with every protected request: one allocation for all of them.
  vt.commands.reserve(3);
  for (;;) {
    if (vt.commands.size() == limits.max_commands)
      return fail(Errc::bad_verification_trailer, "too many verification commands", r.position());
    const std::uint16_t command = RAMPART_TRY(r.u16());
    const std::uint16_t wire_length = RAMPART_TRY(r.u16());
    const Bytes value = RAMPART_TRY(r.bytes(wire_length));
    auto c = RAMPART_TRY(decode_command_body(r, command & kTypeMask, value));
    c.must_process = (command & kMustProcess) != 0;
    vt.commands.push_back(std::move(c));
    if (command & kCommandEnd) break;
  }
  if (!r.empty())
    return fail(Errc::bad_verification_trailer, "octets after SEC_VT_COMMAND_END", r.position());
  return vt;
}

// Overwrites the u16 at `at` of `buf` in `drep`.
void put_u16_at(std::vector<std::uint8_t>& buf, std::size_t at, std::uint16_t v, const Drep& drep) {
  const auto lo = static_cast<std::uint8_t>(v & 0xff);
  const auto hi = static_cast<std::uint8_t>(v >> 8);
  buf[at] = drep.is_little() ? lo : hi;
  buf[at + 1] = drep.is_little() ? hi : lo;
}

// Every protected request carries one, so the command is written in place:
// type and length first as placeholders, then the value, then both fixed up.
void encode_command(ByteWriter& w, const VerificationTrailer::Command& c, bool last) {
  using VT = VerificationTrailer;
  std::uint16_t type = 0;
  std::vector<std::uint8_t>& buf = w.buffer();
  const std::size_t head = buf.size();
  w.u16(0);
  w.u16(0);
  if (auto* b = std::get_if<VT::Bitmask1>(&c.body)) {
    type = kBitmask1;
    w.u32(b->bits);
  } else if (auto* p = std::get_if<VT::PContext>(&c.body)) {
    type = kPContext;
    p->interface_id.encode(w);
    p->transfer_syntax.encode(w);
  } else if (auto* h = std::get_if<VT::Header2>(&c.body)) {
    type = kHeader2;
    w.u8(h->ptype);
    w.zeros(3);
    w.bytes(h->drep);
    w.u32(h->call_id);
    w.u16(h->context_id);
    w.u16(h->opnum);
  } else {
    const auto& u = std::get<VT::Unknown>(c.body);
    type = u.type & kTypeMask;
    w.bytes(u.value);
  }
  const std::size_t length = buf.size() - head - 4;
  put_u16_at(buf, head, static_cast<std::uint16_t>(type | (c.must_process ? kMustProcess : 0) | (last ? kCommandEnd : 0)),
             w.drep());
  put_u16_at(buf, head + 2, static_cast<std::uint16_t>(length), w.drep());
}

}  // namespace

void VerificationTrailer::encode(ByteWriter& w) const {
  w.align(4);
  w.bytes(kSignature);
  for (std::size_t i = 0; i < commands.size(); ++i) encode_command(w, commands[i], i + 1 == commands.size());
}

Result<std::optional<LocatedTrailer>> find_verification_trailer(Bytes stub, Drep drep,
                                                                const TrailerLimits& limits) {
  if (stub.size() < kSignature.size()) return std::nullopt;
  const std::size_t lowest = stub.size() > limits.max_trailer_size ? stub.size() - limits.max_trailer_size : 0;
  std::optional<Error> first_error;
  // Candidates are 4-aligned offsets, scanned from the end: each iteration
  // moves back 4 octets, so the scan is bounded by max_trailer_size / 4.
  for (std::size_t at = (stub.size() - kSignature.size()) & ~std::size_t{3};; at -= 4) {
    if (std::equal(kSignature.begin(), kSignature.end(), stub.begin() + static_cast<std::ptrdiff_t>(at))) {
      auto vt = decode_at(stub, at, drep, limits);
      if (vt) return LocatedTrailer{at, std::move(*vt)};
      if (!first_error) first_error = vt.error().is(BaseErrc::truncated)
                                          ? Error(Errc::bad_verification_trailer, "verification command runs past the stub", vt.error().offset())
                                          : vt.error();
    }
    if (at < lowest + 4) break;
  }
  if (first_error) return std::unexpected(*first_error);
  return std::nullopt;
}

std::string VerificationTrailer::describe() const {
  std::string out = "verification trailer\n";
  for (const auto& c : commands) {
    const char* must = c.must_process ? " must_process" : "";
    if (auto* b = std::get_if<Bitmask1>(&c.body)) {
      out += fmt::format("  bitmask_1 bits=0x{:08x}{}\n", b->bits, must);
    } else if (auto* p = std::get_if<PContext>(&c.body)) {
      out += fmt::format("  pcontext interface={} transfer={}{}\n", p->interface_id.to_string(),
                         p->transfer_syntax.to_string(), must);
    } else if (auto* h = std::get_if<Header2>(&c.body)) {
      out += fmt::format("  header2 ptype={} drep={} call_id={} context_id={} opnum={}{}\n", h->ptype,
                         to_hex(h->drep), h->call_id, h->context_id, h->opnum, must);
    } else {
      const auto& u = std::get<Unknown>(c.body);
      out += fmt::format("  unknown type=0x{:04x} length={}{}\n", u.type, u.value.size(), must);
    }
  }
  return out;
}

}  // namespace rampart::pdu
