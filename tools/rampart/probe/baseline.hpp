// The baseline session run on each host before its probes (baseline.cpp).
#pragma once

#include <asio/awaitable.hpp>
#include <asio/ip/tcp.hpp>

#include "engine.hpp"
#include "probe_conn.hpp"
#include "report_types.hpp"

namespace rampart::probe {

[[nodiscard]] asio::awaitable<Baseline> run_baseline(const asio::ip::tcp::endpoint& ep, const EngineOptions& o);

}  // namespace rampart::probe
