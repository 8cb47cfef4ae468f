#include "game/JsonCodec.h"

#include <simdjson.h>

#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>
#include <string_view>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "base/Assert.h"
#include "game/BinaryCodec.h"
#include "game/MessageLayout.h"

namespace ptnet::game {

static_assert(JsonCodec::kMaxText == BinaryCodec::kMaxText, "both encodings carry the same text");

namespace {

namespace od = simdjson::ondemand;
using detail::Field;
using detail::Layout;

// Longest shortest-form f32 ("-1.17549435e-38" is 15); u32/u64/u16 digits.
constexpr size_t kFloatChars = 16;
constexpr size_t kU32Chars = std::numeric_limits<uint32_t>::digits10 + 1;
constexpr size_t kU64Chars = std::numeric_limits<uint64_t>::digits10 + 1;
constexpr size_t kU16Chars = std::numeric_limits<uint16_t>::digits10 + 1;
// Deepest nesting accepted inside ignored values (serde_json's recursion limit).
constexpr int kMaxDepth = 128;

// ---------------------------------------------------------------- decoding

bool is_ws(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }

// A number token checked against the JSON grammar
//   -? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?
struct NumberToken {
  std::string_view text;   // the whole number
  std::string_view digits;  // integer part, without the sign
  bool negative = false;
  bool integer = true;     // no fraction and no exponent
};

// raw_json_token() runs up to the next token: trim the whitespace after it.
bool scan_number(std::string_view raw, NumberToken* t) {
  while (!raw.empty() && is_ws(raw.back())) raw.remove_suffix(1);
  const size_t n = raw.size();
  size_t i = 0;
  t->text = raw;
  t->negative = n != 0 && raw[0] == '-';
  if (t->negative) ++i;
  const size_t int_begin = i;
  if (i < n && raw[i] == '0') {
    ++i;
  } else {
    if (i >= n || !is_digit(raw[i])) return false;
    while (i < n && is_digit(raw[i])) ++i;
  }
  t->digits = raw.substr(int_begin, i - int_begin);
  t->integer = true;
  if (i < n && raw[i] == '.') {
    t->integer = false;
    if (++i >= n || !is_digit(raw[i])) return false;
    while (i < n && is_digit(raw[i])) ++i;
  }
  if (i < n && (raw[i] == 'e' || raw[i] == 'E')) {
    t->integer = false;
    ++i;
    if (i < n && (raw[i] == '+' || raw[i] == '-')) ++i;
    if (i >= n || !is_digit(raw[i])) return false;
    while (i < n && is_digit(raw[i])) ++i;
  }
  return i == n;
}

// For a number from_chars found out of f32 range: true when it is tiny
// (underflow to zero), false when it is huge. Out-of-range values sit at
// decimal exponents beyond +-38, so the sign of the exponent of the first
// significant digit decides.
bool is_tiny(const NumberToken& t) {
  std::string_view s = t.text.substr(t.negative ? 1 : 0);
  int64_t e10;
  if (s[0] != '0') {
    e10 = int64_t(t.digits.size()) - 1;
  } else {
    size_t i = 1;
    if (i < s.size() && s[i] == '.') ++i;
    int64_t zeros = 0;
    while (i < s.size() && s[i] == '0') ++i, ++zeros;
    if (i >= s.size() || !is_digit(s[i])) return true;  // the mantissa is zero
    e10 = -(zeros + 1);
  }
  const size_t e = s.find_first_of("eE");
  if (e != std::string_view::npos) {
    size_t i = e + 1;
    const bool neg = s[i] == '-';
    if (s[i] == '+' || s[i] == '-') ++i;
    int64_t x = 0;
    for (; i < s.size(); ++i) x = x < 100000000 ? x * 10 + (s[i] - '0') : x;  // saturate
    e10 += neg ? -x : x;
  }
  return e10 < 0;
}

// Whether a raw (still escaped) key, starting after its opening quote, is
// exactly `name`. The padded input makes reading name.size() + 1 bytes safe.
// `name` has no quote or backslash, so a match cannot end inside an escape.
bool raw_key_is(const char* raw, std::string_view name) {
  for (size_t i = 0; i < name.size(); ++i) {
    if (raw[i] != name[i]) return false;
  }
  return raw[name.size()] == '"';
}

bool raw_key_has_escape(const char* raw) {
  for (;; ++raw) {
    if (*raw == '"') return false;
    if (*raw == '\\') return true;
  }
}

// The variant a key names, or nullptr (*st says whether the key was unknown,
// UnknownType, or could not be unescaped, MalformedJson). The common,
// escape-free key is matched in place; only a key with an escape is unescaped.
const Layout* variant_of(od::field& f, DecodeStatus* st) {
  const char* raw = f.key().raw();
  for (const Layout& l : detail::kLayouts) {
    if (raw_key_is(raw, l.name)) return &l;
  }
  *st = DecodeStatus::UnknownType;
  if (!raw_key_has_escape(raw)) return nullptr;
  std::string_view key;
  if (f.unescaped_key().get(key) != simdjson::SUCCESS) {
    *st = DecodeStatus::MalformedJson;
    return nullptr;
  }
  return detail::layout_by_name(key);
}

// Index of the field of `l` that f's key names; l.count when none does;
// -1 when the key cannot be unescaped.
int field_index(const Layout& l, od::field& f) {
  const char* raw = f.key().raw();
  for (size_t i = 0; i < l.count; ++i) {
    if (raw_key_is(raw, detail::field_name(l.fields[i]))) return int(i);
  }
  if (!raw_key_has_escape(raw)) return l.count;
  std::string_view key;
  if (f.unescaped_key().get(key) != simdjson::SUCCESS) return -1;
  size_t i = 0;
  while (i < l.count && detail::field_name(l.fields[i]) != key) ++i;
  return int(i);
}

// Clinger's fast path for f32: a number with a decimal mantissa below 2^24
// and a power of ten within +-10 is m * 10^k or m / 10^k of two exact f32
// values, which one IEEE multiply or divide rounds correctly. Covers the
// usual coordinates ("1024.625", "-37.1", "3"); false sends the rest to
// from_chars.
bool fast_float(const NumberToken& t, float* out) {
  static constexpr float kPow10[] = {1e0f, 1e1f, 1e2f, 1e3f, 1e4f, 1e5f, 1e6f, 1e7f, 1e8f, 1e9f, 1e10f};
  constexpr uint32_t kExact = 1u << 24;
  const char* p = t.text.data() + (t.negative ? 1 : 0);
  const char* const end = t.text.data() + t.text.size();
  uint32_t m = 0;
  int exp10 = 0;
  for (; p < end && is_digit(*p); ++p) {
    m = m * 10 + uint32_t(*p - '0');
    if (m >= kExact) return false;
  }
  if (p < end && *p == '.') {
    for (++p; p < end && is_digit(*p); ++p) {
      m = m * 10 + uint32_t(*p - '0');
      if (m >= kExact) return false;
      --exp10;
    }
  }
  if (p < end) {  // exponent: [eE][+-]?digits
    ++p;
    const bool neg = *p == '-';
    if (*p == '+' || *p == '-') ++p;
    if (end - p > 2) return false;
    int e = 0;
    for (; p < end; ++p) e = e * 10 + (*p - '0');
    exp10 += neg ? -e : e;
  }
  if (exp10 < -10 || exp10 > 10) return false;
  float f = float(m);
  f = exp10 < 0 ? f / kPow10[-exp10] : f * kPow10[exp10];
  *out = t.negative ? -f : f;
  return true;
}

class Decoder {
 public:
  explicit Decoder(Message* out) : out_(out) {}

