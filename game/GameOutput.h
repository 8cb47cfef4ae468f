// What the game core asks of the transport that feeds it: the core decides
// WHAT is sent to WHOM and when a session must go; the shell implementing
// this decides HOW (encoding, framing, sockets, mailboxes to other shards).
// A recording fake implements it in the core's unit tests.
//
// Every Message, and every string it views, is valid only during the call:
// encode or copy it before returning. send() and broadcast() must not call
// back into the core (a connection they find broken is closed later, as
// TcpService::request_close does); close() may (see there).
//
// Threads: called by a GameCore on its shard's thread only.
// Ownership: the core holds a reference; the implementer outlives the core.
#pragma once

#include <cstdint>

#include "game/LocalRoom.h"
#include "game/Message.h"
#include "game/Session.h"

namespace ptnet::game {

class GameOutput {
 public:
  enum class Close : uint8_t {
    Now,         // drop what is queued (idle timeout)
    AfterFlush,  // the last replies (an Error) leave first
  };

  virtual ~GameOutput() = default;
  // Queues `m` to one session, in its encoding, over its transport.
  virtual void send(const Session& to, const Message& m) = 0;
  // Queues `m` to every local member of `room` except `exclude` (nullptr:
  // nobody), and hands it to every other shard with members of the room
  // (the RoomDirectory's shard mask at room.entry), which delivers it to
  // its own members.
  virtual void broadcast(const LocalRoom& room, const Message& m, const Session* exclude) = 0;
  // Closes the session's connection. The core has already ended the session
  // (it is Closing); the shell reports the close back with
  // GameCore::closed(s), possibly before this returns: the core does not
  // touch `s` after calling this.
  virtual void close(Session& s, Close how) = 0;
};

}  // namespace ptnet::game
