// Helpers shared by the RUDP tests: configurations, payloads that carry
// their own index (so order and integrity can be checked), and a datagram
// crafter that seals with a session key learnt from the wire (as an on-path
// observer would).
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <vector>

#include "rudp/Wire.h"
#include "simd/Simd.h"
#include "tests/rudp/SimNet.h"

namespace ptnet::rudp::test {

constexpr uint64_t kMs = 1'000'000;
constexpr uint64_t kSec = 1'000'000'000;

inline EndpointConfig server_config(uint64_t seed = 7) {
  EndpointConfig c;
  c.role = Role::Server;
  c.rng_seed = seed;
  return c;
}

inline EndpointConfig client_config(uint64_t seed = 11) {
  EndpointConfig c;
  c.role = Role::Client;
  c.rng_seed = seed;
  return c;
}

// A message of `len` bytes whose first 4 bytes are its index (when len >= 4)
// and the rest a pattern derived from it.
inline Bytes make_message(uint32_t index, size_t len) {
  Bytes b(len);
  for (size_t i = 0; i < len; ++i) b[i] = uint8_t(index * 31 + i * 7 + (i >> 8));
  if (len >= 4) std::memcpy(b.data(), &index, 4);
  return b;
}

// Header + body sealed with `key` (handshake packets: wire::kHandshakeSeed).
inline Bytes craft(uint8_t type, uint32_t seq, uint32_t ack, uint16_t window, uint8_t flags, const Bytes& body,
                   uint32_t key) {
  Bytes d(wire::kHeaderSize + body.size());
  simd::Header14 h{};
  h.type = type;
  h.seq = seq;
  h.ack = ack;
  h.window = window;
  h.flags = flags;
  simd::encode_header(h, d.data());
  if (!body.empty()) std::memcpy(d.data() + wire::kHeaderSize, body.data(), body.size());
  wire::store_checksum(d.data(), simd::checksum(d.data(), d.size(), key));
  return d;
}

// Re-seals a (possibly modified) datagram with `key`.
inline void reseal(Bytes& d, uint32_t key) {
  d[wire::kChecksumOffset] = d[wire::kChecksumOffset + 1] = 0;
  wire::store_checksum(d.data(), simd::checksum(d.data(), d.size(), key));
}

// One frame (wire layout) appended to `out`.
inline void put_frame(Bytes& out, uint8_t kind, uint32_t seq, const Bytes& payload, uint16_t index = 0,
                      uint16_t count = 0) {
  uint8_t hdr[11];
  size_t n = 0;
  hdr[n++] = kind;
  wire::store16(hdr + n, uint16_t(payload.size()));
  n += 2;
  wire::store32(hdr + n, seq);
  n += 4;
  if (kind == wire::kKindFragment) {
    wire::store16(hdr + n, index);
    wire::store16(hdr + n + 2, count);
    n += 4;
  }
  out.insert(out.end(), hdr, hdr + n);
  out.insert(out.end(), payload.begin(), payload.end());
}

// Taps a SimNet and remembers session keys from ACCEPTs (by client address).
struct KeySniffer {
  std::vector<std::pair<SockAddr, uint32_t>> keys;
  void attach(SimNet& net) {
    net.tap = [this](int, const uint8_t* d, size_t len, const SockAddr& to) {
      if (len >= wire::kHeaderSize + wire::kAcceptBody && d[0] == wire::kAccept) {
        keys.emplace_back(to, wire::load32(d + wire::kHeaderSize + 9));
      }
    };
  }
  uint32_t key_for(const SockAddr& a) const {
    for (auto& k : keys) {
      if (k.first == a) return k.second;
    }
    ADD_FAILURE() << "no ACCEPT seen for that address";
    return 0;
  }
};

}  // namespace ptnet::rudp::test