  // The value of a variant: {fields...}, or for HeartBeat {} / null.
  DecodeStatus variant(const Layout& l, od::value& v) {
    od::json_type jt;
    if (v.type().get(jt) != simdjson::SUCCESS) return DecodeStatus::MalformedJson;
    *out_ = Message{};
    out_->type = l.type;
    if (l.count == 0) {  // unit variant: null, or an object whose content is ignored
      if (jt != od::json_type::null && jt != od::json_type::object) return DecodeStatus::BadFieldType;
      return skip(v, 2);
    }
    if (jt != od::json_type::object) return DecodeStatus::BadFieldType;
    od::object obj;
    if (v.get_object().get(obj) != simdjson::SUCCESS) return DecodeStatus::MalformedJson;
    uint32_t seen = 0;
    for (auto fr : obj) {
      od::field f;
      if (std::move(fr).get(f) != simdjson::SUCCESS) return DecodeStatus::MalformedJson;
      const int idx = field_index(l, f);
      if (idx < 0) return DecodeStatus::MalformedJson;
      const size_t i = size_t(idx);
      if (i == l.count) {  // unknown field: ignored, but its value must still be JSON
        const DecodeStatus st = skip(f.value(), 3);
        if (st != DecodeStatus::Ok) return st;
        continue;
      }
      if (seen & (1u << i)) return DecodeStatus::MalformedJson;  // duplicate field
      seen |= 1u << i;
      const DecodeStatus st = field(l.fields[i], f.value());
      if (st != DecodeStatus::Ok) return st;
    }
    return seen == (1u << l.count) - 1 ? DecodeStatus::Ok : DecodeStatus::MissingField;
  }

