// Messages shared by the codec tests: one sample of every type with every
// field it carries set, and a field-by-field comparison (floats by bits).
#pragma once

#include <gtest/gtest.h>

#include <bit>
#include <cstdint>

#include "game/Message.h"
#include "game/MsgType.h"

namespace ptnet::game {

inline constexpr MsgType kAllTypes[] = {
    MsgType::HeartBeat,      MsgType::UserInfo,         MsgType::Connect,          MsgType::ConnectionAck,
    MsgType::HeartBeatResponse, MsgType::ChatMessage,   MsgType::ChatResponse,     MsgType::RoomJoin,
    MsgType::RoomLeave,      MsgType::RoomJoinSuccess,  MsgType::RoomLeaveSuccess, MsgType::UserJoinedRoom,
    MsgType::UserLeftRoom,   MsgType::PlayerMove,       MsgType::SystemMessage,    MsgType::Error,
};

// A message of type t with every field that type carries set to a distinct,
// non-zero value (and every other field zero, as decode leaves them).
inline Message sample(MsgType t) {
  Message m;
  m.type = t;
  switch (t) {
    case MsgType::HeartBeat: break;
    case MsgType::UserInfo: m.user_id = 42; m.text = "nick"; break;
    case MsgType::Connect: m.room_id = 1; m.user_id = 123; break;
    case MsgType::ConnectionAck: m.user_id = 0xDEADBEEF; break;
    case MsgType::HeartBeatResponse: m.timestamp = 1700000000123ull; break;
    case MsgType::ChatMessage: m.user_id = 5; m.room_id = 1; m.text = "hello, room"; break;
    case MsgType::ChatResponse: m.success = true; m.text = "sent"; break;
    case MsgType::RoomJoin: m.user_id = 9; m.room_id = 77; m.text = "joiner"; break;
    case MsgType::RoomLeave: m.user_id = 9; m.room_id = 77; break;
    case MsgType::RoomJoinSuccess: m.room_id = 77; m.user_count = 12; break;
    case MsgType::RoomLeaveSuccess: m.room_id = 77; break;
    case MsgType::UserJoinedRoom: m.room_id = 77; m.user_id = 10; m.text = "newcomer"; break;
    case MsgType::UserLeftRoom: m.room_id = 77; m.user_id = 10; break;
    case MsgType::PlayerMove: m.user_id = 3; m.room_id = 4; m.x = 1.5f; m.y = -2.25f; m.z = 1e-3f; m.seq = 99; break;
    case MsgType::SystemMessage: m.text = "welcome"; break;
    case MsgType::Error: m.code = 404; m.text = "not found"; break;
  }
  return m;
}

inline uint32_t bits(float f) { return std::bit_cast<uint32_t>(f); }

// Field-by-field equality; floats compared by bit pattern (NaN, -0).
inline void expect_same(const Message& a, const Message& b) {
  EXPECT_EQ(a.type, b.type);
  EXPECT_EQ(a.user_id, b.user_id);
  EXPECT_EQ(a.room_id, b.room_id);
  EXPECT_EQ(a.user_count, b.user_count);
  EXPECT_EQ(a.timestamp, b.timestamp);
  EXPECT_EQ(bits(a.x), bits(b.x));
  EXPECT_EQ(bits(a.y), bits(b.y));
  EXPECT_EQ(bits(a.z), bits(b.z));
  EXPECT_EQ(a.seq, b.seq);
  EXPECT_EQ(a.success, b.success);
  EXPECT_EQ(a.code, b.code);
  EXPECT_EQ(a.text, b.text);
}

}  // namespace ptnet::game
