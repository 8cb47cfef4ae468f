#include "rudp/Pacer.h"

namespace ptnet::rudp {

uint64_t Pacer::delay_ns(uint64_t now_ns, uint32_t cwnd, uint64_t srtt_ns, uint32_t burst) {
  if (srtt_ns == 0 || cwnd == 0) return 0;
  if (tokens_ > int64_t(burst)) tokens_ = burst;
  uint64_t elapsed = now_ns > last_ns_ ? now_ns - last_ns_ : 0;
  if (elapsed > srtt_ns) elapsed = srtt_ns;  // a round trip refills past any burst
  last_ns_ = now_ns;
  // rate = 5/4 cwnd per srtt
  tokens_ += int64_t(elapsed * uint64_t(cwnd) * 5 / (4 * srtt_ns));
  if (tokens_ > int64_t(burst)) tokens_ = burst;
  if (tokens_ > 0) return 0;
  const uint64_t debt = uint64_t(-tokens_) + 1;
  return debt * 4 * srtt_ns / (5 * uint64_t(cwnd)) + 1;
}

}  // namespace ptnet::rudp
