#include "bench/load/GameCodec.h"

#include <charconv>
#include <cstring>

namespace ptnet::load {

namespace {

// ---- encoding helpers -------------------------------------------------------

uint8_t* put_u16(uint8_t* p, uint16_t v) {
  p[0] = uint8_t(v);
  p[1] = uint8_t(v >> 8);
  return p + 2;
}

uint8_t* put_u32(uint8_t* p, uint32_t v) {
  p[0] = uint8_t(v);
  p[1] = uint8_t(v >> 8);
  p[2] = uint8_t(v >> 16);
  p[3] = uint8_t(v >> 24);
  return p + 4;
}

uint8_t* put_f32(uint8_t* p, float f) {
  uint32_t v;
  std::memcpy(&v, &f, 4);
  return put_u32(p, v);
}

uint8_t* put_text(uint8_t* p, std::string_view s) {
  std::memcpy(p, s.data(), s.size());
  return p + s.size();
}

uint8_t* put_dec(uint8_t* p, uint32_t v) {
  char* c = reinterpret_cast<char*>(p);
  return reinterpret_cast<uint8_t*>(std::to_chars(c, c + 10, v).ptr);
}

uint8_t* put_float(uint8_t* p, float v) {
  char* c = reinterpret_cast<char*>(p);
  return reinterpret_cast<uint8_t*>(std::to_chars(c, c + 32, v).ptr);
}

// ---- decoding helpers -------------------------------------------------------

enum class Wire : uint8_t { kU16, kU32, kU64, kBool, kF32, kStr };

Wire wire_of(Field f) {
  switch (f) {
    case Field::kUserId:
    case Field::kRoomId:
    case Field::kUserCount:
    case Field::kSeq:
      return Wire::kU32;
    case Field::kTimestamp:
      return Wire::kU64;
    case Field::kCode:
      return Wire::kU16;
    case Field::kSuccess:
      return Wire::kBool;
    case Field::kX:
    case Field::kY:
    case Field::kZ:
      return Wire::kF32;
    default:
      return Wire::kStr;
  }
}

void store_int(GameMsg& m, Field f, uint64_t v) {
  switch (f) {
    case Field::kUserId:
      m.user_id = uint32_t(v);
      break;
    case Field::kRoomId:
      m.room_id = uint32_t(v);
      break;
    case Field::kUserCount:
      m.user_count = uint32_t(v);
      break;
    case Field::kSeq:
      m.seq = uint32_t(v);
      break;
    case Field::kTimestamp:
      m.timestamp = v;
      break;
    case Field::kCode:
      m.code = uint16_t(v);
      break;
    case Field::kSuccess:
      m.success = v != 0;
      break;
    default:
      break;
  }
}

void store_float(GameMsg& m, Field f, float v) {
  if (f == Field::kX)
    m.x = v;
  else if (f == Field::kY)
    m.y = v;
  else if (f == Field::kZ)
    m.z = v;
}

void store_str(GameMsg& m, Field f, std::string_view s) {
  if (f == Field::kNickname)
    m.nickname = s;
  else
    m.message = s;
}

uint64_t max_of(Wire w) {
  switch (w) {
    case Wire::kU16:
      return 0xffffu;
    case Wire::kU32:
      return 0xffffffffu;
    default:
      return ~uint64_t(0);
  }
}

// A JSON reader over one frame body: just enough of RFC 8259 for serde's
// externally tagged enums, with string unescaping into scratch.
struct Json {
  const char* p;
  const char* end;
  char* scratch;
  size_t scratch_left;

  void ws() {
    while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')) ++p;
  }
  bool eat(char c) {
    ws();
    if (p < end && *p == c) {
      ++p;
      return true;
    }
    return false;
  }
  bool peek(char c) {
    ws();
    return p < end && *p == c;
  }
  bool literal(std::string_view w) {
    ws();
    if (size_t(end - p) < w.size() || std::memcmp(p, w.data(), w.size()) != 0) return false;
    p += w.size();
    return true;
  }

  static int hex(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  }
  bool hex4(uint32_t& v) {
    if (end - p < 4) return false;
    v = 0;
    for (int i = 0; i < 4; ++i) {
      const int h = hex(p[i]);
      if (h < 0) return false;
      v = v << 4 | uint32_t(h);
    }
    p += 4;
    return true;
  }

  // A string value; zero-copy unless it holds escapes.
  bool string(std::string_view& out) {
    if (!eat('"')) return false;
    const char* start = p;
    while (p < end && *p != '"' && *p != '\\') {
      if (uint8_t(*p) < 0x20) return false;
      ++p;
    }
    if (p >= end) return false;
    if (*p == '"') {
      out = std::string_view(start, size_t(p - start));
      ++p;
      return true;
    }
    return unescaped(start, out);
  }

