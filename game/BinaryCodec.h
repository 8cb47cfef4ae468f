// Binary encoding of one Police Thief message: the frame BODY only (the u32
// little-endian length header is the Framer's business).
//
//   +---------+---------------------------------------------+
//   | u8 type | fields of that type, in Message.h order     |
//   +---------+---------------------------------------------+
//
//   u16/u32/u64  little-endian          f32   IEEE-754 binary32, little-endian
//   bool         one byte, 0 or 1       str   u16 LE byte length, then UTF-8 bytes
//
//   e.g. Connect{room_id=1,user_id=123}:  03 | 01 00 00 00 | 7B 00 00 00
//        Error{code=2,message="no"}:      41 | 02 00 | 02 00 | 6E 6F
//
// Threads: any (stateless). Ownership: none; never allocates.
#pragma once

#include <cstddef>
#include <cstdint>

#include "game/DecodeStatus.h"
#include "game/Message.h"

namespace ptnet::game {

struct BinaryCodec {
  // Longest text a message can carry (the u16 length prefix).
  static constexpr size_t kMaxText = 65535;

  // Decodes `n` body bytes. On Ok, *out holds the message, every field the
  // type does not carry is zero, and out->text views into `body` (valid UTF-8).
  // Errors: Empty (n == 0), UnknownType, Truncated, TrailingBytes,
  // BadFieldType (bool byte not 0/1), BadUtf8. On error *out is unspecified.
  static DecodeStatus decode(const uint8_t* body, size_t n, Message* out);

  // Exact body size encode() writes for `m`.
  static size_t encoded_size(const Message& m);

  // Writes exactly encoded_size(m) bytes to `out` and returns that count.
  // m.type must be a known type. Text longer than kMaxText is cut at the last
  // UTF-8 character boundary within kMaxText bytes; text must be valid UTF-8
  // (decoders guarantee it) or the peer's decoder refuses it.
  static size_t encode(const Message& m, uint8_t* out);
};

}  // namespace ptnet::game
