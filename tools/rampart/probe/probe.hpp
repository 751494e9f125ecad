// The probe model of `rampart probe` (docs/probe.md): a named, documented
// malformed or edge-case input, the reaction Windows documents or exhibits
// for it, and the verdict on what a host actually did.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace rampart::runtime {
class ClientSecurity;
}

namespace rampart::probe {

/// What a host did with a probe's last PDU.
enum class ReactionKind : std::uint8_t {
  bind_ack,            // code: result of the first context (0 accepted, 2 provider rejection, ...)
  bind_nak,            // code: p_reject_reason_t
  alter_context_resp,  // code: result of the first context
  fault,               // code: the status
  response,            // code: unused
  closed,              // the peer closed (FIN or RST) without a PDU
  silence,             // nothing within the timeout, connection still open
  malformed,           // a reply that does not decode as a PDU
  connect_failed,      // no TCP connection at all
};
[[nodiscard]] std::string_view to_string(ReactionKind k) noexcept;

struct Reaction {
  ReactionKind kind = ReactionKind::silence;
  std::uint32_t code = 0;
  bool did_not_execute = false;  // PFC_DID_NOT_EXECUTE on a fault
  /// A bind_nak carrying the extended-error signature ([MS-RPCE] 2.2.2.9).
  bool extended_error = false;
  bool closed_after = false;     // the connection closed after the PDU
  std::string detail;            // decoder error, socket error, ...
  /// What a response's stub showed wrong (Probe::inspect): the host wrote
  /// what it should have refused, whatever status it then gave.
  std::string flaw;

  /// "bind_nak reason 4 (protocol_version_not_supported), then close"
  [[nodiscard]] std::string describe() const;
};

/// One acceptable reaction. `code` empty means any code; `close_after`
/// empty means either.
struct Expected {
  ReactionKind kind = ReactionKind::closed;
  std::optional<std::uint32_t> code;
  std::optional<bool> close_after;

  [[nodiscard]] bool matches_kind_and_code(const Reaction& r) const noexcept;
  [[nodiscard]] std::string describe() const;
};

enum class Verdict : std::uint8_t {
  correct,             // the documented reaction
  lenient,             // accepted what it should have rejected
  divergent,           // rejected differently, or kept a connection it should close
  vulnerable_pattern,  // the host stopped serving after the probe
  inconclusive,        // the probe could not be run (no connection, preamble refused)
  not_applicable,      // the host does not offer what the probe tests (DCOM)
};
[[nodiscard]] std::string_view to_string(Verdict v) noexcept;
/// A finding is anything a script should look at: lenient, divergent or
/// vulnerable_pattern.
[[nodiscard]] bool is_finding(Verdict v) noexcept;

enum class Safety : std::uint8_t {
  safe,    // in the default set
  unsafe,  // only with --unsafe: could crash an unpatched host
};

/// What a probe's builder knows about the connection it runs on.
struct Session {
  std::uint16_t max_recv_frag = 0;  // the server's, from the preamble bind_ack (0 without preamble)
  std::uint16_t max_xmit_frag = 0;
  std::uint32_t assoc_group_id = 0;
  /// An authenticated preamble's established context (Probe::needs_auth),
  /// which signs the probe's requests; null otherwise.
  runtime::ClientSecurity* security = nullptr;
  /// The auth3 that completed it (empty for a two-leg exchange).
  std::vector<std::uint8_t> auth3{};
};

struct Probe {
  std::string_view id;          // "c1.frag-below-header"
  std::string_view hclass;      // "C1" (docs/hardening.md)
  std::string_view title;       // one line
  std::string_view sends;       // what goes on the wire, in words
  std::string_view why_safe;    // the safety argument (or why it is not safe)
  std::string_view evidence;    // where the expected reaction comes from
  Safety safety = Safety::safe;
  /// Bind the endpoint mapper first (context 0, NDR20) and run the probe on
  /// that association.
  bool after_bind = false;
  /// The PDUs to send, in order; the reaction is to the last.
  std::function<std::vector<std::vector<std::uint8_t>>(const Session&)> build;
  /// Every reaction that is correct (the first is the documented one).
  std::vector<Expected> expected;
  /// Reactions that mean the host accepted the input (verdict lenient).
  std::vector<Expected> accepting;
  /// Replies to well-formed set-up PDUs among the last PDUs sent (an
  /// alter_context adding a context) that are read and set aside before the
  /// reaction.
  std::uint8_t setup_replies = 0;
  /// A conversation: after `build`'s PDUs, each step reads one reply and
  /// builds the next PDUs from the replies so far, oldest first (a handle
  /// the server issued); the reaction is to the last step's. A step that
  /// returns nothing (the replies did not allow it) leaves the probe
  /// inconclusive.
  using Step = std::function<std::optional<std::vector<std::vector<std::uint8_t>>>(
      const Session&, std::span<const std::vector<std::uint8_t>> replies)>;
  std::vector<Step> steps{};
  /// Send the last step's PDUs on a second connection, bound afresh (a new
  /// association group), while the first stays open.
  bool last_step_on_new_association = false;
  /// Checks a response's stub; a non-empty answer is a flaw (lenient).
  std::function<std::string(std::span<const std::uint8_t> stub)> inspect{};
  /// Sent only to a host that answered ServerAlive2 (the baseline's DCOM
  /// check); otherwise the probe is not applicable.
  bool needs_dcom = false;
  /// Runs on an authenticated association (the EPM bind with the
  /// credentials of -U, at packet integrity); without credentials the
  /// probe is not applicable.
  bool needs_auth = false;
  /// The status a response carries when it is not the stub's last four
  /// octets (RemoteActivation's phr); nullopt keeps those.
  std::function<std::optional<std::uint32_t>(std::span<const std::uint8_t> stub, bool little_endian)> response_status{};
};

}  // namespace rampart::probe
