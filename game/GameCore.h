// The Police Thief protocol of one shard, sans-IO: sessions, the Connect-first
// rule, logins against the shared UserDirectory, rooms (local membership
// here, the shard set in the shared RoomDirectory), chat rate limits, errors,
// heartbeats, idle timeouts and quality grading. Decoded messages, `now` and
// connection events go in; what must be sent or closed comes out as calls on
// a GameOutput. No sockets, no encodings, no clock reads: the TCP shell
// (GameShard) and a recording fake in the unit tests drive it alike, and a
// reliable-UDP shell will feed the same core (TCP and RUDP users share rooms).
//
//   shell                         GameCore                      GameOutput (shell)
//   open / closed      ------->   Session state machine  ---->  send(session, msg)
//   receive(msg, now)  ------->   rooms, logins, limits  ---->  broadcast(room, msg, exclude)
//   undecodable / stream_error -> errors                 ---->  close(session, how)
//   TimerWheel::advance(now) -->  idle timers, quality tick
//
// Time: every input carries `now` (monotonic ns); timers live on the
// TimerWheel the core is given (the shard's in production, a test's own in
// tests) and fire from its advance(now). Wall-clock seconds for
// HeartBeatResponse come from the WallClock function.
//
// Threads: one GameCore per shard, used only on that shard's thread (the
// shared directories are the only state other shards touch).
// Ownership: owns its Sessions (ObjectPool: no allocation per message) and
// its LocalRooms; borrows the GameWorld, the TimerWheel and the GameOutput,
// which must outlive it.
#pragma once

#include <cstdint>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "base/ConnId.h"
#include "core/ObjectPool.h"
#include "core/Timer.h"
#include "core/TimerWheel.h"
#include "game/DecodeStatus.h"
#include "game/Encoding.h"
#include "game/ErrorCode.h"
#include "game/GameOutput.h"
#include "game/GameStats.h"
#include "game/GameWorld.h"
#include "game/LocalRoom.h"
#include "game/Message.h"
#include "game/Session.h"
#include "game/Transport.h"

namespace ptnet::game {

class GameCore {
 public:
  using WallClock = uint64_t (*)();  // unix seconds
  static constexpr uint64_t kQualityTickNs = 1'000'000'000;

  static uint64_t system_unix_seconds();

  GameCore(GameWorld& world, uint32_t shard, TimerWheel& timers, GameOutput& out, uint64_t now_ns,
           WallClock wall = &system_unix_seconds);
  // Sessions still open are unhooked from the shared directories silently
  // (their transport is gone: nothing is sent).
  ~GameCore();
  GameCore(const GameCore&) = delete;
  GameCore& operator=(const GameCore&) = delete;

  // ---- input from the transport --------------------------------------------
  // A new connection (its idle timer starts now); nullptr when out of memory:
  // refuse the connection.
  Session* open(Transport t, Encoding e, ConnId conn, uint64_t now_ns);
  // The connection is gone, for whatever reason: the session leaves its rooms
  // (the others are told), releases its user_id and is freed.
  void closed(Session& s);
  // One decoded message from the session's client.
  void receive(Session& s, const Message& m, uint64_t now_ns);
  // A frame that did not decode: Error 2/3/4 (and close, before Connect).
  void undecodable(Session& s, DecodeStatus st, uint64_t now_ns);
  // The transport found the stream itself corrupt (FrameTooLarge,
  // ZeroLengthFrame): the Error is queued; the transport closes the
  // connection once it is flushed and then calls closed().
  void stream_error(Session& s, ErrorCode code);

  // ---- read by the shell ------------------------------------------------------
  // This shard's view of a room; nullptr when it has no members here.
  const LocalRoom* room(uint32_t room_id) const;
  size_t session_count() const { return sessions_.size(); }
  uint32_t shard() const { return shard_; }
  GameWorld& world() { return world_; }
  GameStats& stats() { return stats_; }

 private:
  void dispatch(Session& s, const Message& m, uint64_t now);
  void on_connect(Session& s, const Message& m, uint64_t now);
  void on_heartbeat(Session& s, uint64_t now);
  void on_user_info(Session& s, const Message& m);
  void on_room_join(Session& s, const Message& m);
  void on_room_leave(Session& s, const Message& m);
  void on_chat(Session& s, const Message& m, uint64_t now);
  void on_move(Session& s, const Message& m);

  // Joins and tells the others; false when refused (the refusal has been
  // sent and the session may be gone: the caller must not touch it).
  bool join_room(Session& s, uint32_t room, uint32_t* count);
  void leave_room(Session& s, uint32_t room);
  bool set_nick(Session& s, std::string_view nick);
  bool take_chat_token(Session& s, uint64_t now);

  void reply(Session& s, const Message& m) { out_.send(s, m); }
  void error(Session& s, ErrorCode code, std::string_view text = {});
  // Error, then close once it is flushed; the session is gone after this.
  void refuse(Session& s, ErrorCode code, std::string_view text = {});
  void refuse_chat(Session& s, std::string_view why);
  void system_message(Session& s, std::string_view text);
  // Leaves the game: rooms, user_id, counters; the session is Closing.
  void end(Session& s);
  void request_close(Session& s, GameOutput::Close how);
  void grade_quality(uint64_t now);

  static void on_idle(Timer& t, uint64_t now_ns);
  static void on_quality_tick(Timer& t, uint64_t now_ns);

  GameWorld& world_;
  const GameConfig& cfg_;
  const uint32_t shard_;
  TimerWheel& timers_;
  GameOutput& out_;
  GameStats& stats_;
  WallClock wall_;
  ObjectPool<Session> pool_;
  std::vector<Session*> sessions_;
  std::unordered_map<uint32_t, LocalRoom> rooms_;
  Timer quality_tick_;
};

}  // namespace ptnet::game
