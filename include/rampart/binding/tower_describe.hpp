// The describe text of a protocol tower carried as octets (C706 Appendix L):
// its floors when they decode, else the reason and the octets in hex. This
// is the describe hook of the IDL type twr_t (idl/c706/nbase.idl;
// rampart-idl --describe-hook, docs/idl.md), so that `rampart explain`
// shows what a tower says rather than its bytes.
#pragma once

#include <cstdint>
#include <span>
#include <string>

namespace rampart::binding {

/// Appends "N octets" and then the tower's lines, each indented by
/// `indent` levels (two spaces each) and the tower's one more.
void describe_tower_octets(std::string& out, int indent, std::span<const std::uint8_t> octets);

/// The hook's entry point for any structure with a tower_octet_string
/// member (the generated twr_t).
template <class Twr>
void describe_twr(std::string& out, int indent, const Twr& twr) {
  describe_tower_octets(out, indent, twr.tower_octet_string);
}

}  // namespace rampart::binding
