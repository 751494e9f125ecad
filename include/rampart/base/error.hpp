// Result<T> and Error: how every layer reports input it cannot accept.
//
// Anything a peer controls returns Result<T>. An Error names a closed code
// from one layer's own enum (pdu::Errc, ndr::Errc, ...), a static detail
// string, the byte offset where the problem was found, and the source
// location that detected it. The fault policy (runtime/) maps codes to wire
// reactions; nothing below it decides what the peer is told.
#pragma once

#include <cstddef>
#include <cstdint>
#include <expected>
#include <limits>
#include <source_location>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

namespace rampart {

/// The layer an error code belongs to. Codes are only comparable within one.
enum class ErrorDomain : std::uint8_t {
  base,
  pdu,
  frag,
  ndr,
  binding,
  runtime,
  transport,
  service,
  client,
  security,
  dcom,
};

std::string_view to_string(ErrorDomain d) noexcept;

/// Every layer's code enum specialises this with its domain and a `name`
/// function returning a static string, e.g. "frag_length_too_small".
template <class E>
struct ErrorCodeTraits;  // { static constexpr ErrorDomain domain; static const char* name(E); }

template <class E>
concept ErrorCode = std::is_enum_v<E> && requires(E e) {
  { ErrorCodeTraits<E>::domain } -> std::convertible_to<ErrorDomain>;
  { ErrorCodeTraits<E>::name(e) } -> std::convertible_to<const char*>;
};

inline constexpr std::size_t kNoOffset = std::numeric_limits<std::size_t>::max();

class [[nodiscard]] Error {
 public:
  template <ErrorCode E>
  Error(E code, const char* detail, std::size_t offset = kNoOffset,
        std::source_location where = std::source_location::current()) noexcept
      : domain_(ErrorCodeTraits<E>::domain),
        code_(static_cast<std::uint16_t>(code)),
        code_name_(ErrorCodeTraits<E>::name(code)),
        detail_(detail),
        offset_(offset),
        where_(where) {}

  template <ErrorCode E>
  [[nodiscard]] bool is(E code) const noexcept {
    return domain_ == ErrorCodeTraits<E>::domain && code_ == static_cast<std::uint16_t>(code);
  }
  template <ErrorCode E>
  [[nodiscard]] E code_as() const noexcept {
    return static_cast<E>(code_);
  }

  [[nodiscard]] ErrorDomain domain() const noexcept { return domain_; }
  [[nodiscard]] std::uint16_t code() const noexcept { return code_; }
  [[nodiscard]] std::string_view code_name() const noexcept { return code_name_; }
  [[nodiscard]] std::string_view detail() const noexcept { return detail_; }
  [[nodiscard]] std::size_t offset() const noexcept { return offset_; }
  [[nodiscard]] const std::source_location& where() const noexcept { return where_; }

  /// Shifts the offset by `base`, for errors found inside a sub-span.
  [[nodiscard]] Error rebased(std::size_t base) const noexcept {
    Error e = *this;
    if (e.offset_ != kNoOffset) e.offset_ += base;
    return e;
  }

  /// "pdu.frag_length_too_small at byte 8: frag_length below the PTYPE minimum"
  [[nodiscard]] std::string to_string() const;

 private:
  ErrorDomain domain_;
  std::uint16_t code_;
  const char* code_name_;
  const char* detail_;
  std::size_t offset_;
  std::source_location where_;
};

template <class T>
using Result = std::expected<T, Error>;

/// Shorthand for returning an error: `return fail(Errc::x, "why", offset);`
template <ErrorCode E>
[[nodiscard]] std::unexpected<Error> fail(E code, const char* detail,
                                          std::size_t offset = kNoOffset,
                                          std::source_location where =
                                              std::source_location::current()) noexcept {
  return std::unexpected<Error>(Error(code, detail, offset, where));
}

}  // namespace rampart

/// Propagates an error from an expression of type Result<T>, yielding the
/// value otherwise. GCC/Clang statement expression; keeps decoders linear.
#define RAMPART_TRY(expr)                                                 \
  ({                                                                      \
    auto&& rampart_try_result_ = (expr);                                  \
    if (!rampart_try_result_) [[unlikely]]                                \
      return std::unexpected<::rampart::Error>(                           \
          std::move(rampart_try_result_).error());                        \
    std::move(rampart_try_result_).value();                               \
  })

/// Like RAMPART_TRY for Result<void>.
#define RAMPART_CHECK(expr)                                               \
  do {                                                                    \
    auto&& rampart_check_result_ = (expr);                                \
    if (!rampart_check_result_) [[unlikely]]                              \
      return std::unexpected<::rampart::Error>(                           \
          std::move(rampart_check_result_).error());                      \
  } while (0)
