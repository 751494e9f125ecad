// Golden tests over captures from real peers and the malformed corpus.
//
// captures/<session>/<NN>-<c2s|s2c>-<ptype>.hex: one PDU each. The test
// decodes it, checks encode() reproduces it byte for byte, and compares
// describe() with expected/<session>/<same name>.describe. Run with
// RAMPART_UPDATE_GOLDEN=1 to rewrite the expected files after a deliberate
// change to describe(), and review the diff.
//
// malformed/<name>.hex: a "# expect: <domain>.<code>" line names the error
// decode must return.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "rampart/base/hex.hpp"
#include "rampart/pdu/pdu.hpp"

namespace rampart {
namespace {

namespace fs = std::filesystem;
const fs::path kRoot = RAMPART_GOLDEN_DIR;

std::string read_text(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::vector<fs::path> files_under(const fs::path& dir, std::string_view ext) {
  std::vector<fs::path> out;
  if (!fs::is_directory(dir)) return out;
  for (const auto& e : fs::recursive_directory_iterator(dir))
    if (e.is_regular_file() && e.path().extension() == ext) out.push_back(e.path());
  std::sort(out.begin(), out.end());
  return out;
}

std::string name_of(const fs::path& p, const fs::path& base) {
  std::string s = fs::relative(p, base).replace_extension().string();
  for (char& c : s)
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  return s;
}

// The "# expect: domain.code" line of a PDU that must be refused, or "".
std::string expected_error(const std::string& text) {
  const auto at = text.find("# expect: ");
  if (at == std::string::npos) return {};
  return text.substr(at + 10, text.find('\n', at) - at - 10);
}

void expect_refused(const fs::path& file, const std::string& text, const std::string& want) {
  const auto bytes = parse_hex(text);
  ASSERT_TRUE(bytes) << file << " is not hex";
  auto pdu = pdu::decode(*bytes);
  ASSERT_FALSE(pdu) << file << " decoded";
  const std::string got = std::string(to_string(pdu.error().domain())) + "." + std::string(pdu.error().code_name());
  EXPECT_EQ(got, want) << pdu.error().to_string();
}

class Capture : public ::testing::TestWithParam<fs::path> {};

// A capture may hold a PDU a peer sent on purpose to be refused (a 5.1
// bind); its "# expect:" line names the rule, as in malformed/.
TEST_P(Capture, RoundTripsAndDescribesAsPinned) {
  const fs::path& file = GetParam();
  const std::string raw = read_text(file);
  if (const auto want = expected_error(raw); !want.empty()) return expect_refused(file, raw, want);
  const auto bytes = parse_hex(raw);
  ASSERT_TRUE(bytes) << file << " is not hex";
  auto pdu = pdu::decode(*bytes);
  ASSERT_TRUE(pdu) << file << ": " << pdu.error().to_string();
  EXPECT_EQ(pdu::encode(*pdu), *bytes) << file << " does not re-encode byte for byte";
  const std::string text = pdu::describe(*pdu);
  const fs::path expected = kRoot / "expected" / fs::relative(file, kRoot / "captures").replace_extension(".describe");
  if (std::getenv("RAMPART_UPDATE_GOLDEN")) {
    fs::create_directories(expected.parent_path());
    std::ofstream(expected) << text;
    return;
  }
  ASSERT_TRUE(fs::exists(expected)) << expected << " missing; run with RAMPART_UPDATE_GOLDEN=1";
  EXPECT_EQ(text, read_text(expected)) << file;
}

INSTANTIATE_TEST_SUITE_P(Peers, Capture, ::testing::ValuesIn(files_under(kRoot / "captures", ".hex")),
                         [](const auto& info) { return name_of(info.param, kRoot / "captures"); });

class Malformed : public ::testing::TestWithParam<fs::path> {};

TEST_P(Malformed, IsRefusedWithItsRule) {
  const std::string text = read_text(GetParam());
  const std::string want = expected_error(text);
  ASSERT_FALSE(want.empty()) << GetParam() << " has no '# expect:' line";
  expect_refused(GetParam(), text, want);
}

INSTANTIATE_TEST_SUITE_P(Corpus, Malformed, ::testing::ValuesIn(files_under(kRoot / "malformed", ".hex")),
                         [](const auto& info) { return name_of(info.param, kRoot / "malformed"); });

}  // namespace
}  // namespace rampart
