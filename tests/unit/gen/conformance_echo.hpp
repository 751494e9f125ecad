// The conformance interface's reference server (idl/test/conformance.idl):
// every operation echoes its input where the shapes allow, so a client can
// check each language feature by comparing what it sent with what came
// back. end_to_end_test.cpp hosts it on a transport::Server, and
// conformance_module.cpp makes it a service module that rampartd hosts.
#pragma once

#include <cstdint>
#include <expected>
#include <vector>

#include "conformance.hpp"

namespace rampart::conformance {

/// Answers every operation by echoing its input where the shapes allow.
class Echo final : public conformance_server {
 public:
  using R = std::uint32_t;
  std::expected<op_base_types_response, R> op_base_types(const runtime::CallContext&, op_base_types_request q) override {
    return op_base_types_response{q.v, 0};
  }
  std::expected<op_enums_response, R> op_enums(const runtime::CallContext&, op_enums_request q) override {
    return op_enums_response{q.c, q.s, 0};
  }
  std::expected<op_fixed_arrays_response, R> op_fixed_arrays(const runtime::CallContext&,
                                                            op_fixed_arrays_request q) override {
    return op_fixed_arrays_response{q.v, 0};
  }
  std::expected<op_conformant_struct_response, R> op_conformant_struct(const runtime::CallContext&,
                                                                      op_conformant_struct_request q) override {
    return op_conformant_struct_response{q.t, 0};
  }
  std::expected<op_conformant_param_response, R> op_conformant_param(const runtime::CallContext&,
                                                                    op_conformant_param_request q) override {
    op_conformant_param_response r;
    r.max = q.max;
    for (auto b : q.data) r.values.push_back(b);
    r.len = static_cast<std::uint32_t>(r.values.size());
    return r;
  }
  std::expected<op_varying_response, R> op_varying(const runtime::CallContext&, op_varying_request q) override {
    return op_varying_response{q.cv, 0};
  }
  std::expected<op_first_last_response, R> op_first_last(const runtime::CallContext&, op_first_last_request) override {
    return op_first_last_response{};
  }
  std::expected<op_strings_response, R> op_strings(const runtime::CallContext&, op_strings_request q) override {
    return op_strings_response{q.v, 0};
  }
  std::expected<op_range_response, R> op_range(const runtime::CallContext&, op_range_request q) override {
    return op_range_response{q.count};
  }
  std::expected<op_pointers_response, R> op_pointers(const runtime::CallContext&, op_pointers_request q) override {
    return op_pointers_response{q.v, 0};
  }
  std::expected<op_pointer_array_response, R> op_pointer_array(const runtime::CallContext&,
                                                              op_pointer_array_request) override {
    return op_pointer_array_response{};
  }
  std::expected<op_nonencap_union_response, R> op_nonencap_union(const runtime::CallContext&,
                                                                op_nonencap_union_request q) override {
    return op_nonencap_union_response{q.v, 0};
  }
  std::expected<op_encap_union_response, R> op_encap_union(const runtime::CallContext&,
                                                          op_encap_union_request q) override {
    return op_encap_union_response{q.v, 0};
  }
  std::expected<op_context_handle_response, R> op_context_handle(const runtime::CallContext&,
                                                                op_context_handle_request q) override {
    return op_context_handle_response{q.h, 0};
  }
  std::expected<op_pipe_response, R> op_pipe(const runtime::CallContext&, op_pipe_request q) override {
    return op_pipe_response{static_cast<std::uint32_t>(q.p.size()), 0};
  }
  std::expected<op_handle_response, R> op_handle(const runtime::CallContext&, op_handle_request q) override {
    return op_handle_response{q.g, q.v};
  }
  std::expected<op_multilevel_response, R> op_multilevel(const runtime::CallContext&,
                                                        op_multilevel_request q) override {
    op_multilevel_response r;
    r.count = q.n;
    r.values = std::vector<std::int32_t>(q.n, 42);
    return r;
  }
  std::expected<op_void_response, R> op_void(const runtime::CallContext&, op_void_request q) override {
    if (!q.b) return std::unexpected(0x1c010003u);
    return op_void_response{};
  }
  // -1 for a NULL array, so that NULL and empty differ.
  std::expected<op_unique_array_response, R> op_unique_array(const runtime::CallContext&,
                                                            op_unique_array_request q) override {
    if (!q.values) return op_unique_array_response{-1, 0};
    std::int32_t sum = 0;
    for (auto v : *q.values) sum += v;
    return op_unique_array_response{sum, 0};
  }
  // An empty text comes back as a NULL string pointer.
  std::expected<op_string_out_response, R> op_string_out(const runtime::CallContext&,
                                                        op_string_out_request q) override {
    op_string_out_response r;
    if (!q.text.empty()) r.echoed = q.text + u"!";
    return r;
  }
};

}  // namespace rampart::conformance
