// Drives one ptnet-load run from the main thread: raises the fd limit, starts
// the pinned workers, waits for their connections, steps the run phases
// (warm-up, measured window, stop), samples the server's /proc figures right
// at the window boundaries, prints progress each second and the results.
// Owned by the main thread; workers see it only through RunControl and their
// WorkerStats.
#pragma once

#include <memory>
#include <thread>
#include <vector>

#include "LatencyHistogram.h"
#include "LoadOptions.h"
#include "RunControl.h"
#include "RunResult.h"
#include "ServerProbe.h"
#include "WorkerStats.h"

namespace ptnet::load {

class LoadRunner {
 public:
  explicit LoadRunner(const LoadOptions& opts);
  ~LoadRunner();
  LoadRunner(const LoadRunner&) = delete;
  LoadRunner& operator=(const LoadRunner&) = delete;

  // Returns the exit status: 0 no errors, 1 errors, 2 usage/setup/connect failure.
  int run();

 private:
  int prepare();
  void start_workers();
  void stop_workers();
  // Waits until every worker has finished connecting (idle mode prints
  // progress meanwhile). Returns false when interrupted.
  bool wait_connected(uint64_t start_ns);
  int check_setup();
  int run_echo();
  int run_idle();
  int run_game();
  // chat / move: after the window, waits until `deadline_ns` for every owed
  // delivery; sets r.drained, r.owed_at_end, r.still_arriving.
  void drain(uint64_t deadline_ns, RunResult& r);
  void report_admission_failure() const;
  // Sleeps until `deadline_ns` (CLOCK_MONOTONIC); false when interrupted.
  static bool sleep_until(uint64_t deadline_ns);
  // Progress: bumps the epoch, merges the finished per-second histograms and
  // prints figures for the time since the previous tick.
  void progress_tick(const char* label, bool print = true);
  uint64_t sum_msgs_total() const;
  // Sums one WorkerStats counter over the workers.
  uint64_t sum(std::atomic<uint64_t> WorkerStats::*field) const;
  uint64_t sum_errors() const;
  uint32_t sum_established() const;
  void collect_errors(RunResult& r) const;

  LoadOptions opts_;
  RunControl ctl_;
  ServerProbe probe_;
  bool have_probe_ = false;
  std::vector<std::unique_ptr<WorkerStats>> stats_;
  std::vector<std::thread> threads_;
  LatencyHistogram scratch_;
  uint64_t last_msgs_ = 0;
  uint64_t last_deliveries_ = 0;
  uint64_t last_tick_ns_ = 0;
  uint32_t epoch_ = 0;
};

}  // namespace ptnet::load
