// Drives one ptnet-load run from the main thread: raises the fd limit, starts
// the workers (WorkerFleet), waits for their connections, steps the run
// phases (warm-up, measured window, drain, stop), samples the server's /proc
// figures right at the window boundaries, prints progress each second and
// the results.
//
// Threads: owned by the main thread; workers see it only through RunControl
// and their WorkerStats.
#pragma once

#include <cstdint>

#include "bench/load/ExitStatus.h"
#include "bench/load/LoadOptions.h"
#include "bench/load/Progress.h"
#include "bench/load/RunControl.h"
#include "bench/load/RunResult.h"
#include "bench/load/ServerProbe.h"
#include "bench/load/WorkerFleet.h"

namespace ptnet::load {

class LoadRunner {
 public:
  explicit LoadRunner(const LoadOptions& opts);
  LoadRunner(const LoadRunner&) = delete;
  LoadRunner& operator=(const LoadRunner&) = delete;

  ExitStatus run();

 private:
  // How starting the workers and waiting for their connections went.
  enum class Launch : uint8_t { kConnected, kInterrupted, kFailed };

  // fd limit, the main thread's CPUs, --server-pid, signals. False: printed.
  bool prepare();
  // Starts the workers (`realtime`: then makes the main thread SCHED_FIFO)
  // and waits for their connections; kFailed: the reason is printed.
  Launch launch(uint64_t start_ns, bool realtime);
  // Waits until every worker has finished connecting, with a progress line
  // each second; false when interrupted.
  bool wait_connected(uint64_t start_ns);
  void set_phase(RunControl::Phase p);

  ExitStatus run_echo();
  ExitStatus run_idle();
  ExitStatus run_game();
  // chat / move: checks every user was admitted; false: printed.
  bool check_admission() const;
  void report_admission_failure() const;
  // idle: progress lines each second until `deadline_ns`; false when interrupted.
  bool hold_until(uint64_t deadline_ns, uint64_t start_ns, uint64_t& tick_ns);

  // Sets kWarmup and prints progress each second until `end_ns`; nothing counts.
  void warm_up(uint64_t start_ns, uint64_t end_ns);
  // Samples the server's CPU, sets kMeasure, notes the generator's CPU time.
  void open_window();
  // Progress each second of the window [start_ns, end_ns), then closes it:
  // kDrain, then the server's and the generator's CPU in the window go into
  // r. The last second's line comes after that, so printing it cannot
  // stretch the window. Returns when the window was closed; `interrupted`:
  // a signal came before the last line.
  uint64_t run_window(uint64_t start_ns, uint64_t end_ns, RunResult& r, bool& interrupted);
  // chat / move: after the window, waits until `deadline_ns` for every owed
  // delivery; sets r.drained, r.owed_at_end, r.still_arriving.
  void drain(uint64_t deadline_ns, RunResult& r);
  // chat / move: the window's figures, once the workers are stopped.
  void collect_game(RunResult& r, bool interrupted) const;
  // Prints the summary (and the JSON line): kErrors when r counted any.
  ExitStatus report(const RunResult& r) const;

  const LoadOptions opts_;
  RunControl ctl_;
  ServerProbe probe_;
  bool have_probe_ = false;
  WorkerFleet fleet_;
  Progress progress_;
  int64_t window_server_ticks_ = -1;  // at open_window(); -1 without --server-pid
  double window_self_cpu_s_ = 0.0;
};

}  // namespace ptnet::load
