// Composes a mode's worker: its connection kind (Link) and its traffic
// pattern as one LoadWorker<Link, Traffic> ShardService. Called by the
// engine's service factory on each shard's thread.
#pragma once

#include <memory>

#include "bench/load/Mode.h"
#include "bench/load/RunControl.h"
#include "bench/load/WorkerConfig.h"
#include "bench/load/WorkerStats.h"
#include "core/ShardService.h"

namespace ptnet::load {

std::unique_ptr<ShardService> make_worker(const ModeSpec& spec, const WorkerConfig& cfg, const RunControl& ctl,
                                          WorkerStats& stats);

}  // namespace ptnet::load
