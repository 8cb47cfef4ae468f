// Why a connection ended; reported once per connection through
// EndpointHandler::on_disconnect().
// Threads: a value type, any thread.
#pragma once

#include <cstdint>

namespace ptnet::rudp {

enum class DisconnectReason : uint8_t {
  Timeout,           // nothing heard from the peer for idle_timeout
  ClosedByPeer,      // the peer sent CLOSE
  ClosedLocally,     // close() finished (CLOSE answered, or its retries ran out)
  Refused,           // the server answered CONNECT with REFUSE (full)
  HandshakeTimeout,  // client: HELLO/CONNECT unanswered for handshake_timeout
  Replaced,          // server: a new handshake from the same address replaced it
};

const char* to_string(DisconnectReason r);

}  // namespace ptnet::rudp
