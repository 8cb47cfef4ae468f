// One chat/move worker thread: pinned to its CPU, it owns an io_uring, a
// provided-buffer ring and a contiguous share of the users. Each user
// connects, sends Connect{room_id,user_id} and waits for ConnectionAck and the
// welcome SystemMessage. Once every user of the run is in (RunControl leaves
// kConnect), it sends ChatMessage (closed loop: --depth own messages
// outstanding, one completes when its sender gets its own copy; open loop: the
// shared OpenSchedule) or PlayerMove (open loop), and a HeartBeat every
// --heartbeat seconds. Every delivery is checked per (receiver, sender): seqs
// exactly once and in order, text/position exactly what the sender sent;
// its latency is receipt time minus the sender's intended send time.
// Per loop pass: reap every completion (frames handled straight out of the
// provided buffers), queue what is due, one send per connection, one
// io_uring_enter (the plumbing is RingWorker's). Created, run and destroyed
// by its worker thread; everything here is touched only by that thread, and
// results go out through WorkerStats.
#pragma once

#include <liburing.h>

#include <cstdint>
#include <vector>

#include "ErrorKind.h"
#include "GameCodec.h"
#include "GameConnection.h"
#include "GameTraffic.h"
#include "RingWorker.h"
#include "RunControl.h"
#include "WorkerConfig.h"
#include "WorkerStats.h"

namespace ptnet::load {

class GameWorker : public RingWorker<GameWorker, GameConnection> {
 public:
  GameWorker(const WorkerConfig& cfg, const RunControl& ctl, WorkerStats& stats, uint64_t heartbeat_ns);

  // Thread body: returns after RunControl reaches kStop.
  void run();

 private:
  using Base = RingWorker<GameWorker, GameConnection>;
  friend Base;

  // RingWorker hooks.
  int setup();
  bool alive(const GameConnection& c) const { return c.state != GameConnection::State::kDead; }
  void on_connected(GameConnection& c, uint32_t i);
  void on_connect_failed(GameConnection&) { ++resolved_; }
  void on_recv(uint32_t i, const io_uring_cqe* cqe);
  void consume(GameConnection& c, const uint8_t* p, uint32_t n);
  // Closes c; counts `kind` unless it is ErrorKind::kCount.
  void fail(GameConnection& c, ErrorKind kind);
  void fill(GameConnection& c, uint32_t i);
  bool owes(const GameConnection& c) const { return c.owed != 0 || c.connect_owed || c.heartbeat_owed; }

  // Handles one frame body; false when the connection died meanwhile.
  bool on_frame(GameConnection& c, const uint8_t* body, uint32_t len);
  void on_chat(GameConnection& c, const GameMsg& m);
  void on_move(GameConnection& c, const GameMsg& m);
  // Checks the sender's seq at this receiver and records the delivery.
  void deliver(GameConnection& c, uint32_t sender, uint32_t seq, uint64_t sent_ns);
  // The sender's global index if `m` is for c's room, else counts misrouted.
  bool sender_of(const GameConnection& c, const GameMsg& m, uint32_t& sender);
  void become_ready(GameConnection& c);
  void complain(const GameConnection& c, const GameMsg& m);
  // A refused ChatMessage (ChatResponse{false}): settles the user's oldest
  // unsettled own message, whose deliveries are then no longer owed.
  void on_refused(GameConnection& c);
  void sweep();
  void load_timing();
  void start_traffic();
  void schedule_open_loop();
  void publish();
  void finish();
  // Next seq the user expects of its own messages (closed loop: all below are settled).
  uint32_t own_next(const GameConnection& c) const {
    return recv_next_[size_t(c.local) * stride_ + rooms_.position_of(c.index)];
  }
  bool in_window(uint64_t t) const { return t >= window_start_ns_ && t < window_end_ns_; }
  uint32_t fanout(const GameConnection& c) const {
    const uint32_t k = rooms_.members(c.room);
    return cfg_.move ? k - 1 : k;
  }
  void mark_dirty(GameConnection& c) { Base::mark_dirty(c, c.local); }

  const uint64_t heartbeat_ns_;
  const GameEncoding enc_;
  RoomMap rooms_;
  OpenSchedule sched_;
  std::vector<uint8_t> slab_;
  std::vector<uint32_t> recv_next_;  // [local receiver * stride_ + sender position]: next seq
  std::vector<uint64_t> sent_slab_;  // closed loop: send time of own seq s at [local * depth + s % depth]
  uint32_t stride_ = 0;              // min(room_size, users): most members a room has
  std::vector<uint8_t> scratch_;     // decoder scratch
  GameDecoder decoder_;

  uint32_t frame_max_ = 0;  // largest chat/move frame
  uint32_t cap_bytes_ = 0;  // per send buffer
  bool open_loop_ = false;
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
  uint64_t next_due_ns_ = 0;

  // Local counters, published to stats_ once per pass.
  uint32_t ready_ = 0;     // users in the room and alive
  uint32_t resolved_ = 0;  // users admitted or failed during setup
  uint64_t backlog_ = 0;
  uint64_t sent_total_ = 0, sent_window_ = 0, expected_total_ = 0, expected_window_ = 0;
  uint64_t deliveries_total_ = 0, deliveries_window_ = 0;
  uint64_t joined_ = 0, left_ = 0, system_ = 0, hb_sent_ = 0, hb_answered_ = 0;
};

}  // namespace ptnet::load
