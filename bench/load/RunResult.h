// Everything a finished run reports, gathered by the main thread after the
// workers have been joined. Owned by the main thread.
#pragma once

#include <array>
#include <cstdint>

#include "bench/load/ErrorKind.h"
#include "bench/load/LatencyHistogram.h"

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

  // Chat / move (msgs, window_s, latency and server_cpu_s above apply too:
  // msgs = messages sent in the window, latency = delivery latency).
  uint64_t deliveries = 0;        // deliveries of window messages
  uint64_t expected = 0;          // deliveries the server owed for window messages
  uint64_t joined = 0, left = 0, system = 0, heartbeats_sent = 0, heartbeats_answered = 0;
  double setup_s = 0.0;           // connect + Connect/ack/welcome of every user
  double drain_s = 0.0;           // after the window, until every delivery was in (or gave up)
  bool drained = false;           // every owed delivery came before the drain deadline
  uint64_t owed_at_end = 0;       // not drained: deliveries (any phase) still owed at the deadline
  bool still_arriving = false;    // not drained: deliveries were still coming in at the deadline
  bool has_complaint = false;     // first Error / refused ChatResponse seen
  uint8_t complaint_type = 0;
  uint16_t complaint_code = 0;
  uint32_t complaint_user_id = 0;
  char complaint_text[160] = {};

  // All modes.
  std::array<uint64_t, kErrorKinds> errors{};
  uint64_t errors_total() const {
    uint64_t n = 0;
    for (uint64_t e : errors) n += e;
    return n;
  }
};

}  // namespace ptnet::load
