// The TCP server of one shard: its SO_REUSEPORT listener (multishot
// accept), its connections (slab-allocated, addressed by slot and
// generation), framing of what they receive and the send path.
//
// Send path: handlers append frames to a connection's SendQueue; the
// connection is put on the dirty list once; before the shard sleeps,
// before_wait() issues ONE send per dirty connection covering everything
// queued in this pass (with TcpConfig::flush_interval_ns, only on a network
// tick: everything queued since the last tick leaves at once). While a send is in flight new frames keep appending
// and go out with the next one. A connection whose queue exceeds
// max_send_queue is a slow reader: it is cut off and counted.
//
// Threads: created, used and destroyed on its shard's thread only.
// Ownership: owns the listening socket, every Connection and their queued
// output; a Connection outlives its close until the kernel has returned
// every operation that referenced it.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "core/ObjectPool.h"
#include "core/Shard.h"
#include "core/ShardService.h"
#include "core/Timer.h"
#include "io/UserData.h"
#include "tcp/Connection.h"
#include "tcp/FramePool.h"
#include "tcp/SharedFrame.h"
#include "tcp/ConnectionHandler.h"
#include "tcp/TcpConfig.h"

namespace ptnet::tcp {

class TcpService final : public ShardService {
 public:
  static constexpr uint8_t kOpAccept = io::kFirstServiceOp + 0;
  static constexpr uint8_t kOpRecv = io::kFirstServiceOp + 1;
  static constexpr uint8_t kOpSend = io::kFirstServiceOp + 2;

  TcpService(const TcpConfig& cfg, std::unique_ptr<ConnectionHandler> handler);
  ~TcpService() override;

  int start(Shard& shard) override;
  void before_wait(Shard& shard) override;
  void stop_accepting(Shard& shard) override;
  bool drained(const Shard& shard) const override;
  void close_all(Shard& shard) override;
  bool closed(const Shard& shard) const override;

  // Queues header + body. False when the connection is closing or was just
  // cut off as a slow reader.
  bool send_frame(Connection& c, const uint8_t* body, uint32_t len);
  // Queues bytes that are already framed.
  bool send_bytes(Connection& c, const void* data, size_t len);
  // Queues an encoded frame by reference (no copy); takes its own reference.
  bool send_shared(Connection& c, SharedFrame* f);
  // Queues the same `len` framed bytes to each of `conns` by COPYING them
  // into each one's send buffer (len <= SendQueue::max_reserve()): for small
  // frames a contiguous copy beats an iovec per frame, since the kernel's
  // cost is per send and per iovec. One SIMD fan-out copy for all of them.
  // Returns how many took it (the others are closing or were cut off).
  size_t send_copies(Connection* const* conns, size_t n, const uint8_t* data, uint32_t len);
  // This shard's pool for frames shared by reference (room broadcasts).
  FramePool& frames() { return frames_; }
  // Closes now: queued output is dropped. on_close() runs before it returns.
  void close(Connection& c, CloseReason r);
  // Closes at the end of this loop pass: safe while the caller iterates over
  // connections (a broadcast cutting off a slow reader uses this).
  void request_close(Connection& c, CloseReason r);
  // Stops reading; closes once queued output is flushed (or linger_ns passes).
  void close_after_flush(Connection& c, CloseReason r = CloseReason::Handler);

  // The live connection with this handle, or nullptr (closed, reused slot).
  Connection* find(ConnId id) const;
  Shard& shard() { return *shard_; }
  ConnectionHandler& handler() { return *handler_; }
  const TcpConfig& config() const { return cfg_; }
  uint16_t port() const { return port_; }
  size_t connection_count() const { return live_; }

 private:
  static void on_accept_cqe(void* ctx, const io::Completion& c);
  static void on_recv_cqe(void* ctx, const io::Completion& c);
  static void on_send_cqe(void* ctx, const io::Completion& c);
  static void on_linger(Timer& t, uint64_t now_ns);
  static void on_accept_retry(Timer& t, uint64_t now_ns);
  static void on_flush_tick(Timer& t, uint64_t now_ns);
  static void on_sweep(Timer& t, uint64_t now_ns);
  void sweep(uint64_t now_ns);
  void note_frame_progress(Connection& c);

  void on_accept(const io::Completion& c);
  void on_recv(const io::Completion& c);
  void on_send(const io::Completion& c);
  void arm_accept();
  void close_listener();
  void arm_recv(Connection& c);
  void open(int fd);
  void feed(Connection& c, const uint8_t* data, uint32_t len);
  void feed_framer(Connection& c, const uint8_t* data, uint32_t len);
  // Puts c on the dirty list (once) so before_wait() flushes or closes it.
  void push_dirty(Connection& c);
  // push_dirty() unless a send is in flight (its completion re-marks it).
  void mark_dirty(Connection& c);
  void flush(Connection& c);
  void flush_dirty();
  void maybe_release(Connection& c);
  static uint64_t ud(uint8_t op, const Connection& c) { return io::UserData::encode(op, c.id_); }

  TcpConfig cfg_;
  std::unique_ptr<ConnectionHandler> handler_;
  Shard* shard_ = nullptr;
  io::Backend* io_ = nullptr;
  ShardCounters* counters_ = nullptr;
  int listen_fd_ = -1;
  uint16_t port_ = 0;
  bool accepting_ = false;
  bool accept_armed_ = false;
  Timer accept_retry_;
  Timer flush_tick_;            // wakes the shard for the next network tick
  Timer sweep_;                 // once a second: frame and idle deadlines
  uint64_t next_flush_ns_ = 0;  // with flush_interval_ns: no flush before this

  FramePool frames_;  // before everything that may hold frames
  ObjectPool<Connection> conns_;
  std::vector<uint8_t*> copy_dsts_;  // send_copies() scratch
  SendQueue::Pools pools_;
  std::vector<Connection*> slots_;
  std::vector<uint32_t> gens_;
  std::vector<uint32_t> free_slots_;
  size_t live_ = 0;
  Connection* dirty_head_ = nullptr;
};

}  // namespace ptnet::tcp