 private:
  // Walks a value nobody reads, so that what decode() accepts is JSON
  // throughout (On-Demand alone would skip it unchecked). `depth` is the
  // value's nesting level; deeper than serde_json's limit is refused.
  static DecodeStatus skip(od::value& v, int depth) {
    if (depth > kMaxDepth) return DecodeStatus::MalformedJson;
    od::json_type jt;
    if (v.type().get(jt) != simdjson::SUCCESS) return DecodeStatus::MalformedJson;
    switch (jt) {
      case od::json_type::object: return skip_object(v, depth);
      case od::json_type::array: return skip_array(v, depth);
      case od::json_type::number:
      case od::json_type::string:
      case od::json_type::boolean:
      case od::json_type::null: return check_scalar(v, jt);
    }
    return DecodeStatus::MalformedJson;
  }

  static DecodeStatus skip_object(od::value& v, int depth) {
    od::object obj;
    if (v.get_object().get(obj) != simdjson::SUCCESS) return DecodeStatus::MalformedJson;
    for (auto fr : obj) {
      od::field f;
      if (std::move(fr).get(f) != simdjson::SUCCESS) return DecodeStatus::MalformedJson;
      std::string_view key;
      if (f.unescaped_key().get(key) != simdjson::SUCCESS) return DecodeStatus::MalformedJson;
      const DecodeStatus st = skip(f.value(), depth + 1);
      if (st != DecodeStatus::Ok) return st;
    }
    return DecodeStatus::Ok;
  }

  static DecodeStatus skip_array(od::value& v, int depth) {
    od::array arr;
    if (v.get_array().get(arr) != simdjson::SUCCESS) return DecodeStatus::MalformedJson;
    for (auto er : arr) {
      od::value e;
      if (std::move(er).get(e) != simdjson::SUCCESS) return DecodeStatus::MalformedJson;
      const DecodeStatus st = skip(e, depth + 1);
      if (st != DecodeStatus::Ok) return st;
    }
    return DecodeStatus::Ok;
  }

  // A number, string, boolean or null nobody reads, checked all the same.
  static DecodeStatus check_scalar(od::value& v, od::json_type jt) {
    switch (jt) {
      case od::json_type::number: {
        NumberToken t;
        return scan_number(v.raw_json_token(), &t) ? DecodeStatus::Ok : DecodeStatus::MalformedJson;
      }
      case od::json_type::string: {
        std::string_view s;
        return v.get_string().get(s) == simdjson::SUCCESS ? DecodeStatus::Ok : bad_string(v.raw_json_token());
      }
      case od::json_type::boolean: {
        bool b;
        return v.get_bool().get(b) == simdjson::SUCCESS ? DecodeStatus::Ok : DecodeStatus::MalformedJson;
      }
      case od::json_type::null: {
        bool is_null = false;
        return v.is_null().get(is_null) == simdjson::SUCCESS && is_null ? DecodeStatus::Ok
                                                                         : DecodeStatus::MalformedJson;
      }
      default: return DecodeStatus::MalformedJson;
    }
  }

  DecodeStatus field(Field f, od::value& v) {
    od::json_type jt;
    if (v.type().get(jt) != simdjson::SUCCESS) return DecodeStatus::MalformedJson;
    switch (f) {
      case Field::UserId: return uint_field(jt, v, UINT32_MAX, &out_->user_id);
      case Field::RoomId: return uint_field(jt, v, UINT32_MAX, &out_->room_id);
      case Field::UserCount: return uint_field(jt, v, UINT32_MAX, &out_->user_count);
      case Field::Seq: return uint_field(jt, v, UINT32_MAX, &out_->seq);
      case Field::Timestamp: return uint_field(jt, v, UINT64_MAX, &out_->timestamp);
      case Field::Code: return uint_field(jt, v, UINT16_MAX, &out_->code);
      case Field::X: return float_field(jt, v, &out_->x);
      case Field::Y: return float_field(jt, v, &out_->y);
      case Field::Z: return float_field(jt, v, &out_->z);
      case Field::Success: {
        if (jt != od::json_type::boolean) return DecodeStatus::BadFieldType;
        return v.get_bool().get(out_->success) == simdjson::SUCCESS ? DecodeStatus::Ok : DecodeStatus::MalformedJson;
      }
      case Field::MessageText:
      case Field::NicknameText: return text_field(jt, v);
    }
    return DecodeStatus::MalformedJson;
  }

