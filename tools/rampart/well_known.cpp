// The well-known interface table. Each UUID and version is the one its
// specification's IDL appendix gives (C706 Appendix O and Q for the endpoint
// mapper and mgmt; the [MS-*] documents for the rest) and that Windows and
// Samba register in their endpoint mappers.
#include "well_known.hpp"

#include <algorithm>
#include <array>
#include <cctype>

namespace rampart::cli {

namespace {

using W = WellKnownInterface;

// Sorted by UUID (checked by the tests); one line per interface.
constexpr std::array kTable = {
    W{"00000131-0000-0000-c000-000000000046", 0, 0, "IRemUnknown", "MS-DCOM", "DCOM remote IUnknown"},
    W{"00000143-0000-0000-c000-000000000046", 0, 0, "IRemUnknown2", "MS-DCOM", "DCOM remote IUnknown, version 2"},
    W{"000001a0-0000-0000-c000-000000000046", 0, 0, "ISystemActivator", "MS-DCOM", "DCOM remote SCM activator (IRemoteSCMActivator)"},
    W{"0b6edbfa-4a24-4fc6-8a23-942b1eca65d1", 1, 0, "IRPCAsyncNotify", "MS-PAN", "print system asynchronous notification protocol"},
    W{"12345678-1234-abcd-ef00-0123456789ab", 1, 0, "spoolss", "MS-RPRN", "print system remote protocol"},
    W{"12345678-1234-abcd-ef00-01234567cffb", 1, 0, "netlogon", "MS-NRPC", "Netlogon remote protocol"},
    W{"12345778-1234-abcd-ef00-0123456789ab", 0, 0, "lsarpc", "MS-LSAT", "local security authority (translation and policy, MS-LSAD)"},
    W{"12345778-1234-abcd-ef00-0123456789ac", 1, 0, "samr", "MS-SAMR", "security account manager remote protocol"},
    W{"1ff70682-0a51-30e8-076d-740be8cee98b", 1, 0, "atsvc", "MS-TSCH", "task scheduler, AT service"},
    W{"300f3532-38cc-11d0-a3f0-0020af6b0add", 1, 2, "trkwks", "MS-DLTW", "distributed link tracking, workstation"},
    W{"338cd001-2244-31f1-aaaa-900038001003", 1, 0, "winreg", "MS-RRP", "remote registry"},
    W{"367abb81-9844-35f1-ad32-98f038001003", 2, 0, "svcctl", "MS-SCMR", "service control manager remote protocol"},
    W{"378e52b0-c0a9-11cf-822d-00aa0051e40f", 1, 0, "sasec", "MS-TSCH", "task scheduler, SASec"},
    W{"3919286a-b10c-11d0-9ba8-00c04fd92ef5", 0, 0, "dssetup", "MS-DSSP", "directory services setup remote protocol"},
    W{"3dde7c30-165d-11d1-ab8f-00805f14db40", 1, 0, "backupkey", "MS-BKRP", "BackupKey remote protocol"},
    W{"4b324fc8-1670-01d3-1278-5a47bf6ee188", 3, 0, "srvsvc", "MS-SRVS", "server service remote protocol"},
    W{"4d9f4ab8-7d1c-11cf-861e-0020af6e7c57", 0, 0, "IRemoteActivation", "MS-DCOM", "DCOM remote activation"},
    W{"4fc742e0-4a10-11cf-8273-00aa004ae673", 3, 0, "netdfs", "MS-DFSNM", "distributed file system namespace management"},
    W{"50abc2a4-574d-40b3-9d66-ee4fd5fba076", 5, 0, "dnsserver", "MS-DNSP", "DNS server management"},
    W{"6bffd098-a112-3610-9833-012892020162", 0, 0, "browser", "MS-BRWSA", "common internet file system browser auxiliary"},
    W{"6bffd098-a112-3610-9833-46c3f87e345a", 1, 0, "wkssvc", "MS-WKST", "workstation service remote protocol"},
    W{"76f03f96-cdfd-44fc-a22c-64950a001209", 1, 0, "IRemoteWinspool", "MS-PAR", "print system asynchronous remote protocol"},
    W{"82273fdc-e32a-18c3-3f78-827929dc23ea", 0, 0, "eventlog", "MS-EVEN", "EventLog remoting protocol"},
    W{"86d35949-83c9-4044-b424-db363231fd0c", 1, 0, "ITaskSchedulerService", "MS-TSCH", "task scheduler service remoting"},
    W{"894de0c0-0d55-11d3-a322-00c04fa321a1", 1, 0, "initshutdown", "MS-RSP", "remote shutdown protocol"},
    W{"897e2e5f-93f3-4376-9c9c-fd2277495c27", 1, 0, "frstrans", "MS-FRS2", "distributed file system replication"},
    W{"8d9f4e40-a03d-11ce-8f69-08003e30051b", 1, 0, "pnp", "MS-PNPR", "plug and play remote protocol"},
    W{"8fb6d884-2388-11d0-8c35-00c04fda2795", 4, 1, "w32time", "MS-W32T", "W32Time remote protocol"},
    W{"91ae6020-9e3c-11cf-8d7c-00aa00c091be", 0, 0, "ICertPassage", "MS-ICPR", "ICertPassage remote protocol"},
    W{"99fcfec4-5260-101b-bbcb-00aa0021347a", 0, 0, "IObjectExporter", "MS-DCOM", "DCOM OXID resolver"},
    W{"a4f1db00-ca47-1067-b31f-00dd010662da", 0, 81, "emsmdb", "MS-OXCRPC", "Exchange EMSMDB"},
    W{"a8e0653c-2744-4389-a61d-7373df8b2292", 1, 0, "FileServerVssAgent", "MS-FSRVP", "file server remote VSS protocol"},
    W{"afa8bd80-7d8a-11c9-bef4-08002b102989", 1, 0, "mgmt", "C706", "remote management interface (MS-RPCE)"},
    W{"c681d488-d850-11d0-8c52-00c04fd90f7e", 1, 0, "efsrpc", "MS-EFSR", "encrypting file system remote protocol"},
    W{"ccd8c074-d0e5-4a40-92b4-d074faa6ba28", 1, 1, "witness", "MS-SWN", "service witness protocol"},
    W{"d95afe70-a6d5-4259-822e-2c84da1ddb0d", 1, 0, "WindowsShutdown", "MS-RSP", "remote shutdown protocol"},
    W{"df1941c5-fe89-4e79-bf10-463657acf44d", 1, 0, "efsr", "MS-EFSR", "encrypting file system remote protocol"},
    W{"e1af8308-5d1f-11c9-91a4-08002b14a0fa", 3, 0, "epm", "C706", "endpoint mapper (MS-RPCE)"},
    W{"e3514235-4b06-11d1-ab04-00c04fc2dcd2", 4, 0, "drsuapi", "MS-DRSR", "directory replication service remote protocol"},
    W{"f309ad18-d86a-11d0-a075-00c04fb68820", 0, 0, "IWbemLevel1Login", "MS-WMI", "WMI level 1 login"},
    W{"f5cc59b4-4264-101a-8c59-08002b2f8426", 1, 1, "frsrpc", "MS-FRS1", "file replication service"},
    W{"f5cc5a18-4264-101a-8c59-08002b2f8426", 56, 0, "nspi", "MS-NSPI", "name service provider interface"},
    W{"f6beaff7-1e19-4fbb-9f8f-b89e2018337c", 1, 0, "IEventService", "MS-EVEN6", "EventLog remoting protocol version 6"},
};

// Other names users know these interfaces by: the endpoint mapper's service
// and pipe names, and the short forms of the [MS-*] protocols.
struct Alias {
  std::string_view alias;
  std::string_view name;
};
constexpr std::array kAliases = {
    Alias{"epmapper", "epm"},   Alias{"ept", "epm"},        Alias{"lsa", "lsarpc"},   Alias{"lsass", "lsarpc"},
    Alias{"sam", "samr"},       Alias{"scm", "svcctl"},     Alias{"spooler", "spoolss"}, Alias{"dcom", "IRemoteActivation"},
    Alias{"oxid", "IObjectExporter"}, Alias{"rrp", "winreg"}, Alias{"tsch", "ITaskSchedulerService"},
};

bool iequals(std::string_view a, std::string_view b) noexcept {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

}  // namespace

std::span<const WellKnownInterface> well_known_interfaces() noexcept { return kTable; }

const WellKnownInterface* find_well_known(const Uuid& uuid) noexcept {
  const std::string text = uuid.to_string();
  const auto it = std::lower_bound(kTable.begin(), kTable.end(), text,
                                   [](const W& w, const std::string& t) { return w.uuid < t; });
  return it != kTable.end() && it->uuid == text ? &*it : nullptr;
}

const WellKnownInterface* find_well_known(std::string_view name) noexcept {
  for (const auto& w : kTable)
    if (iequals(w.name, name)) return &w;
  for (const auto& w : kTable)
    if (iequals(w.spec, name)) return &w;
  for (const auto& a : kAliases)
    if (iequals(a.alias, name)) return find_well_known(a.name);
  return nullptr;
}

std::string label_for(const Uuid& uuid) {
  const auto* w = find_well_known(uuid);
  if (!w) return {};
  return std::string(w->name) + " (" + std::string(w->spec) + ")";
}

}  // namespace rampart::cli
