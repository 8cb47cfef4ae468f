// When one worker's connection attempts start and when they time out,
// sans-IO (the Link opens the sockets and reports each attempt's end):
//
//   - attempt i may start at start + i / rate (rate 0: all at once),
//   - at most kMaxInFlight attempts are open at a time,
//   - an attempt that has not ended `timeout` after it started expires.
//
// Attempts start in index order with one timeout, so their deadlines are in
// index order too: the oldest open attempt is the only one to check.
//
// Threads: owned by one worker's Link; its shard thread only.
#pragma once

#include <cstdint>
#include <vector>

namespace ptnet::load {

class ConnectPlan {
 public:
  static constexpr uint32_t kMaxInFlight = 256;
  static constexpr uint32_t kNone = UINT32_MAX;

  void init(uint32_t count, double rate_per_s, uint64_t timeout_ns, uint64_t start_ns);

  // Starts and returns the next attempt that may start at `now`, or kNone.
  uint32_t start_next(uint64_t now_ns);
  // Attempt i ended (connected, failed or expired); idempotent.
  void ended(uint32_t i);
  // The oldest open attempt whose deadline is <= now, or kNone. The caller
  // ends it (ended(i)) before asking again.
  uint32_t expired(uint64_t now_ns);

  // Every attempt started and ended.
  bool finished() const { return ended_count_ == count_; }
  uint32_t in_flight() const { return in_flight_; }
  // When start_next() or expired() next has something: UINT64_MAX when
  // nothing is waiting for time.
  uint64_t next_event_ns() const;

 private:
  uint64_t due_ns(uint32_t i) const {
    return interval_ns_ == 0.0 ? start_ns_ : start_ns_ + uint64_t(double(i) * interval_ns_);
  }
  // Skips the attempts at the head that have ended.
  void advance_head();

  uint32_t count_ = 0;
  uint32_t next_ = 0;          // next attempt to start
  uint32_t head_ = 0;          // oldest attempt that may still be open
  uint32_t in_flight_ = 0;
  uint32_t ended_count_ = 0;
  double interval_ns_ = 0.0;
  uint64_t start_ns_ = 0;
  uint64_t timeout_ns_ = 0;
  std::vector<uint64_t> started_ns_;  // [i]: when attempt i started
  std::vector<uint8_t> open_;         // [i]: started and not ended
};

}  // namespace ptnet::load
