// The primitives NTLM message security needs ([MS-NLMP] 6: MD5, HMAC_MD5,
// RC4K/RC4, CRC32), all but CRC32 from OpenSSL 3. MD5 and RC4 come from a
// private OSSL_LIB_CTX that loads the "legacy" provider, so the process-wide
// default library context (and any FIPS configuration of it) is untouched.
#pragma once

#include <array>
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <span>

#include "rampart/base/error.hpp"

namespace rampart::security {

using Bytes16 = std::array<std::uint8_t, 16>;
using ByteSpan = std::span<const std::uint8_t>;

/// MD5 of the concatenation of `parts`.
[[nodiscard]] Result<Bytes16> md5(std::initializer_list<ByteSpan> parts);

/// HMAC-MD5 (RFC 2104) keyed with `key` over the concatenation of `parts`.
[[nodiscard]] Result<Bytes16> hmac_md5(ByteSpan key, std::initializer_list<ByteSpan> parts);

/// HMAC-MD5 under one key for many messages: the digest is fetched and the
/// key's inner and outer pads are hashed once, at create(); each mac() then
/// starts again from that keyed state. NTLM signs every PDU of a context with
/// the same key ([MS-NLMP] 3.4.4.2), so this is the per-message form.
class HmacMd5 {
 public:
  [[nodiscard]] static Result<HmacMd5> create(ByteSpan key);

  /// HMAC-MD5 over the concatenation of `parts`; the object is reusable.
  [[nodiscard]] Result<Bytes16> mac(std::initializer_list<ByteSpan> parts);

  HmacMd5(HmacMd5&&) noexcept;
  HmacMd5& operator=(HmacMd5&&) noexcept;
  ~HmacMd5();

 private:
  struct State;
  explicit HmacMd5(std::unique_ptr<State> s) noexcept;
  std::unique_ptr<State> state_;
};

/// CRC-32 as [MS-NLMP] 3.4.4.1 uses it: the ISO 3309 / IEEE 802.3 polynomial,
/// reflected, initial value and final XOR 0xFFFFFFFF (the zlib crc32()).
[[nodiscard]] std::uint32_t crc32(ByteSpan data) noexcept;

/// An RC4 keystream whose state carries across calls ([MS-NLMP] 6: RC4Init
/// once, then RC4(Handle, D) continues the same stream).
class Rc4 {
 public:
  /// Keys of 5 to 16 octets (40-bit, 56/64-bit and 128-bit sealing keys).
  [[nodiscard]] static Result<Rc4> create(ByteSpan key);

  /// XORs `data` in place with the next data.size() keystream octets.
  [[nodiscard]] Result<void> apply(std::span<std::uint8_t> data);

  Rc4(Rc4&&) noexcept;
  Rc4& operator=(Rc4&&) noexcept;
  ~Rc4();

 private:
  struct State;
  explicit Rc4(std::unique_ptr<State> s) noexcept;
  std::unique_ptr<State> state_;
};

}  // namespace rampart::security
