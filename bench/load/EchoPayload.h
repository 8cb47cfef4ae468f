// The load generator's echo message (the body of a [u32 LE length][body]
// frame on TCP; a whole message on a datagram link):
//
//   0        4                12                     20
//   +--------+----------------+----------------------+----------------+
//   | conn   | seq u64        | intended send ns u64 | pattern ...    |
//   +--------+----------------+----------------------+----------------+
//
// The pattern is a deterministic function of (conn, seq): 64-bit words
// seed + (i+1)*K (a Weyl sequence, one add per word), so every echoed byte
// is verified without keeping a copy of what was sent.
// Stateless; any thread may use it. Little-endian hosts only (x86-64).
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>

namespace ptnet::load {

struct EchoPayload {
  static_assert(std::endian::native == std::endian::little, "little-endian host expected");

  static constexpr size_t kConnOff = 0;
  static constexpr size_t kSeqOff = 4;
  static constexpr size_t kTimeOff = 12;
  static constexpr size_t kPatternOff = 20;
  static constexpr uint32_t kMinSize = 24;
  static constexpr uint32_t kMaxSize = 16u << 20;
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

  // Writes one message of `size` bytes at `out`.
  static void encode(uint8_t* out, uint32_t size, uint32_t conn, uint64_t seq, uint64_t time_ns) {
    std::memcpy(out + kConnOff, &conn, 4);
    std::memcpy(out + kSeqOff, &seq, 8);
    std::memcpy(out + kTimeOff, &time_ns, 8);
    uint64_t w = seed(conn, seq);
    size_t off = kPatternOff;
    for (; off + 8 <= size; off += 8) {
      w += kWeyl;
      std::memcpy(out + off, &w, 8);
    }
    if (off < size) {
      w += kWeyl;
      std::memcpy(out + off, &w, size - off);
    }
  }

  // Verifies a message of `len` bytes against (size, conn, seq). On kOk
  // `time_ns` holds its intended send time (the caller checks it against
  // its own record).
  static Check check(const uint8_t* m, uint32_t len, uint32_t size, uint32_t conn, uint64_t seq,
                     uint64_t& time_ns) {
    if (len != size) return Check::kBadLength;
    if (load32(m + kConnOff) != conn) return Check::kBadConn;
    if (load64(m + kSeqOff) != seq) return Check::kBadSeq;
    time_ns = load64(m + kTimeOff);
    uint64_t w = seed(conn, seq);
    uint64_t diff = 0;
    size_t off = kPatternOff;
    for (; off + 8 <= size; off += 8) {
      w += kWeyl;
      diff |= load64(m + off) ^ w;
    }
    if (off < size) {
      w += kWeyl;
      uint64_t tail = 0;
      std::memcpy(&tail, m + off, size - off);
      const uint64_t mask = (uint64_t(1) << (8 * (size - off))) - 1;
      diff |= (tail ^ w) & mask;
    }
    return diff == 0 ? Check::kOk : Check::kBadPattern;
  }
};

}  // namespace ptnet::load
