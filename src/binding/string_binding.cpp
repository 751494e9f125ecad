// String binding parser and formatter (C706 chapter 2, "String Bindings";
// [MS-RPCE] 2.1). Every scan is a single pass bounded by max_total.
#include "rampart/binding/string_binding.hpp"

#include <fmt/format.h>

namespace rampart::binding {

namespace {

constexpr std::size_t npos = std::string_view::npos;
constexpr std::string_view kSpecial = "@:[],=\\";
constexpr std::string_view kIpv6Chars = "0123456789abcdefABCDEF:.";

bool is_special(char c) noexcept { return kSpecial.find(c) != npos; }
bool escapes_next(std::string_view s, std::size_t i) noexcept {
  return s[i] == '\\' && i + 1 < s.size() && is_special(s[i + 1]);
}

// First unescaped character of `set` in s, or npos.
std::size_t find_unescaped(std::string_view s, std::string_view set) noexcept {
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (escapes_next(s, i)) {
      ++i;
    } else if (set.find(s[i]) != npos) {
      return i;
    }
  }
  return npos;
}

std::string unescape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (escapes_next(s, i)) ++i;
    out += s[i];
  }
  return out;
}

// Escapes the special characters. A backslash needs it only where it would
// otherwise escape what follows: before a special character, or last (a
// delimiter follows it in the formatted binding). So Windows-style pipe
// names keep their form: \pipe\lsarpc formats as written.
std::string escape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    const bool needs = c == '\\' ? (i + 1 == s.size() || is_special(s[i + 1])) : is_special(c);
    if (needs) out += '\\';
    out += c;
  }
  return out;
}

bool is_ipv6_text(std::string_view s) noexcept {
  return !s.empty() && s.find(':') != npos && s.find_first_not_of(kIpv6Chars) == npos;
}

bool is_option_key(std::string_view k) noexcept {
  if (k.empty()) return false;
  for (const char c : k) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '_';
    if (!ok) return false;
  }
  return true;
}

class Parser {
 public:
  Parser(std::string_view text, const StringBindingLimits& limits) : text_(text), limits_(limits) {}
  Result<StringBinding> run();

 private:
  Result<void> check_characters() const;
  Result<std::size_t> parse_prefix();
  Result<std::size_t> parse_host(std::size_t at);
  Result<void> parse_group(std::size_t at);
  Result<void> parse_element(std::string_view element, std::size_t at, bool first);
  Result<void> set_endpoint(std::string_view raw, std::size_t at);

  std::string_view text_;
  const StringBindingLimits& limits_;
  StringBinding out_;
  bool endpoint_given_ = false;
};

Result<void> Parser::check_characters() const {
  if (text_.size() > limits_.max_total)
    return fail(Errc::binding_too_long, "string binding longer than max_total", 0);
  for (std::size_t i = 0; i < text_.size(); ++i) {
    const auto u = static_cast<unsigned char>(text_[i]);
    if (u < 0x20 || u == 0x7f)
      return fail(Errc::control_character, "control character in string binding", i);
  }
  return {};
}

// "[uuid@]protseq:" -> the offset just past the colon.
Result<std::size_t> Parser::parse_prefix() {
  const auto colon = text_.find(':');
  if (colon == npos) return fail(Errc::missing_protseq, "no ':' after the protocol sequence", 0);
  std::string_view protseq = text_.substr(0, colon);
  const auto at = protseq.find('@');
  std::size_t protseq_at = 0;
  if (at != npos) {
    auto uuid = Uuid::parse(protseq.substr(0, at));
    if (!uuid) return fail(Errc::bad_object_uuid, "object UUID is not 8-4-4-4-12 hex", 0);
    out_.object = *uuid;
    protseq = protseq.substr(at + 1);
    protseq_at = at + 1;
  }
  const ProtseqInfo* info = find_protseq(protseq);
  if (info == nullptr) return fail(Errc::bad_protseq, "unknown protocol sequence", protseq_at);
  out_.protseq = info->id;
  return colon + 1;
}

// The host, plain or as a bracketed IPv6 literal -> the offset after it.
Result<std::size_t> Parser::parse_host(std::size_t at) {
  const std::string_view rest = text_.substr(at);
  if (!rest.empty() && rest[0] == '[') {
    const auto close = rest.find(']');
    // "[...]" followed by "[" is an IPv6 host; otherwise it is the endpoint group.
    if (close != npos && close + 1 < rest.size() && rest[close + 1] == '[') {
      const auto host = rest.substr(1, close - 1);
      if (!is_ipv6_text(host))
        return fail(Errc::bad_ipv6_host, "bracketed host is not IPv6 text", at + 1);
      if (host.size() > limits_.max_host)
        return fail(Errc::part_too_long, "host longer than max_host", at + 1);
      out_.host = std::string(host);
      return at + close + 1;
    }
    return at;
  }
  const auto end = find_unescaped(rest, "[]");
  if (end != npos && rest[end] == ']')
    return fail(Errc::unbalanced_brackets, "']' without '['", at + end);
  out_.host = unescape(rest.substr(0, end));
  if (out_.host.size() > limits_.max_host)
    return fail(Errc::part_too_long, "host longer than max_host", at);
  return end == npos ? text_.size() : at + end;
}

