// The idle traffic pattern: each connection proves once that the server has
// accepted and armed it, then stays silent. The proof is one binary
// Connect{room_id 0, user_id} frame, which both kinds of server answer:
//
//   echo server (ptnet --echo, the peers)  returns the frame unchanged
//   game server                           ConnectionAck{user_id}, then the
//                                          welcome SystemMessage (room 0: no
//                                          room on ptnet; a server that has a
//                                          room 0 may announce its members)
//
// Anything else, anything after the proof but a game server's room notices,
// or no proof within --connect-timeout fails the connection. Setup is done once every
// connection is held or failed. (A game server closes connections silent
// for its --idle-timeout, 30 s by default: hold them for less.) Works on any
// Link (LoadWorker.h).
//
// Threads: the worker's shard thread only.
// Ownership: per-connection state; the connections are the Link's.
#pragma once

#include <cstdint>
#include <vector>

#include "bench/load/GameCodec.h"
#include "bench/load/LinkPort.h"
#include "bench/load/MessageWriter.h"
#include "bench/load/TrafficShape.h"
#include "bench/load/WorkerContext.h"

namespace ptnet::load {

class IdleTraffic {
 public:
  IdleTraffic(WorkerContext& ctx, LinkPort& port);

  TrafficShape shape() const;

  // Link -> traffic.
  void on_open(uint32_t i, uint64_t now_ns);
  void on_open_failed(uint32_t) { --unresolved_; }
  bool on_message(uint32_t i, const uint8_t* body, uint32_t len, uint64_t now_ns);
  void on_lost(uint32_t i);
  void fill(uint32_t i, MessageWriter& out, uint64_t now_ns);
  bool owes(uint32_t i) const { return conns_[i].state == State::kProving && !conns_[i].sent; }

  // Worker -> traffic.
  bool setup_done(bool) const { return unresolved_ == 0; }
  bool start(uint64_t) { return true; }
  void pace(uint64_t) {}
  uint64_t next_due_ns() const { return UINT64_MAX; }
  void on_tick(uint64_t now_ns);
  void finish(uint64_t) {}
  void publish();

 private:
  static constexpr uint64_t kExpireEveryNs = 50'000'000;
  static constexpr uint32_t kMaxReply = 4096;  // largest frame body a proof may bring

  enum class State : uint8_t {
    kWaiting,  // TCP connect not done yet
    kProving,  // Connect written (once `sent`), waiting for its echo or ConnectionAck
    kWelcome,  // a game server acknowledged; waiting for the welcome
    kHeld,     // proved: silent from now on
    kDead
  };
  struct Conn {
    State state = State::kWaiting;
    bool sent = false;
    bool logged_in = false;    // proved by a game server: its room notices are not noise
    uint64_t deadline_ns = 0;  // the proof must be complete by then
  };

  // The Connect body connection i sends; returns its length.
  uint32_t encode_proof(uint32_t i, uint8_t* out) const;
  // The first reply: the echo of the proof, or a game server's ConnectionAck.
  void on_first_reply(uint32_t i, const uint8_t* body, uint32_t len);
  void hold(uint32_t i);
  // A message after the proof: only a logged-in user's room notices are allowed.
  bool allowed_after_proof(const Conn& c, const uint8_t* body, uint32_t len);
  void fail(uint32_t i, ErrorKind why) {
    on_lost(i);
    port_.close(i, why);
  }

  WorkerContext& ctx_;
  LinkPort& port_;
  GameDecoder decoder_;
  std::vector<Conn> conns_;
  uint32_t unresolved_ = 0;  // neither held nor failed yet
  uint64_t next_expire_ns_ = 0;
  uint64_t msgs_total_ = 0;
  uint32_t established_ = 0;
};

}  // namespace ptnet::load
