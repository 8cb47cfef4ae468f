// The main thread's handle on the workers: a core::Engine with one shard per
// worker (pinned to the --cpus entries, round robin when --threads asks for
// more), each running the mode's LoadWorker on a share of the connections,
// and the WorkerStats each publishes. Sums the counters the runner reports.
//
// Threads: owned and called by the main thread; the shards write their
// WorkerStats (single writer each) and the fleet only reads them (after
// stop() for everything that is not an atomic counter).
// Ownership: owns the engine, the per-worker configs and the WorkerStats;
// holds a reference to the run's RunControl (the runner's).
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <vector>

#include "bench/load/LoadOptions.h"
#include "bench/load/RunControl.h"
#include "bench/load/RunResult.h"
#include "bench/load/WorkerConfig.h"
#include "bench/load/WorkerStats.h"
#include "core/Engine.h"

namespace ptnet::load {

class WorkerFleet {
 public:
  WorkerFleet(const LoadOptions& opts, const RunControl& ctl);
  ~WorkerFleet();
  WorkerFleet(const WorkerFleet&) = delete;
  WorkerFleet& operator=(const WorkerFleet&) = delete;

  // Starts the shards; each makes its backend, then its worker starts
  // connecting. Returns 0 or a negated errno (the engine logged why).
  int start();
  // Stops and joins every shard (their connections are shut down). Idempotent.
  void stop();
  // The run phase changed: wake every worker now rather than at its next tick.
  void wake();

  // Connections that failed to connect, and the first one's errno (0: none).
  struct ConnectFailures {
    uint32_t count = 0;
    int first_errno = 0;
  };

  // Sums one counter over the workers.
  uint64_t sum(std::atomic<uint64_t> WorkerStats::*field) const;
  uint64_t errors() const;
  uint32_t established() const;
  // Every worker has all its connections usable or failed.
  bool connected() const;
  ConnectFailures connect_failures() const;
  void collect_errors(RunResult& r) const;
  const std::vector<std::unique_ptr<WorkerStats>>& stats() const { return stats_; }

 private:
  // The backend each shard makes, sized for a worker's share of the mode's connections.
  io::BackendConfig backend_config() const;
  WorkerConfig worker_config(uint32_t index) const;

  const LoadOptions& opts_;
  const RunControl& ctl_;
  std::vector<WorkerConfig> configs_;
  std::vector<std::unique_ptr<WorkerStats>> stats_;
  std::unique_ptr<Engine> engine_;
};

}  // namespace ptnet::load