  template <class T>
  static DecodeStatus uint_field(od::json_type jt, od::value& v, uint64_t max, T* dst) {
    if (jt != od::json_type::number) return DecodeStatus::BadFieldType;
    NumberToken t;
    if (!scan_number(v.raw_json_token(), &t)) return DecodeStatus::MalformedJson;
    if (!t.integer) return DecodeStatus::BadFieldType;  // serde: a float is no integer
    uint64_t x = 0;
    for (char c : t.digits) {
      const uint64_t d = uint64_t(c - '0');
      if (x > (max - d) / 10) return DecodeStatus::FieldOutOfRange;
      x = x * 10 + d;
    }
    if (t.negative && x != 0) return DecodeStatus::FieldOutOfRange;  // "-0" reads as 0
    *dst = T(x);
    return DecodeStatus::Ok;
  }

  static DecodeStatus float_field(od::json_type jt, od::value& v, float* dst) {
    if (jt != od::json_type::number) return DecodeStatus::BadFieldType;
    NumberToken t;
    if (!scan_number(v.raw_json_token(), &t)) return DecodeStatus::MalformedJson;
    float f = 0;
    if (fast_float(t, &f)) {
      *dst = f;
      return DecodeStatus::Ok;
    }
    // Straight to binary32: correctly rounded, no double rounding via f64.
    const auto r = std::from_chars(t.text.data(), t.text.data() + t.text.size(), f);
    if (r.ec == std::errc::result_out_of_range) {
      if (!is_tiny(t)) return DecodeStatus::FieldOutOfRange;
      f = t.negative ? -0.0f : 0.0f;
    } else if (r.ec != std::errc() || r.ptr != t.text.data() + t.text.size()) {
      return DecodeStatus::MalformedJson;
    }
    *dst = f;
    return DecodeStatus::Ok;
  }

  DecodeStatus text_field(od::json_type jt, od::value& v) {
    if (jt != od::json_type::string) return DecodeStatus::BadFieldType;
    std::string_view s;
    if (v.get_string().get(s) != simdjson::SUCCESS) return bad_string(v.raw_json_token());
    if (s.size() > JsonCodec::kMaxText) return DecodeStatus::TextTooLong;
    out_->text = s;
    return DecodeStatus::Ok;
  }

  // simdjson refused to unescape a string: an unknown escape is malformed
  // JSON; otherwise it was a \u escape that is no Unicode scalar value (a lone
  // surrogate).
  static DecodeStatus bad_string(std::string_view raw) {
    for (size_t i = 1; i + 1 < raw.size(); ++i) {
      if (raw[i] != '\\') continue;
      ++i;
      if (std::string_view("\"\\/bfnrtu").find(raw[i]) == std::string_view::npos) return DecodeStatus::MalformedJson;
    }
    return DecodeStatus::BadUtf8;
  }

