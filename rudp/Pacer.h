// Token-bucket pacer: ack-eliciting packets spend tokens that refill at
// 1.25 x cwnd / srtt, with a bucket of `burst` bytes, so a window is spread
// over the round trip instead of leaving in one burst. Before the first RTT
// sample there is no rate and nothing is paced.
//
// Threads: one owner thread. Plain value.
#pragma once

#include <cstdint>

namespace ptnet::rudp {

class Pacer {
 public:
  // Nanoseconds until the next packet may leave (0: now), after refilling.
  // A packet may leave while the balance is positive; it may overdraw it, and
  // the debt delays the next one.
  uint64_t delay_ns(uint64_t now_ns, uint32_t cwnd, uint64_t srtt_ns, uint32_t burst);
  void on_sent(uint32_t bytes) { tokens_ -= int64_t(bytes); }
  int64_t tokens() const { return tokens_; }

 private:
  uint64_t last_ns_ = 0;
  int64_t tokens_ = INT64_MAX / 2;  // full until the first refill
};

}  // namespace ptnet::rudp