  // The rest of a string that holds escapes (p at the first backslash),
  // copied from `start` into scratch with the escapes decoded.
  bool unescaped(const char* start, std::string_view& out) {
    char* o = scratch;
    const size_t head = size_t(p - start);
    if (head > scratch_left) return false;
    std::memcpy(o, start, head);
    char* w = o + head;
    char* const w_end = scratch + scratch_left;
    while (p < end && *p != '"') {
      const char c = *p++;
      if (uint8_t(c) < 0x20) return false;
      if (c != '\\') {
        if (w == w_end) return false;
        *w++ = c;
        continue;
      }
      uint32_t cp = 0;
      if (!escape(cp) || w_end - w < 4) return false;  // UTF-8 never longer than the escape it replaces
      w = put_utf8(w, cp);
    }
    if (p >= end) return false;
    ++p;  // closing quote
    out = std::string_view(o, size_t(w - o));
    scratch = w;
    scratch_left = size_t(w_end - w);
    return true;
  }

  // One escape after its backslash: the code point it stands for.
  bool escape(uint32_t& cp) {
    if (p >= end) return false;
    const char c = *p++;
    switch (c) {
      case '"':
      case '\\':
      case '/':
        cp = uint32_t(uint8_t(c));
        return true;
      case 'b':
        cp = '\b';
        return true;
      case 'f':
        cp = '\f';
        return true;
      case 'n':
        cp = '\n';
        return true;
      case 'r':
        cp = '\r';
        return true;
      case 't':
        cp = '\t';
        return true;
      case 'u':
        return unicode_escape(cp);
      default:
        return false;
    }
  }

  // A \u escape's four hex digits; a surrogate pair is one code point.
  bool unicode_escape(uint32_t& cp) {
    if (!hex4(cp)) return false;
    if (cp >= 0xDC00 && cp < 0xE000) return false;  // a low surrogate alone
    if (cp < 0xD800 || cp >= 0xDC00) return true;
    uint32_t lo = 0;  // a high surrogate: a low one must follow
    if (end - p < 2 || p[0] != '\\' || p[1] != 'u') return false;
    p += 2;
    if (!hex4(lo) || lo < 0xDC00 || lo >= 0xE000) return false;
    cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
    return true;
  }

