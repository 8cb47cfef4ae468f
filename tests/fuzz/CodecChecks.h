// Properties every decoded message must have, shared by the bounded fuzz test
// (tests/CodecFuzzTest.cc) and the libFuzzer targets in this directory:
//
//   - a decoder never crashes, reads out of bounds or allocates;
//   - what it accepts is a known type with valid UTF-8 text;
//   - re-encoding what it accepted and decoding that gives the same message,
//     in its own encoding and in the other one;
//   - the binary form is canonical: re-encoding gives back the input bytes.
//
// Each check returns nullptr when the input passes (accepted or refused), or
// the property it broke.
#pragma once

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "game/BinaryCodec.h"
#include "game/DecodeStatus.h"
#include "game/JsonCodec.h"
#include "game/Message.h"
#include "game/MsgType.h"

namespace ptnet::game::fuzz {

// Independent oracle (not simdjson's): strict UTF-8, no overlongs, no
// surrogates, nothing above U+10FFFF.
inline bool valid_utf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    const uint8_t c = uint8_t(s[i]);
    size_t len;
    uint32_t cp;
    if (c < 0x80) {
      ++i;
      continue;
    } else if ((c & 0xE0) == 0xC0) {
      len = 2, cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      len = 3, cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      len = 4, cp = c & 0x07;
    } else {
      return false;
    }
    if (i + len > s.size()) return false;
    for (size_t k = 1; k < len; ++k) {
      const uint8_t cc = uint8_t(s[i + k]);
      if ((cc & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    const uint32_t min = len == 2 ? 0x80 : len == 3 ? 0x800 : 0x10000;
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    i += len;
  }
  return true;
}

// Field-by-field equality; floats by bit pattern (NaN, -0).
inline bool same(const Message& a, const Message& b) {
  return a.type == b.type && a.user_id == b.user_id && a.room_id == b.room_id && a.user_count == b.user_count &&
         a.timestamp == b.timestamp && std::bit_cast<uint32_t>(a.x) == std::bit_cast<uint32_t>(b.x) &&
         std::bit_cast<uint32_t>(a.y) == std::bit_cast<uint32_t>(b.y) &&
         std::bit_cast<uint32_t>(a.z) == std::bit_cast<uint32_t>(b.z) && a.seq == b.seq && a.success == b.success &&
         a.code == b.code && a.text == b.text;
}

inline bool finite(const Message& m) { return std::isfinite(m.x) && std::isfinite(m.y) && std::isfinite(m.z); }

// Scratch reused across calls so a fuzz loop does not allocate per input.
struct Scratch {
  std::vector<uint8_t> bin;
  std::vector<uint8_t> json;
  std::string text;
};

inline const char* json_round_trip(JsonCodec& codec, const Message& m, Scratch& s) {
  s.json.resize(JsonCodec::max_encoded_size(m));
  const size_t n = JsonCodec::encode(m, s.json.data());
  if (n > s.json.size()) return "json encode wrote past max_encoded_size";
  Message back;
  if (codec.decode(s.json.data(), n, &back) != DecodeStatus::Ok) return "json encode output does not decode";
  if (!same(m, back)) return "json re-decode differs";
  return nullptr;
}

inline const char* binary_round_trip(const Message& m, Scratch& s) {
  s.bin.resize(BinaryCodec::encoded_size(m));
  if (BinaryCodec::encode(m, s.bin.data()) != s.bin.size()) return "binary encode size != encoded_size";
  Message back;
  if (BinaryCodec::decode(s.bin.data(), s.bin.size(), &back) != DecodeStatus::Ok) {
    return "binary encode output does not decode";
  }
  if (!same(m, back)) return "binary re-decode differs";
  return nullptr;
}

// `codec` serves the JSON cross-check. *accepted tells whether decode said Ok.
inline const char* check_binary(const uint8_t* in, size_t n, JsonCodec& codec, Scratch& s, bool* accepted) {
  Message m;
  *accepted = BinaryCodec::decode(in, n, &m) == DecodeStatus::Ok;
  if (!*accepted) return nullptr;
  if (!is_known_type(uint8_t(m.type))) return "accepted an unknown type";
  if (!valid_utf8(m.text)) return "accepted invalid UTF-8";
  if (m.text.size() > BinaryCodec::kMaxText) return "accepted text over kMaxText";
  if (const char* why = binary_round_trip(m, s)) return why;
  if (s.bin.size() != n || !std::equal(s.bin.begin(), s.bin.end(), in)) return "binary form is not canonical";
  if (finite(m)) {  // JSON has no NaN or infinity: those encode as 0
    if (const char* why = json_round_trip(codec, m, s)) return why;
  }
  return nullptr;
}

inline const char* check_json(const uint8_t* in, size_t n, JsonCodec& codec, Scratch& s, bool* accepted) {
  Message m;
  *accepted = codec.decode(in, n, &m) == DecodeStatus::Ok;
  if (!*accepted) return nullptr;
  if (!is_known_type(uint8_t(m.type))) return "accepted an unknown type";
  if (!valid_utf8(m.text)) return "accepted invalid UTF-8";
  if (m.text.size() > JsonCodec::kMaxText) return "accepted text over kMaxText";
  if (!finite(m)) return "decoded a non-finite float";
  s.text.assign(m.text);  // the next decode reuses the codec's scratch
  m.text = s.text;
  if (const char* why = json_round_trip(codec, m, s)) return why;
  if (const char* why = binary_round_trip(m, s)) return why;
  return nullptr;
}

}  // namespace ptnet::game::fuzz
