// Outcome of decoding one frame body with BinaryCodec or JsonCodec. Anything
// but Ok means the body was refused and the Message is unspecified.
#pragma once

#include <cstdint>

namespace ptnet::game {

enum class DecodeStatus : uint8_t {
  Ok,
  Empty,            // zero-length body (JSON: only whitespace)
  UnknownType,      // binary type code / JSON variant name that is no message type
  Truncated,        // binary: the body ends inside a field
  TrailingBytes,    // binary: bytes left after the type's last field
  MalformedJson,    // not JSON, trailing content after the value, a top-level object
                    // without exactly one key, or a duplicate field
  MissingField,     // a field the type requires is absent (JSON)
  BadFieldType,     // wrong JSON type for a field or for the message; binary bool not 0/1
  FieldOutOfRange,  // number outside the field's type (negative or > 2^32-1 for u32,
                    // > 65535 for code, a float beyond f32's range)
  BadUtf8,          // text (or, for JSON, the document) is not valid UTF-8 / bad \u escape
  TextTooLong,      // unescaped text > kMaxText bytes; JSON: document > max_document
};

// Short human text ("unknown message type", ...); never nullptr.
const char* to_string(DecodeStatus s);

}  // namespace ptnet::game
