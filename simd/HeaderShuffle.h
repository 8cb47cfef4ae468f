// Internal: the byte shuffles between the 14-byte wire header and Header14
// (simd/Header14.h), shared by the SSE4.2 and AVX2 paths.
//
// Decode input: two overlapping 8-byte loads, wire bytes 0-7 and 6-13:
//
//   vector byte   0  1  2  3  4  5  6  7 |  8  9 10 11 12 13 14 15
//   wire byte     0  1  2  3  4  5  6  7 |  6  7  8  9 10 11 12 13
//
// kDecode picks, for each Header14 byte, its vector byte (-1: zero, the padding):
//
//   Header14      seq (LE) 0-3 | ack 4-7      | window 8-9 | checksum 10-11 | type | flags | pad
//   wire byte     4  3  2  1   | 8  7  6  5   | 10  9      | 12 11          | 0    | 13    | -  -
//
// Encode input: one Header14 (16 bytes). kEncode builds wire bytes 0-7 in the
// low half and wire bytes 6-13 in the high half, stored as two overlapping
// 8-byte stores at dst and dst + 6 (exactly 14 bytes written).
//
// Threads: constants only.
#pragma once

#include <cstddef>
#include <cstdint>

#include "simd/Header14.h"

namespace ptnet::simd::detail {

static_assert(sizeof(Header14) == 16, "the vector paths move one Header14 as 16 bytes");
static_assert(offsetof(Header14, seq) == 0 && offsetof(Header14, ack) == 4 && offsetof(Header14, window) == 8 &&
                  offsetof(Header14, checksum) == 10 && offsetof(Header14, type) == 12 &&
                  offsetof(Header14, flags) == 13,
              "Header14 layout as drawn in simd/Header14.h");

// Vector byte of each Header14 byte (wire byte w < 8 is vector byte w, w >= 8 is w + 2).
inline constexpr int8_t kDecode[16] = {4, 3, 2, 1, 10, 7, 6, 5, 12, 11, 14, 13, 0, 15, -1, -1};

// Header14 byte of each wire byte 0-7, then of each wire byte 6-13.
inline constexpr int8_t kEncode[16] = {12, 3, 2, 1, 0, 7, 6, 5, 6, 5, 4, 9, 8, 11, 10, 13};

}  // namespace ptnet::simd::detail
