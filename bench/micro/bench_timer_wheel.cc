// TimerWheel: arm/cancel cost (the per-packet pattern of a retransmit or
// idle timer), advance over many timers, and next_deadline_ns().
#include <benchmark/benchmark.h>

#include <cstdint>
#include <memory>
#include <random>
#include <vector>

#include "core/TimerWheel.h"

namespace {

constexpr uint64_t kMs = 1'000'000;

void noop(ptnet::Timer&, uint64_t) {}

// Re-arm an idle timer on every message: schedule (moves it) then cancel.
void BM_TimerScheduleCancel(benchmark::State& state) {
  ptnet::Timer t(&noop, nullptr);
  ptnet::TimerWheel wheel(0);
  uint64_t d = 30'000 * kMs;
  for (auto _ : state) {
    wheel.schedule(t, d++);
    wheel.cancel(t);
  }
  state.SetItemsProcessed(int64_t(state.iterations()));
}
BENCHMARK(BM_TimerScheduleCancel);

// Re-arm an already armed timer (heartbeat deadline pushed back per message),
// with many other timers in the wheel.
void BM_TimerReschedule(benchmark::State& state) {
  const size_t n = size_t(state.range(0));
  std::vector<ptnet::Timer> timers(n);
  ptnet::TimerWheel wheel(0);
  std::mt19937_64 rng(1);
  for (auto& t : timers) {
    t.set(&noop, nullptr);
    wheel.schedule(t, 1 + rng() % (60'000 * kMs));
  }
  size_t i = 0;
  for (auto _ : state) {
    wheel.schedule(timers[i], 30'000 * kMs + (rng() & 0xffffff));
    if (++i == n) i = 0;
  }
  state.SetItemsProcessed(int64_t(state.iterations()));
}
BENCHMARK(BM_TimerReschedule)->Arg(10'000);

// N timers spread over 10 s, advanced 1 ms at a time until all fired
// (including cascades). Reported per timer fired.
void BM_TimerAdvanceFireAll(benchmark::State& state) {
  const size_t n = size_t(state.range(0));
  std::vector<ptnet::Timer> timers(n);
  std::vector<uint64_t> deadlines(n);
  std::mt19937_64 rng(2);
  for (auto& d : deadlines) d = 1 + rng() % (10'000 * kMs);
  for (auto& t : timers) t.set(&noop, nullptr);
  for (auto _ : state) {
    ptnet::TimerWheel wheel(0);
    for (size_t i = 0; i < n; ++i) wheel.schedule(timers[i], deadlines[i]);
    size_t fired = 0;
    for (uint64_t now = 0; fired < n; now += kMs) fired += wheel.advance(now);
    benchmark::DoNotOptimize(fired);
  }
  state.SetItemsProcessed(int64_t(state.iterations()) * int64_t(n));
}
BENCHMARK(BM_TimerAdvanceFireAll)->Arg(100'000);

// The per-loop-pass cost when nothing is due: advance(now) + next_deadline_ns()
// with many armed timers.
void BM_TimerIdlePass(benchmark::State& state) {
  const size_t n = size_t(state.range(0));
  std::vector<ptnet::Timer> timers(n);
  ptnet::TimerWheel wheel(0);
  std::mt19937_64 rng(3);
  for (auto& t : timers) {
    t.set(&noop, nullptr);
    wheel.schedule(t, 10'000 * kMs + rng() % (60'000 * kMs));
  }
  uint64_t now = 0;
  for (auto _ : state) {
    now += 1000;  // 1 us per loop pass
    benchmark::DoNotOptimize(wheel.advance(now));
    benchmark::DoNotOptimize(wheel.next_deadline_ns());
  }
  state.SetItemsProcessed(int64_t(state.iterations()));
}
BENCHMARK(BM_TimerIdlePass)->Arg(10'000);

}  // namespace
