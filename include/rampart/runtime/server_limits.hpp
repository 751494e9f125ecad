// ServerLimits: every bound the server runtime and its transports enforce,
// in one place (docs/hardening.md C1, C2, C13, C16). Each field: default, reason,
// spec section. rampartd's [limits] config table sets them by these names.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>

#include "rampart/runtime/fragment_limits.hpp"

namespace rampart::runtime {

struct ServerLimits {
  /// Open connections across all listeners. Each idle connection costs a
  /// few KiB; 20000 keeps a flood of them well inside memory while serving
  /// a domain controller's bursts (docs/hardening.md C13).
  std::size_t max_connections = 20000;

  /// Open connections from one source address. A single host needs a
  /// handful; hundreds of half-open connections from one address must not
  /// starve others (docs/hardening.md "Slow and idle peers").
  std::size_t max_connections_per_source = 256;

  /// Calls dispatched and not yet answered on one connection, plus calls
  /// still reassembling. Without PFC_CONC_MPX a client has one at a time;
  /// with it, [MS-RPCE] 3.3.1.5.2 leaves the bound to the server.
  std::size_t max_pending_calls = 32;

  /// Presentation contexts defined on one connection (bind plus every
  /// alter_context). [MS-RPCE] allows up to 4000 per interface; an alter
  /// flood must not grow a connection without bound (docs/hardening.md C6).
  std::size_t max_contexts = 64;

  /// Security contexts (auth_context_ids) on one connection, established or
  /// in progress. Impacket's DCOM client opens one per interface through
  /// alter_context; each holds a GSSAPI context and RC4 state, so a flood
  /// of fresh exchanges must stop somewhere ([MS-RPCE] 3.3.1.5.2.2,
  /// docs/hardening.md C17).
  std::size_t max_auth_contexts = 16;

  /// Octets a connection may send while a security provider step for it is
  /// outstanding; they are held and processed once the step completes.
  /// Real clients wait for bind_ack; two full fragments is generous.
  std::size_t max_held_input = 2 * 5840;

  /// Association groups alive at once. Each holds its context handles.
  std::size_t max_association_groups = 20000;

  /// Open ept_lookup / ept_map context handles in one association group
  /// (docs/hardening.md C13). At the cap the oldest is evicted rather than
  /// the new call refused: clients that never free their handles (ept_map
  /// with max_towers 1) keep being served, as by Windows and Samba.
  std::size_t max_lookup_handles = 16;

  /// Fragment sizes offered at bind. Samba and Windows negotiate between
  /// 2048 and 5840, rounded down to a multiple of 8 ([MS-RPCE] 3.3.1.5.2.1).
  std::uint16_t min_frag = 2048;
  std::uint16_t max_frag = 5840;

  /// Reassembly caps (C2, C3): 4 MiB stub ([MS-RPCE] 3.3.3.5.4), fragment
  /// count, alloc_hint clamp.
  FragmentLimits fragments;

  /// A started PDU header must complete within this time (slowloris on the
  /// first 16 octets).
  std::chrono::milliseconds header_timeout{5000};
  /// A PDU whose header has arrived must complete within this time.
  std::chrono::milliseconds pdu_timeout{15000};
  /// A connection with no PDU in progress and no call pending is closed
  /// after this long. Windows closes idle endpoint-mapper connections too.
  std::chrono::milliseconds idle_timeout{120000};
  /// A connection that has not bound within this time is closed: binding
  /// is the first thing every real client does.
  std::chrono::milliseconds bind_timeout{10000};

  /// A dispatched call that has not been answered within this time gets a
  /// fault (nca_s_server_too_busy) and its late answer is dropped, so one
  /// stuck handler cannot hold a client forever (docs/hardening.md C16).
  std::chrono::milliseconds call_timeout{30000};

  /// Output queued for a peer that does not read: above this, the
  /// connection is closed rather than buffering without bound.
  std::size_t max_send_queue = 1u << 20;
};

}  // namespace rampart::runtime
