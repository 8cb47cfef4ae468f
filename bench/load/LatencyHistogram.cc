#include "bench/load/LatencyHistogram.h"

#include <cmath>

namespace ptnet::load {

namespace {
constexpr size_t kSub = size_t(1) << LatencyHistogram::kSubBits;
}  // namespace

void LatencyHistogram::reset() {
  counts_.fill(0);
  count_ = 0;
  sum_ = 0;
  max_ = 0;
  min_ = ~uint64_t(0);
}

void LatencyHistogram::merge(const LatencyHistogram& other) {
  for (size_t i = 0; i < kBuckets; ++i) counts_[i] += other.counts_[i];
  count_ += other.count_;
  sum_ += other.sum_;
  if (other.max_ > max_) max_ = other.max_;
  if (other.min_ < min_) min_ = other.min_;
}

uint64_t LatencyHistogram::lowest_of(size_t i) {
  if (i < kSub) return uint64_t(i);
  const unsigned shift = unsigned(i / kSub) - 1;
  const uint64_t mantissa = uint64_t(i % kSub) + kSub;
  return mantissa << shift;
}

uint64_t LatencyHistogram::width_of(size_t i) {
  if (i < kSub) return 1;
  return uint64_t(1) << (unsigned(i / kSub) - 1);
}

uint64_t LatencyHistogram::percentile(double q) const {
  if (count_ == 0) return 0;
  if (q >= 100.0) return max_;
  if (q < 0.0) q = 0.0;
  uint64_t target = uint64_t(std::ceil(q / 100.0 * double(count_)));
  if (target == 0) target = 1;
  uint64_t seen = 0;
  for (size_t i = 0; i < kBuckets; ++i) {
    seen += counts_[i];
    if (seen >= target) {
      uint64_t v = lowest_of(i) + (width_of(i) - 1) / 2;
      if (v > max_) v = max_;
      if (v < min_) v = min_;
      return v;
    }
  }
  return max_;
}

}  // namespace ptnet::load
