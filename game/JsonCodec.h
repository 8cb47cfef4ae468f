// JSON encoding of one Police Thief message: the frame BODY only (the u32
// big-endian length header is the Framer's business). serde's externally
// tagged form, field names as in Message.h:
//
//   {"Connect":{"room_id":1,"user_id":123}}
//   {"PlayerMove":{"user_id":7,"room_id":1,"x":1.5,"y":-2,"z":0,"seq":9}}
//   {"HeartBeat":{}}      also accepted: "HeartBeat" and {"HeartBeat":null}
//
// Decoding follows serde's defaults: unknown fields are ignored, every known
// field is required, integers must be JSON integers in range, x/y/z any JSON
// number that fits an f32 (underflow reads as 0), success a JSON bool. Values
// of ignored fields must still be valid JSON, nested at most 128 deep.
// Encoding is compact, fields in Message.h order, floats in
// shortest round-trip form (non-finite ones as 0), text escaped ("\"", "\\",
// control characters as \u00XX), other UTF-8 bytes written as they are.
//
// Threads: one JsonCodec per shard. decode() is not thread-safe (it owns a
// simdjson parser and a padded copy buffer, allocated once in the
// constructor: decode and encode never allocate); encode() and
// max_encoded_size() are static and thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>

#include "game/DecodeStatus.h"
#include "game/Message.h"

namespace ptnet::game {

class JsonCodec {
 public:
  // Longest text (after unescaping), the same limit as BinaryCodec::kMaxText.
  static constexpr size_t kMaxText = 65535;

  // max_document: the largest body decode() accepts (a bigger one is TextTooLong).
  explicit JsonCodec(size_t max_document = 64 * 1024);
  ~JsonCodec();
  JsonCodec(JsonCodec&&) noexcept;
  JsonCodec& operator=(JsonCodec&&) noexcept;
  JsonCodec(const JsonCodec&) = delete;
  JsonCodec& operator=(const JsonCodec&) = delete;

  // Decodes `n` body bytes (copied in; `body` need not outlive the call). On
  // Ok, every field the type does not carry is zero and out->text (valid
  // UTF-8, unescaped) lives in this codec until the next decode(). On error
  // *out is unspecified. See DecodeStatus for which error means what.
  DecodeStatus decode(const uint8_t* body, size_t n, Message* out);

  size_t max_document() const;

  // Upper bound of encode(m)'s output (every text byte escaped as \u00XX).
  static size_t max_encoded_size(const Message& m);

  // Writes m as compact JSON to `out` (at least max_encoded_size(m) bytes)
  // and returns the bytes written. m.type must be a known type; text longer
  // than kMaxText is cut at a UTF-8 character boundary; text must be valid
  // UTF-8 (decoders guarantee it).
  static size_t encode(const Message& m, uint8_t* out);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace ptnet::game
