// Uuid and SyntaxId (C706 Appendix A; [MS-RPCE] 2.2.2.x uses the same form).
//
// A Uuid is kept as its 16 octets in string order (time_low big-endian
// first), so comparison and hashing are plain byte operations. On the wire
// the first three fields follow the drep integer order and the last eight
// octets are copied as they are.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "rampart/base/byte_reader.hpp"
#include "rampart/base/byte_writer.hpp"

namespace rampart {

class Uuid {
 public:
  constexpr Uuid() = default;
  constexpr explicit Uuid(const std::array<std::uint8_t, 16>& string_order) : bytes_(string_order) {}

  /// "e1af8308-5d1f-11c9-91a4-08002b14a0fa", any hex case, optional braces.
  [[nodiscard]] static Result<Uuid> parse(std::string_view text) noexcept;
  /// For constants in code; throws std::invalid_argument on bad text.
  [[nodiscard]] static Uuid from_string(std::string_view text);

  [[nodiscard]] static Result<Uuid> decode(ByteReader& r) noexcept;
  void encode(ByteWriter& w) const;
  /// Lower-case 8-4-4-4-12 form.
  [[nodiscard]] std::string to_string() const;

  [[nodiscard]] bool is_nil() const noexcept;
  [[nodiscard]] const std::array<std::uint8_t, 16>& bytes() const noexcept { return bytes_; }

  friend auto operator<=>(const Uuid&, const Uuid&) = default;

 private:
  std::array<std::uint8_t, 16> bytes_{};
};

/// An interface or transfer syntax: UUID plus version (p_syntax_id_t, C706 12.6.3.1).
/// On the wire the version is one u32: major in the low 16 bits, minor in the high.
struct SyntaxId {
  Uuid uuid;
  std::uint16_t major = 0;
  std::uint16_t minor = 0;

  [[nodiscard]] static Result<SyntaxId> decode(ByteReader& r) noexcept;
  void encode(ByteWriter& w) const;
  /// "e1af8308-5d1f-11c9-91a4-08002b14a0fa v3.0"
  [[nodiscard]] std::string to_string() const;

  friend auto operator<=>(const SyntaxId&, const SyntaxId&) = default;
};

/// Well-known syntaxes used across the layers.
namespace syntax {
/// NDR20 transfer syntax, C706 Appendix I.
extern const SyntaxId kNdr20;
/// NDR64 transfer syntax, [MS-RPCE] 2.2.5.
extern const SyntaxId kNdr64;
/// Bind-time feature negotiation: the UUID 6cb71c2c-9812-4540-xxxx with the
/// low 16 bits of its last 8 octets carrying the bitmask ([MS-RPCE] 3.3.1.5.3).
[[nodiscard]] bool is_bind_time_feature(const SyntaxId& s) noexcept;
/// The feature bitmask such a syntax carries (only when is_bind_time_feature).
[[nodiscard]] std::uint16_t bind_time_features(const SyntaxId& s) noexcept;
[[nodiscard]] SyntaxId make_bind_time_feature(std::uint16_t features);
}  // namespace syntax

}  // namespace rampart

template <>
struct std::hash<rampart::Uuid> {
  std::size_t operator()(const rampart::Uuid& u) const noexcept {
    std::uint64_t a = 0, b = 0;
    for (int i = 0; i < 8; ++i) a = (a << 8) | u.bytes()[i];
    for (int i = 8; i < 16; ++i) b = (b << 8) | u.bytes()[i];
    return std::hash<std::uint64_t>{}(a ^ (b * 0x9e3779b97f4a7c15ull));
  }
};
