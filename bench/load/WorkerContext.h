// What a worker's connection kind (Link) and traffic pattern (Traffic) share:
// its configuration, the run phase as of this loop pass, the per-second
// progress histogram slot, and the error and connect-failure counts, which
// are published to WorkerStats once per pass.
//
// Threads: created by the main thread, then touched only by the worker's
// shard thread (reads of RunControl are acquire loads; WorkerStats is written
// with relaxed stores, single writer).
// Ownership: owned by the LoadWorker; holds references to the run-wide
// RunControl and to this worker's WorkerStats (both outlive the engine).
#pragma once

#include <array>
#include <atomic>
#include <cstdint>

#include "bench/load/ErrorKind.h"
#include "bench/load/LatencyHistogram.h"
#include "bench/load/RunControl.h"
#include "bench/load/WorkerConfig.h"
#include "bench/load/WorkerStats.h"

namespace ptnet::load {

class WorkerContext {
 public:
  WorkerContext(const WorkerConfig& cfg, const RunControl& ctl, WorkerStats& stats)
      : cfg_(cfg), ctl_(ctl), stats_(stats) {}
  WorkerContext(const WorkerContext&) = delete;
  WorkerContext& operator=(const WorkerContext&) = delete;

  const WorkerConfig& config() const { return cfg_; }
  const RunControl& control() const { return ctl_; }
  WorkerStats& stats() { return stats_; }

  // Once per loop pass: reads the run phase and follows the progress epoch
  // (a new epoch: record into the other slot and acknowledge it).
  void sync() {
    phase_ = ctl_.load_phase();
    const uint32_t e = ctl_.progress_epoch.load(std::memory_order_acquire);
    if (e == epoch_ && progress_ != nullptr) return;
    epoch_ = e;
    progress_ = &stats_.progress[e & 1];
    progress_->reset();
    stats_.progress_ack.store(e, std::memory_order_release);
  }
  RunControl::Phase phase() const { return phase_; }
  bool measuring() const { return phase_ == RunControl::Phase::kMeasure; }

  // One latency sample: into this second's histogram, and into the measured
  // window's when `in_window`.
  void record(uint64_t latency_ns, bool in_window) {
    progress_->record(latency_ns);
    if (in_window) stats_.window.record(latency_ns);
  }

  void count(ErrorKind kind) {
    ++errors_[size_t(kind)];
    errors_changed_ = true;
  }
  // A connection that never became usable (connect, or a handshake on top).
  void note_connect_failed() { ++connect_failed_; }
  // A connect that failed: `err` is the positive errno (the first one is kept).
  void count_connect_failure(ErrorKind kind, int err);
  // Every connection is usable or failed (after the worker published its counts).
  void report_setup_done() { stats_.connect_done.store(true, std::memory_order_release); }

  // Errors and connect failures to WorkerStats (the rest is the traffic's).
  void publish();

 private:
  const WorkerConfig cfg_;
  const RunControl& ctl_;
  WorkerStats& stats_;
  RunControl::Phase phase_ = RunControl::Phase::kConnect;
  uint32_t epoch_ = 0;
  LatencyHistogram* progress_ = nullptr;  // this second's slot
  std::array<uint64_t, kErrorKinds> errors_{};
  bool errors_changed_ = false;
  uint32_t connect_failed_ = 0;
};

}  // namespace ptnet::load
