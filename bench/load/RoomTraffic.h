// The room traffic pattern (chat and move modes) over the game protocol,
// with ptnet-load's own codec (GameCodec: independent of game/ on purpose).
// Each user sends Connect{room_id,user_id} once its connection is up and
// waits for ConnectionAck and the welcome SystemMessage (handshake deadline:
// --connect-timeout). Once every user of the run is in and traffic starts,
// it sends ChatMessage (closed loop: --depth own messages outstanding, one
// completes when its sender gets its own copy; open loop: the shared
// OpenSchedule) or PlayerMove (open loop), and a HeartBeat every
// --heartbeat seconds. Every delivery is checked per (receiver, sender):
// seqs exactly once and in order, text/position exactly what the sender
// sent; its latency is receipt time minus the sender's intended send time,
// and it counts in the window when that send time is in RunControl's
// window. Works on any Link (LoadWorker.h).
//
// Threads: the worker's shard thread only.
// Ownership: per-user state, the per-(receiver, sender) sequence table and
// the decoder's scratch; the connections are the Link's.
#pragma once

#include <cstdint>
#include <vector>

#include "bench/load/GameCodec.h"
#include "bench/load/GameTraffic.h"
#include "bench/load/LinkPort.h"
#include "bench/load/MessageWriter.h"
#include "bench/load/TrafficShape.h"
#include "bench/load/WorkerContext.h"

namespace ptnet::load {

class RoomTraffic {
 public:
  RoomTraffic(WorkerContext& ctx, LinkPort& port);

  TrafficShape shape() const;

  // Link -> traffic (RoomTrafficReceive.cc has on_message and its helpers).
  void on_open(uint32_t i, uint64_t now_ns);
  void on_open_failed(uint32_t) { ++resolved_; }
  bool on_message(uint32_t i, const uint8_t* body, uint32_t len, uint64_t now_ns);
  void on_lost(uint32_t i);
  void fill(uint32_t i, MessageWriter& out, uint64_t now_ns);
  bool owes(uint32_t i) const {
    const User& u = users_[i];
    return u.owed != 0 || u.connect_owed || u.heartbeat_owed;
  }

  // Worker -> traffic.
  bool setup_done(bool) const { return resolved_ == users_.size(); }
  bool start(uint64_t now_ns);
  void pace(uint64_t now_ns);
  uint64_t next_due_ns() const { return open_loop_ && !generation_done_ ? next_due_ns_ : UINT64_MAX; }
  void on_tick(uint64_t now_ns);
  void finish(uint64_t now_ns);
  void publish();

 private:
  static constexpr uint64_t kSweepNs = 100'000'000;    // handshake deadlines and heartbeats
  static constexpr uint64_t kStallNs = 1'000'000'000;  // own copy missing this long at the end = timeout

  struct User {
    enum class State : uint8_t {
      kWaiting,       // TCP connect not done yet
      kAwaitAck,      // Connect queued or sent, waiting for ConnectionAck{user_id}
      kAwaitWelcome,  // acknowledged, waiting for the welcome SystemMessage
      kReady,         // in the room
      kDead
    };
    State state = State::kWaiting;
    bool connect_owed = false;    // Connect still to be written
    bool heartbeat_owed = false;  // HeartBeat still to be written
    uint32_t index = 0;           // global user index (user_id = user_base + index)
    uint32_t user_id = 0;
    uint32_t room = 0;            // 0-based; the wire room_id is room + 1
    uint32_t next_send_seq = 0;   // seq of the user's next chat/move message
    uint32_t refused = 0;         // own messages refused but not yet skipped over by a later own copy
    uint64_t owed = 0;            // messages due but not yet written
    uint64_t deadline_ns = 0;     // handshake must finish by then
    uint64_t next_heartbeat_ns = 0;
    uint64_t last_progress_ns = 0;  // closed loop: last own copy back, or when one became outstanding
    uint64_t* sent_ns = nullptr;    // closed loop: send time of own seq s at [s % depth]
  };

