// Internal: ones'-complement arithmetic shared by every checksum path.
//
// Every path sums the data as *native* (little-endian) 16-bit words and
// byte-swaps only the folded 16-bit result: the ones'-complement sum is
// byte-order independent (RFC 1071 2.B), swapping the bytes of every word
// swaps the bytes of the sum. An odd trailing byte b sits at an even offset,
// so its padded big-endian word b<<8 is the native word b.
//
// Arithmetic is modulo 0xFFFF (2^16 == 1, so any power-of-two width with its
// carry added back in is congruent), and a sum is zero only when every word
// was zero: every fold below keeps both properties, which is why all levels
// return bit-identical results (0x0000 and 0xFFFF are never confused).
//
// Threads: pure functions, any thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

namespace ptnet::simd::detail {

inline uint64_t load64(const uint8_t* p) {
  uint64_t v;
  std::memcpy(&v, p, sizeof v);
  return v;
}
inline uint32_t load32(const uint8_t* p) {
  uint32_t v;
  std::memcpy(&v, p, sizeof v);
  return v;
}
inline uint16_t load16(const uint8_t* p) {
  uint16_t v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

// a + b with the carry out of bit 63 added back in (end-around carry).
inline uint64_t add_carry(uint64_t a, uint64_t b) {
  a += b;
  return a + (a < b);
}

// Folds a sum to 16 bits (0..0xFFFF), keeping its value modulo 0xFFFF; the
// result is 0 only when s == 0.
inline uint32_t fold16(uint64_t s) {
  s = (s & 0xFFFFFFFFu) + (s >> 32);  // <= 0x1'FFFF'FFFE
  s = (s & 0xFFFFu) + (s >> 16);      // <= 0x2'FFFE
  s = (s & 0xFFFFu) + (s >> 16);      // <= 0x1'0001
  s = (s & 0xFFFFu) + (s >> 16);      // <= 0xFFFF
  return uint32_t(s);
}

// The native-order ones'-complement sum of n bytes (any n, any alignment):
// four 64-bit accumulators, 8 bytes each per step, then 4/2/1-byte tails.
inline uint64_t sum_native(const uint8_t* p, size_t n) {
  uint64_t a0 = 0, a1 = 0, a2 = 0, a3 = 0;
  for (; n >= 32; p += 32, n -= 32) {
    a0 = add_carry(a0, load64(p));
    a1 = add_carry(a1, load64(p + 8));
    a2 = add_carry(a2, load64(p + 16));
    a3 = add_carry(a3, load64(p + 24));
  }
  uint64_t s = add_carry(add_carry(a0, a1), add_carry(a2, a3));
  for (; n >= 8; p += 8, n -= 8) s = add_carry(s, load64(p));
  uint64_t t = 0;  // < 2^33: no carry to lose
  if (n & 4) {
    t = load32(p);
    p += 4;
  }
  if (n & 2) {
    t += load16(p);
    p += 2;
  }
  if (n & 1) t += *p;
  return add_carry(s, t);
}

// The checksum from a native-order sum of the data and a (big-endian order)
// seed: fold, swap into big-endian order, add the seed, fold, complement.
inline uint16_t finish(uint64_t native_sum, uint32_t seed) {
  const uint64_t be = __builtin_bswap16(uint16_t(fold16(native_sum)));
  return uint16_t(~fold16(be + seed));
}

}  // namespace ptnet::simd::detail
