// The RUDP wire format in one place (docs/rudp.md has the same, with byte
// diagrams and the handshake sequence). All multi-byte fields big-endian.
//
// Every datagram starts with the 14-byte header (simd/Header14.h):
//
//   0      1              5              9        11         13      14
//   +------+--------------+--------------+--------+----------+-------+
//   | type |   sequence   |     ack      | window | checksum | flags |
//   +------+--------------+--------------+--------+----------+-------+
//
//   sequence  packet number (DATA, PING: consumed; ACK, CLOSE*: next one, not consumed;
//             handshake: the sender's first packet number)
//   ack       largest packet number received (valid with kFlagAck)
//   window    reliable units the sender still accepts past its rcv_next (see the ack block)
//   checksum  RFC 1071 over the whole datagram with this field zero, seeded with the
//             session key (handshake packets: kHandshakeSeed)
//   flags     kFlagAck: an ack block follows the header;
//             kFlagFrames: message frames follow (after the ack block)
//
// Ack block (kFlagAck), 9 + 4n bytes, n <= kMaxAckRanges:
//
//   +-----------+----------+-------+-------------+------------------------+
//   | ack_delay | rcv_next | n u8  | first u16   | n x (gap u16, len u16) |
//   |   u16     |   u32    |       |             |                        |
//   +-----------+----------+-------+-------------+------------------------+
//   ack_delay  time the largest packet waited for this ack, in 16 us units (saturating)
//   rcv_next   next reliable unit not yet received in order (cumulative unit ack)
//   first      packets [ack - first, ack] were received
//   gap, len   the next lower range: hi = previous lo - gap - 2, lo = hi - len
//
// Frame (kFlagFrames; frames fill the rest of the datagram):
//
//   +------+---------+-----------------+------------------------------+---------+
//   | kind | len u16 | seq u32         | frag index u16, count u16    | payload |
//   |  u8  |         | (absent if NEXT)| (fragment frames only)       |         |
//   +------+---------+-----------------+------------------------------+---------+
//   kind  bits 7-6: 00 reliable, 01 reliable fragment, 10 unreliable; bit 5 NEXT:
//         seq = previous frame of the same sequence space in this datagram + 1;
//         bits 4-0 zero.
//
// Threads: constants and pure functions, any thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

namespace ptnet::rudp::wire {

inline constexpr size_t kHeaderSize = 14;
inline constexpr size_t kChecksumOffset = 11;
inline constexpr uint8_t kVersion = 1;

enum Type : uint8_t {
  kHello = 0x01,     // client -> server, padded to >= min_hello
  kCookie = 0x02,    // server -> client, stateless
  kConnect = 0x03,   // client -> server, echoes the cookie
  kAccept = 0x04,    // server -> client, carries the session key
  kRefuse = 0x05,    // server -> client (server full)
  kData = 0x10,      // ack-eliciting, frames and/or ack block
  kAck = 0x11,       // ack block only; not ack-eliciting, consumes no packet number
  kPing = 0x12,      // ack-eliciting, no frames (keep-alive)
  kClose = 0x13,     // clean disconnect
  kCloseAck = 0x14,
};

inline constexpr bool is_handshake(uint8_t type) { return type >= kHello && type <= kRefuse; }
inline constexpr bool is_session(uint8_t type) { return type >= kData && type <= kCloseAck; }

inline constexpr uint8_t kFlagAck = 0x01;
inline constexpr uint8_t kFlagFrames = 0x02;
inline constexpr uint8_t kFlagsKnown = kFlagAck | kFlagFrames;

// Handshake datagrams are checksummed with this seed ("RUDP").
inline constexpr uint32_t kHandshakeSeed = 0x52554450;

// Ack block.
inline constexpr size_t kAckBlockMin = 9;
inline constexpr size_t kMaxAckRanges = 6;
inline constexpr size_t kAckBlockMax = kAckBlockMin + 4 * kMaxAckRanges;
inline constexpr uint64_t kAckDelayUnitNs = 16'000;

// Frames.
inline constexpr uint8_t kKindReliable = 0x00;
inline constexpr uint8_t kKindFragment = 0x40;
inline constexpr uint8_t kKindUnreliable = 0x80;
inline constexpr uint8_t kKindTypeMask = 0xC0;
inline constexpr uint8_t kKindNext = 0x20;
inline constexpr uint8_t kKindReservedMask = 0x1F;
inline constexpr size_t kFrameHeaderMax = 11;  // kind + len + seq + index + count

// Payload of one unit that always fits one datagram, whatever the ack block.
inline constexpr uint32_t max_unit_payload(uint32_t mtu) {
  return mtu - uint32_t(kHeaderSize + kAckBlockMax + kFrameHeaderMax);
}

// Handshake bodies (after the header):
//   HELLO    version u8, client nonce u64, zero padding up to min_hello
//   COOKIE   version u8, client nonce u64, issued_ms u32, mac u64
//   CONNECT  version u8, client nonce u64, issued_ms u32, mac u64
//   ACCEPT   version u8, client nonce u64, session key u32
//   REFUSE   version u8, client nonce u64, reason u8 (1: server full)
inline constexpr size_t kHelloBody = 9;
inline constexpr size_t kCookieBody = 21;
inline constexpr size_t kAcceptBody = 13;
inline constexpr size_t kRefuseBody = 10;

// Stores simd::checksum()'s result in the header. The field sits at an odd
// offset (11), so against the 16-bit words the sum is taken over its bytes
// fall swapped: it holds the checksum low byte first, which is what makes the
// whole datagram sum to 0xFFFF (RFC 1071 §2(B): byte swapping commutes with
// the sum), so that simd::checksum(datagram, len, seed) == 0 verifies it.
inline void store_checksum(uint8_t* datagram, uint16_t c) {
  datagram[kChecksumOffset] = uint8_t(c);
  datagram[kChecksumOffset + 1] = uint8_t(c >> 8);
}

inline uint16_t load16(const uint8_t* p) { return uint16_t(p[0] << 8 | p[1]); }
inline uint32_t load32(const uint8_t* p) {
  uint32_t v;
  std::memcpy(&v, p, 4);
  return __builtin_bswap32(v);
}
inline uint64_t load64(const uint8_t* p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  return __builtin_bswap64(v);
}
inline void store16(uint8_t* p, uint16_t v) {
  p[0] = uint8_t(v >> 8);
  p[1] = uint8_t(v);
}
inline void store32(uint8_t* p, uint32_t v) {
  v = __builtin_bswap32(v);
  std::memcpy(p, &v, 4);
}
inline void store64(uint8_t* p, uint64_t v) {
  v = __builtin_bswap64(v);
  std::memcpy(p, &v, 8);
}

}  // namespace ptnet::rudp::wire