  // RoomTraffic.cc: the sending side.
  void fill_controls(User& u, MessageWriter& out);
  void fill_messages(User& u, MessageWriter& out, uint64_t now_ns);
  uint32_t write_message(User& u, uint8_t* body, uint32_t seq, uint64_t t);
  void schedule_open_loop(uint64_t now_ns);
  void sweep(uint64_t now_ns);
  bool load_timing();
  void fail(uint32_t i, ErrorKind why);

  // RoomTrafficReceive.cc: what comes back.
  void on_handshake(uint32_t i, const GameMsg& m, uint64_t now_ns);
  void on_complaint(uint32_t i, const GameMsg& m, uint64_t now_ns);
  void on_chat(uint32_t i, const GameMsg& m, uint64_t now_ns);
  void on_move(uint32_t i, const GameMsg& m, uint64_t now_ns);
  // Checks the sender's seq at this receiver and records the delivery.
  void deliver(uint32_t i, uint32_t sender, uint32_t seq, uint64_t sent_ns, uint64_t now_ns);
  // The sender's global index if `m` is for user i's room, else counts misrouted.
  bool sender_of(uint32_t i, const GameMsg& m, uint32_t& sender);
  void become_ready(User& u, uint64_t now_ns);
  void complain(const User& u, const GameMsg& m);
  // A refused ChatMessage (ChatResponse{false}): settles the user's oldest
  // unsettled own message, whose deliveries are then no longer owed.
  void on_refused(uint32_t i, uint64_t now_ns);

  // Next seq user i expects of its own messages (closed loop: all below are settled).
  uint32_t own_next(uint32_t i) const { return recv_next_[size_t(i) * stride_ + rooms_.position_of(users_[i].index)]; }
  bool in_window(uint64_t t) const { return t >= window_start_ns_ && t < window_end_ns_; }
  uint32_t fanout(const User& u) const {
    const uint32_t k = rooms_.members(u.room);
    return move_ ? k - 1 : k;
  }

  WorkerContext& ctx_;
  LinkPort& port_;
  const WorkerConfig& cfg_;
  const GameEncoding enc_;
  const bool move_;
  const bool open_loop_;
  RoomMap rooms_;
  OpenSchedule sched_;
  std::vector<User> users_;
  std::vector<uint32_t> recv_next_;  // [local receiver * stride_ + sender position]: next seq
  std::vector<uint64_t> sent_slab_;  // closed loop: send time of own seq s at [local * depth + s % depth]
  uint32_t stride_ = 0;              // min(room_size, users): most members a room has
  std::vector<uint8_t> scratch_;     // decoder scratch
  GameDecoder decoder_;
  uint32_t body_max_ = 0;     // largest chat/move body
  uint32_t send_buffer_ = 0;  // per send buffer

  bool timing_loaded_ = false;
  bool started_ = false;
  bool generation_done_ = false;  // open loop: schedule reached the window's end
  bool sending_done_ = false;
  bool complained_ = false;
  uint64_t window_start_ns_ = 0;
  uint64_t window_end_ns_ = 0;
  uint64_t next_sweep_ns_ = 0;
  // Open loop: the worker's k-th slot is (seq k / conns, local user k % conns).
  uint64_t next_k_ = 0;
  uint64_t next_due_ns_ = UINT64_MAX;

  // Local counters, published to WorkerStats once per pass.
  uint32_t ready_ = 0;     // users in the room and alive
  uint32_t resolved_ = 0;  // users admitted or failed during setup
  uint64_t backlog_ = 0;
  uint64_t sent_total_ = 0, sent_window_ = 0, expected_total_ = 0, expected_window_ = 0;
  uint64_t deliveries_total_ = 0, deliveries_window_ = 0;
  uint64_t joined_ = 0, left_ = 0, system_ = 0, hb_sent_ = 0, hb_answered_ = 0;
};

}  // namespace ptnet::load
