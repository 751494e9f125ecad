#include "pcap_reader.hpp"

#include <pcap/pcap.h>

#include <cstdio>
#include <map>
#include <memory>
#include <span>

#include <fmt/format.h>

namespace rampart::cli {

namespace {

using Span = std::span<const std::uint8_t>;

std::uint16_t be16(Span b, std::size_t at) { return static_cast<std::uint16_t>(b[at] << 8 | b[at + 1]); }
std::uint32_t be32(Span b, std::size_t at) {
  return static_cast<std::uint32_t>(b[at]) << 24 | b[at + 1] << 16 | b[at + 2] << 8 | b[at + 3];
}

struct Endpoint {
  std::vector<std::uint8_t> addr;
  std::uint16_t port = 0;
  friend auto operator<=>(const Endpoint&, const Endpoint&) = default;
};

struct Segment {
  Endpoint src, dst;
  std::uint32_t seq = 0;
  bool syn = false, ack = false;
  Span payload;
};

// The IP packet inside one link-layer frame, or an empty span.
Span ip_payload(int linktype, Span f) {
  std::size_t at = 0;
  switch (linktype) {
    case DLT_EN10MB: {
      if (f.size() < 14) return {};
      std::uint16_t type = be16(f, 12);
      at = 14;
      while ((type == 0x8100 || type == 0x88a8) && f.size() >= at + 4) {  // 802.1Q/802.1ad tags
        type = be16(f, at + 2);
        at += 4;
      }
      if (type != 0x0800 && type != 0x86dd) return {};
      break;
    }
    case DLT_NULL:
    case DLT_LOOP: at = 4; break;  // address family, then the IP packet
    case DLT_LINUX_SLL: at = 16; break;
    case DLT_LINUX_SLL2: at = 20; break;
    case DLT_RAW:
#ifdef DLT_IPV4
    case DLT_IPV4:
    case DLT_IPV6:
#endif
      at = 0;
      break;
    default: return {};
  }
  return at < f.size() ? f.subspan(at) : Span{};
}

// The TCP header and payload of an IPv4 or IPv6 packet; fills addresses.
Span tcp_of(Span ip, Segment& s) {
  if (ip.empty()) return {};
  const unsigned version = ip[0] >> 4;
  if (version == 4) {
    if (ip.size() < 20) return {};
    const std::size_t ihl = (ip[0] & 0x0f) * 4u, total = be16(ip, 2);
    if (ihl < 20 || total < ihl || total > ip.size() || ip[9] != 6) return {};
    if ((be16(ip, 6) & 0x3fff) != 0) return {};  // IP fragments are not reassembled
    s.src.addr.assign(ip.begin() + 12, ip.begin() + 16);
    s.dst.addr.assign(ip.begin() + 16, ip.begin() + 20);
    return ip.subspan(ihl, total - ihl);
  }
  if (version != 6 || ip.size() < 40) return {};
  const std::size_t total = 40u + be16(ip, 4);
  if (total > ip.size()) return {};
  s.src.addr.assign(ip.begin() + 8, ip.begin() + 24);
  s.dst.addr.assign(ip.begin() + 24, ip.begin() + 40);
  std::uint8_t next = ip[6];
  std::size_t at = 40;
  // Hop-by-hop, routing and destination options headers, bounded by the packet.
  while ((next == 0 || next == 43 || next == 60) && at + 8 <= total) {
    next = ip[at];
    at += (ip[at + 1] + 1u) * 8u;
  }
  if (next != 6 || at > total) return {};
  return ip.subspan(at, total - at);
}

bool parse_segment(int linktype, Span frame, Segment& s) {
  const Span tcp = tcp_of(ip_payload(linktype, frame), s);
  if (tcp.size() < 20) return false;
  const std::size_t offset = (tcp[12] >> 4) * 4u;
  if (offset < 20 || offset > tcp.size()) return false;
  s.src.port = be16(tcp, 0);
  s.dst.port = be16(tcp, 2);
  s.seq = be32(tcp, 4);
  s.syn = (tcp[13] & 0x02) != 0;
  s.ack = (tcp[13] & 0x10) != 0;
  s.payload = tcp.subspan(offset);
  return true;
}

// One direction of a connection, reassembled by sequence number.
struct Flow {
  bool have_next = false;
  std::uint32_t next = 0;
  std::map<std::uint32_t, std::pair<std::vector<std::uint8_t>, std::size_t>> pending;  // seq -> (data, frame)
  Chunk chunk;

  void append(Span data, std::size_t frame, const InputLimits& limits) {
    if (data.empty() || chunk.gap) return;
    if (data.size() > limits.max_stream_octets - std::min(limits.max_stream_octets, chunk.bytes.size())) {
      chunk.gap = fmt::format("more than {} octets; the rest is not read", limits.max_stream_octets);
      return;
    }
    if (chunk.frames.empty() || chunk.frames.back().second != frame) chunk.frames.emplace_back(chunk.bytes.size(), frame);
    chunk.bytes.insert(chunk.bytes.end(), data.begin(), data.end());
    next += static_cast<std::uint32_t>(data.size());
  }

