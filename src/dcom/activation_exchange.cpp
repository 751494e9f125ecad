// The client's activation blobs; rules in activation_exchange.hpp.
#include "rampart/dcom/activation_exchange.hpp"

#include <set>

#include "activation_props.hpp"
#include "rampart/base/byte_reader.hpp"
#include "rampart/base/byte_writer.hpp"
#include "rampart/dcom/errc.hpp"
#include "rampart/dcom/hresult.hpp"
#include "rampart/dcom/oxid_resolver.hpp"

namespace rampart::dcom {

namespace ap = spec::activation_props;

namespace {

constexpr std::uint32_t kDestCtxDifferentMachine = 2;  // MSHCTX_DIFFERENTMACHINE
constexpr std::size_t kBlobHead = 8;                   // dwSize, dwReserved

struct Property {
  Uuid id;
  std::vector<std::uint8_t> bytes;
};

// InstantiationInfoData.thisSize is the property's own serialized size
// ([MS-DCOM] 2.2.22.2.1), which does not depend on thisSize's value:
// encode twice.
Result<std::vector<std::uint8_t>> instantiation(const ActivationParams& p) {
  ap::InstantiationInfoData v;
  v.classId = p.clsid;
  v.classCtx = p.class_ctx;
  v.cIID = static_cast<std::uint32_t>(p.iids.size());
  v.pIID = p.iids;
  v.clientCOMVersion = {p.client_version.major, p.client_version.minor};
  v.thisSize = static_cast<std::uint32_t>(RAMPART_TRY(ap::InstantiationInfoData_encode(v)).size());
  return ap::InstantiationInfoData_encode(v);
}

Result<std::vector<Property>> request_properties(const ActivationParams& p) {
  using namespace actprop;
  ap::ActivationContextInfoData context;
  ap::LocationInfoData location;
  ap::ScmRequestInfoData scm;
  scm.remoteRequest = ap::customREMOTE_REQUEST_SCM_INFO{
      p.imp_level, static_cast<std::uint16_t>(p.protseqs.size()), p.protseqs};
  std::vector<Property> out;
  if (p.windows_properties) {
    ap::SpecialPropertiesData special;
    special.dwOrigClsctx = p.class_ctx;
    out.push_back({kSpecialProperties, RAMPART_TRY(ap::SpecialPropertiesData_encode(special))});
  }
  out.push_back({kInstantiationInfo, RAMPART_TRY(instantiation(p))});
  out.push_back({kActivationContextInfo, RAMPART_TRY(ap::ActivationContextInfoData_encode(context))});
  if (p.windows_properties) {
    ap::SecurityInfoData security;
    if (p.server_name) security.pServerInfo = ap::COSERVERINFO{0, p.server_name, std::nullopt, 0};
    out.push_back({kSecurityInfo, RAMPART_TRY(ap::SecurityInfoData_encode(security))});
  }
  out.push_back({kLocationInfo, RAMPART_TRY(ap::LocationInfoData_encode(location))});
  out.push_back({kScmRequestInfo, RAMPART_TRY(ap::ScmRequestInfoData_encode(scm))});
  return out;
}

}  // namespace

Result<std::vector<std::uint8_t>> encode_activation_request(const ActivationParams& params) {
  const ActivationLimits limits;
  if (params.iids.empty() || params.iids.size() > limits.max_iids)
    return fail(Errc::actprop_bad_value, "an activation asks for 1 .. max_iids interfaces");
  const auto props = RAMPART_TRY(request_properties(params));
  ap::CustomHeader h;
  h.destCtx = kDestCtxDifferentMachine;
  h.cIfs = static_cast<std::uint32_t>(props.size());
  h.classInfoClsid = actprop::kActivationPropertiesIn;
  h.pclsid.emplace();
  h.pSizes.emplace();
  std::size_t body = 0;
  for (const auto& p : props) {
    h.pclsid->push_back(p.id);
    h.pSizes->push_back(static_cast<std::uint32_t>(p.bytes.size()));
    body += p.bytes.size();
  }
  // headerSize is the header's own serialized length, independent of the
  // values of headerSize and totalSize: encode twice.
  h.headerSize = static_cast<std::uint32_t>(RAMPART_TRY(ap::CustomHeader_encode(h)).size());
  h.totalSize = static_cast<std::uint32_t>(h.headerSize + body);
  const auto header = RAMPART_TRY(ap::CustomHeader_encode(h));
  std::vector<std::uint8_t> blob;
  ByteWriter w(blob, Drep::little());
  w.u32(h.totalSize);  // dwSize: everything after dwReserved
  w.u32(0);
  w.bytes(header);
  for (const auto& p : props) w.bytes(p.bytes);
  // [MS-DCOM] 2.2.18.6: `reserved` is unused; Impacket and Windows send the blob's size + 8.
  const ObjRef ref{kIidActivationPropertiesIn,
                   ObjRefCustom{actprop::kActivationPropertiesIn, 0, static_cast<std::uint32_t>(blob.size() + 8), blob}};
  return ref.encode();
}

namespace {

struct ReplyParts {
  std::optional<ap::PropsOutInfo> props;
  std::optional<ap::ScmReplyInfoData> scm;
};

template <class T, class Decode>
Result<T> reply_property(std::span<const std::uint8_t> slice, Decode decode, std::size_t at) {
  auto v = decode(slice, ndr::DecodeLimits{});
  if (!v) return fail(Errc::actprop_bad_property, "a reply property does not decode inside its slice", at);
  return std::move(*v);
}

// The CustomHeader and its slices, with the same size rules as the request
// side (activation_properties.hpp).
Result<ReplyParts> split_reply(std::span<const std::uint8_t> blob, const ActivationLimits& limits) {
  if (blob.size() > limits.max_blob) return fail(Errc::actprop_bad_sizes, "the reply blob is above the limit", 0);
  ByteReader r(blob, Drep::little());
  const auto wire_dw_size = RAMPART_TRY(r.u32());
  if (wire_dw_size != blob.size() - kBlobHead) return fail(Errc::actprop_bad_sizes, "dwSize is not the blob's size", 0);
  if (blob.size() < kBlobHead + 16 + 8) return fail(Errc::actprop_bad_sizes, "the blob ends inside its CustomHeader", 0);
  // headerSize is the CustomHeader's second DWORD, after the 16 pickle header octets.
  ByteReader hr(blob.subspan(kBlobHead + 16 + 4, 4), blob[kBlobHead + 1] == 0x10 ? Drep::little() : Drep::big());
  const auto wire_header_size = RAMPART_TRY(hr.u32());
  if (wire_header_size > blob.size() - kBlobHead)
    return fail(Errc::actprop_bad_sizes, "headerSize runs past the blob", kBlobHead + 20);
  auto header = ap::CustomHeader_decode(blob.subspan(kBlobHead, wire_header_size));
  if (!header) return fail(Errc::actprop_bad_property, "the CustomHeader does not decode inside headerSize", kBlobHead);
  if (header->totalSize != wire_dw_size) return fail(Errc::actprop_bad_sizes, "totalSize is not dwSize", kBlobHead);
  if (!header->pclsid || !header->pSizes) return fail(Errc::actprop_bad_sizes, "pclsid or pSizes is NULL", kBlobHead);
  std::uint64_t total = wire_header_size;
  for (const auto size : *header->pSizes) total += size;
  if (total != header->totalSize)
    return fail(Errc::actprop_bad_sizes, "headerSize and pSizes do not sum to totalSize", kBlobHead);
  ReplyParts out;
  std::size_t at = kBlobHead + wire_header_size;
  for (std::size_t i = 0; i < header->pclsid->size(); ++i) {
    const Uuid& id = (*header->pclsid)[i];
    const auto slice = blob.subspan(at, (*header->pSizes)[i]);
    if (id == actprop::kPropsOutInfo && !out.props) {
      out.props = RAMPART_TRY(reply_property<ap::PropsOutInfo>(slice, ap::PropsOutInfo_decode, at));
    } else if (id == actprop::kScmReplyInfo && !out.scm) {
      out.scm = RAMPART_TRY(reply_property<ap::ScmReplyInfoData>(slice, ap::ScmReplyInfoData_decode, at));
    } else {
      return fail(Errc::actprop_unknown_property, "a reply property other than PropsOutInfo and ScmReplyInfoData",
                  at);
    }
    at += slice.size();
  }
  if (!out.props || !out.scm)
    return fail(Errc::actprop_missing_property, "the reply lacks PropsOutInfo or ScmReplyInfoData", kBlobHead);
  return out;
}

Result<void> read_scm_reply(const ap::ScmReplyInfoData& scm, ActivationReply& out) {
  if (!scm.remoteReply || !scm.remoteReply->pdsaOxidBindings)
    return fail(Errc::actprop_bad_value, "remoteReply or pdsaOxidBindings is NULL");
  const auto& rr = *scm.remoteReply;
  out.oxid = rr.Oxid;
  out.oxid_bindings = RAMPART_TRY(from_wire(*rr.pdsaOxidBindings));
  out.ipid_rem_unknown = rr.ipidRemUnknown;
  out.authn_hint = rr.authnHint;
  if (out.authn_hint < 1 || out.authn_hint > 6) return fail(Errc::actprop_bad_value, "authnHint is not an auth level");
  out.server_version = RAMPART_TRY(negotiate({rr.serverVersion.MajorVersion, rr.serverVersion.MinorVersion}));
  return {};
}

Result<void> read_props_out(const ap::PropsOutInfo& props, std::span<const Uuid> requested, ActivationReply& out) {
  // The generated decoder sized piid, phresults and ppIntfData by cIfs.
  if (!props.piid || !props.phresults || !props.ppIntfData || props.cIfs != requested.size())
    return fail(Errc::actprop_bad_value, "PropsOutInfo does not answer the interfaces asked for");
  for (std::size_t i = 0; i < requested.size(); ++i) {
    if ((*props.piid)[i] != requested[i]) return fail(Errc::actprop_bad_value, "PropsOutInfo names another IID");
    ActivatedInterface a{requested[i], static_cast<std::uint32_t>((*props.phresults)[i]), std::nullopt};
    const auto& ip = (*props.ppIntfData)[i];
    if (a.hresult == hr::kOk) {
      if (!ip) return fail(Errc::actprop_bad_value, "an S_OK interface without an interface pointer");
      auto ref = RAMPART_TRY(ObjRef::decode(ip->abData));
      const auto* std_ref = std::get_if<ObjRefStandard>(&ref.form);
      if (std_ref == nullptr || ref.iid != requested[i] || std_ref->std.oxid != out.oxid)
        return fail(Errc::actprop_bad_value, "an interface pointer is not an OBJREF_STANDARD of its IID and OXID");
      a.objref = *std_ref;
    }
    out.interfaces.push_back(std::move(a));
  }
  return {};
}

}  // namespace

Result<ActivationReply> parse_activation_reply(std::span<const std::uint8_t> objref, std::span<const Uuid> requested,
                                               const ActivationLimits& limits) {
  auto ref = RAMPART_TRY(ObjRef::decode(objref));
  const auto* custom = std::get_if<ObjRefCustom>(&ref.form);
  if (custom == nullptr || ref.iid != kIidActivationPropertiesOut || custom->clsid != actprop::kActivationPropertiesOut)
    return fail(Errc::objref_bad_flags, "the reply is not an OBJREF_CUSTOM of CLSID_ActivationPropertiesOut");
  const auto parts = RAMPART_TRY(split_reply(custom->object_data, limits));
  ActivationReply out;
  RAMPART_CHECK(read_scm_reply(*parts.scm, out));
  RAMPART_CHECK(read_props_out(*parts.props, requested, out));
  return out;
}

}  // namespace rampart::dcom
