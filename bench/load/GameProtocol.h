// The Police Thief TCP game protocol as ptnet-load sees it (DESIGN.md, "TCP
// game protocol"), written independently of game/ so that the load generator
// checks the server rather than sharing its bugs. Plain values and constant
// tables; no thread owns them.
//
// Binary frame (integers and f32 little-endian, strings u16 LE length + UTF-8,
// bool one byte; `length` counts the bytes after itself):
//
//   +----------------+------+------------------------------+
//   | length u32 LE  | type | fields in table order        |
//   +----------------+------+------------------------------+
//   e.g. Connect:  09 00 00 00 | 03 | room_id u32 | user_id u32
//
// JSON frame: [u32 big-endian length][UTF-8 JSON], serde's externally tagged
// form: {"Connect":{"room_id":1,"user_id":123}}; a field-less message is
// {"HeartBeat":{}} or plain "HeartBeat".
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace ptnet::load {

enum class GameEncoding : uint8_t { kBinary, kJson };

enum class MsgType : uint8_t {
  kHeartBeat = 0x01,
  kUserInfo = 0x02,
  kConnect = 0x03,
  kConnectionAck = 0x04,
  kHeartBeatResponse = 0x05,
  kChatMessage = 0x10,
  kChatResponse = 0x11,
  kRoomJoin = 0x20,
  kRoomLeave = 0x21,
  kRoomJoinSuccess = 0x22,
  kRoomLeaveSuccess = 0x23,
  kUserJoinedRoom = 0x24,
  kUserLeftRoom = 0x25,
  kPlayerMove = 0x30,
  kSystemMessage = 0x40,
  kError = 0x41,
};

// Every field any message carries; the wire type follows from the field.
enum class Field : uint8_t {
  kUserId,     // u32
  kRoomId,     // u32
  kUserCount,  // u32
  kSeq,        // u32
  kTimestamp,  // u64
  kCode,       // u16
  kSuccess,    // bool
  kX,          // f32
  kY,          // f32
  kZ,          // f32
  kNickname,   // string
  kMessage,    // string
  kEnd
};

struct MsgSpec {
  MsgType type;
  std::string_view name;
  Field fields[7];  // in wire order, kEnd-terminated
};

// Table-driven: both decoders walk these field lists.
inline constexpr MsgSpec kMsgSpecs[] = {
    {MsgType::kHeartBeat, "HeartBeat", {Field::kEnd}},
    {MsgType::kUserInfo, "UserInfo", {Field::kUserId, Field::kNickname, Field::kEnd}},
    {MsgType::kConnect, "Connect", {Field::kRoomId, Field::kUserId, Field::kEnd}},
    {MsgType::kConnectionAck, "ConnectionAck", {Field::kUserId, Field::kEnd}},
    {MsgType::kHeartBeatResponse, "HeartBeatResponse", {Field::kTimestamp, Field::kEnd}},
    {MsgType::kChatMessage, "ChatMessage", {Field::kUserId, Field::kRoomId, Field::kMessage, Field::kEnd}},
    {MsgType::kChatResponse, "ChatResponse", {Field::kSuccess, Field::kMessage, Field::kEnd}},
    {MsgType::kRoomJoin, "RoomJoin", {Field::kUserId, Field::kRoomId, Field::kNickname, Field::kEnd}},
    {MsgType::kRoomLeave, "RoomLeave", {Field::kUserId, Field::kRoomId, Field::kEnd}},
    {MsgType::kRoomJoinSuccess, "RoomJoinSuccess", {Field::kRoomId, Field::kUserCount, Field::kEnd}},
    {MsgType::kRoomLeaveSuccess, "RoomLeaveSuccess", {Field::kRoomId, Field::kEnd}},
    {MsgType::kUserJoinedRoom,
     "UserJoinedRoom",
     {Field::kRoomId, Field::kUserId, Field::kNickname, Field::kEnd}},
    {MsgType::kUserLeftRoom, "UserLeftRoom", {Field::kRoomId, Field::kUserId, Field::kEnd}},
    {MsgType::kPlayerMove,
     "PlayerMove",
     {Field::kUserId, Field::kRoomId, Field::kX, Field::kY, Field::kZ, Field::kSeq, Field::kEnd}},
    {MsgType::kSystemMessage, "SystemMessage", {Field::kMessage, Field::kEnd}},
    {MsgType::kError, "Error", {Field::kCode, Field::kMessage, Field::kEnd}},
};

inline constexpr std::string_view kFieldNames[] = {"user_id",   "room_id", "user_count", "seq",
                                                   "timestamp", "code",    "success",    "x",
                                                   "y",         "z",       "nickname",   "message"};

inline const MsgSpec* find_spec(uint8_t code) {
  for (const MsgSpec& s : kMsgSpecs)
    if (uint8_t(s.type) == code) return &s;
  return nullptr;
}

inline const MsgSpec* find_spec(std::string_view name) {
  for (const MsgSpec& s : kMsgSpecs)
    if (s.name == name) return &s;
  return nullptr;
}

inline std::string_view msg_name(MsgType t) {
  const MsgSpec* s = find_spec(uint8_t(t));
  return s ? s->name : std::string_view("?");
}

// One decoded server frame. Strings point into the frame or the decoder's
// scratch and are valid until the next decode with the same scratch.
struct GameMsg {
  MsgType type = MsgType::kHeartBeat;
  uint32_t user_id = 0;
  uint32_t room_id = 0;
  uint32_t user_count = 0;
  uint32_t seq = 0;
  uint64_t timestamp = 0;
  uint16_t code = 0;
  bool success = false;
  float x = 0, y = 0, z = 0;
  std::string_view nickname;
  std::string_view message;
};

}  // namespace ptnet::load
