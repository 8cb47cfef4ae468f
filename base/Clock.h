// Monotonic time in nanoseconds. Protocol code never calls this: it is
// handed `now` by the shard loop, so tests can drive time by hand.
#pragma once

#include <cstdint>
#include <ctime>

namespace ptnet {

inline uint64_t monotonic_ns() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return uint64_t(ts.tv_sec) * 1'000'000'000u + uint64_t(ts.tv_nsec);
}

}  // namespace ptnet
