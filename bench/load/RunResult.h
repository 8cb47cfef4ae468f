// Everything a finished run reports, gathered by the main thread after the
// workers have been joined. Owned by the main thread.
#pragma once

#include <array>
#include <cstdint>

#include "ErrorKind.h"
#include "LatencyHistogram.h"

namespace ptnet::load {

struct RunResult {
  // Echo mode.
  uint64_t msgs = 0;              // echoes verified inside the measured window
  double window_s = 0.0;          // measured window length, seconds
  LatencyHistogram latency;       // merged over workers, measured window only
  bool has_server_cpu = false;
  double server_cpu_s = 0.0;      // server utime+stime over the window
  double load_cpu_s = 0.0;        // this process's utime+stime over the window

  // Idle mode.
  uint32_t established = 0;       // established and still open at the end
  uint32_t established_at_sample = 0;
  double connect_phase_s = 0.0;
  bool has_rss = false;
  int64_t rss_before_kib = 0;
  int64_t rss_after_kib = 0;

  // Both.
  std::array<uint64_t, kErrorKinds> errors{};
  uint64_t errors_total() const {
    uint64_t n = 0;
    for (uint64_t e : errors) n += e;
    return n;
  }
};

}  // namespace ptnet::load