  static char* put_utf8(char* w, uint32_t cp) {
    if (cp < 0x80) {
      *w++ = char(cp);
    } else if (cp < 0x800) {
      *w++ = char(0xC0 | (cp >> 6));
      *w++ = char(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
      *w++ = char(0xE0 | (cp >> 12));
      *w++ = char(0x80 | ((cp >> 6) & 0x3F));
      *w++ = char(0x80 | (cp & 0x3F));
    } else {
      *w++ = char(0xF0 | (cp >> 18));
      *w++ = char(0x80 | ((cp >> 12) & 0x3F));
      *w++ = char(0x80 | ((cp >> 6) & 0x3F));
      *w++ = char(0x80 | (cp & 0x3F));
    }
    return w;
  }

  // The characters of a number token (validated by the caller's from_chars).
  bool number(std::string_view& out) {
    ws();
    const char* start = p;
    while (p < end &&
           ((*p >= '0' && *p <= '9') || *p == '-' || *p == '+' || *p == '.' || *p == 'e' || *p == 'E'))
      ++p;
    if (p == start) return false;
    out = std::string_view(start, size_t(p - start));
    return true;
  }

  bool skip_value(int depth) {
    if (depth > 32) return false;
    ws();
    if (p >= end) return false;
    std::string_view s;
    switch (*p) {
      case '"':
        return string(s);
      case '{':
      case '[': {
        const char close = *p == '{' ? '}' : ']';
        ++p;
        if (eat(close)) return true;
        for (;;) {
          if (close == '}' && (!string(s) || !eat(':'))) return false;
          if (!skip_value(depth + 1)) return false;
          if (eat(',')) continue;
          return eat(close);
        }
      }
      case 't':
        return literal("true");
      case 'f':
        return literal("false");
      case 'n':
        return literal("null");
      default:
        return number(s);
    }
  }
};

}  // namespace

uint32_t GameCodec::chat_body_max(GameEncoding e, uint32_t text_len) {
  if (e == GameEncoding::kBinary) return 1 + 4 + 4 + 2 + text_len;
  // {"ChatMessage":{"user_id":U,"room_id":R,"message":"T"}}
  return uint32_t(std::strlen(R"({"ChatMessage":{"user_id":,"room_id":,"message":""}})")) + 10 + 10 + text_len;
}

uint32_t GameCodec::move_body_max(GameEncoding e) {
  if (e == GameEncoding::kBinary) return 1 + 4 + 4 + 12 + 4;
  return uint32_t(std::strlen(R"({"PlayerMove":{"user_id":,"room_id":,"x":,"y":,"z":,"seq":}})")) + 3 * 10 +
         3 * 32;
}

uint32_t GameCodec::encode_connect(GameEncoding e, uint8_t* out, uint32_t room_id, uint32_t user_id) {
  uint8_t* p = out;
  if (e == GameEncoding::kBinary) {
    *p++ = uint8_t(MsgType::kConnect);
    p = put_u32(p, room_id);
    p = put_u32(p, user_id);
  } else {
    p = put_text(p, R"({"Connect":{"room_id":)");
    p = put_dec(p, room_id);
    p = put_text(p, R"(,"user_id":)");
    p = put_dec(p, user_id);
    p = put_text(p, "}}");
  }
  return uint32_t(p - out);
}

uint32_t GameCodec::encode_heartbeat(GameEncoding e, uint8_t* out) {
  uint8_t* p = out;
  if (e == GameEncoding::kBinary)
    *p++ = uint8_t(MsgType::kHeartBeat);
  else
    p = put_text(p, R"({"HeartBeat":{}})");
  return uint32_t(p - out);
}

uint32_t GameCodec::encode_chat(GameEncoding e, uint8_t* out, uint32_t user_id, uint32_t room_id,
                                uint32_t text_len, uint8_t** text) {
  uint8_t* p = out;
  if (e == GameEncoding::kBinary) {
    *p++ = uint8_t(MsgType::kChatMessage);
    p = put_u32(p, user_id);
    p = put_u32(p, room_id);
    p = put_u16(p, uint16_t(text_len));
    *text = p;
    p += text_len;
  } else {
    p = put_text(p, R"({"ChatMessage":{"user_id":)");
    p = put_dec(p, user_id);
    p = put_text(p, R"(,"room_id":)");
    p = put_dec(p, room_id);
    p = put_text(p, R"(,"message":")");
    *text = p;
    p += text_len;
    p = put_text(p, "\"}}");
  }
  return uint32_t(p - out);
}

uint32_t GameCodec::encode_move(GameEncoding e, uint8_t* out, uint32_t user_id, uint32_t room_id, float x,
                                float y, float z, uint32_t seq) {
  uint8_t* p = out;
  if (e == GameEncoding::kBinary) {
    *p++ = uint8_t(MsgType::kPlayerMove);
    p = put_u32(p, user_id);
    p = put_u32(p, room_id);
    p = put_f32(p, x);
    p = put_f32(p, y);
    p = put_f32(p, z);
    p = put_u32(p, seq);
  } else {
    p = put_text(p, R"({"PlayerMove":{"user_id":)");
    p = put_dec(p, user_id);
    p = put_text(p, R"(,"room_id":)");
    p = put_dec(p, room_id);
    p = put_text(p, R"(,"x":)");
    p = put_float(p, x);
    p = put_text(p, R"(,"y":)");
    p = put_float(p, y);
    p = put_text(p, R"(,"z":)");
    p = put_float(p, z);
    p = put_text(p, R"(,"seq":)");
    p = put_dec(p, seq);
    p = put_text(p, "}}");
  }
  return uint32_t(p - out);
}

GameDecoder::Status GameDecoder::decode(const uint8_t* body, uint32_t len, GameMsg& out) {
  out = GameMsg{};
  return enc_ == GameEncoding::kBinary ? decode_binary(body, len, out) : decode_json(body, len, out);
}

GameDecoder::Status GameDecoder::decode_binary(const uint8_t* body, uint32_t len, GameMsg& out) {
  if (len == 0) return Status::kMalformed;
  const MsgSpec* spec = find_spec(body[0]);
  if (spec == nullptr) return Status::kUnknownType;
  out.type = spec->type;
  uint32_t pos = 1;
  auto need = [&](uint32_t n) { return len - pos >= n; };
  auto le = [&](uint32_t n) {
    uint64_t v = 0;
    for (uint32_t i = 0; i < n; ++i) v |= uint64_t(body[pos + i]) << (8 * i);
    pos += n;
    return v;
  };
  for (const Field* f = spec->fields; *f != Field::kEnd; ++f) {
    switch (wire_of(*f)) {
      case Wire::kU16:
        if (!need(2)) return Status::kMalformed;
        store_int(out, *f, le(2));
        break;
      case Wire::kU32:
        if (!need(4)) return Status::kMalformed;
        store_int(out, *f, le(4));
        break;
      case Wire::kU64:
        if (!need(8)) return Status::kMalformed;
        store_int(out, *f, le(8));
        break;
      case Wire::kBool: {
        if (!need(1)) return Status::kMalformed;
        const uint64_t b = le(1);
        if (b > 1) return Status::kMalformed;
        store_int(out, *f, b);
        break;
      }
      case Wire::kF32: {
        if (!need(4)) return Status::kMalformed;
        const uint32_t bits = uint32_t(le(4));
        float v;
        std::memcpy(&v, &bits, 4);
        store_float(out, *f, v);
        break;
      }
      case Wire::kStr: {
        if (!need(2)) return Status::kMalformed;
        const uint32_t n = uint32_t(le(2));
        if (!need(n)) return Status::kMalformed;
        store_str(out, *f, std::string_view(reinterpret_cast<const char*>(body + pos), n));
        pos += n;
        break;
      }
    }
  }
  return pos == len ? Status::kOk : Status::kMalformed;
}

namespace {

// One field's value, checked against the field's wire type and range.
bool json_value(Json& j, Field field, GameMsg& out) {
  const Wire w = wire_of(field);
  if (w == Wire::kStr) {
    std::string_view s;
    if (!j.string(s)) return false;
    store_str(out, field, s);
    return true;
  }
  if (w == Wire::kBool) {
    const bool t = j.literal("true");
    if (!t && !j.literal("false")) return false;
    store_int(out, field, t ? 1 : 0);
    return true;
  }
  std::string_view num;
  if (!j.number(num)) return false;
  const char* b = num.data();
  const char* e = b + num.size();
  if (w == Wire::kF32) {
    float v = 0;
    const auto r = std::from_chars(b, e, v);
    if (r.ec != std::errc() || r.ptr != e) return false;
    store_float(out, field, v);
    return true;
  }
  uint64_t v = 0;
  const auto r = std::from_chars(b, e, v);
  if (r.ec != std::errc() || r.ptr != e || v > max_of(w)) return false;
  store_int(out, field, v);
  return true;
}


// The object of a message's fields, `{...}`; `seen` collects their bits.
bool json_fields(Json& j, const MsgSpec& spec, GameMsg& out, uint32_t& seen) {
  if (!j.eat('{')) return false;
  if (j.eat('}')) return true;
  for (;;) {
    std::string_view key;
    if (!j.string(key) || !j.eat(':')) return false;
    Field field = Field::kEnd;
    for (const Field* f = spec.fields; *f != Field::kEnd; ++f)
      if (kFieldNames[size_t(*f)] == key) field = *f;
    if (field == Field::kEnd) {  // unknown field: serde ignores it, so do we
      if (!j.skip_value(0)) return false;
    } else {
      const uint32_t bit = 1u << unsigned(field);
      if ((seen & bit) != 0) return false;  // duplicate field
      seen |= bit;
      if (!json_value(j, field, out)) return false;
    }
    if (j.eat(',')) continue;
    return j.eat('}');
  }
}

}  // namespace

GameDecoder::Status GameDecoder::decode_json(const uint8_t* body, uint32_t len, GameMsg& out) {
  Json j{reinterpret_cast<const char*>(body), reinterpret_cast<const char*>(body) + len,
         reinterpret_cast<char*>(scratch_), scratch_size_};
  std::string_view name;
  const bool unit = j.peek('"');  // a unit variant: "HeartBeat"
  if (unit ? !j.string(name) : !j.eat('{') || !j.string(name) || !j.eat(':')) return Status::kMalformed;
  const MsgSpec* spec = find_spec(name);
  if (spec == nullptr) return Status::kUnknownType;
  out.type = spec->type;
  uint32_t required = 0;
  for (const Field* f = spec->fields; *f != Field::kEnd; ++f) required |= 1u << unsigned(*f);
  uint32_t seen = 0;
  if (!unit) {
    if (j.literal("null")) {
      if (required != 0) return Status::kMalformed;
    } else if (!json_fields(j, *spec, out, seen)) {
      return Status::kMalformed;
    }
    if (!j.eat('}')) return Status::kMalformed;
  }
  j.ws();
  return j.p == j.end && seen == required ? Status::kOk : Status::kMalformed;
}

}  // namespace ptnet::load
