// Internal to the codecs: the one table that says which fields each message
// type carries and in which order (binary wire order = JSON field order). Both
// codecs and msg_type_name() are driven by it; Message.h documents the same
// table for readers.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "game/MsgType.h"

namespace ptnet::game::detail {

// A field of Message as it appears on the wire.
enum class Field : uint8_t {
  UserId,     // u32
  RoomId,     // u32
  UserCount,  // u32
  Timestamp,  // u64
  X,          // f32
  Y,          // f32
  Z,          // f32
  Seq,        // u32
  Success,    // bool (one byte 0/1 in binary)
  Code,       // u16
  MessageText,   // str, JSON name "message"  (Message::text)
  NicknameText,  // str, JSON name "nickname" (Message::text)
};

inline constexpr size_t kMaxFields = 6;

struct Layout {
  MsgType type;
  std::string_view name;  // serde variant name
  uint8_t count;          // number of fields
  std::array<Field, kMaxFields> fields;
};

// clang-format off
inline constexpr Layout kLayouts[] = {
  {MsgType::HeartBeat,         "HeartBeat",         0, {}},
  {MsgType::UserInfo,          "UserInfo",          2, {Field::UserId, Field::NicknameText}},
  {MsgType::Connect,           "Connect",           2, {Field::RoomId, Field::UserId}},
  {MsgType::ConnectionAck,     "ConnectionAck",     1, {Field::UserId}},
  {MsgType::HeartBeatResponse, "HeartBeatResponse", 1, {Field::Timestamp}},
  {MsgType::ChatMessage,       "ChatMessage",       3, {Field::UserId, Field::RoomId, Field::MessageText}},
  {MsgType::ChatResponse,      "ChatResponse",      2, {Field::Success, Field::MessageText}},
  {MsgType::RoomJoin,          "RoomJoin",          3, {Field::UserId, Field::RoomId, Field::NicknameText}},
  {MsgType::RoomLeave,         "RoomLeave",         2, {Field::UserId, Field::RoomId}},
  {MsgType::RoomJoinSuccess,   "RoomJoinSuccess",   2, {Field::RoomId, Field::UserCount}},
  {MsgType::RoomLeaveSuccess,  "RoomLeaveSuccess",  1, {Field::RoomId}},
  {MsgType::UserJoinedRoom,    "UserJoinedRoom",    3, {Field::RoomId, Field::UserId, Field::NicknameText}},
  {MsgType::UserLeftRoom,      "UserLeftRoom",      2, {Field::RoomId, Field::UserId}},
  {MsgType::PlayerMove,        "PlayerMove",        6, {Field::UserId, Field::RoomId, Field::X, Field::Y, Field::Z, Field::Seq}},
  {MsgType::SystemMessage,     "SystemMessage",     1, {Field::MessageText}},
  {MsgType::Error,             "Error",             2, {Field::Code, Field::MessageText}},
};
// clang-format on

inline constexpr size_t kLayoutCount = sizeof kLayouts / sizeof kLayouts[0];

// Type code -> index into kLayouts, or kNoLayout.
inline constexpr uint8_t kNoLayout = 0xFF;
inline constexpr std::array<uint8_t, 256> kLayoutIndex = [] {
  std::array<uint8_t, 256> idx{};
  for (auto& i : idx) i = kNoLayout;
  for (size_t i = 0; i < kLayoutCount; ++i) idx[uint8_t(kLayouts[i].type)] = uint8_t(i);
  return idx;
}();

inline const Layout* layout_of(uint8_t code) {
  const uint8_t i = kLayoutIndex[code];
  return i == kNoLayout ? nullptr : &kLayouts[i];
}

// Lookup by serde variant name; nullptr when no type has that name.
inline const Layout* layout_by_name(std::string_view name) {
  for (const Layout& l : kLayouts) {
    if (l.name.size() == name.size() && l.name == name) return &l;
  }
  return nullptr;
}

inline constexpr std::string_view field_name(Field f) {
  switch (f) {
    case Field::UserId: return "user_id";
    case Field::RoomId: return "room_id";
    case Field::UserCount: return "user_count";
    case Field::Timestamp: return "timestamp";
    case Field::X: return "x";
    case Field::Y: return "y";
    case Field::Z: return "z";
    case Field::Seq: return "seq";
    case Field::Success: return "success";
    case Field::Code: return "code";
    case Field::MessageText: return "message";
    case Field::NicknameText: return "nickname";
  }
  return {};
}

inline constexpr bool is_text(Field f) { return f == Field::MessageText || f == Field::NicknameText; }

// Text longer than `max` is cut to at most `max` bytes at a UTF-8 character
// boundary, so an encoder never emits a string its decoder would refuse.
inline std::string_view clamp_text(std::string_view s, size_t max) {
  if (s.size() <= max) return s;
  size_t cut = max;
  while (cut > 0 && (uint8_t(s[cut]) & 0xC0) == 0x80) --cut;  // s[cut] starts the first dropped char
  return s.substr(0, cut);
}

}  // namespace ptnet::game::detail
