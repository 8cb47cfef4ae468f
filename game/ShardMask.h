// A set of shard ids, one bit each, for as many shards as the engine runs
// (Engine::kMaxShards).
//
// Threads: a plain value, any thread. Ownership: none.
#pragma once

#include <cstddef>
#include <cstdint>

namespace ptnet::game {

struct ShardMask {
  static constexpr size_t kWords = 2;
  static constexpr size_t kBits = kWords * 64;

  uint64_t w[kWords] = {};

  bool empty() const { return (w[0] | w[1]) == 0; }
  bool test(uint32_t shard) const { return (w[shard / 64] >> (shard % 64)) & 1; }
  void set(uint32_t shard) { w[shard / 64] |= uint64_t(1) << (shard % 64); }
  void reset(uint32_t shard) { w[shard / 64] &= ~(uint64_t(1) << (shard % 64)); }

  // Calls f(shard) for every member, lowest first.
  template <class F>
  void for_each(F&& f) const {
    for (size_t i = 0; i < kWords; ++i)
      for (uint64_t bits = w[i]; bits != 0; bits &= bits - 1)
        f(uint32_t(i * 64 + size_t(__builtin_ctzll(bits))));
  }
};

}  // namespace ptnet::game
