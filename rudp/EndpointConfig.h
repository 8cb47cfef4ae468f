// Every tunable of an Endpoint, with the defaults a game server on a LAN or
// the internet wants. Plain data; Endpoint's constructor validates it
// (PTNET_ASSERT: a bad configuration is a programming error).
// Threads: plain data, any thread (the Endpoint keeps its own copy).
#pragma once

#include <cstdint>

namespace ptnet::rudp {

enum class Role : uint8_t { Server, Client };

struct EndpointConfig {
  Role role = Role::Server;

  // --- sizes ---
  uint32_t mtu = 1200;                  // largest datagram built (UDP payload), 256..kMaxDatagram
  uint32_t max_peers = 4096;            // connections at once (server: beyond it CONNECT gets REFUSE)
  uint32_t max_message = 64 * 1024;     // largest message; above max_unit_payload() it is fragmented
  uint32_t rx_window = 256;             // reliable units a receiver buffers (power of two, 16..4096)
  uint32_t reassembly_cap = 256 * 1024; // bytes of out-of-order units held per peer (beyond: dropped, counted)
  uint32_t max_send_queue = 1 << 20;    // send budget per peer: bytes queued + unacked (beyond: -ENOBUFS)
  uint32_t max_in_flight_packets = 4096;// sent-packet records per peer (a second cap next to cwnd)

  // --- reliability ---
  uint64_t ack_delay_ns = 10'000'000;   // longest a receiver holds an ack back (no data to piggy-back on)
  uint32_t ack_every = 2;               // ...or until this many ack-eliciting packets arrived
  uint64_t initial_rtt_ns = 100'000'000;// RTT assumed before the first sample
  uint64_t min_rto_ns = 100'000'000;
  uint64_t max_rto_ns = 60'000'000'000; // exponential backoff stops here (seed: 60 s)
  uint32_t packet_threshold = 3;        // lost when this many later packets are acked (RFC 9002); 1..32, raised by reordering

  // --- congestion control ---
  uint32_t initial_cwnd_packets = 10;   // in mtu-sized packets
  uint32_t min_cwnd_packets = 2;
  uint32_t max_cwnd = 4 << 20;          // bytes
  bool pacing = true;                   // token bucket at 1.25 x cwnd / srtt

  // --- liveness ---
  uint64_t keepalive_ns = 1'000'000'000;        // PING after this long without hearing from the peer
  uint64_t idle_timeout_ns = 10'000'000'000;    // disconnect after this long without hearing from it
  uint64_t handshake_rto_ns = 250'000'000;      // client: first HELLO/CONNECT retransmission
  uint64_t handshake_timeout_ns = 5'000'000'000;
  uint32_t close_retries = 4;                   // CLOSE retransmissions before giving up
  uint64_t time_wait_ns = 2'000'000'000;        // a closed-by-peer slot answers stray CLOSEs this long

  // --- handshake (server) ---
  uint32_t min_hello = 1200;                    // smaller HELLOs are dropped (anti-amplification)
  uint64_t secret_rotation_ns = 30'000'000'000; // cookie secrets rotate; current + previous accepted
  uint64_t cookie_lifetime_ns = 30'000'000'000;

  // --- determinism (tests, simulations) ---
  uint64_t rng_seed = 0;        // 0: secrets, nonces and session keys from libsodium's randombytes
  uint32_t initial_seq = 0;     // first packet and message number (tests start near 2^32 to cross the wrap)
};

}  // namespace ptnet::rudp
