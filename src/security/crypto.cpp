#include "rampart/security/crypto.hpp"

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <openssl/provider.h>

#include <algorithm>
#include <climits>

#include "rampart/security/errc.hpp"

namespace rampart::security {
namespace {

// One private library context for the life of the process. RC4 and (in some
// builds) MD5 are legacy algorithms; loading the legacy provider into the
// default context would change what every other OpenSSL user in the process
// gets, so it is loaded here only. Fetched algorithms are immutable and safe
// to share between threads (OpenSSL 3 "Library contexts" guarantees).
struct Provider {
  OSSL_LIB_CTX* ctx = nullptr;
  EVP_MD* md5 = nullptr;
  EVP_MAC* hmac = nullptr;
  EVP_CIPHER* rc4 = nullptr;

  Provider() {
    ctx = OSSL_LIB_CTX_new();
    if (ctx == nullptr) return;
    if (OSSL_PROVIDER_load(ctx, "default") == nullptr) return;
    if (OSSL_PROVIDER_load(ctx, "legacy") == nullptr) return;
    md5 = EVP_MD_fetch(ctx, "MD5", nullptr);
    hmac = EVP_MAC_fetch(ctx, "HMAC", nullptr);
    rc4 = EVP_CIPHER_fetch(ctx, "RC4", nullptr);
  }
  [[nodiscard]] bool ok() const noexcept { return md5 && hmac && rc4; }
};

const Provider& provider() {
  static const Provider p;  // intentionally never freed: lives as long as the process
  return p;
}

std::unexpected<Error> unavailable(const char* what) { return fail(Errc::crypto_unavailable, what); }

// [MS-NLMP] 3.4.4.1 names CRC32 without defining it; it is the reflected
// IEEE polynomial 0xEDB88320 used by zlib and Ethernet.
constexpr std::array<std::uint32_t, 256> make_crc_table() {
  std::array<std::uint32_t, 256> t{};
  for (std::uint32_t i = 0; i < 256; ++i) {
    std::uint32_t c = i;
    for (int k = 0; k < 8; ++k) c = (c & 1U) ? 0xEDB88320U ^ (c >> 1) : c >> 1;
    t[i] = c;
  }
  return t;
}
constexpr auto kCrcTable = make_crc_table();

}  // namespace

Result<Bytes16> md5(std::initializer_list<ByteSpan> parts) {
  const Provider& p = provider();
  if (!p.ok()) return unavailable("MD5 not available from OpenSSL");
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> c(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  if (!c || EVP_DigestInit_ex2(c.get(), p.md5, nullptr) != 1) return unavailable("MD5 init failed");
  for (ByteSpan part : parts) {
    if (EVP_DigestUpdate(c.get(), part.data(), part.size()) != 1) return unavailable("MD5 failed");
  }
  Bytes16 out{};
  unsigned int n = 0;
  if (EVP_DigestFinal_ex(c.get(), out.data(), &n) != 1 || n != out.size()) {
    return unavailable("MD5 final failed");
  }
  return out;
}

Result<Bytes16> hmac_md5(ByteSpan key, std::initializer_list<ByteSpan> parts) {
  HmacMd5 h = RAMPART_TRY(HmacMd5::create(key));
  return h.mac(parts);
}

struct HmacMd5::State {
  std::unique_ptr<EVP_MAC_CTX, decltype(&EVP_MAC_CTX_free)> ctx{nullptr, EVP_MAC_CTX_free};
  bool keyed_state_fresh = true;  // create() left the context ready for a message
};

HmacMd5::HmacMd5(std::unique_ptr<State> s) noexcept : state_(std::move(s)) {}
HmacMd5::~HmacMd5() = default;
HmacMd5::HmacMd5(HmacMd5&&) noexcept = default;
HmacMd5& HmacMd5::operator=(HmacMd5&&) noexcept = default;

Result<HmacMd5> HmacMd5::create(ByteSpan key) {
  const Provider& p = provider();
  if (!p.ok()) return unavailable("HMAC-MD5 not available from OpenSSL");
  auto s = std::make_unique<State>();
  s->ctx.reset(EVP_MAC_CTX_new(p.hmac));
  char digest[] = "MD5";
  const OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0), OSSL_PARAM_END};
  // A null key pointer means "keep the previous key" to EVP_MAC_init, so an
  // empty key still passes a valid pointer.
  static constexpr std::uint8_t kNoKey = 0;
  const std::uint8_t* k = key.empty() ? &kNoKey : key.data();
  if (!s->ctx || EVP_MAC_init(s->ctx.get(), k, key.size(), params) != 1) {
    return unavailable("HMAC-MD5 init failed");
  }
  return HmacMd5(std::move(s));
}

