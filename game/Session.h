// A game session: the Police Thief state of one client connection, whatever
// carries it (TCP or reliable UDP). The core never sees the connection
// itself: the shell that owns it finds it again from `transport` + `conn`.
//
//   AwaitConnect ---Connect accepted---> Active
//        |                                 |
//        | refused (Error 1-4, 6, 12),     | idle timeout, room directory
//        | idle timeout                    | full (Error 12)
//        v                                 v
//      Closing <---------------------------+      the core asked the shell to close
//
//   any state ---GameCore::closed()---> freed     (the transport is gone; an
//                                                   Active session leaves first)
//
// Closing: the session has left the game (rooms left, user_id released) and
// waits for its transport to report the close; its input is ignored.
//
// Threads: touched only by its shard's thread.
// Ownership: allocated from its GameCore's ObjectPool by GameCore::open(),
// freed by GameCore::closed(); the shell may keep the pointer until then.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "base/ConnId.h"
#include "core/Timer.h"
#include "game/Encoding.h"
#include "game/Transport.h"

namespace ptnet::game {

class GameCore;

struct Session {
  enum class State : uint8_t { AwaitConnect, Active, Closing };

  Session(GameCore* core, Transport t, Encoding e, ConnId c, uint64_t now)
      : owner(core), conn(c), transport(t), encoding(e), opened_ns(now), last_rx_ns(now) {}

  std::string_view nick() const { return {nick_buf, nick_len}; }
  bool is_member(uint32_t room) const;

  GameCore* owner;
  ConnId conn;                   // the shell's handle of the connection
  Transport transport;
  Encoding encoding;             // TCP: set by the shell once the first frame decides it
  State state = State::AwaitConnect;
  uint8_t nick_len = 0;
  uint32_t user_id = 0;
  uint32_t index = 0;            // in GameCore's session list
  uint64_t location = 0;         // in the UserDirectory while Active
  uint64_t opened_ns;
  uint64_t last_rx_ns;
  uint64_t last_heartbeat_ns = 0;
  double chat_tokens = 0;
  uint64_t chat_tokens_ns = 0;
  char nick_buf[32];
  std::vector<uint32_t> rooms;   // rooms joined (at most max_rooms_per_user)
  Timer idle;
};

inline bool Session::is_member(uint32_t room) const {
  for (uint32_t r : rooms)
    if (r == room) return true;
  return false;
}

}  // namespace ptnet::game
