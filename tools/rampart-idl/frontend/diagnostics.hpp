// Source locations and the diagnostics every stage reports through.
//
// Every message is "file:line:column: error: what is wrong", the form
// compilers and editors already understand. Stages keep going after an
// error where they can, so one run reports as much as it finds.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace rampart::idl {

struct Loc {
  std::string file;
  std::uint32_t line = 0;
  std::uint32_t column = 0;
};

class Diagnostics {
 public:
  void error(const Loc& at, std::string what) { add(at, "error", std::move(what)), ++errors_; }
  void warning(const Loc& at, std::string what) { add(at, "warning", std::move(what)); }

  [[nodiscard]] bool failed() const noexcept { return errors_ != 0; }
  [[nodiscard]] std::size_t error_count() const noexcept { return errors_; }
  [[nodiscard]] const std::vector<std::string>& messages() const noexcept { return messages_; }
  /// All messages, one a line.
  [[nodiscard]] std::string text() const {
    std::string out;
    for (const auto& m : messages_) out += m + "\n";
    return out;
  }

 private:
  void add(const Loc& at, const char* kind, std::string what) {
    messages_.push_back(at.file + ":" + std::to_string(at.line) + ":" + std::to_string(at.column) + ": " +
                        kind + ": " + what);
  }
  std::vector<std::string> messages_;
  std::size_t errors_ = 0;
};

}  // namespace rampart::idl
