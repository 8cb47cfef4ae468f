// Run-wide signals from the main thread to the workers. Written only by the
// main thread; workers read it (one acquire load of each word per loop pass).
#pragma once

#include <atomic>
#include <cstdint>

namespace ptnet::load {

struct RunControl {
  enum class Phase : uint32_t {
    kConnect,  // workers open their connections, then wait
    kWarmup,   // traffic flows; nothing is counted in the measured window
    kMeasure,  // completed messages count in the window
    kDrain,    // window closed; traffic still flows until kStop
    kStop      // workers leave their loops
  };

  alignas(64) std::atomic<uint32_t> phase{uint32_t(Phase::kConnect)};
  // Progress epoch: bumped once a second; a worker records per-second latency
  // into slot (epoch & 1) and acknowledges each new epoch in WorkerStats.
  alignas(64) std::atomic<uint32_t> progress_epoch{0};
  // Start of traffic (CLOCK_MONOTONIC ns): the open-loop schedule's origin.
  // Stored before phase becomes kWarmup.
  std::atomic<uint64_t> traffic_start_ns{0};
  // chat / move: the measured window [start, end) in CLOCK_MONOTONIC ns, fixed
  // in advance and stored with traffic_start_ns. A message belongs to the
  // window by its intended send time, so sender and receivers agree on it
  // without talking; senders stop at window_end_ns.
  std::atomic<uint64_t> window_start_ns{0};
  std::atomic<uint64_t> window_end_ns{0};

  Phase load_phase() const { return Phase(phase.load(std::memory_order_acquire)); }
  void set_phase(Phase p) { phase.store(uint32_t(p), std::memory_order_release); }
};

}  // namespace ptnet::load
