// A deterministic stand-in for the engine around GameCores: N cores over one
// GameWorld (as N shards share it), one TimerWheel each on a hand-driven
// clock, and a recording GameOutput per core that routes what the core asks
// exactly as the TCP shell does, minus encoding and sockets:
//
//   send(s, m)                  -> s's client inbox
//   broadcast(room, m, exclude) -> every local member but `exclude`, then the
//                                  members on each other shard in the room's
//                                  RoomDirectory mask (the mailbox hop)
//   close(s, how)               -> recorded; then, like the TCP shell, the
//                                  transport reports the close back at once
//                                  (GameCore::closed), unless disabled
//
// Threads: single-threaded (one test).
// Ownership: owns the world, wheels, cores and clients; a FakeClient's
// session pointer is the core's and becomes nullptr when the core frees it.
#pragma once

#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/TimerWheel.h"
#include "game/GameConfig.h"
#include "game/GameCore.h"
#include "game/GameOutput.h"
#include "game/GameWorld.h"
#include "game/Message.h"

namespace ptnet::game::test {

// One message as the client would receive it (m.text points into text).
struct Sent {
  Message m;
  std::string text;
};

struct FakeClient {
  uint32_t shard = 0;
  ConnId conn;
  Session* session = nullptr;  // nullptr once the core freed it
  std::vector<Sent> inbox;
  std::optional<GameOutput::Close> close_requested;

  const Sent& last() const { return inbox.back(); }
};

// One GameOutput::broadcast call as the core made it.
struct BroadcastCall {
  uint32_t shard;
  uint32_t room;
  MsgType type;
  bool excluded_someone;
};

class FakeShards {
 public:
  static constexpr uint64_t kWallClock = 1795303853;  // what HeartBeatResponse says

  explicit FakeShards(const GameConfig& cfg = {}, size_t shards = 2);
  ~FakeShards();

  GameCore& core(uint32_t shard);
  GameWorld& world() { return world_; }
  uint64_t now() const { return now_; }

  // A new connection on `shard`.
  FakeClient& open(uint32_t shard = 0);
  // open() + Connect{room, user}; the inbox is cleared (ack, welcome) and so
  // are the others' notices of this arrival.
  FakeClient& login(uint32_t user, uint32_t room = 0, uint32_t shard = 0);
  void send(FakeClient& c, const Message& m);
  // The transport reports the connection gone.
  void disconnect(FakeClient& c);
  // Moves the clock on and fires every due timer on every shard.
  void advance(uint64_t ns);
  void clear_inboxes();

  // When false, close requests are only recorded (the session stays Closing).
  bool report_closes = true;
  std::vector<BroadcastCall> broadcasts;

 private:
  class Output;
  struct Node;

  FakeClient& client_of(const Session& s) { return clients_[s.conn.slot]; }
  void deliver(FakeClient& c, const Message& m);

  GameWorld world_;
  uint64_t now_ = 0;
  std::vector<std::unique_ptr<Node>> shards_;
  std::deque<FakeClient> clients_;  // by ConnId slot
};

// Builders for client messages.
Message connect_msg(uint32_t user, uint32_t room);
Message heartbeat_msg();
Message user_info_msg(uint32_t user, std::string_view nick);
Message join_msg(uint32_t user, uint32_t room, std::string_view nick = {});
Message leave_msg(uint32_t user, uint32_t room);
Message chat_msg(uint32_t user, uint32_t room, std::string_view text);
Message move_msg(uint32_t user, uint32_t room, uint32_t seq);

}  // namespace ptnet::game::test
