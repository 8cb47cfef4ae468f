// Framer throughput: frames wholly inside one feed (the zero-copy fast path)
// and frames split across feeds (the assembly path).
#include <benchmark/benchmark.h>

#include <cstdint>
#include <vector>

#include "tcp/Framer.h"

namespace {

using ptnet::tcp::ByteOrder;
using ptnet::tcp::FrameStatus;
using ptnet::tcp::Framer;

std::vector<uint8_t> make_stream(size_t frames, uint32_t body_len, ByteOrder order) {
  std::vector<uint8_t> s;
  s.reserve(frames * (Framer::kHeaderSize + body_len));
  for (size_t i = 0; i < frames; ++i) {
    uint8_t hdr[Framer::kHeaderSize];
    Framer::write_header(hdr, body_len, order);
    s.insert(s.end(), hdr, hdr + sizeof hdr);
    for (uint32_t b = 0; b < body_len; ++b) s.push_back(uint8_t(i + b));
  }
  return s;
}

// 64 frames of 64-byte bodies in one buffer, as one recv would deliver them.
void BM_FramerFeedWholeFrames(benchmark::State& state) {
  const auto order = ByteOrder(state.range(0));
  const std::vector<uint8_t> stream = make_stream(64, 64, order);
  Framer framer(order, 64 * 1024);
  uint64_t sum = 0;
  for (auto _ : state) {
    const FrameStatus st = framer.feed(stream.data(), stream.size(), [&](const uint8_t* body, uint32_t len) {
      sum += body[0] + len;
      return true;
    });
    benchmark::DoNotOptimize(st);
  }
  benchmark::DoNotOptimize(sum);
  state.SetBytesProcessed(int64_t(state.iterations()) * int64_t(stream.size()));
  state.SetItemsProcessed(int64_t(state.iterations()) * 64);
}
BENCHMARK(BM_FramerFeedWholeFrames)->Arg(int(ByteOrder::Little))->Arg(int(ByteOrder::Big));

// The same stream delivered in chunks that cut every frame: each frame
// straddles a feed boundary and goes through the assembly buffer.
void BM_FramerFeedSplitFrames(benchmark::State& state) {
  const size_t chunk = size_t(state.range(0));
  const std::vector<uint8_t> stream = make_stream(64, 64, ByteOrder::Little);
  Framer framer(ByteOrder::Little, 64 * 1024);
  uint64_t sum = 0;
  auto on_frame = [&](const uint8_t* body, uint32_t len) {
    sum += body[0] + len;
    return true;
  };
  for (auto _ : state) {
    for (size_t off = 0; off < stream.size(); off += chunk) {
      const size_t n = stream.size() - off < chunk ? stream.size() - off : chunk;
      benchmark::DoNotOptimize(framer.feed(stream.data() + off, n, on_frame));
    }
  }
  benchmark::DoNotOptimize(sum);
  state.SetBytesProcessed(int64_t(state.iterations()) * int64_t(stream.size()));
  state.SetItemsProcessed(int64_t(state.iterations()) * 64);
}
BENCHMARK(BM_FramerFeedSplitFrames)->Arg(45)->Arg(1000);

// One 64 KiB frame arriving in 1500-byte segments (assembly buffer allocated
// and freed per frame).
void BM_FramerFeedLargeFrame(benchmark::State& state) {
  const std::vector<uint8_t> stream = make_stream(1, 64 * 1024, ByteOrder::Big);
  Framer framer(ByteOrder::Big, 64 * 1024);
  uint64_t sum = 0;
  auto on_frame = [&](const uint8_t* body, uint32_t len) {
    sum += body[len - 1];
    return true;
  };
  for (auto _ : state) {
    for (size_t off = 0; off < stream.size(); off += 1500) {
      const size_t n = stream.size() - off < 1500 ? stream.size() - off : 1500;
      benchmark::DoNotOptimize(framer.feed(stream.data() + off, n, on_frame));
    }
  }
  benchmark::DoNotOptimize(sum);
  state.SetBytesProcessed(int64_t(state.iterations()) * int64_t(stream.size()));
  state.SetItemsProcessed(int64_t(state.iterations()));
}
BENCHMARK(BM_FramerFeedLargeFrame);

}  // namespace
