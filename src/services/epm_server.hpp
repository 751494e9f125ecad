// The endpoint mapper's implementation of the server skeleton generated
// from idl/c706/epm.idl (spec::epm::ept_server). The generated
// ept_dispatcher decodes every request with full validation first
// (correlations, [range(0, 500)] on max_ents and max_towers, twr_t's
// [range(0, twr_max_tower_octets)], the 64-char annotation, aliased [ptr]
// referents), so these methods see only well-formed values. Conventions:
// rampart/services/epm_service.hpp.
#pragma once

#include <memory>

#include "epm.hpp"
#include "rampart/services/endpoint_database.hpp"

namespace rampart::services {

namespace epm = spec::epm;

class EptServer final : public epm::ept_server {
 public:
  explicit EptServer(std::shared_ptr<EndpointDatabase> db) : db_(std::move(db)) {}

  template <class T>
  using Reply = std::expected<T, std::uint32_t>;

  Reply<epm::ept_insert_response> ept_insert(const runtime::CallContext& ctx, epm::ept_insert_request r) override;
  Reply<epm::ept_delete_response> ept_delete(const runtime::CallContext& ctx, epm::ept_delete_request r) override;
  Reply<epm::ept_lookup_response> ept_lookup(const runtime::CallContext& ctx, epm::ept_lookup_request r) override;
  Reply<epm::ept_map_response> ept_map(const runtime::CallContext& ctx, epm::ept_map_request r) override;
  Reply<epm::ept_lookup_handle_free_response> ept_lookup_handle_free(
      const runtime::CallContext& ctx, epm::ept_lookup_handle_free_request r) override;
  Reply<epm::ept_inq_object_response> ept_inq_object(const runtime::CallContext& ctx,
                                                      epm::ept_inq_object_request r) override;
  Reply<epm::ept_mgmt_delete_response> ept_mgmt_delete(const runtime::CallContext& ctx,
                                                        epm::ept_mgmt_delete_request r) override;
  Reply<epm::ept_map_auth_response> ept_map_auth(const runtime::CallContext& ctx,
                                                  epm::ept_map_auth_request r) override;

  [[nodiscard]] Owner owner_for(const runtime::PeerInfo& peer) const;
  [[nodiscard]] EndpointDatabase& database() noexcept { return *db_; }

 private:
  std::shared_ptr<EndpointDatabase> db_;
};

/// A twr_t holding `octets` (tower_length agrees with them).
inline spec::nbase::twr_t make_twr(std::vector<std::uint8_t> octets) {
  spec::nbase::twr_t t;
  t.tower_length = static_cast<std::uint32_t>(octets.size());
  t.tower_octet_string = std::move(octets);
  return t;
}

}  // namespace rampart::services
