#include "bench/load/ConnectPlan.h"

#include <algorithm>

namespace ptnet::load {

void ConnectPlan::init(uint32_t count, double rate_per_s, uint64_t timeout_ns, uint64_t start_ns) {
  count_ = count;
  next_ = head_ = in_flight_ = ended_count_ = 0;
  interval_ns_ = rate_per_s > 0.0 ? 1e9 / rate_per_s : 0.0;
  start_ns_ = start_ns;
  timeout_ns_ = timeout_ns;
  started_ns_.assign(count, 0);
  open_.assign(count, 0);
}

uint32_t ConnectPlan::start_next(uint64_t now_ns) {
  if (next_ >= count_ || in_flight_ >= kMaxInFlight || due_ns(next_) > now_ns) return kNone;
  const uint32_t i = next_++;
  started_ns_[i] = now_ns;
  open_[i] = 1;
  ++in_flight_;
  return i;
}

void ConnectPlan::ended(uint32_t i) {
  if (open_[i] == 0) return;
  open_[i] = 0;
  --in_flight_;
  ++ended_count_;
  advance_head();
}

void ConnectPlan::advance_head() {
  while (head_ < next_ && open_[head_] == 0) ++head_;
}

uint32_t ConnectPlan::expired(uint64_t now_ns) {
  if (head_ >= next_ || started_ns_[head_] + timeout_ns_ > now_ns) return kNone;
  return head_;
}

uint64_t ConnectPlan::next_event_ns() const {
  uint64_t t = UINT64_MAX;
  if (next_ < count_ && in_flight_ < kMaxInFlight) t = due_ns(next_);
  if (head_ < next_) t = std::min(t, started_ns_[head_] + timeout_ns_);
  return t;
}

}  // namespace ptnet::load
