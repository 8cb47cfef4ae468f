#include "rudp/RttEstimator.h"

namespace ptnet::rudp {

void RttEstimator::on_sample(uint64_t rtt_ns, uint64_t ack_delay_ns) {
  if (rtt_ns == 0) rtt_ns = 1;
  latest_ = rtt_ns;
  if (samples_ == 0 || rtt_ns < min_) min_ = rtt_ns;
  uint64_t adj = rtt_ns;
  if (rtt_ns >= min_ + ack_delay_ns) adj = rtt_ns - ack_delay_ns;
  if (samples_++ == 0) {
    srtt_ = adj;
    rttvar_ = adj / 2;
    return;
  }
  const uint64_t dev = srtt_ > adj ? srtt_ - adj : adj - srtt_;
  rttvar_ = (3 * rttvar_ + dev) / 4;
  srtt_ = (7 * srtt_ + adj) / 8;
}

uint64_t RttEstimator::rto_ns(uint64_t max_ack_delay_ns, uint64_t min_rto_ns, uint64_t max_rto_ns) const {
  const uint64_t var = 4 * rttvar_ > kGranularityNs ? 4 * rttvar_ : kGranularityNs;
  uint64_t rto = srtt_ + var + max_ack_delay_ns;
  if (rto < min_rto_ns) rto = min_rto_ns;
  if (rto > max_rto_ns) rto = max_rto_ns;
  return rto;
}

uint64_t RttEstimator::loss_delay_ns(uint32_t eighths) const {
  const uint64_t base = latest_ > srtt_ ? latest_ : srtt_;
  const uint64_t d = base * eighths / 8;
  return d > kGranularityNs ? d : kGranularityNs;
}

}  // namespace ptnet::rudp
