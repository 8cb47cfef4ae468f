// Congestion window (NewReno in bytes, as RFC 9002 §7): slow start until
// ssthresh, then one mss per cwnd of acked bytes; on loss, one
// multiplicative decrease per recovery period (losses of packets sent before
// the period began are the same episode); on a retransmission timeout, back
// to the minimum window.
//
//   acked, not in recovery:  cwnd < ssthresh ? cwnd += bytes : cwnd += mss * bytes / cwnd
//   loss (new episode):      ssthresh = max(cwnd / 2, min), cwnd = ssthresh, recovery_start = now
//   timeout:                 ssthresh = max(cwnd / 2, min), cwnd = min
//
// Threads: one owner thread. Plain value.
#pragma once

#include <cstdint>

namespace ptnet::rudp {

class Congestion {
 public:
  void reset(uint32_t mss, uint32_t initial_packets, uint32_t min_packets, uint32_t max_bytes);

  // Bytes a new packet may use now: cwnd less what is in flight (0: blocked).
  uint32_t budget(uint32_t bytes_in_flight) const {
    return bytes_in_flight >= cwnd_ ? 0 : cwnd_ - bytes_in_flight;
  }
  void on_acked(uint32_t bytes, uint64_t sent_ns);
  // True when this loss started a new episode (the window was cut).
  bool on_lost(uint64_t sent_ns, uint64_t now_ns);
  void on_timeout(uint64_t now_ns);

  uint32_t cwnd() const { return cwnd_; }
  uint32_t ssthresh() const { return ssthresh_; }
  bool in_slow_start() const { return cwnd_ < ssthresh_; }

 private:
  uint64_t recovery_start_ = 0;
  uint32_t cwnd_ = 0;
  uint32_t ssthresh_ = UINT32_MAX;
  uint32_t min_ = 0;
  uint32_t max_ = 0;
  uint32_t mss_ = 0;
  uint32_t acc_ = 0;  // congestion avoidance: acked bytes not yet turned into growth
  bool recovering_ = false;
};

}  // namespace ptnet::rudp
