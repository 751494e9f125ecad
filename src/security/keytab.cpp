#include "rampart/security/keytab.hpp"

#include <krb5/krb5.h>

#include <algorithm>

#include "rampart/security/errc.hpp"

namespace rampart::security {
namespace {

// Owns a krb5_context and a keytab handle for one walk over the entries.
class KeytabReader {
 public:
  ~KeytabReader() {
    if (keytab_ != nullptr) krb5_kt_close(ctx_, keytab_);
    if (ctx_ != nullptr) krb5_free_context(ctx_);
  }
  Result<std::vector<std::string>> read(const std::string& name) {
    if (krb5_init_context(&ctx_) != 0) return fail(Errc::gss_failure, "krb5_init_context failed");
    if (krb5_kt_resolve(ctx_, name.c_str(), &keytab_) != 0) return fail(Errc::gss_failure, "keytab name not usable");
    krb5_kt_cursor cursor{};
    if (krb5_kt_start_seq_get(ctx_, keytab_, &cursor) != 0) return fail(Errc::gss_failure, "keytab not readable");
    std::vector<std::string> out;
    krb5_keytab_entry entry{};
    while (krb5_kt_next_entry(ctx_, keytab_, &entry, &cursor) == 0) {
      char* text = nullptr;
      if (krb5_unparse_name(ctx_, entry.principal, &text) == 0) {
        if (std::find(out.begin(), out.end(), text) == out.end()) out.emplace_back(text);
        krb5_free_unparsed_name(ctx_, text);
      }
      krb5_free_keytab_entry_contents(ctx_, &entry);
    }
    krb5_kt_end_seq_get(ctx_, keytab_, &cursor);
    if (out.empty()) return fail(Errc::gss_failure, "keytab holds no keys");
    return out;
  }

 private:
  krb5_context ctx_ = nullptr;
  krb5_keytab keytab_ = nullptr;
};

}  // namespace

Result<std::vector<std::string>> keytab_principals(const std::filesystem::path& file) {
  KeytabReader reader;
  return reader.read("FILE:" + file.string());
}

bool is_service_principal(const std::string& principal, const std::string& service) {
  // RFC 2743 4.1 host-based service "service@host" is the Kerberos
  // principal "service/host@REALM" (RFC 1964 2.1.2).
  const auto at = service.find('@');
  if (at == std::string::npos) return false;
  const std::string prefix = service.substr(0, at) + "/" + service.substr(at + 1) + "@";
  return principal.size() > prefix.size() && principal.compare(0, prefix.size(), prefix) == 0;
}

std::string principal_for_service(const std::vector<std::string>& principals, const std::string& service) {
  if (principals.empty()) return {};
  for (const auto& p : principals) {
    if (is_service_principal(p, service)) return p;
  }
  return principals.front();
}

}  // namespace rampart::security
