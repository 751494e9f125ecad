// Reassembler: joins request (or, for clients, response) fragments into one
// stub, enforcing docs/hardening.md C2 and C3:
// - alloc_hint is clamped, never trusted; the stub total is a checked 64-bit
//   sum capped at FragmentLimits::max_stub; the fragment count is capped;
// - every later fragment must match the first in call_id, PTYPE, drep,
//   presentation context, opnum, object UUID and auth context;
// - without PFC_CONC_MPX only one call reassembles at a time (C706 12.4).
// A single-fragment call is returned without copying its stub.
//
// State diagram: docs/fragment-layer.md.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "rampart/pdu/pdu.hpp"
#include "rampart/runtime/frag_errc.hpp"
#include "rampart/runtime/fragment_limits.hpp"

namespace rampart::runtime {

/// What every fragment of one call must agree on.
struct CallIdentity {
  std::uint32_t call_id = 0;
  pdu::PType ptype = pdu::PType::request;
  Drep drep;
  std::uint16_t context_id = 0;
  std::uint16_t opnum = 0;  // requests only
  std::optional<Uuid> object;
  /// auth_type, auth_level, auth_context_id of the first fragment's verifier.
  std::optional<std::array<std::uint32_t, 3>> auth;

  friend bool operator==(const CallIdentity&, const CallIdentity&) = default;
};

struct ReassembledCall {
  CallIdentity identity;
  std::uint8_t first_flags = 0;  // pfc_flags of the first fragment
  std::size_t fragments = 0;
  /// The whole stub: a view into the single fragment's bytes, or into `owned`.
  std::span<const std::uint8_t> stub;
  std::vector<std::uint8_t> owned;

  ReassembledCall() = default;
  ReassembledCall(ReassembledCall&& other) noexcept;
  ReassembledCall& operator=(ReassembledCall&& other) noexcept;
};

class Reassembler {
 public:
  explicit Reassembler(FragmentLimits limits = {}, bool concurrent = false)
      : limits_(limits), concurrent_(concurrent) {}

  /// Adds one decoded request or response fragment. Returns the call when
  /// its last fragment arrives, nullopt while more are expected.
  [[nodiscard]] Result<std::optional<ReassembledCall>> add(const pdu::Pdu& fragment);

  /// Drops a partly reassembled call (co_cancel, orphaned, or a fault).
  void abandon(std::uint32_t call_id) noexcept;
  /// PFC_CONC_MPX as negotiated at bind.
  void set_concurrent(bool on) noexcept { concurrent_ = on; }
  [[nodiscard]] std::size_t in_progress() const noexcept { return calls_.size(); }
  /// The identity of the oldest call still being reassembled, if any.
  [[nodiscard]] std::optional<CallIdentity> first_in_progress() const {
    if (calls_.empty()) return std::nullopt;
    return calls_.front().identity;
  }
  /// The identity of call `call_id` while it is being reassembled, if it is.
  [[nodiscard]] std::optional<CallIdentity> partial_call(std::uint32_t call_id) const {
    for (const auto& p : calls_) {
      if (p.identity.call_id == call_id) return p.identity;
    }
    return std::nullopt;
  }
  /// Octets held by partial calls (for memory accounting).
  [[nodiscard]] std::size_t buffered_bytes() const noexcept;

 private:
  struct Partial {
    CallIdentity identity;
    std::uint8_t first_flags;
    std::size_t fragments;
    std::vector<std::uint8_t> stub;
  };

  Result<std::optional<ReassembledCall>> start(const pdu::Pdu& f, CallIdentity id, std::span<const std::uint8_t> stub,
                                               std::uint32_t alloc_hint);
  Result<std::optional<ReassembledCall>> append(Partial& p, const pdu::Pdu& f, const CallIdentity& id,
                                                std::span<const std::uint8_t> stub);
  Partial* find(std::uint32_t call_id) noexcept;

  FragmentLimits limits_;
  bool concurrent_;
  std::vector<Partial> calls_;
};

/// The identity a fragment claims; nullopt unless it is a request or response.
[[nodiscard]] std::optional<CallIdentity> identity_of(const pdu::Pdu& fragment) noexcept;

}  // namespace rampart::runtime
