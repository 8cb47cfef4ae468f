#include "game/ErrorCode.h"

namespace ptnet::game {

const char* default_message(ErrorCode c) {
  switch (c) {
    case ErrorCode::BadFirstMessage: return "the first message must be Connect";
    case ErrorCode::MalformedMessage: return "malformed message";
    case ErrorCode::UnknownType: return "unknown message type";
    case ErrorCode::FieldOutOfRange: return "field out of range";
    case ErrorCode::NotInRoom: return "not in that room";
    case ErrorCode::DuplicateLogin: return "this user is already connected";
    case ErrorCode::FrameTooLarge: return "frame too large";
    case ErrorCode::ZeroLengthFrame: return "zero-length frame";
    case ErrorCode::UserIdMismatch: return "user_id does not match the connected user";
    case ErrorCode::TooManyRooms: return "too many rooms";
    case ErrorCode::AlreadyConnected: return "already connected";
    case ErrorCode::ServerFull: return "server full";
    case ErrorCode::UnexpectedMessage: return "server-to-client message sent by a client";
  }
  return "error";
}

ErrorCode error_for(DecodeStatus s) {
  switch (s) {
    case DecodeStatus::UnknownType: return ErrorCode::UnknownType;
    case DecodeStatus::FieldOutOfRange:
    case DecodeStatus::TextTooLong: return ErrorCode::FieldOutOfRange;
    default: return ErrorCode::MalformedMessage;
  }
}

}  // namespace ptnet::game
