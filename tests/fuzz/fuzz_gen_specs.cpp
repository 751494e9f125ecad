// Fuzzes the codecs rampart-idl generates from the specifications' IDL
// (library rampart_gen_specs): every operation of ept, mgmt,
// IObjectExporter, IRemoteSCMActivator, IActivation, IRemUnknown and
// IRemUnknown2 in NDR20 and NDR64 (generated_interface_fuzz.hpp), and the
// type serialization ([MS-RPCE] 2.2.6) of every activation property.
// Input: an octet choosing the interface or property, then that one's input
// (for a property: the whole serialization, headers included).
#include <cstdlib>

#include "activation.hpp"
#include "activation_props.hpp"
#include "epm.hpp"
#include "generated_interface_fuzz.hpp"
#include "mgmt.hpp"
#include "oxid.hpp"
#include "pickle_fuzz.hpp"
#include "remact.hpp"
#include "remunknown.hpp"

namespace {

using namespace rampart::spec;

using rampart::fuzz::fuzz_pickle;

using PickleFn = void (*)(std::span<const std::uint8_t>);
constexpr PickleFn kPickles[] = {
    fuzz_pickle<activation_props::CustomHeader>,
    fuzz_pickle<activation_props::InstantiationInfoData>,
    fuzz_pickle<activation_props::SpecialPropertiesData>,
    fuzz_pickle<activation_props::SpecialPropertiesData_Alternate>,
    fuzz_pickle<activation_props::InstanceInfoData>,
    fuzz_pickle<activation_props::ScmRequestInfoData>,
    fuzz_pickle<activation_props::ActivationContextInfoData>,
    fuzz_pickle<activation_props::LocationInfoData>,
    fuzz_pickle<activation_props::SecurityInfoData>,
    fuzz_pickle<activation_props::ScmReplyInfoData>,
    fuzz_pickle<activation_props::PropsOutInfo>,
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const rampart::runtime::InterfaceDescriptor* interfaces[] = {
      &epm::ept_descriptor(),
      &mgmt::mgmt_descriptor(),
      &oxid::IObjectExporter_descriptor(),
      &remact::IRemoteSCMActivator_descriptor(),
      &activation::IActivation_descriptor(),
      &remunknown::IRemUnknown_descriptor(),
      &remunknown::IRemUnknown2_descriptor(),
  };
  constexpr std::size_t kInterfaces = std::size(interfaces);
  const std::size_t choice = data[0] % (kInterfaces + std::size(kPickles));
  if (choice < kInterfaces)
    rampart::fuzz::fuzz_interface(*interfaces[choice], data + 1, size - 1);
  else
    kPickles[choice - kInterfaces](std::span<const std::uint8_t>(data + 1, size - 1));
  return 0;
}
