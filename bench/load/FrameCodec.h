// The load generator's echo frame: [u32 LE payload length][payload], payload =
// [u32 connection index][u64 sequence][u64 intended send time, ns][pattern].
// The pattern is a deterministic function of (connection, sequence): 64-bit
// words seed + (i+1)*K (a Weyl sequence, one add per word), so every echoed
// byte can be verified without keeping a copy of what was sent.
// Stateless; any thread may use it. Little-endian hosts only (x86-64).
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>

namespace ptnet::load {

struct FrameCodec {
  static_assert(std::endian::native == std::endian::little, "little-endian host expected");

  static constexpr size_t kHeader = 4;
  static constexpr size_t kConnOff = 4;     // frame offsets
  static constexpr size_t kSeqOff = 8;
  static constexpr size_t kTimeOff = 16;
  static constexpr size_t kPatternOff = 24;
  static constexpr uint32_t kMinPayload = 24;
  static constexpr uint32_t kMaxPayload = 16u << 20;
  static constexpr uint64_t kWeyl = 0x9E3779B97F4A7C15ull;

  enum class Check : uint8_t { kOk, kBadLength, kBadConn, kBadSeq, kBadPattern };

  static uint64_t seed(uint32_t conn, uint64_t seq) {
    uint64_t z = (uint64_t(conn) << 40) ^ seq ^ 0x5DEECE66Dull;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }

  static uint64_t load64(const uint8_t* p) {
    uint64_t v;
    std::memcpy(&v, p, 8);
    return v;
  }
  static uint32_t load32(const uint8_t* p) {
    uint32_t v;
    std::memcpy(&v, p, 4);
    return v;
  }

  // Writes one whole frame (kHeader + payload bytes) at `out`.
  static void encode(uint8_t* out, uint32_t payload, uint32_t conn, uint64_t seq,
                     uint64_t time_ns) {
    std::memcpy(out, &payload, 4);
    std::memcpy(out + kConnOff, &conn, 4);
    std::memcpy(out + kSeqOff, &seq, 8);
    std::memcpy(out + kTimeOff, &time_ns, 8);
    const size_t end = kHeader + payload;
    uint64_t w = seed(conn, seq);
    size_t off = kPatternOff;
    for (; off + 8 <= end; off += 8) {
      w += kWeyl;
      std::memcpy(out + off, &w, 8);
    }
    if (off < end) {
      w += kWeyl;
      std::memcpy(out + off, &w, end - off);
    }
  }

  // Verifies a whole frame against (conn, seq). On kOk `time_ns` holds the
  // frame's intended send time (the caller checks it against its own record).
  static Check check(const uint8_t* f, uint32_t payload, uint32_t conn, uint64_t seq,
                     uint64_t& time_ns) {
    if (load32(f) != payload) return Check::kBadLength;
    if (load32(f + kConnOff) != conn) return Check::kBadConn;
    if (load64(f + kSeqOff) != seq) return Check::kBadSeq;
    time_ns = load64(f + kTimeOff);
    const size_t end = kHeader + payload;
    uint64_t w = seed(conn, seq);
    uint64_t diff = 0;
    size_t off = kPatternOff;
    for (; off + 8 <= end; off += 8) {
      w += kWeyl;
      diff |= load64(f + off) ^ w;
    }
    if (off < end) {
      w += kWeyl;
      uint64_t tail = 0;
      std::memcpy(&tail, f + off, end - off);
      const uint64_t mask = (uint64_t(1) << (8 * (end - off))) - 1;
      diff |= (tail ^ w) & mask;
    }
    return diff == 0 ? Check::kOk : Check::kBadPattern;
  }
};

}  // namespace ptnet::load
