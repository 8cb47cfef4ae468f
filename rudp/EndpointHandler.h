// The application's side of an Endpoint: connection events and messages.
//
// Threads: called on the endpoint's owner thread, from inside receive(),
// flush() and on_timer() only (never from connect(), send() or close()).
// Ownership: `data` in on_message() is valid only during the call (it may
// point into the received datagram); copy what must outlive it.
// Re-entrancy: every callback may call Endpoint::send() and close(), for any
// peer; on_message() must not call receive(), flush() or on_timer().
#pragma once

#include <cstddef>
#include <cstdint>

#include "base/ConnId.h"
#include "base/SockAddr.h"
#include "rudp/Channel.h"
#include "rudp/DisconnectReason.h"

namespace ptnet::rudp {

class EndpointHandler {
 public:
  virtual ~EndpointHandler() = default;
  // The handshake completed (server: a CONNECT with a valid cookie arrived;
  // client: ACCEPT arrived). `peer` is valid until on_disconnect(peer).
  virtual void on_connect(ConnId peer, const SockAddr& addr) = 0;
  virtual void on_message(ConnId peer, Channel ch, const uint8_t* data, size_t len) = 0;
  // Once per connection that reached on_connect(), and for a client
  // connection that never got there (Refused, HandshakeTimeout, or closed
  // locally during the handshake). The ConnId is stale afterwards.
  virtual void on_disconnect(ConnId peer, DisconnectReason why) = 0;
};

}  // namespace ptnet::rudp
