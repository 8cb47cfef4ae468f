#include "bench/load/WorkerFactory.h"

#include "bench/load/EchoTraffic.h"
#include "bench/load/IdleTraffic.h"
#include "bench/load/LoadWorker.h"
#include "bench/load/RoomTraffic.h"
#include "bench/load/TcpLink.h"

namespace ptnet::load {

namespace {

template <class Link>
std::unique_ptr<ShardService> with_traffic(TrafficKind traffic, const WorkerConfig& cfg, const RunControl& ctl,
                                           WorkerStats& stats) {
  switch (traffic) {
    case TrafficKind::kEcho:
      return std::make_unique<LoadWorker<Link, EchoTraffic>>(cfg, ctl, stats);
    case TrafficKind::kIdle:
      return std::make_unique<LoadWorker<Link, IdleTraffic>>(cfg, ctl, stats);
    case TrafficKind::kRoom:
      return std::make_unique<LoadWorker<Link, RoomTraffic>>(cfg, ctl, stats);
  }
  return nullptr;
}

}  // namespace

std::unique_ptr<ShardService> make_worker(const ModeSpec& spec, const WorkerConfig& cfg, const RunControl& ctl,
                                          WorkerStats& stats) {
  switch (spec.link) {
    case LinkKind::kTcp:
      return with_traffic<TcpLink>(spec.traffic, cfg, ctl, stats);
  }
  return nullptr;
}

}  // namespace ptnet::load
