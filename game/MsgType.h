// Police Thief message types and their binary type codes (seed 000).
#pragma once

#include <cstdint>

namespace ptnet::game {

enum class MsgType : uint8_t {
  HeartBeat = 0x01,
  UserInfo = 0x02,
  Connect = 0x03,
  ConnectionAck = 0x04,
  HeartBeatResponse = 0x05,
  ChatMessage = 0x10,
  ChatResponse = 0x11,
  RoomJoin = 0x20,
  RoomLeave = 0x21,
  RoomJoinSuccess = 0x22,
  RoomLeaveSuccess = 0x23,
  UserJoinedRoom = 0x24,
  UserLeftRoom = 0x25,
  PlayerMove = 0x30,
  SystemMessage = 0x40,
  Error = 0x41,
};

// The serde externally-tagged name ("Connect", "HeartBeat", ...), or nullptr
// for a code that is not a message type.
const char* msg_type_name(MsgType t);
bool is_known_type(uint8_t code);

}  // namespace ptnet::game
