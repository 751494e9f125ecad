// Reading the activation properties blob; rules in activation_properties.hpp.
#include "rampart/dcom/activation_properties.hpp"

#include <algorithm>
#include <set>

#include "activation_props.hpp"
#include "rampart/base/byte_reader.hpp"
#include "rampart/dcom/errc.hpp"
#include "rampart/dcom/oxid_resolver.hpp"

namespace rampart::dcom {

namespace ap = spec::activation_props;

namespace {

constexpr std::size_t kBlobHead = 8;       // dwSize, dwReserved
constexpr std::size_t kPickleHead = 16;    // [MS-RPCE] 2.2.6.1 and 2.2.6.2
constexpr std::size_t kHeaderSizeAt = kBlobHead + kPickleHead + 4;  // CustomHeader.headerSize

std::uint32_t pickle_u32(std::span<const std::uint8_t> s, std::size_t at) {
  // The common header's endianness octet (0x10 little, 0x00 big) governs.
  const bool little = s[1] == 0x10;
  return little ? static_cast<std::uint32_t>(s[at] | s[at + 1] << 8 | s[at + 2] << 16 | std::uint32_t{s[at + 3]} << 24)
                : static_cast<std::uint32_t>(std::uint32_t{s[at]} << 24 | s[at + 1] << 16 | s[at + 2] << 8 | s[at + 3]);
}

// A serialization whose ObjectBufferLength leaves out its final padding
// (Impacket 0.10.0) becomes the padded form the strict decoder reads; any
// other shape is passed as it is and judged by the decoder.
std::vector<std::uint8_t> normalised(std::span<const std::uint8_t> s) {
  std::vector<std::uint8_t> out(s.begin(), s.end());
  if (s.size() < kPickleHead) return out;
  const std::uint32_t length = pickle_u32(s, 8);
  const std::size_t have = s.size() - kPickleHead;
  if (length % 8 == 0 || length > have || have - length >= 8) return out;
  const std::uint32_t padded = (length + 7u) & ~7u;
  out.resize(kPickleHead + padded, 0);
  for (int i = 0; i < 4; ++i) {
    const int shift = s[1] == 0x10 ? 8 * i : 8 * (3 - i);
    out[8 + static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(padded >> shift);
  }
  return out;
}

template <class T, class Decode>
Result<T> decode_property(std::span<const std::uint8_t> slice, Decode decode, std::size_t at) {
  auto v = decode(normalised(slice), ndr::DecodeLimits{});
  if (!v) return fail(Errc::actprop_bad_property, "a property does not decode inside its slice", at);
  return std::move(*v);
}

Result<void> read_property(const Uuid& id, std::span<const std::uint8_t> slice, std::size_t at,
                           const ActivationLimits& limits, ActivationRequest& out, bool& have_inst, bool& have_scm) {
  if (id == actprop::kInstantiationInfo) {
    auto v = RAMPART_TRY(decode_property<ap::InstantiationInfoData>(slice, ap::InstantiationInfoData_decode, at));
    if (!v.pIID || v.cIID > limits.max_iids) return fail(Errc::actprop_bad_value, "pIID is NULL or names too many interfaces", at);
    out.clsid = from_wire(v.classId);
    for (const auto& g : *v.pIID) out.iids.push_back(from_wire(g));
    out.client_version = {v.clientCOMVersion.MajorVersion, v.clientCOMVersion.MinorVersion};
    have_inst = true;
  } else if (id == actprop::kScmRequestInfo) {
    auto v = RAMPART_TRY(decode_property<ap::ScmRequestInfoData>(slice, ap::ScmRequestInfoData_decode, at));
    // [MS-DCOM] 2.2.22.2.4: remoteRequest MUST NOT be NULL.
    if (!v.remoteRequest) return fail(Errc::actprop_bad_value, "ScmRequestInfoData.remoteRequest is NULL", at);
    out.client_imp_level = v.remoteRequest->ClientImpLevel;
    if (v.remoteRequest->pRequestedProtseqs) out.protseqs = *v.remoteRequest->pRequestedProtseqs;
    have_scm = true;
  } else if (id == actprop::kSecurityInfo) {
    auto v = RAMPART_TRY(decode_property<ap::SecurityInfoData>(slice, ap::SecurityInfoData_decode, at));
    if (v.pServerInfo && v.pServerInfo->pwszName) {
      if (v.pServerInfo->pwszName->size() > limits.max_name_units)
        return fail(Errc::actprop_bad_value, "the server name is above the limit", at);
      out.server_name = *v.pServerInfo->pwszName;
    }
  } else if (id == actprop::kLocationInfo) {
    (void)RAMPART_TRY(decode_property<ap::LocationInfoData>(slice, ap::LocationInfoData_decode, at));
  } else if (id == actprop::kActivationContextInfo) {
    (void)RAMPART_TRY(decode_property<ap::ActivationContextInfoData>(slice, ap::ActivationContextInfoData_decode, at));
  } else if (id == actprop::kSpecialProperties) {
    // Two layouts of the same size exist (Appendix A); either decodes.
    (void)RAMPART_TRY(decode_property<ap::SpecialPropertiesData>(slice, ap::SpecialPropertiesData_decode, at));
  } else if (id == actprop::kInstanceInfo) {
    (void)RAMPART_TRY(decode_property<ap::InstanceInfoData>(slice, ap::InstanceInfoData_decode, at));
  } else {
    return fail(Errc::actprop_unknown_property, "a pclsid entry names no known property", at);
  }
  return {};
}

}  // namespace

Result<ActivationRequest> parse_activation_properties(std::span<const std::uint8_t> blob,
                                                      const ActivationLimits& limits) {
  if (blob.size() > limits.max_blob) return fail(Errc::actprop_bad_sizes, "the blob is above the limit", 0);
  if (blob.size() < kHeaderSizeAt + 4) return fail(Errc::actprop_bad_sizes, "the blob ends inside its CustomHeader", 0);
  ByteReader r(blob, Drep::little());
  const auto wire_dw_size = RAMPART_TRY(r.u32());
  if (wire_dw_size != blob.size() - kBlobHead) return fail(Errc::actprop_bad_sizes, "dwSize is not the blob's size", 0);
  const std::uint32_t wire_header_size = pickle_u32(blob.subspan(kBlobHead), kHeaderSizeAt - kBlobHead);
  if (wire_header_size < kPickleHead || wire_header_size > blob.size() - kBlobHead)
    return fail(Errc::actprop_bad_sizes, "headerSize runs past the blob", kHeaderSizeAt);
  const auto header_slice = blob.subspan(kBlobHead, wire_header_size);
  auto header = ap::CustomHeader_decode(normalised(header_slice));
  if (!header) return fail(Errc::actprop_bad_property, "the CustomHeader does not decode inside headerSize", kBlobHead);
  if (header->totalSize != wire_dw_size) return fail(Errc::actprop_bad_sizes, "totalSize is not dwSize", kBlobHead + 16);
  if (!header->pclsid || !header->pSizes) return fail(Errc::actprop_bad_sizes, "pclsid or pSizes is NULL", kBlobHead);
  // cIfs is range(1, 10) and sizes both arrays: the generated decoder checked.
  std::uint64_t total = wire_header_size;
  for (const auto size : *header->pSizes) total += size;
  if (total != header->totalSize)
    return fail(Errc::actprop_bad_sizes, "headerSize and pSizes do not sum to totalSize", kBlobHead);
  ActivationRequest out;
  bool have_inst = false, have_scm = false;
  std::set<Uuid> seen;
  std::size_t at = kBlobHead + wire_header_size;
  for (std::size_t i = 0; i < header->pclsid->size(); ++i) {
    const Uuid id = from_wire((*header->pclsid)[i]);
    if (!seen.insert(id).second) return fail(Errc::actprop_unknown_property, "a property is named twice", at);
    const auto size = (*header->pSizes)[i];
    RAMPART_CHECK(read_property(id, blob.subspan(at, size), at, limits, out, have_inst, have_scm));
    out.properties.push_back(id);
    at += size;
  }
  if (!have_inst || !have_scm)
    return fail(Errc::actprop_missing_property, "InstantiationInfoData or ScmRequestInfoData is missing", kBlobHead);
  return out;
}

}  // namespace rampart::dcom
