// HdrHistogram-style log-linear latency histogram in nanoseconds: values are
// exact below 256 ns, and above that every power of two is split into 128
// linear buckets, so any recorded value is known within 1/128 (< 0.8 %);
// reported percentiles use the bucket midpoint (error < 0.4 %). Values above
// ~137 s are clamped. Fixed memory (about 31 KiB), record() is O(1) and never
// allocates.
// Owned by one thread at a time: a worker records into its own histograms and
// the main thread reads or merges them only after the worker has let go
// (progress-slot hand-off or join).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

namespace ptnet::load {

class LatencyHistogram {
 public:
  static constexpr unsigned kSubBits = 7;                 // 128 buckets per octave
  static constexpr unsigned kMaxBits = 37;                // 2^37 ns ~ 137 s
  static constexpr uint64_t kMaxValue = (uint64_t(1) << kMaxBits) - 1;
  static constexpr size_t kBuckets =
      size_t(kMaxBits - 1 - kSubBits) * (size_t(1) << kSubBits) + (size_t(2) << kSubBits);

  LatencyHistogram() { reset(); }

  void record(uint64_t ns) {
    if (ns > kMaxValue) ns = kMaxValue;
    ++counts_[index_of(ns)];
    ++count_;
    sum_ += ns;
    if (ns > max_) max_ = ns;
    if (ns < min_) min_ = ns;
  }

  void reset();
  void merge(const LatencyHistogram& other);

  // q in percent (50, 99.9, 100). Returns 0 when empty.
  uint64_t percentile(double q) const;

  uint64_t count() const { return count_; }
  uint64_t max() const { return max_; }
  uint64_t min() const { return count_ ? min_ : 0; }
  double mean() const { return count_ ? double(sum_) / double(count_) : 0.0; }

  static size_t index_of(uint64_t v) {
    if (v < (uint64_t(1) << kSubBits)) return size_t(v);
    const unsigned msb = 63u - unsigned(__builtin_clzll(v));
    const unsigned shift = msb - kSubBits;
    return size_t(shift) * (size_t(1) << kSubBits) + size_t(v >> shift);
  }
  // Smallest value that lands in bucket i, and the bucket's width.
  static uint64_t lowest_of(size_t i);
  static uint64_t width_of(size_t i);

 private:
  std::array<uint64_t, kBuckets> counts_;
  uint64_t count_ = 0;
  uint64_t sum_ = 0;
  uint64_t max_ = 0;
  uint64_t min_ = ~uint64_t(0);
};

}  // namespace ptnet::load
