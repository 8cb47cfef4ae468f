// SlabPool vs malloc/free: allocate/deallocate pairs and bursts.
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <vector>

#include "core/ObjectPool.h"
#include "core/SlabPool.h"

namespace {

constexpr size_t kObjectSize = 256;

void BM_SlabPoolAllocFreePair(benchmark::State& state) {
  ptnet::SlabPool pool(kObjectSize, 256);
  for (auto _ : state) {
    void* p = pool.allocate();
    benchmark::DoNotOptimize(p);
    pool.deallocate(p);
  }
  state.SetItemsProcessed(int64_t(state.iterations()));
}
BENCHMARK(BM_SlabPoolAllocFreePair);

void BM_MallocFreePair(benchmark::State& state) {
  for (auto _ : state) {
    void* p = std::malloc(kObjectSize);
    benchmark::DoNotOptimize(p);
    std::free(p);
  }
  state.SetItemsProcessed(int64_t(state.iterations()));
}
BENCHMARK(BM_MallocFreePair);

// A burst of N live objects, then all freed (e.g. a batch of sessions).
void BM_SlabPoolBurst(benchmark::State& state) {
  const size_t n = size_t(state.range(0));
  ptnet::SlabPool pool(kObjectSize, 256);
  std::vector<void*> ptrs(n);
  for (auto _ : state) {
    for (size_t i = 0; i < n; ++i) ptrs[i] = pool.allocate();
    benchmark::DoNotOptimize(ptrs.data());
    for (size_t i = 0; i < n; ++i) pool.deallocate(ptrs[i]);
  }
  state.SetItemsProcessed(int64_t(state.iterations()) * int64_t(n));
}
BENCHMARK(BM_SlabPoolBurst)->Arg(1024);

void BM_MallocBurst(benchmark::State& state) {
  const size_t n = size_t(state.range(0));
  std::vector<void*> ptrs(n);
  for (auto _ : state) {
    for (size_t i = 0; i < n; ++i) ptrs[i] = std::malloc(kObjectSize);
    benchmark::DoNotOptimize(ptrs.data());
    for (size_t i = 0; i < n; ++i) std::free(ptrs[i]);
  }
  state.SetItemsProcessed(int64_t(state.iterations()) * int64_t(n));
}
BENCHMARK(BM_MallocBurst)->Arg(1024);

struct Session {
  uint64_t id;
  uint8_t state[120];
  explicit Session(uint64_t i) : id(i), state{} {}
};

void BM_ObjectPoolCreateDestroy(benchmark::State& state) {
  ptnet::ObjectPool<Session> pool;
  uint64_t i = 0;
  for (auto _ : state) {
    Session* s = pool.create(i++);
    benchmark::DoNotOptimize(s);
    pool.destroy(s);
  }
  state.SetItemsProcessed(int64_t(state.iterations()));
}
BENCHMARK(BM_ObjectPoolCreateDestroy);

}  // namespace
