// One decoded (or to-be-encoded) Police Thief message: a flat value with
// every field any type uses. Which fields a type carries, in wire order:
//
//   HeartBeat            —
//   UserInfo             user_id u32, nickname str        (text = nickname)
//   Connect              room_id u32, user_id u32
//   ConnectionAck        user_id u32
//   HeartBeatResponse    timestamp u64
//   ChatMessage          user_id u32, room_id u32, message str
//   ChatResponse         success bool, message str
//   RoomJoin             user_id u32, room_id u32, nickname str
//   RoomLeave            user_id u32, room_id u32
//   RoomJoinSuccess      room_id u32, user_count u32
//   RoomLeaveSuccess     room_id u32
//   UserJoinedRoom       room_id u32, user_id u32, nickname str
//   UserLeftRoom         room_id u32, user_id u32
//   PlayerMove           user_id u32, room_id u32, x f32, y f32, z f32, seq u32
//   SystemMessage        message str
//   Error                code u16, message str
//
// The one string field of a type (message or nickname) is `text`: a view
// into the decoder's input or scratch, valid until the next decode.
//
// Threads: a plain value. Ownership: `text` is borrowed, never owned.
#pragma once

#include <cstdint>
#include <string_view>

#include "game/MsgType.h"

namespace ptnet::game {

struct Message {
  MsgType type = MsgType::HeartBeat;
  uint32_t user_id = 0;
  uint32_t room_id = 0;
  uint32_t user_count = 0;
  uint64_t timestamp = 0;
  float x = 0, y = 0, z = 0;
  uint32_t seq = 0;
  bool success = false;
  uint16_t code = 0;
  std::string_view text;
};

}  // namespace ptnet::game