  Message* out_;
};

DecodeStatus from_simdjson(simdjson::error_code e) {
  switch (e) {
    case simdjson::SUCCESS: return DecodeStatus::Ok;
    case simdjson::EMPTY: return DecodeStatus::Empty;
    case simdjson::UTF8_ERROR: return DecodeStatus::BadUtf8;
    case simdjson::CAPACITY: return DecodeStatus::TextTooLong;
    default: return DecodeStatus::MalformedJson;
  }
}

// True when the whole document has been consumed (nothing after the value).
bool at_end(od::document& doc) { return doc.current_location().error() == simdjson::OUT_OF_BOUNDS; }

// A document that is one string: a unit variant by name ("HeartBeat").
DecodeStatus decode_unit_variant(od::document& doc, Message* out) {
  std::string_view name;
  const simdjson::error_code e = doc.get_string().get(name);
  if (e != simdjson::SUCCESS) return from_simdjson(e);
  if (!at_end(doc)) return DecodeStatus::MalformedJson;
  const Layout* l = detail::layout_by_name(name);
  if (l == nullptr) return DecodeStatus::UnknownType;
  if (l->count != 0) return DecodeStatus::BadFieldType;  // a struct variant needs its fields
  *out = Message{};
  out->type = l->type;
  return DecodeStatus::Ok;
}

// A document that is one object: {"Variant": value}, exactly one key.
DecodeStatus decode_tagged(od::document& doc, Message* out) {
  od::object obj;
  simdjson::error_code e = doc.get_object().get(obj);
  if (e != simdjson::SUCCESS) return from_simdjson(e);
  Decoder dec(out);
  size_t keys = 0;
  for (auto fr : obj) {
    od::field f;
    if ((e = std::move(fr).get(f)) != simdjson::SUCCESS) return from_simdjson(e);
    if (keys++ != 0) return DecodeStatus::MalformedJson;  // an enum is one key
    DecodeStatus st = DecodeStatus::Ok;
    const Layout* l = variant_of(f, &st);
    if (l == nullptr) return st;
    st = dec.variant(*l, f.value());
    if (st != DecodeStatus::Ok) return st;
  }
  if (keys != 1 || !at_end(doc)) return DecodeStatus::MalformedJson;
  return DecodeStatus::Ok;
}

// ---------------------------------------------------------------- encoding

size_t value_bound(Field f, size_t text_len) {
  switch (f) {
    case Field::Timestamp: return kU64Chars;
    case Field::Code: return kU16Chars;
    case Field::X:
    case Field::Y:
    case Field::Z: return kFloatChars;
    case Field::Success: return 5;  // false
    case Field::MessageText:
    case Field::NicknameText: return 2 + 6 * text_len;  // quotes, every byte as \u00XX
    default: return kU32Chars;
  }
}

uint8_t* put(uint8_t* p, std::string_view s) {
  std::memcpy(p, s.data(), s.size());
  return p + s.size();
}

template <class T>
uint8_t* put_uint(uint8_t* p, T v) {
  char* const c = reinterpret_cast<char*>(p);
  const auto r = std::to_chars(c, c + std::numeric_limits<T>::digits10 + 1, v);
  return p + (r.ptr - c);
}

uint8_t* put_float(uint8_t* p, float f) {
  if (!std::isfinite(f)) {
    *p = '0';
    return p + 1;
  }
  char* const c = reinterpret_cast<char*>(p);
  const auto r = std::to_chars(c, c + kFloatChars, f);  // shortest round-trip form
  PTNET_ASSERT(r.ec == std::errc());
  return p + (r.ptr - c);
}

bool needs_escape(uint8_t c) { return c < 0x20 || c == '"' || c == '\\'; }

uint8_t* put_escaped_char(uint8_t* p, uint8_t c) {
  static constexpr char kHex[] = "0123456789abcdef";
  *p++ = '\\';
  if (c == '"' || c == '\\') {
    *p++ = c;
  } else {
    p = put(p, "u00");
    *p++ = uint8_t(kHex[c >> 4]);
    *p++ = uint8_t(kHex[c & 15]);
  }
  return p;
}

// `"text"`, escaped. The budget (6 bytes per input byte) leaves room for the
// 16-byte block stores.
uint8_t* put_string(uint8_t* p, std::string_view s) {
  const auto* in = reinterpret_cast<const uint8_t*>(s.data());
  const size_t n = s.size();
  size_t i = 0;
  *p++ = '"';
#if defined(__SSE2__)
  const __m128i quote = _mm_set1_epi8('"');
  const __m128i bslash = _mm_set1_epi8('\\');
  const __m128i ctl_max = _mm_set1_epi8(0x1F);
  while (n - i >= 16) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(in + i));
    const __m128i ctl = _mm_cmpeq_epi8(_mm_min_epu8(v, ctl_max), v);  // v <= 0x1F
    const __m128i hit = _mm_or_si128(ctl, _mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, bslash)));
    const unsigned mask = unsigned(_mm_movemask_epi8(hit));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(p), v);
    if (mask == 0) {
      p += 16;
      i += 16;
      continue;
    }
    const unsigned k = unsigned(__builtin_ctz(mask));
    p += k;
    i += k;
    p = put_escaped_char(p, in[i++]);
  }
