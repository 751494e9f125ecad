#include "rampart/pdu/header.hpp"

#include <fmt/format.h>

#include "rampart/base/byte_reader.hpp"

namespace rampart::pdu {

namespace {

using namespace pfc;

// Per-PTYPE bounds (C706 12.6.4 body layouts; [MS-RPCE] 2.2.2; [MS-RPCH]
// 2.2.3.6.1). min_length is the header plus the fixed body fields, with no
// auth verifier. Flags: every PDU may carry first/last; the rest is what
// C706 12.6.3.1 gives each type. Bit 0x04 is PFC_PENDING_CANCEL in
// request/response/fault/co_cancel and PFC_SUPPORT_HEADER_SIGN in the bind
// family ([MS-RPCE] 2.2.2.3). bind, alter_context and auth3 accept every
// bit: Windows ignores the ones it does not act on (the reserved 0x08,
// DID_NOT_EXECUTE, MAYBE, OBJECT_UUID) and acks the PDU, and none of them
// changes how the body is read (docs/hardening.md C1).
constexpr std::uint8_t kFL = kFirstLast;
constexpr std::uint8_t kAnyFlag = 0xff;
constexpr PTypeRules kRequest{24, 65535, kFL | kPendingCancel | kMaybe | kObjectUuid, true};
constexpr PTypeRules kResponse{24, 65535, kFL | kPendingCancel, true};
constexpr PTypeRules kFault{32, 65535, kFL | kPendingCancel | kDidNotExecute, true};
constexpr PTypeRules kBind{28, 65535, kAnyFlag, false};
// bind_ack: 8 fixed octets, sec_addr length (2), padded to 4, result list header (4).
constexpr PTypeRules kBindAck{32, 65535, kFL | kSupportHeaderSign | kConcMpx, false};
// bind_nak: reason (2) and n_protocols (1). The tail carries at most an
// extended-error blob, a few hundred octets on Windows.
constexpr PTypeRules kBindNak{19, 4096, kFL, false};
constexpr PTypeRules kAuth3{20, 65535, kAnyFlag, false};
constexpr PTypeRules kShutdown{16, 16, kFL, false};
constexpr PTypeRules kCancel{16, 65535, kFL | kPendingCancel, false};
constexpr PTypeRules kOrphaned{16, 65535, kFL, false};
// RTS: flags (2) and command count (2); no RTS PDU in [MS-RPCH] 2.2.4 is
// anywhere near 1 KiB.
constexpr PTypeRules kRts{20, 1024, kFL, false};

}  // namespace

const PTypeRules& rules_for(PType t) noexcept {
  switch (t) {
    case PType::request: return kRequest;
    case PType::response: return kResponse;
    case PType::fault: return kFault;
    case PType::bind:
    case PType::alter_context: return kBind;
    case PType::bind_ack:
    case PType::alter_context_resp: return kBindAck;
    case PType::bind_nak: return kBindNak;
    case PType::auth3: return kAuth3;
    case PType::shutdown: return kShutdown;
    case PType::co_cancel: return kCancel;
    case PType::orphaned: return kOrphaned;
    case PType::rts: return kRts;
  }
  return kShutdown;
}

Result<CommonHeader> CommonHeader::decode(std::span<const std::uint8_t> bytes,
                                          const DecodeLimits& limits) noexcept {
  if (bytes.size() < kHeaderSize)
    return fail(Errc::frag_length_too_small, "fewer than 16 octets of header", bytes.size());
  CommonHeader h;
  // C706 12.6.1: rpc_vers 5; rpc_vers_minor 0 or 1 in C706, but [MS-RPCE]
  // clients send 0 and Samba and Windows answer 5.1 with bind_nak reason 4.
  h.rpc_vers = bytes[0];
  if (h.rpc_vers != 5) return fail(Errc::bad_rpc_version, "rpc_vers is not 5", 0);
  h.rpc_vers_minor = bytes[1];
  if (h.rpc_vers_minor != 0) return fail(Errc::bad_rpc_version_minor, "rpc_vers_minor is not 0", 1);
  if (!is_connection_oriented(bytes[2]))
    return fail(Errc::unknown_ptype, "PTYPE is not a connection-oriented PDU type", 2);
  h.ptype = static_cast<PType>(bytes[2]);
  auto drep = Drep::decode({bytes[4], bytes[5], bytes[6], bytes[7]});
  if (!drep) return fail(Errc::bad_drep, "data representation label is not legal", 4);
  h.drep = *drep;
  const PTypeRules& rules = rules_for(h.ptype);
  h.pfc_flags = bytes[3];
  if ((h.pfc_flags & ~rules.allowed_flags) != 0)
    return fail(Errc::bad_pfc_flags, "pfc_flags has a bit this PTYPE does not allow", 3);

  ByteReader r(bytes.subspan(8, 8), h.drep);
  h.frag_length = *r.u16();
  h.auth_length = *r.u16();
  h.call_id = *r.u32();
  // C4: the sec_trailer and auth_value must fit after the fixed body fields.
  // Checked before the PTYPE minimum because Windows answers a bind whose
  // auth_length cannot fit with bind_nak reason 4, and a merely short bind
  // with reason 0 (Samba's raw_protocol test_invalid_auth_noctx).
  if (h.auth_length != 0 &&
      std::size_t{h.auth_length} + kSecTrailerSize + rules.min_length > h.frag_length)
    return fail(Errc::auth_length_too_large, "auth_length + sec_trailer exceed the PDU body", 10);
  if (h.frag_length < rules.min_length)
    return fail(Errc::frag_length_too_small, "frag_length below the PTYPE minimum", 8);
  const std::uint16_t max = rules.bounded_by_negotiation
                                ? std::min(rules.max_length, limits.max_frag_length)
                                : rules.max_length;
  if (h.frag_length > max)
    return fail(Errc::frag_length_too_large, "frag_length above the PTYPE or negotiated maximum", 8);
  if (h.auth_length > limits.max_auth_length)
    return fail(Errc::auth_value_too_large, "auth_length above the largest security token", 10);
  return h;
}

void CommonHeader::encode(std::array<std::uint8_t, kHeaderSize>& out) const noexcept {
  out[0] = rpc_vers;
  out[1] = rpc_vers_minor;
  out[2] = static_cast<std::uint8_t>(ptype);
  out[3] = pfc_flags;
  const auto label = drep.encode();
  std::copy(label.begin(), label.end(), out.begin() + 4);
  const bool le = drep.is_little();
  auto put16 = [&](std::size_t at, std::uint16_t v) {
    out[at + (le ? 0 : 1)] = static_cast<std::uint8_t>(v);
    out[at + (le ? 1 : 0)] = static_cast<std::uint8_t>(v >> 8);
  };
  put16(8, frag_length);
  put16(10, auth_length);
  for (int i = 0; i < 4; ++i)
    out[12 + (le ? i : 3 - i)] = static_cast<std::uint8_t>(call_id >> (8 * i));
}

std::string flags_to_string(PType t, std::uint8_t flags) {
  const bool bind_family = t == PType::bind || t == PType::bind_ack ||
                           t == PType::alter_context || t == PType::alter_context_resp ||
                           t == PType::auth3;
  static constexpr const char* kNames[8] = {"first", "last", "pending_cancel", "reserved_08",
                                            "conc_mpx", "did_not_execute", "maybe", "object_uuid"};
  std::string out;
  for (int bit = 0; bit < 8; ++bit) {
    if (!(flags & (1u << bit))) continue;
    if (!out.empty()) out += '|';
    out += (bit == 2 && bind_family) ? "header_sign" : kNames[bit];
  }
  return out.empty() ? "none" : out;
}

std::string CommonHeader::describe() const {
  return fmt::format("{} call_id={} flags={} frag_length={} auth_length={} drep={}",
                     to_string(ptype), call_id, flags_to_string(ptype, pfc_flags), frag_length,
                     auth_length, drep.describe());
}

}  // namespace rampart::pdu
