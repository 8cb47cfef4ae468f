#include "rudp/Congestion.h"

namespace ptnet::rudp {

void Congestion::reset(uint32_t mss, uint32_t initial_packets, uint32_t min_packets, uint32_t max_bytes) {
  mss_ = mss;
  min_ = mss * min_packets;
  max_ = max_bytes < min_ ? min_ : max_bytes;
  cwnd_ = mss * initial_packets;
  if (cwnd_ < min_) cwnd_ = min_;
  if (cwnd_ > max_) cwnd_ = max_;
  ssthresh_ = UINT32_MAX;
  acc_ = 0;
  recovering_ = false;
  recovery_start_ = 0;
}

void Congestion::on_acked(uint32_t bytes, uint64_t sent_ns) {
  if (recovering_) {
    if (sent_ns <= recovery_start_) return;  // still the loss episode: no growth
    recovering_ = false;
  }
  if (cwnd_ < ssthresh_) {
    cwnd_ += bytes;
  } else {
    acc_ += bytes;
    if (acc_ >= cwnd_) {
      acc_ -= cwnd_;
      cwnd_ += mss_;
    }
  }
  if (cwnd_ > max_) cwnd_ = max_;
}

bool Congestion::on_lost(uint64_t sent_ns, uint64_t now_ns) {
  if (recovering_ && sent_ns <= recovery_start_) return false;
  recovering_ = true;
  recovery_start_ = now_ns;
  ssthresh_ = cwnd_ / 2 < min_ ? min_ : cwnd_ / 2;
  cwnd_ = ssthresh_;
  acc_ = 0;
  return true;
}

void Congestion::on_timeout(uint64_t now_ns) {
  ssthresh_ = cwnd_ / 2 < min_ ? min_ : cwnd_ / 2;
  cwnd_ = min_;
  acc_ = 0;
  recovering_ = true;
  recovery_start_ = now_ns;
}

}  // namespace ptnet::rudp
