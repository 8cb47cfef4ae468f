// CLOCK_MONOTONIC in nanoseconds. Stateless; any thread may call it.
#pragma once

#include <cstdint>
#include <ctime>

namespace ptnet::load {

struct MonoClock {
  static uint64_t now_ns() {
    timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return uint64_t(ts.tv_sec) * 1'000'000'000u + uint64_t(ts.tv_nsec);
  }
};

}  // namespace ptnet::load
