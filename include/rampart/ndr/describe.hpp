// Text dumps of decoded NDR values, for the describe() functions that
// rampart-idl generates (and `rampart explain` prints). The output is
// stable, one "name: value" line per scalar, nested values indented by two
// spaces per level, so golden tests can compare it byte for byte.
#pragma once

#include <array>
#include <concepts>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include <fmt/format.h>

#include "rampart/base/uuid.hpp"
#include "rampart/ndr/types.hpp"

namespace rampart::ndr {

template <class T>
concept DescribableValue = requires(const T& v, std::string& out, int indent) { v.describe_to(out, indent); };

/// Generated enums provide idl_enum_name(E) (found by argument-dependent lookup).
template <class T>
concept NamedEnum = std::is_enum_v<T> && requires(T v) {
  { idl_enum_name(v) } -> std::convertible_to<std::string_view>;
};

inline void describe_indent(std::string& out, int indent) { out.append(static_cast<std::size_t>(indent) * 2, ' '); }

/// A string as a quoted literal; non-printable characters as \xNN / \uNNNN.
inline std::string describe_quoted(std::u16string_view s) {
  std::string out = "\"";
  for (char16_t c : s) {
    if (c == u'"' || c == u'\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c >= 0x20 && c < 0x7f) {
      out += static_cast<char>(c);
    } else {
      out += fmt::format("\\u{:04x}", static_cast<unsigned>(c));
    }
  }
  return out + "\"";
}
inline std::string describe_quoted(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (u >= 0x20 && u < 0x7f) {
      out += c;
    } else {
      out += fmt::format("\\x{:02x}", u);
    }
  }
  return out + "\"";
}

template <class T>
void describe_field(std::string& out, int indent, std::string_view name, const T& v);

namespace detail {

template <class T>
struct is_optional : std::false_type {};
template <class T>
struct is_optional<std::optional<T>> : std::true_type {};
template <class T>
struct is_sequence : std::false_type {};
template <class T>
struct is_sequence<std::vector<T>> : std::true_type {};
template <class T, std::size_t N>
struct is_sequence<std::array<T, N>> : std::true_type {};

template <class T>
void describe_octets(std::string& out, const T& seq) {
  out += fmt::format("[{}]", seq.size());
  for (auto b : seq) out += fmt::format(" {:02x}", static_cast<unsigned>(static_cast<std::uint8_t>(b)));
  out += '\n';
}

}  // namespace detail

/// Appends "name: value\n" (or "name:\n" and the indented members).
template <class T>
void describe_field(std::string& out, int indent, std::string_view name, const T& v) {
  if constexpr (detail::is_optional<T>::value) {
    if (v) return describe_field(out, indent, name, *v);
    describe_indent(out, indent);
    out.append(name);
    out += ": NULL\n";
    return;
  }
  describe_indent(out, indent);
  out.append(name);
  if constexpr (detail::is_optional<T>::value) {
  } else if constexpr (DescribableValue<T>) {
    out += ":\n";
    v.describe_to(out, indent + 1);
  } else if constexpr (detail::is_sequence<T>::value) {
    using E = typename T::value_type;
    out += ": ";
    if constexpr (std::is_same_v<E, std::uint8_t> || std::is_same_v<E, char> || std::is_same_v<E, std::int8_t>) {
      detail::describe_octets(out, v);
    } else {
      out += fmt::format("[{}]\n", v.size());
      for (std::size_t i = 0; i < v.size(); ++i) describe_field(out, indent + 1, fmt::format("[{}]", i), v[i]);
    }
  } else if constexpr (std::is_same_v<T, std::string> || std::is_same_v<T, std::u16string>) {
    out += ": " + describe_quoted(v) + "\n";
  } else if constexpr (std::is_same_v<T, bool>) {
    out += v ? ": TRUE\n" : ": FALSE\n";
  } else if constexpr (std::is_same_v<T, char> || std::is_same_v<T, char16_t>) {
    out += fmt::format(": {}\n", static_cast<unsigned>(v));
  } else if constexpr (NamedEnum<T>) {
    const std::string_view n = idl_enum_name(v);
    const auto raw = static_cast<std::int64_t>(v);
    out += n.empty() ? fmt::format(": {}\n", raw) : fmt::format(": {} ({})\n", n, raw);
  } else if constexpr (std::is_same_v<T, Uuid>) {
    out += ": " + v.to_string() + "\n";
  } else if constexpr (std::is_same_v<T, ContextHandle>) {
    out += ": " + v.describe() + "\n";
  } else {
    out += fmt::format(": {}\n", v);
  }
}

}  // namespace rampart::ndr
