// Cross-shard wake-up cost: ping-pong between two shards on two CPUs, each
// sleeping in the kernel between hops, woken by eventfd or IORING_OP_MSG_RING.
// Reported time is per round trip (two wake-ups).
#include <benchmark/benchmark.h>

#include "io/Backend.h"
#include "bench/micro/PingPongService.h"

namespace {

using ptnet::io::BackendKind;
using ptnet::io::WakeMode;

void BM_WakeRoundTrip(benchmark::State& state, BackendKind kind, WakeMode mode) {
  std::string why;
  if (kind == BackendKind::Uring && !ptnet::io::uring_available(&why)) {
    state.SkipWithError(why.c_str());
    return;
  }
  std::vector<int> all = ptnet::CpuSet::affinity();
  std::vector<int> cpus{all[0], all[1 % all.size()]};
  constexpr uint64_t kRounds = 20000;
  for (auto _ : state) {
    ptnet::test::PingPongState st;
    const uint64_t ns = ptnet::test::run_ping_pong(kind, mode, cpus, kRounds, 60'000'000'000ull, &st);
    if (ns == 0) {
      state.SkipWithError("ping-pong stalled");
      return;
    }
    state.SetIterationTime(double(ns) / 1e9 / double(kRounds));
  }
}

BENCHMARK_CAPTURE(BM_WakeRoundTrip, uring_eventfd, BackendKind::Uring, WakeMode::EventFd)
    ->UseManualTime()->Iterations(5)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_WakeRoundTrip, uring_msgring, BackendKind::Uring, WakeMode::MsgRing)
    ->UseManualTime()->Iterations(5)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_WakeRoundTrip, epoll_eventfd, BackendKind::Epoll, WakeMode::EventFd)
    ->UseManualTime()->Iterations(5)->Unit(benchmark::kMicrosecond);

}  // namespace
