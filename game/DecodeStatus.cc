#include "game/DecodeStatus.h"

namespace ptnet::game {

const char* to_string(DecodeStatus s) {
  switch (s) {
    case DecodeStatus::Ok: return "ok";
    case DecodeStatus::Empty: return "empty message";
    case DecodeStatus::UnknownType: return "unknown message type";
    case DecodeStatus::Truncated: return "truncated message";
    case DecodeStatus::TrailingBytes: return "trailing bytes after message";
    case DecodeStatus::MalformedJson: return "malformed JSON";
    case DecodeStatus::MissingField: return "missing field";
    case DecodeStatus::BadFieldType: return "wrong field type";
    case DecodeStatus::FieldOutOfRange: return "field value out of range";
    case DecodeStatus::BadUtf8: return "invalid UTF-8";
    case DecodeStatus::TextTooLong: return "text too long";
  }
  return "unknown decode status";
}

}  // namespace ptnet::game
