// Wraparound-safe comparison of 32-bit sequence numbers (packet numbers,
// reliable and unreliable message numbers): a is "before" b when the signed
// distance b - a is positive, so comparisons stay right across 2^32 as long
// as the two numbers are less than 2^31 apart (RFC 1982 serial arithmetic).
//
// Threads: pure functions, any thread.
#pragma once

#include <cstdint>

namespace ptnet::rudp {

constexpr bool seq_lt(uint32_t a, uint32_t b) { return int32_t(a - b) < 0; }
constexpr bool seq_le(uint32_t a, uint32_t b) { return int32_t(a - b) <= 0; }
constexpr bool seq_gt(uint32_t a, uint32_t b) { return int32_t(a - b) > 0; }
constexpr bool seq_ge(uint32_t a, uint32_t b) { return int32_t(a - b) >= 0; }
constexpr uint32_t seq_max(uint32_t a, uint32_t b) { return seq_lt(a, b) ? b : a; }

}  // namespace ptnet::rudp
