// Per-connection statistics, as Endpoint::stats() reports them. Plain data.
// Threads: plain data; read on the endpoint's thread (the pointer stats()
// returns is refreshed by each stats() call and lives as long as the peer).
#pragma once

#include <cstdint>

namespace ptnet::rudp {

struct PeerStats {
  // RTT estimator (RFC 6298 / RFC 9002), nanoseconds; 0 before the first sample.
  uint64_t srtt_ns = 0;
  uint64_t rttvar_ns = 0;
  uint64_t min_rtt_ns = 0;
  uint64_t latest_rtt_ns = 0;
  uint64_t rto_ns = 0;          // current retransmission timeout, backoff included
  uint32_t rtt_samples = 0;
  uint32_t rto_backoff = 0;     // consecutive timeouts (RTO = base << backoff, capped)

  // Congestion and flow control, bytes (window: reliable units).
  uint32_t cwnd = 0;
  uint32_t ssthresh = 0;
  uint32_t bytes_in_flight = 0;
  uint32_t peer_window = 0;     // units the peer accepts beyond what it acked
  uint32_t send_queue_bytes = 0;// queued + unacked message bytes (the send budget)

  // Traffic.
  uint64_t bytes_in = 0, bytes_out = 0;
  uint64_t datagrams_in = 0, datagrams_out = 0;
  uint64_t acks_out = 0;          // standalone ACK datagrams (acks riding on data not counted)
  uint64_t messages_in = 0, messages_out = 0;

  // Recovery.
  uint64_t retransmits = 0;       // units sent again
  uint64_t packets_lost = 0;      // packets declared lost (threshold or timeout)
  uint64_t fast_retransmits = 0;  // loss detections by packet/time threshold (before RTO)
  uint64_t rto_timeouts = 0;
  uint64_t loss_episodes = 0;     // multiplicative decreases
  uint64_t spurious_acks = 0;     // acks of packets never sent (ignored)
  uint64_t spurious_losses = 0;   // packets declared lost, then acked (reordering, not loss)
  uint32_t reorder_threshold = 0; // packet threshold in use (raised by spurious losses)

  // Receive side.
  uint64_t duplicates = 0;        // duplicate packets and units dropped
  uint64_t stale_unreliable = 0;  // unreliable messages older than the newest delivered
  uint64_t window_drops = 0;      // units beyond the advertised window
  uint64_t reassembly_drops = 0;  // units dropped at the reassembly cap
  uint64_t bad_fragments = 0;     // inconsistent fragment runs skipped
  uint32_t reorder_units = 0;     // units held (out of order, partial messages, paused)
  uint32_t reorder_bytes = 0;
  uint32_t reorder_peak_units = 0;
};

}  // namespace ptnet::rudp
