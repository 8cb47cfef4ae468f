#include "game/BinaryCodec.h"

#include <simdjson.h>

#include <array>
#include <bit>
#include <cstring>
#include <utility>

#include "base/Assert.h"
#include "game/MessageLayout.h"

namespace ptnet::game {
namespace {

using detail::Field;
using detail::kLayouts;

static_assert(std::endian::native == std::endian::little, "the binary codec assumes a little-endian host");

template <class T>
T load(const uint8_t* p) {
  T v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

template <class T>
uint8_t* store(uint8_t* p, T v) {
  std::memcpy(p, &v, sizeof v);
  return p + sizeof v;
}

constexpr size_t fixed_size(Field f) {
  switch (f) {
    case Field::Timestamp: return 8;
    case Field::Success: return 1;
    case Field::Code: return 2;
    case Field::MessageText:
    case Field::NicknameText: return 2;  // the length prefix
    default: return 4;
  }
}

// Fields of kLayouts[I], after the type byte. The layout is a constant here,
// so the loop unrolls into straight-line loads.
template <size_t I>
DecodeStatus decode_fields(const uint8_t* p, const uint8_t* const end, Message* out) {
  constexpr const detail::Layout& L = kLayouts[I];
  for (size_t i = 0; i < L.count; ++i) {
    const Field f = L.fields[i];
    if (size_t(end - p) < fixed_size(f)) return DecodeStatus::Truncated;
    switch (f) {
      case Field::UserId: out->user_id = load<uint32_t>(p); break;
      case Field::RoomId: out->room_id = load<uint32_t>(p); break;
      case Field::UserCount: out->user_count = load<uint32_t>(p); break;
      case Field::Timestamp: out->timestamp = load<uint64_t>(p); break;
      case Field::X: out->x = load<float>(p); break;
      case Field::Y: out->y = load<float>(p); break;
      case Field::Z: out->z = load<float>(p); break;
      case Field::Seq: out->seq = load<uint32_t>(p); break;
      case Field::Code: out->code = load<uint16_t>(p); break;
      case Field::Success:
        if (*p > 1) return DecodeStatus::BadFieldType;
        out->success = *p != 0;
        break;
      case Field::MessageText:
      case Field::NicknameText: {
        const size_t len = load<uint16_t>(p);
        if (size_t(end - p) - 2 < len) return DecodeStatus::Truncated;
        const char* s = reinterpret_cast<const char*>(p + 2);
        if (!simdjson::validate_utf8(s, len)) return DecodeStatus::BadUtf8;
        out->text = std::string_view(s, len);
        p += len;
        break;
      }
    }
    p += fixed_size(f);
  }
  return p == end ? DecodeStatus::Ok : DecodeStatus::TrailingBytes;
}

template <size_t I>
uint8_t* encode_fields(const Message& m, uint8_t* p) {
  constexpr const detail::Layout& L = kLayouts[I];
  *p++ = uint8_t(L.type);
  for (size_t i = 0; i < L.count; ++i) {
    switch (L.fields[i]) {
      case Field::UserId: p = store(p, m.user_id); break;
      case Field::RoomId: p = store(p, m.room_id); break;
      case Field::UserCount: p = store(p, m.user_count); break;
      case Field::Timestamp: p = store(p, m.timestamp); break;
      case Field::X: p = store(p, m.x); break;
      case Field::Y: p = store(p, m.y); break;
      case Field::Z: p = store(p, m.z); break;
      case Field::Seq: p = store(p, m.seq); break;
      case Field::Code: p = store(p, m.code); break;
      case Field::Success: *p++ = m.success ? 1 : 0; break;
      case Field::MessageText:
      case Field::NicknameText: {
        const std::string_view t = detail::clamp_text(m.text, BinaryCodec::kMaxText);
        p = store(p, uint16_t(t.size()));
        if (!t.empty()) std::memcpy(p, t.data(), t.size());
        p += t.size();
        break;
      }
    }
  }
  return p;
}

template <size_t I>
constexpr size_t fixed_body_size() {
  size_t n = 1;
  for (size_t i = 0; i < kLayouts[I].count; ++i) n += fixed_size(kLayouts[I].fields[i]);
  return n;
}

template <size_t I>
constexpr bool has_text() {
  for (size_t i = 0; i < kLayouts[I].count; ++i) {
    if (detail::is_text(kLayouts[I].fields[i])) return true;
  }
  return false;
}

using DecodeFn = DecodeStatus (*)(const uint8_t*, const uint8_t*, Message*);
using EncodeFn = uint8_t* (*)(const Message&, uint8_t*);
struct TypeOps {
  DecodeFn decode;
  EncodeFn encode;
  uint32_t fixed_size;  // body size without the text bytes
  bool has_text;
};

template <size_t... I>
constexpr std::array<TypeOps, sizeof...(I)> make_ops(std::index_sequence<I...>) {
  return {TypeOps{&decode_fields<I>, &encode_fields<I>, uint32_t(fixed_body_size<I>()), has_text<I>()}...};
}

constexpr auto kOps = make_ops(std::make_index_sequence<detail::kLayoutCount>());

const TypeOps& ops_of(MsgType t) {
  const uint8_t i = detail::kLayoutIndex[uint8_t(t)];
  PTNET_ASSERT(i != detail::kNoLayout);
  return kOps[i];
}

}  // namespace

DecodeStatus BinaryCodec::decode(const uint8_t* body, size_t n, Message* out) {
  if (n == 0) return DecodeStatus::Empty;
  const uint8_t i = detail::kLayoutIndex[body[0]];
  if (i == detail::kNoLayout) return DecodeStatus::UnknownType;
  *out = Message{};
  out->type = MsgType(body[0]);
  return kOps[i].decode(body + 1, body + n, out);
}

size_t BinaryCodec::encoded_size(const Message& m) {
  const TypeOps& ops = ops_of(m.type);
  return ops.fixed_size + (ops.has_text ? detail::clamp_text(m.text, kMaxText).size() : 0);
}

size_t BinaryCodec::encode(const Message& m, uint8_t* out) {
  return size_t(ops_of(m.type).encode(m, out) - out);
}

}  // namespace ptnet::game
