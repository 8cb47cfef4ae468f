// Small deterministic PRNG (xoshiro256**, seeded through splitmix64) for
// nonces, session keys, cookie secrets (rng_seed != 0: tests and
// simulations) and LinkImpairment's dice. Not cryptographic: with
// rng_seed == 0 the Endpoint seeds it, and draws its secrets, from
// libsodium's randombytes.
//
// Threads: not thread-safe; one owner. Plain value.
#pragma once

#include <cstdint>

namespace ptnet::rudp {

class Rng {
 public:
  explicit Rng(uint64_t seed = 1) { reseed(seed); }

  void reseed(uint64_t seed) {
    for (uint64_t& w : s_) w = splitmix(seed);
  }

  uint64_t next() {
    const uint64_t r = rotl(s_[1] * 5, 7) * 9;
    const uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return r;
  }
  // Uniform in [0, 1).
  double uniform() { return double(next() >> 11) * (1.0 / 9007199254740992.0); }
  // Uniform in [0, n] (n inclusive); n == 0 gives 0.
  uint64_t upto(uint64_t n) { return n == 0 ? 0 : next() % (n + 1); }

 private:
  static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  static uint64_t splitmix(uint64_t& x) {
    uint64_t z = (x += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }

  uint64_t s_[4];
};

}  // namespace ptnet::rudp
