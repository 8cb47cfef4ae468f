// Round-trip time estimator: RFC 6298's smoothed RTT and variance, fed with
// RFC 9002's ack-delay-aware samples. Packet numbers are never reused (a
// retransmission travels in a new packet), so every sample is unambiguous and
// Karn's rule is not needed.
//
//   sample  = now - sent time of the largest newly acked packet
//   min_rtt = min(min_rtt, sample)
//   adj     = sample - ack_delay   if that stays >= min_rtt, else sample
//   first:  srtt = adj, rttvar = adj / 2
//   then:   rttvar = 3/4 rttvar + 1/4 |srtt - adj|,  srtt = 7/8 srtt + 1/8 adj
//   RTO     = clamp(srtt + max(granularity, 4 rttvar) + max_ack_delay, min_rto, max_rto)
//
// Threads: one owner thread. Plain value.
#pragma once

#include <cstdint>

namespace ptnet::rudp {

class RttEstimator {
 public:
  static constexpr uint64_t kGranularityNs = 1'000'000;

  void reset(uint64_t initial_rtt_ns) {
    srtt_ = initial_rtt_ns;
    rttvar_ = initial_rtt_ns / 2;
    min_ = latest_ = 0;
    samples_ = 0;
  }
  void on_sample(uint64_t rtt_ns, uint64_t ack_delay_ns);

  // The base retransmission timeout (before backoff).
  uint64_t rto_ns(uint64_t max_ack_delay_ns, uint64_t min_rto_ns, uint64_t max_rto_ns) const;
  // The time-threshold loss delay: eighths/8 x max(srtt, latest) (RFC 9002:
  // 9/8), at least the granularity.
  uint64_t loss_delay_ns(uint32_t eighths = 9) const;

  uint64_t srtt_ns() const { return srtt_; }
  uint64_t rttvar_ns() const { return rttvar_; }
  uint64_t min_rtt_ns() const { return min_; }
  uint64_t latest_ns() const { return latest_; }
  uint32_t samples() const { return samples_; }
  bool has_sample() const { return samples_ != 0; }

 private:
  uint64_t srtt_ = 0;
  uint64_t rttvar_ = 0;
  uint64_t min_ = 0;
  uint64_t latest_ = 0;
  uint32_t samples_ = 0;
};

}  // namespace ptnet::rudp
