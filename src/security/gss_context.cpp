#include "rampart/security/gss_context.hpp"

#include <gssapi/gssapi.h>
#include <gssapi/gssapi_ext.h>
#include <gssapi/gssapi_krb5.h>

#include <cstring>
#include <initializer_list>

#include "rampart/security/errc.hpp"
#include "rampart/security/ntlm_sealer.hpp"
#include "rampart/security/spnego_token.hpp"

namespace rampart::security {
namespace {

// [MS-NLMP] 1.9 / gss-ntlmssp: NTLMSSP's mechanism OID 1.3.6.1.4.1.311.2.2.10.
gss_OID_desc kNtlmOid = {10, const_cast<char*>("\x2b\x06\x01\x04\x01\x82\x37\x02\x02\x0a")};
// RFC 4178: SPNEGO's OID 1.3.6.1.5.5.2.
gss_OID_desc kSpnegoOid = {6, const_cast<char*>("\x2b\x06\x01\x05\x05\x02")};

gss_OID mech_oid(GssMech m) {
  switch (m) {
    case GssMech::ntlm: return &kNtlmOid;
    case GssMech::kerberos: return const_cast<gss_OID>(gss_mech_krb5);
    case GssMech::any: return GSS_C_NO_OID;
    case GssMech::spnego: return &kSpnegoOid;
  }
  return GSS_C_NO_OID;
}

GssMech mech_of(gss_const_OID oid) {
  if (oid == GSS_C_NO_OID) return GssMech::any;
  if (gss_oid_equal(oid, &kNtlmOid) != 0) return GssMech::ntlm;
  if (gss_oid_equal(oid, gss_mech_krb5) != 0) return GssMech::kerberos;
  // 1.2.840.48018.1.2.2, the OID Windows (and Impacket) offer Kerberos
  // under in SPNEGO ([MS-KILE] 3.1.5.1); MIT accepts it as Kerberos.
  if (gss_oid_equal(oid, gss_mech_krb5_wrong) != 0) return GssMech::kerberos;
  if (gss_oid_equal(oid, &kSpnegoOid) != 0) return GssMech::spnego;
  return GssMech::any;
}

// A one-element OID set on the stack for desired_mechs.
struct MechSet {
  gss_OID_set_desc set{};
  explicit MechSet(GssMech m) : set{1, mech_oid(m)} {}
  gss_OID_set get() { return set.elements == GSS_C_NO_OID ? GSS_C_NO_OID_SET : &set; }
};

std::string status_text(OM_uint32 major, OM_uint32 minor) {
  std::string out;
  for (int type : {GSS_C_GSS_CODE, GSS_C_MECH_CODE}) {
    OM_uint32 ctx = 0;
    do {
      OM_uint32 min2 = 0;
      gss_buffer_desc msg = GSS_C_EMPTY_BUFFER;
      if (gss_display_status(&min2, type == GSS_C_GSS_CODE ? major : minor, type, GSS_C_NO_OID,
                             &ctx, &msg) != GSS_S_COMPLETE) {
        break;
      }
      if (!out.empty()) out += "; ";
      out.append(static_cast<const char*>(msg.value), msg.length);
      gss_release_buffer(&min2, &msg);
    } while (ctx != 0);
  }
  return out;
}

std::vector<std::uint8_t> take(gss_buffer_desc& b) {
  const auto* p = static_cast<const std::uint8_t*>(b.value);
  std::vector<std::uint8_t> v(p, p + b.length);
  OM_uint32 minor = 0;
  gss_release_buffer(&minor, &b);
  return v;
}

}  // namespace

// --- GssCredential -------------------------------------------------------

GssCredential::GssCredential(GssCredential&& o) noexcept
    : cred_(std::exchange(o.cred_, nullptr)), mech_(o.mech_) {}
GssCredential& GssCredential::operator=(GssCredential&& o) noexcept {
  std::swap(cred_, o.cred_);
  mech_ = o.mech_;
  return *this;
}
GssCredential::~GssCredential() {
  if (cred_ != nullptr) {
    OM_uint32 minor = 0;
    gss_cred_id_t c = static_cast<gss_cred_id_t>(cred_);
    gss_release_cred(&minor, &c);
  }
}

namespace {
// gss_acquire_cred_from with a credential store of `elements` (cred-store
// keys such as "keytab" and gss-ntlmssp's "ntlmssp_keyfile").
Result<void*> acquire_from(std::initializer_list<gss_key_value_element_desc> elements, GssMech mech,
                           const std::string& service) {
  OM_uint32 minor = 0;
  gss_name_t name = GSS_C_NO_NAME;
  if (!service.empty()) {
    gss_buffer_desc buf{service.size(), const_cast<char*>(service.data())};
    if (GSS_ERROR(gss_import_name(&minor, &buf, GSS_C_NT_HOSTBASED_SERVICE, &name))) {
      return fail(Errc::gss_failure, "gss_import_name failed for the service");
    }
  }
  gss_key_value_set_desc store{static_cast<OM_uint32>(elements.size()),
                               const_cast<gss_key_value_element_desc*>(elements.begin())};
  MechSet mechs(mech);
  gss_cred_id_t cred = GSS_C_NO_CREDENTIAL;
  const OM_uint32 major = gss_acquire_cred_from(&minor, name, GSS_C_INDEFINITE, mechs.get(),
                                                GSS_C_ACCEPT, &store, &cred, nullptr, nullptr);
  if (name != GSS_C_NO_NAME) gss_release_name(&minor, &name);
  if (GSS_ERROR(major)) return fail(Errc::gss_failure, "gss_acquire_cred_from failed");
  return static_cast<void*>(cred);
}

Result<void*> acquire_from(const char* key, const std::string& value, GssMech mech,
                           const std::string& service) {
  return acquire_from({gss_key_value_element_desc{key, value.c_str()}}, mech, service);
}
}  // namespace

Result<GssCredential> GssCredential::ntlm_user_file(const std::filesystem::path& file,
                                                    const std::string& service) {
  void* c = RAMPART_TRY(acquire_from("ntlmssp_keyfile", file.string(), GssMech::ntlm, service));
  return GssCredential(c, GssMech::ntlm);
}

Result<GssCredential> GssCredential::spnego_user_file(const std::filesystem::path& file,
                                                      const std::string& service) {
  void* c = RAMPART_TRY(acquire_from("ntlmssp_keyfile", file.string(), GssMech::spnego, service));
  // Offer NTLM only: a krb5 acceptor would need a keytab this credential
  // does not name (RFC 4178 4.2.1: the acceptor picks from what it offers).
  OM_uint32 minor = 0;
  gss_OID_set_desc ntlm_only{1, &kNtlmOid};
  gss_set_neg_mechs(&minor, static_cast<gss_cred_id_t>(c), &ntlm_only);
  return GssCredential(c, GssMech::spnego);
}

Result<GssCredential> GssCredential::spnego_keytab(const std::filesystem::path& keytab,
                                                   const std::filesystem::path& user_file,
                                                   const std::string& service) {
  const std::string kt = keytab.string();
  const std::string users = user_file.string();
  void* c = RAMPART_TRY(acquire_from({gss_key_value_element_desc{"keytab", kt.c_str()},
                                      gss_key_value_element_desc{"ntlmssp_keyfile", users.c_str()}},
                                     GssMech::spnego, service));
  GssCredential cred(c, GssMech::spnego);
  // RFC 4178 4.2.1: the acceptor chooses among what it offers; Kerberos
  // first (Windows' order), NTLM for clients without a ticket. MIT's SPNEGO
  // keeps whichever mechanisms came up, so rampartd checks the keytab for
  // the service's key itself (apps/rampartd/security_setup.cpp).
  // Windows and Impacket offer Kerberos under 1.2.840.48018.1.2.2 ([MS-KILE]
  // 3.1.5.1, the "MS KRB5" OID) and often under that one alone; MIT keeps it
  // a mechanism of its own, so SPNEGO selects it only when it is listed here.
  gss_OID_desc both[] = {*gss_mech_krb5, *gss_mech_krb5_wrong, kNtlmOid};
  gss_OID_set_desc set{3, both};
  OM_uint32 minor = 0;
  if (GSS_ERROR(gss_set_neg_mechs(&minor, static_cast<gss_cred_id_t>(cred.handle()), &set))) {
    return fail(Errc::gss_failure, "gss_set_neg_mechs failed");
  }
  return cred;
}

Result<GssCredential> GssCredential::keytab(const std::filesystem::path& file) {
  // No desired name: any service key in the keytab may accept.
  void* c = RAMPART_TRY(acquire_from("keytab", file.string(), GssMech::kerberos, {}));
  return GssCredential(c, GssMech::kerberos);
}

Result<GssCredential> GssCredential::password(const std::string& user, const std::string& pw,
                                              GssMech mech) {
  OM_uint32 minor = 0;
  gss_buffer_desc name_buf{user.size(), const_cast<char*>(user.data())};
  gss_name_t name = GSS_C_NO_NAME;
  if (GSS_ERROR(gss_import_name(&minor, &name_buf, GSS_C_NT_USER_NAME, &name))) {
    return fail(Errc::gss_failure, "gss_import_name failed for the user");
  }
  gss_buffer_desc pw_buf{pw.size(), const_cast<char*>(pw.data())};
  MechSet mechs(mech);
  gss_cred_id_t cred = GSS_C_NO_CREDENTIAL;
  const OM_uint32 major = gss_acquire_cred_with_password(
      &minor, name, &pw_buf, GSS_C_INDEFINITE, mechs.get(), GSS_C_INITIATE, &cred, nullptr,
      nullptr);
  gss_release_name(&minor, &name);
  if (GSS_ERROR(major)) return fail(Errc::gss_failure, "gss_acquire_cred_with_password failed");
  return GssCredential(cred, mech);
}

Result<void> GssCredential::restrict_negotiation(GssMech inner) {
  OM_uint32 minor = 0;
  gss_OID_set_desc only{1, mech_oid(inner)};
  if (mech_ != GssMech::spnego || only.elements == GSS_C_NO_OID ||
      GSS_ERROR(gss_set_neg_mechs(&minor, static_cast<gss_cred_id_t>(cred_), &only))) {
    return fail(Errc::gss_failure, "gss_set_neg_mechs failed");
  }
  return {};
}

Result<GssCredential> GssCredential::ccache(GssMech mech) {
  // No name: the default principal of the default (or KRB5CCNAME) cache.
  OM_uint32 minor = 0;
  MechSet mechs(mech);
  gss_cred_id_t cred = GSS_C_NO_CREDENTIAL;
  const OM_uint32 major = gss_acquire_cred(&minor, GSS_C_NO_NAME, GSS_C_INDEFINITE, mechs.get(),
                                           GSS_C_INITIATE, &cred, nullptr, nullptr);
  if (GSS_ERROR(major)) {
    return fail(Errc::gss_failure, "no Kerberos credentials in the credentials cache (kinit?)");
  }
  return GssCredential(cred, mech);
}

// --- GssContext ----------------------------------------------------------

GssContext GssContext::acceptor(std::shared_ptr<const GssCredential> cred) {
  GssContext c;
  c.cred_ = std::move(cred);
  return c;
}

Result<GssContext> GssContext::initiator(std::shared_ptr<const GssCredential> cred,
                                         const std::string& target, bool confidential,
                                         bool dce_style) {
  GssContext c;
  c.cred_ = std::move(cred);
  c.initiator_ = true;
  c.confidential_ = confidential;
  c.dce_style_ = dce_style;
  OM_uint32 minor = 0;
  gss_buffer_desc buf{target.size(), const_cast<char*>(target.data())};
  gss_name_t name = GSS_C_NO_NAME;
  if (GSS_ERROR(gss_import_name(&minor, &buf, GSS_C_NT_HOSTBASED_SERVICE, &name))) {
    return fail(Errc::gss_failure, "gss_import_name failed for the target");
  }
  c.target_ = name;
  if (!confidential && (c.cred_->mech() == GssMech::kerberos || c.cred_->mech() == GssMech::spnego)) {
    // MIT adds GSS_C_CONF_FLAG to every Kerberos context unless the
    // credential says not to. Below privacy the flag must stay off: Samba
    // (and Windows) size signatures from it, a 76-octet wrap token instead
    // of a 28-octet MIC ([MS-KILE] 3.4.5.4.1). The option is per credential.
    gss_buffer_desc empty = GSS_C_EMPTY_BUFFER;
    gss_cred_id_t cred = static_cast<gss_cred_id_t>(c.cred_->handle());
    (void)gss_set_cred_option(&minor, &cred, GSS_KRB5_CRED_NO_CI_FLAGS_X, &empty);
  }
  return c;
}

GssContext::GssContext(GssContext&& o) noexcept
    : cred_(std::move(o.cred_)),
      ctx_(std::exchange(o.ctx_, nullptr)),
      target_(std::exchange(o.target_, nullptr)),
      initiator_(o.initiator_),
      confidential_(o.confidential_),
      dce_style_(o.dce_style_),
      complete_(o.complete_),
      failed_(o.failed_),
      source_name_(std::move(o.source_name_)),
      ntlm_flags_(o.ntlm_flags_),
      mics_sent_(o.mics_sent_),
      mics_received_(o.mics_received_),
      last_status_(std::move(o.last_status_)),
      actual_mech_(o.actual_mech_) {}

GssContext& GssContext::operator=(GssContext&& o) noexcept {
  if (this != &o) {
    GssContext old(std::move(*this));  // releases our handles on return
    cred_ = std::move(o.cred_);
    ctx_ = std::exchange(o.ctx_, nullptr);
    target_ = std::exchange(o.target_, nullptr);
    initiator_ = o.initiator_;
    confidential_ = o.confidential_;
    dce_style_ = o.dce_style_;
    complete_ = o.complete_;
    failed_ = o.failed_;
    source_name_ = std::move(o.source_name_);
    ntlm_flags_ = o.ntlm_flags_;
    mics_sent_ = o.mics_sent_;
    mics_received_ = o.mics_received_;
    last_status_ = std::move(o.last_status_);
    actual_mech_ = o.actual_mech_;
  }
  return *this;
}

GssContext::~GssContext() {
  OM_uint32 minor = 0;
  if (ctx_ != nullptr) {
    gss_ctx_id_t c = static_cast<gss_ctx_id_t>(ctx_);
    gss_delete_sec_context(&minor, &c, GSS_C_NO_BUFFER);
    ctx_ = nullptr;
  }
  if (target_ != nullptr) {
    gss_name_t n = static_cast<gss_name_t>(target_);
    gss_release_name(&minor, &n);
    target_ = nullptr;
  }
}

void GssContext::note_ntlm_token(ByteSpan token) {
  if (!cred_) return;
  if (cred_->mech() == GssMech::spnego) {
    // RFC 4178 4.2.2: the AUTHENTICATE message rides in negTokenResp's
    // responseToken.
    if (auto inner = spnego_inner_token(token)) {
      if (auto f = ntlm_authenticate_flags(*inner)) ntlm_flags_ = *f;
    }
    return;
  }
  if (cred_->mech() != GssMech::ntlm) return;
  if (auto f = ntlm_authenticate_flags(token)) ntlm_flags_ = *f;
}

void GssContext::note_mech_list_mics(ByteSpan input, ByteSpan output) {
  if (!cred_ || cred_->mech() != GssMech::spnego) return;
  if (!input.empty() && spnego_has_mech_list_mic(input)) ++mics_received_;
  if (!output.empty() && spnego_has_mech_list_mic(output)) ++mics_sent_;
}

Result<GssStep> GssContext::step(ByteSpan input) {
  if (failed_) return fail(Errc::gss_failure, "security context failed earlier");
  if (complete_) return fail(Errc::gss_failure, "security context already complete");
  if (!cred_) return fail(Errc::gss_failure, "security context has no credential");
  auto r = initiator_ ? init_step(input) : accept_step(input);
  if (!r) {
    failed_ = true;
    return r;
  }
  note_mech_list_mics(input, r->output);
  return r;
}

Result<GssStep> GssContext::accept_step(ByteSpan input) {
  note_ntlm_token(input);  // the AUTHENTICATE message is the acceptor's last input
  // MIT accepts a DCE-style AP-REQ only bare; Impacket frames it inside
  // SPNEGO (spnego_token.hpp), so the first SPNEGO leg is rebuilt bare.
  std::optional<std::vector<std::uint8_t>> bare;
  if (cred_->mech() == GssMech::spnego && ctx_ == nullptr) bare = spnego_with_bare_ap_req(input);
  if (bare) input = ByteSpan(*bare);
  OM_uint32 minor = 0;
  gss_ctx_id_t ctx = static_cast<gss_ctx_id_t>(ctx_);
  gss_buffer_desc in{input.size(), const_cast<std::uint8_t*>(input.data())};
  gss_buffer_desc out = GSS_C_EMPTY_BUFFER;
  gss_name_t src = GSS_C_NO_NAME;
  gss_OID mech = GSS_C_NO_OID;
  const OM_uint32 major = gss_accept_sec_context(
      &minor, &ctx, static_cast<gss_cred_id_t>(cred_->handle()), &in,
      GSS_C_NO_CHANNEL_BINDINGS, &src, &mech, &out, nullptr, nullptr, nullptr);
  ctx_ = ctx;
  if (mech_of(mech) != GssMech::any) actual_mech_ = mech_of(mech);
  GssStep step{take(out), false};
  if (GSS_ERROR(major)) {
    last_status_ = status_text(major, minor);
    if (src != GSS_C_NO_NAME) gss_release_name(&minor, &src);
    return fail(Errc::gss_failure, "gss_accept_sec_context failed");
  }
  if (major == GSS_S_COMPLETE) {
    complete_ = step.complete = true;
    gss_buffer_desc shown = GSS_C_EMPTY_BUFFER;
    if (src != GSS_C_NO_NAME && gss_display_name(&minor, src, &shown, nullptr) == GSS_S_COMPLETE) {
      source_name_.assign(static_cast<const char*>(shown.value), shown.length);
      // gss-ntlmssp counts the terminating NUL in the displayed name's
      // length; the principal is the name without it.
      while (!source_name_.empty() && source_name_.back() == '\0') source_name_.pop_back();
      gss_release_buffer(&minor, &shown);
    }
  }
  if (src != GSS_C_NO_NAME) gss_release_name(&minor, &src);
  return step;
}

Result<GssStep> GssContext::init_step(ByteSpan input) {
  OM_uint32 minor = 0;
  gss_ctx_id_t ctx = static_cast<gss_ctx_id_t>(ctx_);
  gss_buffer_desc in{input.size(), const_cast<std::uint8_t*>(input.data())};
  gss_buffer_desc out = GSS_C_EMPTY_BUFFER;
  gss_OID actual = GSS_C_NO_OID;
  OM_uint32 flags = GSS_C_INTEG_FLAG | GSS_C_REPLAY_FLAG | GSS_C_SEQUENCE_FLAG;
  if (confidential_) flags |= GSS_C_CONF_FLAG;
  if (dce_style_) flags |= GSS_C_DCE_STYLE | GSS_C_MUTUAL_FLAG;
  const OM_uint32 major = gss_init_sec_context(
      &minor, static_cast<gss_cred_id_t>(cred_->handle()), &ctx,
      static_cast<gss_name_t>(target_), mech_oid(cred_->mech()), flags, GSS_C_INDEFINITE,
      GSS_C_NO_CHANNEL_BINDINGS, input.empty() ? GSS_C_NO_BUFFER : &in, &actual, &out, nullptr,
      nullptr);
  ctx_ = ctx;
  if (mech_of(actual) != GssMech::any) actual_mech_ = mech_of(actual);
  GssStep step{take(out), false};
  if (GSS_ERROR(major)) {
    last_status_ = status_text(major, minor);
    return fail(Errc::gss_failure, "gss_init_sec_context failed");
  }
  note_ntlm_token(step.output);  // the initiator sends the AUTHENTICATE message
  complete_ = step.complete = major == GSS_S_COMPLETE;
  return step;
}

Result<Bytes16> GssContext::session_key() const {
  if (!complete_ || ctx_ == nullptr) {
    return fail(Errc::gss_no_session_key, "security context not complete");
  }
  OM_uint32 minor = 0;
  gss_buffer_set_t set = GSS_C_NO_BUFFER_SET;
  const OM_uint32 major = gss_inquire_sec_context_by_oid(
      &minor, static_cast<gss_ctx_id_t>(ctx_), GSS_C_INQ_SSPI_SESSION_KEY, &set);
  if (GSS_ERROR(major) || set == GSS_C_NO_BUFFER_SET || set->count < 1 ||
      set->elements[0].length != 16) {
    if (set != GSS_C_NO_BUFFER_SET) gss_release_buffer_set(&minor, &set);
    return fail(Errc::gss_no_session_key, "mechanism exposes no 16-octet session key");
  }
  Bytes16 key{};
  std::memcpy(key.data(), set->elements[0].value, key.size());
  gss_release_buffer_set(&minor, &set);
  return key;
}

}  // namespace rampart::security
