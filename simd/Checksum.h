// The RFC 1071 Internet checksum: the ones'-complement sum of the data read
// as big-endian 16-bit words, an odd trailing byte padded with a zero byte,
// folded to 16 bits and complemented.
//
//   bytes   b0 b1 | b2 b3 | ... | b(n-1) 00      (n odd: pad with a zero byte)
//   words   b0b1  + b2b3  + ... + b(n-1)00 + seed   (ones'-complement, end-around carry)
//   result  ~fold16(sum)
//
// `seed` is a 32-bit partial sum added in first (it acts as if its big-endian
// bytes preceded the data): a caller folds in a pseudo-header or a
// connection key with it. A buffer whose checksum field holds checksum(...)
// of the buffer with that field zeroed sums to 0xFFFF, so the receiver
// verifies by recomputing over all of it: checksum(p, n, seed) == 0.
//
// Threads: pure functions, any thread. No allocation; `p` may be null when n == 0.
#pragma once

#include <cstddef>
#include <cstdint>

namespace ptnet::simd {

// Dispatched to the active() level.
uint16_t checksum(const uint8_t* p, size_t n, uint32_t seed = 0);

// The scalar twin (64-bit accumulation, 8 bytes per step); every level
// returns exactly what this returns.
uint16_t checksum_scalar(const uint8_t* p, size_t n, uint32_t seed = 0);

}  // namespace ptnet::simd
