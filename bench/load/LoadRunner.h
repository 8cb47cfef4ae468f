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
  // Starts the workers (`realtime`: then makes the main thread SCHED_FIFO)
  // and waits for their connections (`connected`: false when interrupted).
  // Returns -1 to go on, or the exit status when a worker's setup failed.
  int connect_workers(uint64_t start_ns, bool realtime, bool& connected);
  // Connections that failed to connect, and the first one's errno (0: none).
  uint32_t connect_failures(int& first_errno) const;
  // Sets kWarmup (traffic_start_ns is stored) and prints progress each second
  // until `end_ns`; nothing counts.
  void warm_up(uint64_t start_ns, uint64_t end_ns);
  // Samples the server's CPU, sets kMeasure, notes the generator's CPU time.
  void open_window();
  // Progress each second of the window [start_ns, end_ns), then closes it:
  // kDrain, then the server's and the generator's CPU in the window go into
  // r. The last second's line comes after that, so printing it cannot
  // stretch the window. Returns when the window was closed; `interrupted`:
  // a signal came before the last line.
  uint64_t run_window(uint64_t start_ns, uint64_t end_ns, RunResult& r, bool& interrupted);
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
  int64_t window_server_ticks_ = -1;  // at open_window(); -1 without --server-pid
  double window_self_cpu_s_ = 0.0;
};

}  // namespace ptnet::load
