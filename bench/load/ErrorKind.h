// Kinds of failure ptnet-load counts and reports separately. Plain value
// type; no thread owns it.
#pragma once

#include <cstddef>
#include <cstdint>

namespace ptnet::load {

enum class ErrorKind : uint8_t {
  kConnect,         // connect() refused / failed, or socket() failed
  kConnectTimeout,  // connect did not complete within --connect-timeout
  kCorrupt,         // echoed bytes differ from what was sent (length, id, time, pattern)
  kOrder,           // a frame arrived out of sequence on its connection
  kClosed,          // the server closed the connection
  kRecv,            // recv returned an error
  kSend,            // send returned an error or wrote nothing
  kTimeout,         // an outstanding frame was never answered (stalled connection)
  kCount
};

inline constexpr size_t kErrorKinds = size_t(ErrorKind::kCount);

inline const char* error_kind_name(size_t kind) {
  static constexpr const char* kNames[kErrorKinds] = {
      "connect", "connect_timeout", "corrupt", "order",
      "closed",  "recv",            "send",    "timeout"};
  return kind < kErrorKinds ? kNames[kind] : "?";
}

}  // namespace ptnet::load
