// The codes of `Error{code,message}` (documented in README.md). Whether the
// connection survives is decided by the caller: it closes only when the
// stream can no longer be trusted or the session can never become valid.
#pragma once

#include <cstdint>

#include "game/DecodeStatus.h"

namespace ptnet::game {

enum class ErrorCode : uint16_t {
  BadFirstMessage = 1,    // anything but Connect first: Error, then close
  MalformedMessage = 2,   // undecodable body (bad JSON, truncated, bad UTF-8, ...)
  UnknownType = 3,        // unknown type code / message name
  FieldOutOfRange = 4,    // a field outside its range (user_id 0, text too long, ...)
  NotInRoom = 5,          // RoomLeave / PlayerMove for a room the user is not in
  DuplicateLogin = 6,     // user_id already connected: Error, then close
  FrameTooLarge = 7,      // length over --max-frame: Error, then close
  ZeroLengthFrame = 8,    // length 0: Error, then close
  UserIdMismatch = 9,     // user_id field is not the session's user
  TooManyRooms = 10,      // over --max-rooms-per-user
  AlreadyConnected = 11,  // a second Connect
  ServerFull = 12,        // user or room directory full: Error, then close
  UnexpectedMessage = 13, // a server-to-client type sent by a client
};

const char* default_message(ErrorCode c);
ErrorCode error_for(DecodeStatus s);

}  // namespace ptnet::game
