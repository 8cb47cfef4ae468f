// Fan-out copy: one small encoded frame appended to many destinations (a
// room broadcast writing the same message into each member's contiguous send
// buffer).
//
//   src [ frame, len bytes ]  --load once-->  registers  --store n times-->  dst[0], dst[1], ... dst[n-1]
//
// The vector paths load a frame of up to 256 bytes into registers once (the
// last vector overlapping the one before it when len is not a multiple of the
// vector width) and store it n times; a frame under 16 bytes goes out as two
// overlapping scalar stores per destination; a larger frame falls back to
// memcpy per destination. The scalar twin is a memcpy loop.
//
// Threads: pure functions, any thread. No allocation.
#pragma once

#include <cstddef>
#include <cstdint>

namespace ptnet::simd {

// Frames up to this size are copied from registers by the vector paths.
inline constexpr size_t kFanoutRegisterMax = 256;

// Copies len bytes from src to each of dst[0..n). A destination must not
// overlap src or another destination (memcpy rules). Dispatched to active().
void fanout_copy(uint8_t* const* dst, size_t n, const uint8_t* src, size_t len);

}  // namespace ptnet::simd