Result<void> Parser::set_endpoint(std::string_view raw, std::size_t at) {
  if (endpoint_given_) return fail(Errc::duplicate_option, "endpoint given twice", at);
  out_.endpoint = unescape(raw);
  if (out_.endpoint.size() > limits_.max_endpoint)
    return fail(Errc::part_too_long, "endpoint longer than max_endpoint", at);
  endpoint_given_ = true;
  return {};
}

Result<void> Parser::parse_element(std::string_view element, std::size_t at, bool first) {
  const auto eq = find_unescaped(element, "=");
  if (eq == npos) {
    if (first) return element.empty() ? Result<void>{} : set_endpoint(element, at);
    return fail(Errc::bad_option, "option is not key=value", at);
  }
  const auto key = element.substr(0, eq);
  const auto value = element.substr(eq + 1);
  if (key.size() > limits_.max_option_key || unescape(value).size() > limits_.max_option_value)
    return fail(Errc::part_too_long, "option key or value above its limit", at);
  if (!is_option_key(key)) return fail(Errc::bad_option, "option key is not [A-Za-z0-9_]+", at);
  if (key == "endpoint") return set_endpoint(value, at + eq + 1);
  for (const auto& o : out_.options)
    if (o.key == key) return fail(Errc::duplicate_option, "option given twice", at);
  if (out_.options.size() >= limits_.max_options)
    return fail(Errc::too_many_options, "more options than max_options", at);
  out_.options.push_back({std::string(key), unescape(value)});
  return {};
}

// "[endpoint,key=value,...]" at `at`, which must be the end of the text.
Result<void> Parser::parse_group(std::size_t at) {
  if (at == text_.size()) return {};
  const std::string_view rest = text_.substr(at + 1);  // text_[at] is '['
  const auto close = find_unescaped(rest, "[]");
  if (close == npos || rest[close] == '[')
    return fail(Errc::unbalanced_brackets, "'[' without its ']'", at);
  if (at + 1 + close + 1 != text_.size())
    return fail(Errc::trailing_characters, "text after the closing ']'", at + close + 2);
  std::string_view body = rest.substr(0, close);
  std::size_t offset = at + 1;
  for (bool first = true;; first = false) {
    const auto comma = find_unescaped(body, ",");
    RAMPART_CHECK(parse_element(body.substr(0, comma), offset, first));
    if (comma == npos) return {};
    body = body.substr(comma + 1);
    offset += comma + 1;
  }
}

Result<StringBinding> Parser::run() {
  RAMPART_CHECK(check_characters());
  const auto host_at = RAMPART_TRY(parse_prefix());
  const auto group_at = RAMPART_TRY(parse_host(host_at));
  RAMPART_CHECK(parse_group(group_at));
  // Limits apply to unescaped parts, and escaping can lengthen them; the
  // canonical text must itself be acceptable, or format() would not re-parse.
  if (out_.format().size() > limits_.max_total)
    return fail(Errc::binding_too_long, "canonical form longer than max_total", 0);
  return std::move(out_);
}

}  // namespace

Result<StringBinding> StringBinding::parse(std::string_view text,
                                           const StringBindingLimits& limits) {
  return Parser(text, limits).run();
}

std::string StringBinding::format() const {
  std::string out;
  if (object) out += object->to_string() + '@';
  out += protseq_info(protseq).name;
  out += ':';
  const bool ipv6 = is_ipv6_text(host);
  out += ipv6 ? '[' + host + ']' : escape(host);
  if (endpoint.empty() && options.empty() && !ipv6) return out;
  out += '[';
  out += escape(endpoint);
  for (const auto& o : options) out += fmt::format(",{}={}", o.key, escape(o.value));
  out += ']';
  return out;
}

StringBinding StringBinding::from_tower(const TowerBinding& t) {
  StringBinding b;
  b.protseq = t.protseq;
  b.host = t.address;
  b.endpoint = t.endpoint;
  return b;
}

TowerBinding StringBinding::to_tower_binding(const SyntaxId& interface,
                                              const SyntaxId& transfer) const {
  TowerBinding t;
  t.interface = interface;
  t.transfer = transfer;
  t.protseq = protseq;
  t.endpoint = endpoint;
  t.address = host;
  return t;
}

}  // namespace rampart::binding
