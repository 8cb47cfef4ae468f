// simd/ routines at each level (scalar / sse4.2 / avx2; a level this CPU
// lacks is reported as skipped): the Internet checksum, batch verification of
// a burst of datagrams, the 14-byte RUDP header codec for a burst, and the
// broadcast fan-out copy against a plain memcpy loop. Data stays in L1/L2:
// these are the compute costs, not memory bandwidth.
//
//   build-simd/bench/micro/ptnet-micro --benchmark_filter=Simd
#include <benchmark/benchmark.h>

#include <cstdint>
#include <cstring>
#include <random>
#include <vector>

#include "simd/Kernels.h"
#include "simd/Simd.h"

namespace {

using ptnet::simd::Header14;
using ptnet::simd::Level;
using ptnet::simd::Span;
namespace simd = ptnet::simd;

Level level_arg(const benchmark::State& state) { return Level(state.range(0)); }

// False (and the benchmark marked skipped) when the CPU lacks the level.
bool runnable(benchmark::State& state) {
  const Level l = level_arg(state);
  if (uint8_t(l) > uint8_t(simd::detected())) {
    state.SkipWithError("level not supported by this CPU");
    return false;
  }
  state.SetLabel(simd::to_string(l));
  return true;
}

std::vector<uint8_t> random_bytes(size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::vector<uint8_t> v(n);
  for (auto& b : v) b = uint8_t(rng());
  return v;
}

constexpr uint16_t (*kChecksum[])(const uint8_t*, size_t, uint32_t) = {simd::checksum_scalar, simd::checksum_sse42,
                                                                        simd::checksum_avx2};
constexpr size_t (*kVerify[])(const Span*, size_t, const uint32_t*, uint8_t*) = {
    simd::verify_batch_scalar, simd::verify_batch_sse42, simd::verify_batch_avx2};
constexpr void (*kDecode[])(const uint8_t* const*, size_t, Header14*) = {
    simd::decode_headers_scalar, simd::decode_headers_sse42, simd::decode_headers_avx2};
constexpr void (*kEncode[])(const Header14*, size_t, uint8_t* const*) = {
    simd::encode_headers_scalar, simd::encode_headers_sse42, simd::encode_headers_avx2};
constexpr void (*kFanout[])(uint8_t* const*, size_t, const uint8_t*, size_t) = {
    simd::fanout_copy_scalar, simd::fanout_copy_sse42, simd::fanout_copy_avx2};

// One buffer of range(1) bytes.
void BM_SimdChecksum(benchmark::State& state) {
  if (!runnable(state)) return;
  const auto fn = kChecksum[state.range(0)];
  const size_t n = size_t(state.range(1));
  const std::vector<uint8_t> buf = random_bytes(n + 1, 1);
  for (auto _ : state) {
    const uint16_t c = fn(buf.data(), n, 0);
    benchmark::DoNotOptimize(c);
  }
  state.SetBytesProcessed(int64_t(state.iterations()) * int64_t(n));
}
BENCHMARK(BM_SimdChecksum)->ArgNames({"level", "bytes"})->ArgsProduct({{0, 1, 2}, {64, 256, 1200, 9000}});

// A burst of 32 datagrams of range(1) bytes, each with a valid checksum, seeded.
void BM_SimdVerifyBatch(benchmark::State& state) {
  if (!runnable(state)) return;
  const auto fn = kVerify[state.range(0)];
  const size_t len = size_t(state.range(1));
  constexpr size_t kBurst = 32;
  std::vector<uint8_t> arena = random_bytes(kBurst * (len + 64), 2);
  std::vector<Span> d;
  std::vector<uint32_t> seeds;
  for (size_t i = 0; i < kBurst; ++i) {
    uint8_t* p = arena.data() + i * (len + 64);
    seeds.push_back(uint32_t(0x9E3779B9u * (i + 1)));
    p[6] = p[7] = 0;
    const uint16_t c = simd::checksum_scalar(p, len, seeds.back());
    p[6] = uint8_t(c >> 8);
    p[7] = uint8_t(c);
    d.push_back({p, uint32_t(len)});
  }
  uint8_t ok[kBurst];
  if (fn(d.data(), kBurst, seeds.data(), ok) != kBurst) state.SkipWithError("a datagram did not verify");
  for (auto _ : state) {
    const size_t good = fn(d.data(), kBurst, seeds.data(), ok);
    benchmark::DoNotOptimize(good);
    benchmark::DoNotOptimize(ok);
  }
  state.SetItemsProcessed(int64_t(state.iterations()) * int64_t(kBurst));
  state.SetBytesProcessed(int64_t(state.iterations()) * int64_t(kBurst * len));
}
BENCHMARK(BM_SimdVerifyBatch)->ArgNames({"level", "bytes"})->ArgsProduct({{0, 1, 2}, {78, 1200}});

constexpr size_t kHeaders = 32;

// 32 wire headers, each at the head of its own datagram buffer.
struct HeaderBurst {
  std::vector<uint8_t> arena = random_bytes(kHeaders * 96, 3);
  std::vector<uint8_t*> wire;
  std::vector<Header14> h = std::vector<Header14>(kHeaders);
  HeaderBurst() {
    for (size_t i = 0; i < kHeaders; ++i) wire.push_back(arena.data() + i * 96 + 2);
    simd::decode_headers_scalar(wire.data(), kHeaders, h.data());
  }
};

void BM_SimdDecodeHeaders(benchmark::State& state) {
  if (!runnable(state)) return;
  const auto fn = kDecode[state.range(0)];
  HeaderBurst b;
  const std::vector<const uint8_t*> src(b.wire.begin(), b.wire.end());
  for (auto _ : state) {
    fn(src.data(), kHeaders, b.h.data());
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(int64_t(state.iterations()) * int64_t(kHeaders));
}
BENCHMARK(BM_SimdDecodeHeaders)->ArgName("level")->DenseRange(0, 2);

void BM_SimdEncodeHeaders(benchmark::State& state) {
  if (!runnable(state)) return;
  const auto fn = kEncode[state.range(0)];
  HeaderBurst b;
  for (auto _ : state) {
    fn(b.h.data(), kHeaders, b.wire.data());
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(int64_t(state.iterations()) * int64_t(kHeaders));
}
BENCHMARK(BM_SimdEncodeHeaders)->ArgName("level")->DenseRange(0, 2);

// A 68-byte frame to 50 members' send buffers (distinct cache lines, odd offsets).
constexpr size_t kMembers = 50;
constexpr size_t kFrame = 68;

struct FanoutTarget {
  std::vector<uint8_t> arena = std::vector<uint8_t>(kMembers * 512);
  std::vector<uint8_t*> dst;
  std::vector<uint8_t> frame = random_bytes(kFrame, 4);
  FanoutTarget() {
    for (size_t i = 0; i < kMembers; ++i) dst.push_back(arena.data() + i * 512 + 1 + (i % 8) * 8);
  }
};

void BM_SimdFanoutCopy(benchmark::State& state) {
  if (!runnable(state)) return;
  const auto fn = kFanout[state.range(0)];
  FanoutTarget t;
  for (auto _ : state) {
    fn(t.dst.data(), kMembers, t.frame.data(), kFrame);
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(int64_t(state.iterations()) * int64_t(kMembers));
  state.SetBytesProcessed(int64_t(state.iterations()) * int64_t(kMembers * kFrame));
}
BENCHMARK(BM_SimdFanoutCopy)->ArgName("level")->DenseRange(0, 2);

// The baseline written inline: memcpy per destination, the length not known
// to the compiler.
void BM_SimdFanoutMemcpyLoop(benchmark::State& state) {
  FanoutTarget t;
  size_t len = kFrame;
  benchmark::DoNotOptimize(len);
  for (auto _ : state) {
    for (uint8_t* d : t.dst) std::memcpy(d, t.frame.data(), len);
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(int64_t(state.iterations()) * int64_t(kMembers));
  state.SetBytesProcessed(int64_t(state.iterations()) * int64_t(kMembers * kFrame));
}
BENCHMARK(BM_SimdFanoutMemcpyLoop);

}  // namespace
