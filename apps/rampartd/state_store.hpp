// StateStore: the registrations made over the static socket, kept in
// STATE_DIR/registrations so that a restart (or a crash) does not lose
// them. The rule (rampartd(8), STATE):
//  - entries registered over the static socket are written before the
//    caller gets its answer, so an acknowledged registration survives
//    SIGKILL, and are restored at start;
//  - entries registered over the local socket belong to their connection
//    and are never written: a server that is gone is not advertised, and
//    a live one registers again when it reconnects;
//  - entries from the configuration come from the configuration.
// The file is replaced atomically (write a temporary file, fsync, rename,
// fsync the directory), so a crash leaves the old or the new state, never a
// mixture.
#pragma once

#include <expected>
#include <mutex>
#include <string>
#include <vector>

#include "rampart/services/endpoint_database.hpp"

namespace rampartd {

class StateStore {
 public:
  /// `dir` empty: nothing is kept.
  explicit StateStore(std::string dir) : dir_(std::move(dir)) {}

  [[nodiscard]] bool enabled() const noexcept { return !dir_.empty(); }
  [[nodiscard]] std::string path() const { return dir_ + "/registrations"; }

  /// Creates the directory (mode 0700) when missing; an error names the
  /// option and key that choose another.
  [[nodiscard]] std::expected<void, std::string> prepare() const;

  /// The static entries in the file; lines that do not parse or no longer
  /// form a valid entry are skipped and counted in `skipped`.
  [[nodiscard]] std::vector<rampart::services::Entry> load(std::size_t& skipped) const;

  /// Writes the static entries (owner nullopt) of `db`. Serialised: the last
  /// writer writes the latest snapshot.
  [[nodiscard]] std::expected<void, std::string> save(const rampart::services::EndpointDatabase& db);

 private:
  std::string dir_;
  std::mutex mutex_;
};

}  // namespace rampartd
