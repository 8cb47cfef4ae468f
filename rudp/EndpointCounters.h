// Endpoint-wide counters (errors on the data path are counted here, never
// logged). Plain data; Endpoint::counters() returns a copy.
// Threads: plain data; the copy is the caller's.
#pragma once

#include <cstdint>

namespace ptnet::rudp {

struct EndpointCounters {
  uint64_t datagrams_in = 0, datagrams_out = 0;
  uint64_t bytes_in = 0, bytes_out = 0;

  // Handshakes.
  uint64_t hellos = 0;                 // server: valid HELLOs answered with a COOKIE
  uint64_t handshakes_started = 0;     // client: connect() calls
  uint64_t handshakes_completed = 0;   // both: connections established
  uint64_t handshakes_refused = 0;     // server: REFUSE sent; client: REFUSE received
  uint64_t handshakes_timed_out = 0;   // client
  uint64_t bad_cookie = 0;             // CONNECT with a wrong, expired or foreign cookie
  uint64_t amplification_limited = 0;  // HELLOs too short to answer under the 3x rule
  uint64_t handshake_ignored = 0;      // handshake packets for no pending handshake (stale, wrong role)
  uint64_t replies_dropped = 0;        // stateless replies beyond the per-pass queue (the client retries)
  uint64_t replaced = 0;               // connections replaced by a new handshake from their address

  // Garbage.
  uint64_t bad_checksum = 0;
  uint64_t malformed = 0;              // short, unknown type, reserved bits, bad lengths, bad frames
  uint64_t unknown_peer = 0;           // session packets from an address with no connection
  uint64_t not_established = 0;        // session packets for a connection still in its handshake

  // Lifecycle.
  uint64_t peers = 0, peers_peak = 0;
  uint64_t timeouts = 0;
  uint64_t closed_by_peer = 0, closed_locally = 0;
  uint64_t tx_buffer_unavailable = 0;  // flushes cut short by tx_buffer() == nullptr
};

}  // namespace ptnet::rudp
