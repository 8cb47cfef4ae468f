// The 14-byte RUDP datagram header: its wire form (big-endian, packed) and
// its decoded form, single (inline, scalar) and for a burst (dispatched).
//
//  wire     0      1              5              9        11         13      14
//           +------+--------------+--------------+--------+----------+-------+
//           | type |   seq (BE)   |   ack (BE)   | window | checksum | flags |
//           |  u8  |     u32      |     u32      |  u16   |   u16    |  u8   |
//           +------+--------------+--------------+--------+----------+-------+
//
//  Header14 0              4              8        10         12     13      14    16
//  (native) +--------------+--------------+--------+----------+------+-------+-----+
//           |     seq      |     ack      | window | checksum | type | flags | pad |
//           +--------------+--------------+--------+----------+------+-------+-----+
//
// The vector paths turn one wire header into one Header14 with a single byte
// shuffle (decode: two overlapping 8-byte loads, bytes 0-7 and 6-13, so no
// byte past the 14 is read; encode: two overlapping 8-byte stores, so exactly
// 14 bytes are written). AVX2 encodes two headers per 32-byte shuffle.
//
// Threads: pure functions, any thread. No allocation.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

namespace ptnet::simd {

inline constexpr size_t kHeader14Size = 14;

struct Header14 {
  uint32_t seq;
  uint32_t ack;
  uint16_t window;
  uint16_t checksum;
  uint8_t type;
  uint8_t flags;
};

// Decodes n headers: src[i] points at >= 14 readable bytes; exactly 14 are read.
// Dispatched to active().
void decode_headers(const uint8_t* const* src, size_t n, Header14* out);

// Encodes n headers: exactly 14 bytes are written at each dst[i].
// Dispatched to active().
void encode_headers(const Header14* h, size_t n, uint8_t* const* dst);

// One header, scalar.
inline Header14 decode_header(const uint8_t* src) {
  uint32_t seq, ack;
  uint16_t window, checksum;
  std::memcpy(&seq, src + 1, 4);
  std::memcpy(&ack, src + 5, 4);
  std::memcpy(&window, src + 9, 2);
  std::memcpy(&checksum, src + 11, 2);
  Header14 h{};
  h.seq = __builtin_bswap32(seq);
  h.ack = __builtin_bswap32(ack);
  h.window = __builtin_bswap16(window);
  h.checksum = __builtin_bswap16(checksum);
  h.type = src[0];
  h.flags = src[13];
  return h;
}

// One header, scalar: writes exactly 14 bytes at dst.
inline void encode_header(const Header14& h, uint8_t* dst) {
  const uint32_t seq = __builtin_bswap32(h.seq);
  const uint32_t ack = __builtin_bswap32(h.ack);
  const uint16_t window = __builtin_bswap16(h.window);
  const uint16_t checksum = __builtin_bswap16(h.checksum);
  dst[0] = h.type;
  std::memcpy(dst + 1, &seq, 4);
  std::memcpy(dst + 5, &ack, 4);
  std::memcpy(dst + 9, &window, 2);
  std::memcpy(dst + 11, &checksum, 2);
  dst[13] = h.flags;
}

}  // namespace ptnet::simd
