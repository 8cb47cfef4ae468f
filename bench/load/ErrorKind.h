// Kinds of failure ptnet-load counts and reports separately. Plain value
// type; no thread owns it.
#pragma once

#include <cstddef>
#include <cstdint>

namespace ptnet::load {

enum class ErrorKind : uint8_t {
  kConnect,         // connect() refused / failed, or socket() failed
  kConnectTimeout,  // connect did not complete within --connect-timeout
  kCorrupt,         // echoed bytes differ from what was sent (length, id, time, pattern);
                    // chat/move: a delivered text or position is not what its sender sent
  kOrder,           // a frame arrived out of sequence on its connection;
                    // chat/move: a sender's seq went backwards at a receiver
  kClosed,          // the server closed the connection
  kRecv,            // recv returned an error
  kSend,            // send returned an error or wrote nothing
  kTimeout,         // an outstanding frame was never answered (stalled connection);
                    // chat/move: Connect not admitted within --connect-timeout, or (closed
                    // loop) a user's own message never came back to it
  // chat / move modes
  kDuplicate,       // a receiver got the same seq of a sender twice in a row
  kMissing,         // a delivery of a message sent in the window never came
  kServerError,     // the server sent an Error frame
  kRefused,         // the server refused a chat (ChatResponse with success false)
  kProtocol,        // a frame that cannot be decoded, or one the server should not send
  kMisrouted,       // a delivery to a user who is not to get it (other room, own move)
  kHandshake,       // Connect answered with a wrong ConnectionAck or something else
  kCount
};

inline constexpr size_t kErrorKinds = size_t(ErrorKind::kCount);

inline const char* error_kind_name(size_t kind) {
  static constexpr const char* kNames[kErrorKinds] = {
      "connect",   "connect_timeout", "corrupt",      "order",    "closed",    "recv",
      "send",      "timeout",         "duplicate",    "missing",  "server_error",
      "refused",   "protocol",        "misrouted",    "handshake"};
  return kind < kErrorKinds ? kNames[kind] : "?";
}

}  // namespace ptnet::load
