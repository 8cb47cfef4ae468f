// One worker's published results. Written only by its worker thread (counters
// are single-writer atomics, published once per loop pass); the main thread
// reads the counters at any time, a progress histogram slot after the worker
// has acknowledged the next epoch, and everything else after join().
#pragma once

#include <array>
#include <atomic>
#include <cstdint>

#include "bench/load/ErrorKind.h"
#include "bench/load/LatencyHistogram.h"

namespace ptnet::load {

struct WorkerStats {
  // Setup / connection phase.
  std::atomic<bool> connect_done{false};    // every connection established or failed
  std::atomic<uint32_t> established{0};     // currently open and verified usable
  std::atomic<uint32_t> connect_failed{0};
  std::atomic<int> first_connect_errno{0};  // positive errno of the first failed connect

  // Traffic (cumulative since start; the main thread takes differences).
  alignas(64) std::atomic<uint64_t> msgs_total{0};   // echoes verified, any phase
  std::atomic<uint64_t> msgs_window{0};              // echoes verified in kMeasure
  std::atomic<uint64_t> backlog{0};                  // open loop: frames due but not yet written
  std::array<std::atomic<uint64_t>, kErrorKinds> errors{};
  std::atomic<uint32_t> progress_ack{0};             // last RunControl::progress_epoch seen

  // chat / move. "window" = intended send time in RunControl's window. A
  // delivery is a receipt the receiver accepts (in order, after a gap, or
  // backwards; never a duplicate); expected = deliveries the server owes for
  // what this worker's users sent (fan-out of each message).
  alignas(64) std::atomic<uint64_t> sent_total{0};
  std::atomic<uint64_t> sent_window{0};
  std::atomic<uint64_t> expected_total{0};
  std::atomic<uint64_t> expected_window{0};
  std::atomic<uint64_t> deliveries_total{0};
  std::atomic<uint64_t> deliveries_window{0};
  std::atomic<uint64_t> joined_notices{0};           // UserJoinedRoom
  std::atomic<uint64_t> left_notices{0};             // UserLeftRoom
  std::atomic<uint64_t> system_notices{0};           // SystemMessage after the welcome
  std::atomic<uint64_t> heartbeats_sent{0};
  std::atomic<uint64_t> heartbeats_answered{0};
  std::atomic<bool> sending_done{false};             // every message of the run is queued

  // The first complaint this worker got from the server (Error frame or a
  // refused ChatResponse): the fields are written once, then `complaint_set`
  // is released; the main thread reads them after an acquire of it.
  std::atomic<bool> complaint_set{false};
  uint8_t complaint_type = 0;                        // MsgType
  uint16_t complaint_code = 0;
  uint32_t complaint_user_id = 0;                    // the user whose connection got it
  char complaint_text[160] = {};

  // Histograms (see the ownership rule above).
  alignas(64) LatencyHistogram window;               // measured window
  std::array<LatencyHistogram, 2> progress;          // per-second, slot = epoch & 1

  uint64_t errors_total() const {
    uint64_t n = 0;
    for (const auto& e : errors) n += e.load(std::memory_order_relaxed);
    return n;
  }
};

}  // namespace ptnet::load
