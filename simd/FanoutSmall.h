// Internal: fan-out of a frame under 16 bytes, shared by the vector paths:
// the frame is held in two (possibly overlapping) scalar registers, its head
// and its tail, and each destination gets two stores.
//
//   len 8..15   head = bytes [0, 8)   tail = bytes [len - 8, len)
//   len 4..7    head = bytes [0, 4)   tail = bytes [len - 4, len)
//   len 2..3    head = bytes [0, 2)   tail = bytes [len - 2, len)
//   len 1       one byte
//
// Threads: pure function, any thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

namespace ptnet::simd::detail {

template <class T>
inline void fanout_head_tail(uint8_t* const* dst, size_t n, const uint8_t* src, size_t len) {
  T head, tail;
  std::memcpy(&head, src, sizeof(T));
  std::memcpy(&tail, src + len - sizeof(T), sizeof(T));
  for (size_t i = 0; i < n; ++i) {
    std::memcpy(dst[i], &head, sizeof(T));
    std::memcpy(dst[i] + len - sizeof(T), &tail, sizeof(T));
  }
}

// len < 16.
inline void fanout_small(uint8_t* const* dst, size_t n, const uint8_t* src, size_t len) {
  if (len >= 8) {
    fanout_head_tail<uint64_t>(dst, n, src, len);
  } else if (len >= 4) {
    fanout_head_tail<uint32_t>(dst, n, src, len);
  } else if (len >= 2) {
    fanout_head_tail<uint16_t>(dst, n, src, len);
  } else if (len == 1) {
    const uint8_t b = src[0];
    for (size_t i = 0; i < n; ++i) dst[i][0] = b;
  }
}

}  // namespace ptnet::simd::detail
