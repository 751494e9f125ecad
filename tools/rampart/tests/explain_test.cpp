// The explain core over the golden corpus: every capture from a real peer is
// accepted except the PDUs its session sends on purpose to break a rule,
// the hex files and the pcapng of a session agree, and every malformed
// input is refused with exactly the rule its "# expect:" line names.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "explain.hpp"
#include "rampart/base/hex.hpp"

namespace rampart::cli {
namespace {

namespace fs = std::filesystem;
const fs::path kGolden = RAMPART_GOLDEN_DIR;

std::string read_text(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::vector<Chunk> load(const std::vector<fs::path>& files) {
  std::vector<Chunk> chunks;
  for (const auto& f : files) {
    std::string error;
    auto bytes = read_all(f.string(), 1u << 28, error);
    EXPECT_TRUE(bytes) << error;
    if (!bytes) continue;
    auto loaded = load_input(f.string(), std::move(*bytes), InputFormat::automatic, 0, {}, error);
    EXPECT_TRUE(loaded) << error;
    if (loaded) chunks.insert(chunks.end(), loaded->chunks.begin(), loaded->chunks.end());
  }
  return chunks;
}

std::vector<fs::path> hex_files(const fs::path& dir) {
  std::vector<fs::path> out;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.path().extension() == ".hex") out.push_back(e.path());
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<std::string> rules(const ExplainResult& r) {
  std::vector<std::string> out;
  for (const auto& p : r.pdus)
    if (p.violation) out.push_back(p.violation->rule);
  return out;
}

// The sessions that break a rule on purpose (captures/README.md) and the
// rule each breaks; every other session must be accepted in full.
const std::map<std::string, std::vector<std::string>> kDeliberate = {
    {"raw_bind_vers_minor_1", {"pdu.bad_rpc_version_minor"}},
    {"raw_request_before_bind", {"runtime.request_before_bind"}},
    {"raw_unknown_context_id", {"runtime.unknown_context"}},
    {"raw_bind_two_contexts", {"runtime.unknown_context"}},  // a request on the context Samba rejected
    {"raw_epm_opnum_out_of_range", {"runtime.opnum_out_of_range"}},
    {"raw_big_endian", {"runtime.opnum_out_of_range"}},
    {"raw_big_endian_server", {"runtime.opnum_out_of_range"}},
    {"raw_ept_map_truncated", {"ndr.count_exceeds_remaining"}},
};

class Session : public ::testing::TestWithParam<fs::path> {};

TEST_P(Session, HexFilesBreakOnlyTheDeliberateRules) {
  const auto name = GetParam().filename().string();
  const auto result = explain(load(hex_files(GetParam())));
  EXPECT_EQ(result.pdus.size(), hex_files(GetParam()).size());
  const auto it = kDeliberate.find(name);
  EXPECT_EQ(rules(result), it == kDeliberate.end() ? std::vector<std::string>{} : it->second);
  for (const auto& p : result.pdus) EXPECT_NE(p.direction, Direction::unknown);
}

TEST_P(Session, CaptureAgreesWithTheHexFiles) {
  const auto from_hex = explain(load(hex_files(GetParam())));
  const auto from_pcap = explain(load({GetParam() / "session.pcapng"}));
  ASSERT_EQ(from_pcap.pdus.size(), from_hex.pdus.size());
  for (std::size_t i = 0; i < from_hex.pdus.size(); ++i) {
    const auto& h = from_hex.pdus[i];
    const auto& p = from_pcap.pdus[i];
    EXPECT_EQ(p.direction, h.direction) << "PDU " << i + 1;
    EXPECT_EQ(p.describe, h.describe) << "PDU " << i + 1;
    EXPECT_EQ(p.stub, h.stub) << "PDU " << i + 1;
    EXPECT_EQ(p.violation.has_value(), h.violation.has_value()) << "PDU " << i + 1;
    EXPECT_GT(p.frame, 0u);
  }
  EXPECT_TRUE(from_pcap.notes.empty());
}

std::vector<fs::path> sessions() {
  std::vector<fs::path> out;
  for (const auto& e : fs::directory_iterator(kGolden / "captures"))
    if (e.is_directory()) out.push_back(e.path());
  std::sort(out.begin(), out.end());
  return out;
}

INSTANTIATE_TEST_SUITE_P(Golden, Session, ::testing::ValuesIn(sessions()),
                         [](const auto& info) { return info.param.filename().string(); });

class Malformed : public ::testing::TestWithParam<fs::path> {};

TEST_P(Malformed, NamesExactlyTheExpectedRule) {
  const std::string text = read_text(GetParam());
  const auto at = text.find("# expect: ");
  ASSERT_NE(at, std::string::npos);
  const std::string want = text.substr(at + 10, text.find('\n', at) - at - 10);
  const auto result = explain(load({GetParam()}));
  EXPECT_EQ(rules(result), std::vector<std::string>{want});
  for (const auto& p : result.pdus)
    if (p.violation) {
      EXPECT_FALSE(p.violation->reaction.empty());
      EXPECT_FALSE(p.violation->phase.empty());
    }
}

std::vector<fs::path> malformed() { return hex_files(kGolden / "malformed"); }

INSTANTIATE_TEST_SUITE_P(Corpus, Malformed, ::testing::ValuesIn(malformed()), [](const auto& info) {
  std::string s = info.param.stem().string();
  for (char& c : s)
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  return s;
});

const PduReport& nth(const ExplainResult& r, std::size_t i) { return r.pdus.at(i); }

TEST(Explain, DecodesEpmStubsOfRequestsAndResponses) {
  const auto r = explain(load(hex_files(kGolden / "captures/impacket_ept_map_registered")));
  ASSERT_EQ(r.pdus.size(), 4u);
  EXPECT_EQ(nth(r, 2).interface, "epm v3.0 (C706)");
  EXPECT_EQ(nth(r, 2).operation, "ept_map request");
  EXPECT_NE(nth(r, 2).stub.find("12345778-1234-abcd-ef00-0123456789ab"), std::string::npos);
  EXPECT_EQ(nth(r, 3).operation, "ept_map response");
  EXPECT_NE(nth(r, 3).stub.find("port 49153"), std::string::npos);
}

TEST(Explain, DecodesMgmtAndReassembledStubs) {
  const auto mgmt = explain(load(hex_files(kGolden / "captures/impacket_mgmt_inq_if_ids")));
  EXPECT_EQ(nth(mgmt, 3).operation, "rpc__mgmt_inq_if_ids response");  // the IDL name (C706 Appendix Q)
  EXPECT_FALSE(nth(mgmt, 3).stub.empty());
  const auto frag = explain(load(hex_files(kGolden / "captures/raw_bind_small_fragments")));
  ASSERT_EQ(frag.pdus.size(), 6u);
  EXPECT_TRUE(nth(frag, 3).stub.empty());  // first of three response fragments
  EXPECT_NE(nth(frag, 5).stub.find("ept_lookup response"), std::string::npos);
  const auto req = explain(load(hex_files(kGolden / "captures/raw_fragmented_request")));
  EXPECT_NE(nth(req, 3).stub.find("ept_map request"), std::string::npos);
}

TEST(Explain, ReactionsFollowThePhase) {
  const auto before = explain(load(hex_files(kGolden / "captures/raw_request_before_bind")));
  ASSERT_TRUE(nth(before, 0).violation);
  EXPECT_EQ(nth(before, 0).violation->phase, "awaiting_bind");
  EXPECT_EQ(nth(before, 0).violation->reaction, "bind_nak reason=4 (protocol_version_not_supported), close");
  const auto opnum = explain(load(hex_files(kGolden / "captures/raw_epm_opnum_out_of_range")));
  ASSERT_TRUE(nth(opnum, 2).violation);
  EXPECT_EQ(nth(opnum, 2).violation->phase, "in_call");
  EXPECT_EQ(nth(opnum, 2).violation->reaction, "fault status=0x1c010002 (nca_s_op_rng_error) did_not_execute");
}

// PDUs back to back in one raw input are split; a cut-off last PDU is
// reported with its rule and the ones before it still explained.
TEST(Explain, SplitsBackToBackPdusAndReportsATruncatedTail) {
  auto chunks = load({kGolden / "captures/impacket_ept_lookup/01-c2s-bind.hex",
                      kGolden / "captures/impacket_ept_lookup/03-c2s-request.hex"});
  ASSERT_EQ(chunks.size(), 2u);
  Chunk joined = chunks[0];
  joined.bytes.insert(joined.bytes.end(), chunks[1].bytes.begin(), chunks[1].bytes.end());
  joined.bytes.resize(joined.bytes.size() - 10);
  const auto r = explain({joined});
  ASSERT_EQ(r.pdus.size(), 2u);
  EXPECT_FALSE(nth(r, 0).violation);
  ASSERT_TRUE(nth(r, 1).violation);
  EXPECT_EQ(nth(r, 1).violation->rule, "pdu.frag_length_mismatch");
  EXPECT_EQ(nth(r, 1).offset, 72u);
}

}  // namespace
}  // namespace rampart::cli