#endif
  for (; i < n; ++i) {
    const uint8_t c = in[i];
    if (needs_escape(c)) {
      p = put_escaped_char(p, c);
    } else {
      *p++ = c;
    }
  }
  *p++ = '"';
  return p;
}

const Layout& layout_for_encode(MsgType t) {
  const Layout* l = detail::layout_of(uint8_t(t));
  PTNET_ASSERT(l != nullptr);
  return *l;
}

}  // namespace

struct JsonCodec::Impl {
  explicit Impl(size_t max_doc)
      : parser(max_doc), buf(new char[max_doc + simdjson::SIMDJSON_PADDING]()), max_document(max_doc) {
    PTNET_ASSERT(max_doc > 0);
    const simdjson::error_code e = parser.allocate(max_doc);
    PTNET_ASSERT(e == simdjson::SUCCESS);
  }
  od::parser parser;
  std::unique_ptr<char[]> buf;  // max_document + SIMDJSON_PADDING bytes
  size_t max_document;
};

JsonCodec::JsonCodec(size_t max_document) : impl_(std::make_unique<Impl>(max_document)) {}
JsonCodec::~JsonCodec() = default;
JsonCodec::JsonCodec(JsonCodec&&) noexcept = default;
JsonCodec& JsonCodec::operator=(JsonCodec&&) noexcept = default;

size_t JsonCodec::max_document() const { return impl_->max_document; }

DecodeStatus JsonCodec::decode(const uint8_t* body, size_t n, Message* out) {
  if (n == 0) return DecodeStatus::Empty;
  Impl& im = *impl_;
  if (n > im.max_document) return DecodeStatus::TextTooLong;
  std::memcpy(im.buf.get(), body, n);
  std::memset(im.buf.get() + n, 0, simdjson::SIMDJSON_PADDING);
  od::document doc;
  simdjson::error_code e =
      im.parser.iterate(simdjson::padded_string_view(im.buf.get(), n, n + simdjson::SIMDJSON_PADDING)).get(doc);
  if (e != simdjson::SUCCESS) return from_simdjson(e);
  od::json_type jt;
  if ((e = doc.type().get(jt)) != simdjson::SUCCESS) return from_simdjson(e);
  if (jt == od::json_type::string) return decode_unit_variant(doc, out);  // "HeartBeat"
  if (jt != od::json_type::object) return DecodeStatus::BadFieldType;
  return decode_tagged(doc, out);
}

size_t JsonCodec::max_encoded_size(const Message& m) {
  const Layout& l = layout_for_encode(m.type);
  size_t n = 2 + l.name.size() + 3 + 2;  // {"Name":{  }}
  for (size_t i = 0; i < l.count; ++i) {
    const Field f = l.fields[i];
    const size_t text = detail::is_text(f) ? detail::clamp_text(m.text, kMaxText).size() : 0;
    n += 1 + 2 + detail::field_name(f).size() + 1 + value_bound(f, text);  // ,"key":value
  }
  return n;
}

size_t JsonCodec::encode(const Message& m, uint8_t* out) {
  const Layout& l = layout_for_encode(m.type);
  uint8_t* p = out;
  p = put(p, "{\"");
  p = put(p, l.name);
  p = put(p, "\":{");
  for (size_t i = 0; i < l.count; ++i) {
    const Field f = l.fields[i];
    if (i != 0) *p++ = ',';
    *p++ = '"';
    p = put(p, detail::field_name(f));
    p = put(p, "\":");
    switch (f) {
      case Field::UserId: p = put_uint(p, m.user_id); break;
      case Field::RoomId: p = put_uint(p, m.room_id); break;
      case Field::UserCount: p = put_uint(p, m.user_count); break;
      case Field::Seq: p = put_uint(p, m.seq); break;
      case Field::Timestamp: p = put_uint(p, m.timestamp); break;
      case Field::Code: p = put_uint(p, m.code); break;
      case Field::X: p = put_float(p, m.x); break;
      case Field::Y: p = put_float(p, m.y); break;
      case Field::Z: p = put_float(p, m.z); break;
      case Field::Success: p = put(p, m.success ? std::string_view("true") : std::string_view("false")); break;
      case Field::MessageText:
      case Field::NicknameText: p = put_string(p, detail::clamp_text(m.text, kMaxText)); break;
    }
  }
  p = put(p, "}}");
  return size_t(p - out);
}

}  // namespace ptnet::game
