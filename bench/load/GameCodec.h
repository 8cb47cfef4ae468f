// ptnet-load's own encoder and decoder for the game protocol (GameProtocol.h
// has the byte layout). Both work on frame bodies: the [u32 length] header
// around them is the connection kind's (tcp::Framer, big-endian for JSON,
// little-endian for binary). Encoders write into caller memory and never
// allocate; the decoder parses one body into a GameMsg, unescaping JSON
// strings into caller-provided scratch (never larger than the body).
// Stateless apart from the decoder's scratch pointer; one decoder per worker
// thread.
#pragma once

#include <cstddef>
#include <cstdint>

#include "bench/load/GameProtocol.h"

namespace ptnet::load {

struct GameCodec {
  // Largest body ptnet-load accepts from a server (the seed's limit); a
  // larger length means the stream can no longer be trusted.
  static constexpr uint32_t kMaxBody = 1u << 20;
  // Upper bound of an encoded Connect or HeartBeat body in either encoding.
  static constexpr uint32_t kControlBodyMax = 60;

  // Upper bounds of the bodies below.
  static uint32_t chat_body_max(GameEncoding e, uint32_t text_len);
  static uint32_t move_body_max(GameEncoding e);

  // Each writes one body at `out` and returns its length.
  static uint32_t encode_connect(GameEncoding e, uint8_t* out, uint32_t room_id, uint32_t user_id);
  static uint32_t encode_heartbeat(GameEncoding e, uint8_t* out);
  // Writes a ChatMessage whose text is `text_len` bytes left for the caller to
  // fill at *text (JSON: the text must need no escaping: printable ASCII
  // without '"' or '\\').
  static uint32_t encode_chat(GameEncoding e, uint8_t* out, uint32_t user_id, uint32_t room_id,
                              uint32_t text_len, uint8_t** text);
  static uint32_t encode_move(GameEncoding e, uint8_t* out, uint32_t user_id, uint32_t room_id, float x,
                              float y, float z, uint32_t seq);
};

class GameDecoder {
 public:
  enum class Status : uint8_t { kOk, kUnknownType, kMalformed };

  // `scratch` must hold at least kMaxBody bytes (JSON strings with escapes
  // are unescaped there).
  GameDecoder(GameEncoding e, uint8_t* scratch, size_t scratch_size)
      : enc_(e), scratch_(scratch), scratch_size_(scratch_size) {}

  // Decodes one frame body (the bytes after the 4-byte length).
  Status decode(const uint8_t* body, uint32_t len, GameMsg& out);

 private:
  Status decode_binary(const uint8_t* body, uint32_t len, GameMsg& out);
  Status decode_json(const uint8_t* body, uint32_t len, GameMsg& out);

  GameEncoding enc_;
  uint8_t* scratch_;
  size_t scratch_size_;
};

}  // namespace ptnet::load
