// SpscQueue (cross-shard mailbox): single-thread push/pop cost and
// two-thread producer/consumer throughput.
#include <benchmark/benchmark.h>

#include <atomic>
#include <cstdint>
#include <thread>

#include "core/SpscQueue.h"

namespace {

struct Msg {  // a typical mailbox entry: a pointer and a couple of words
  void* ptr;
  uint64_t a;
  uint64_t b;
};

void BM_SpscPushPopSingleThread(benchmark::State& state) {
  ptnet::SpscQueue<Msg> q(1024);
  Msg out{};
  uint64_t i = 0;
  for (auto _ : state) {
    q.try_push(Msg{nullptr, i++, 0});
    q.try_pop(out);
    benchmark::DoNotOptimize(out);
  }
  state.SetItemsProcessed(int64_t(state.iterations()));
}
BENCHMARK(BM_SpscPushPopSingleThread);

// Fill a batch, then drain it in one go (one head publication per batch).
void BM_SpscPushBatchDrainSingleThread(benchmark::State& state) {
  const size_t batch = size_t(state.range(0));
  ptnet::SpscQueue<Msg> q(1024);
  uint64_t sum = 0;
  for (auto _ : state) {
    for (size_t i = 0; i < batch; ++i) q.try_push(Msg{nullptr, i, 0});
    q.drain([&](Msg& m) { sum += m.a; });
  }
  benchmark::DoNotOptimize(sum);
  state.SetItemsProcessed(int64_t(state.iterations()) * int64_t(batch));
}
BENCHMARK(BM_SpscPushBatchDrainSingleThread)->Arg(64);

// Producer on the benchmark thread, consumer on a spawned thread draining in
// batches. Time per item is the sustained cross-core throughput.
void BM_SpscTwoThreadThroughput(benchmark::State& state) {
  ptnet::SpscQueue<Msg> q(size_t(state.range(0)));
  std::atomic<bool> stop{false};
  std::atomic<uint64_t> consumed{0};
  std::thread consumer([&] {
    uint64_t n = 0, sum = 0;
    while (!stop.load(std::memory_order_acquire) || !q.empty()) {
      const size_t got = q.drain([&](Msg& m) { sum += m.a; });
      if (got == 0) {
        std::this_thread::yield();  // 2 shared cores: don't starve the producer
      }
      n += got;
    }
    benchmark::DoNotOptimize(sum);
    consumed.store(n, std::memory_order_release);
  });
  uint64_t i = 0;
  for (auto _ : state) {
    while (!q.try_push(Msg{nullptr, i, 0})) std::this_thread::yield();
    ++i;
  }
  stop.store(true, std::memory_order_release);
  consumer.join();
  if (consumed.load() != i) state.SkipWithError("lost messages");
  state.SetItemsProcessed(int64_t(state.iterations()));
}
BENCHMARK(BM_SpscTwoThreadThroughput)->Arg(1024)->UseRealTime();

}  // namespace