Result<Bytes16> HmacMd5::mac(std::initializer_list<ByteSpan> parts) {
  EVP_MAC_CTX* c = state_->ctx.get();
  // EVP_MAC_init without a key restarts the MAC under the key already set
  // (OpenSSL 3 provider HMAC: the saved inner and outer digest states are
  // copied back), instead of fetching MD5 and hashing the pads again.
  if (!state_->keyed_state_fresh && EVP_MAC_init(c, nullptr, 0, nullptr) != 1) {
    return unavailable("HMAC-MD5 re-init failed");
  }
  state_->keyed_state_fresh = false;
  for (ByteSpan part : parts) {
    if (EVP_MAC_update(c, part.data(), part.size()) != 1) return unavailable("HMAC failed");
  }
  Bytes16 out{};
  std::size_t n = 0;
  if (EVP_MAC_final(c, out.data(), &n, out.size()) != 1 || n != out.size()) {
    return unavailable("HMAC-MD5 final failed");
  }
  return out;
}

std::uint32_t crc32(ByteSpan data) noexcept {
  std::uint32_t c = 0xFFFFFFFFU;
  for (std::uint8_t b : data) c = kCrcTable[(c ^ b) & 0xFFU] ^ (c >> 8);
  return c ^ 0xFFFFFFFFU;
}

struct Rc4::State {
  std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)> ctx{nullptr,
                                                                        EVP_CIPHER_CTX_free};
};

Rc4::Rc4(std::unique_ptr<State> s) noexcept : state_(std::move(s)) {}
Rc4::~Rc4() = default;
Rc4::Rc4(Rc4&&) noexcept = default;
Rc4& Rc4::operator=(Rc4&&) noexcept = default;

Result<Rc4> Rc4::create(ByteSpan key) {
  const Provider& p = provider();
  if (!p.ok()) return unavailable("RC4 not available (OpenSSL legacy provider missing)");
  if (key.size() < 5 || key.size() > 16) return fail(Errc::bad_session_key, "RC4 key length");
  auto s = std::make_unique<State>();
  s->ctx.reset(EVP_CIPHER_CTX_new());
  EVP_CIPHER_CTX* c = s->ctx.get();
  // The key length must be set before the key: 40- and 56-bit NTLM keys are
  // 8 octets, 128-bit ones 16 ([MS-NLMP] 3.4.5.3).
  if (c == nullptr || EVP_EncryptInit_ex2(c, p.rc4, nullptr, nullptr, nullptr) != 1 ||
      EVP_CIPHER_CTX_set_key_length(c, static_cast<int>(key.size())) != 1 ||
      EVP_EncryptInit_ex2(c, nullptr, key.data(), nullptr, nullptr) != 1) {
    return unavailable("RC4 init failed");
  }
  return Rc4(std::move(s));
}

Result<void> Rc4::apply(std::span<std::uint8_t> data) {
  // EVP_EncryptUpdate takes an int length; PDUs are far below INT_MAX, but
  // the loop keeps the call correct for any span.
  while (!data.empty()) {
    const std::size_t chunk = std::min<std::size_t>(data.size(), INT_MAX / 2);
    int out_len = 0;
    if (EVP_EncryptUpdate(state_->ctx.get(), data.data(), &out_len, data.data(),
                          static_cast<int>(chunk)) != 1 ||
        out_len != static_cast<int>(chunk)) {
      return unavailable("RC4 update failed");
    }
    data = data.subspan(chunk);
  }
  return {};
}

}  // namespace rampart::security