  // Takes a segment: the part past `next` is appended or, when it starts
  // beyond `next`, held until the octets before it arrive.
  void add(std::uint32_t seq, Span data, std::size_t frame, const InputLimits& limits) {
    if (!have_next) {
      have_next = true;
      next = seq;
    }
    const auto rel = static_cast<std::int32_t>(seq - next);
    if (rel > 0) {
      if (pending.size() < limits.max_out_of_order) pending.try_emplace(seq, std::vector(data.begin(), data.end()), frame);
      return;
    }
    const std::size_t skip = static_cast<std::size_t>(-static_cast<std::int64_t>(rel));
    if (skip < data.size()) append(data.subspan(skip), frame, limits);
    drain(limits);
  }

  void drain(const InputLimits& limits) {
    for (bool progress = true; progress;) {
      progress = false;
      for (auto it = pending.begin(); it != pending.end(); ++it) {
        const auto rel = static_cast<std::int32_t>(it->first - next);
        if (rel > 0) continue;
        auto [data, frame] = std::move(it->second);
        pending.erase(it);
        const std::size_t skip = static_cast<std::size_t>(-static_cast<std::int64_t>(rel));
        if (skip < data.size()) append(Span(data).subspan(skip), frame, limits);
        progress = true;
        break;
      }
    }
  }
};

struct Connection {
  Endpoint first;            // the endpoint seen first
  Flow flows[2];             // [0]: sent by `first`, [1]: sent by the other
  int client = -1;           // flow index of the client, once known
  bool client_from_syn = false;
};

struct Reader {
  const InputLimits& limits;
  std::vector<Connection> connections;
  std::map<std::pair<Endpoint, Endpoint>, std::size_t> index;
  std::size_t skipped_connections = 0;

  void add(const Segment& s, std::size_t frame) {
    const auto key = s.src < s.dst ? std::pair(s.src, s.dst) : std::pair(s.dst, s.src);
    auto it = index.find(key);
    if (it == index.end()) {
      if (connections.size() >= limits.max_connections) {
        ++skipped_connections;
        return;
      }
      it = index.emplace(key, connections.size()).first;
      connections.push_back(Connection{s.src, {}, -1, false});
    }
    Connection& c = connections[it->second];
    const int from = s.src == c.first ? 0 : 1;
    Flow& flow = c.flows[from];
    if (s.syn) {
      if (!s.ack && !c.client_from_syn) {
        c.client = from;
        c.client_from_syn = true;
      }
      flow.have_next = true;
      flow.next = s.seq + 1;
      flow.pending.clear();
      return;
    }
    if (s.payload.empty()) return;
    if (c.client < 0) c.client = from;
    flow.add(s.seq, s.payload, frame, limits);
  }

  void finish(LoadedInput& out, const std::string& name, std::size_t first_stream) {
    std::size_t stream = first_stream;
    for (auto& c : connections) {
      if (c.flows[0].chunk.bytes.empty() && c.flows[1].chunk.bytes.empty()) continue;
      const int client = c.client < 0 ? 0 : c.client;
      for (int i : {client, 1 - client}) {
        Chunk& ch = c.flows[i].chunk;
        ch.stream = stream;
        ch.direction = i == client ? Direction::client_to_server : Direction::server_to_client;
        ch.source = fmt::format("{} tcp stream {}", name, stream - first_stream);
        if (!c.flows[i].pending.empty() && !ch.gap)
          ch.gap = fmt::format("{} segment(s) after a sequence gap were not captured in order", c.flows[i].pending.size());
        out.chunks.push_back(std::move(ch));
      }
      ++stream;
    }
    if (skipped_connections)
      out.notes.push_back(fmt::format("{}: {} connection(s) beyond the first {} ignored", name, skipped_connections,
                                      limits.max_connections));
  }
};

}  // namespace

std::optional<LoadedInput> read_pcap(const std::string& name, const std::vector<std::uint8_t>& bytes,
                                     std::size_t first_stream, const InputLimits& limits, std::string& error) {
  // fmemopen needs a mutable buffer; the copy keeps `bytes` const.
  std::vector<std::uint8_t> copy = bytes;
  std::FILE* f = fmemopen(copy.data(), copy.size(), "rb");
  if (!f) {
    error = name + ": cannot open the capture in memory";
    return std::nullopt;
  }
  char errbuf[PCAP_ERRBUF_SIZE] = {};
  std::unique_ptr<pcap_t, void (*)(pcap_t*)> pcap(pcap_fopen_offline(f, errbuf), &pcap_close);
  if (!pcap) {
    std::fclose(f);
    error = name + ": " + errbuf;
    return std::nullopt;
  }
  const int linktype = pcap_datalink(pcap.get());
  Reader reader{limits, {}, {}, 0};
  std::size_t frame = 0, not_tcp = 0;
  pcap_pkthdr* hdr = nullptr;
  const u_char* data = nullptr;
  while (pcap_next_ex(pcap.get(), &hdr, &data) == 1) {
    ++frame;
    Segment s;
    if (parse_segment(linktype, Span(data, hdr->caplen), s))
      reader.add(s, frame);
    else
      ++not_tcp;
  }
  LoadedInput out;
  reader.finish(out, name, first_stream);
  if (not_tcp) out.notes.push_back(fmt::format("{}: {} of {} frame(s) are not TCP and were skipped", name, not_tcp, frame));
  return out;
}

}  // namespace rampart::cli
