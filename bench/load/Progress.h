// The per-second progress lines: each tick bumps RunControl's progress epoch
// (workers then record into the other histogram slot and acknowledge), merges
// the finished slots and prints the figures since the previous tick.
//
// Threads: the main thread only.
// Ownership: holds references to the options, the run control (it writes the
// epoch) and the fleet; owns a scratch histogram.
#pragma once

#include <cstdint>

#include "bench/load/LatencyHistogram.h"
#include "bench/load/LoadOptions.h"
#include "bench/load/RunControl.h"
#include "bench/load/WorkerFleet.h"

namespace ptnet::load {

class Progress {
 public:
  Progress(const LoadOptions& opts, RunControl& ctl, const WorkerFleet& fleet)
      : opts_(opts), ctl_(ctl), fleet_(fleet) {}

  // The next tick's figures count from `now_ns` (and from the counts now).
  void restart(uint64_t now_ns);
  // One tick; prints a line labelled `label` ("warm", "  3s") unless `print`
  // is false or --quiet.
  void tick(const char* label, bool print = true);

 private:
  uint64_t messages() const;
  // Waits (at most 100 ms) for each worker to acknowledge the epoch, then
  // merges the slot it has left.
  void merge_finished_slots();

  const LoadOptions& opts_;
  RunControl& ctl_;
  const WorkerFleet& fleet_;
  LatencyHistogram scratch_;
  uint64_t last_msgs_ = 0;
  uint64_t last_deliveries_ = 0;
  uint64_t last_tick_ns_ = 0;
  uint32_t epoch_ = 0;
};

}  // namespace ptnet::load
