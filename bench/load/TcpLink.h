// The TCP connection kind: one worker's share of the connections, on its
// shard's io::Backend (io_uring or epoll, whichever the engine made).
//
//   connect   non-blocking connect(), then a zero-length send through the
//             backend: a send waits for the connection, so its completion
//             says connected (0) or why not (-ECONNREFUSED...). Paced and
//             timed out by ConnectPlan.
//   receive   a multishot recv per connection into the backend's provided
//             buffers; each buffer goes through the connection's tcp::Framer
//             (the shape's byte order and max), each body to
//             Traffic::on_message, then back to the backend. Re-armed when
//             the kernel ends it (-ENOBUFS or otherwise) on a live connection.
//   send      Traffic::fill() writes framed messages (MessageWriter) into the
//             connection's SendBuffer at the pass's flush; one backend send
//             per connection at a time, short sends finished.
//   user_data io::UserData: op (kOpConnect / kOpRecv / kOpSend) + ConnId
//             {slot = connection index, gen}. A connection's generation is
//             bumped when it closes, so its late completions (the kernel
//             returning a shut-down socket's operations) are recognised as
//             stale and only give back what they hold.
//
// The Traffic concept (what dispatch/flush/pump call; see LoadWorker.h):
//   void on_open(uint32_t i, uint64_t now)      connected
//   void on_open_failed(uint32_t i)             never will be (already counted)
//   bool on_message(uint32_t i, const uint8_t* body, uint32_t len, uint64_t now)
//                                               false: i was closed meanwhile
//   void on_lost(uint32_t i)                    i is being closed by the Link
//   void fill(uint32_t i, MessageWriter& out, uint64_t now)  must not want_send()
//   bool owes(uint32_t i) const                 something due is not written yet
//
// Threads: the worker's shard thread only.
// Ownership: owns the sockets (closed in the destructor, once the kernel has
// returned every operation: see quiet()), the framers and the send slab.
#pragma once

#include <cerrno>
#include <cstdint>
#include <vector>

#include "base/Clock.h"
#include "base/ConnId.h"
#include "bench/load/ConnectPlan.h"
#include "bench/load/LinkPort.h"
#include "bench/load/MessageWriter.h"
#include "bench/load/SendBuffer.h"
#include "bench/load/TrafficShape.h"
#include "bench/load/WorkerContext.h"
#include "core/Shard.h"
#include "io/Backend.h"
#include "io/Completion.h"
#include "io/UserData.h"
#include "tcp/Framer.h"

namespace ptnet::load {

class TcpLink final : public LinkPort {
 public:
  static constexpr uint8_t kOpConnect = io::kFirstServiceOp;
  static constexpr uint8_t kOpRecv = io::kFirstServiceOp + 1;
  static constexpr uint8_t kOpSend = io::kFirstServiceOp + 2;
  static constexpr uint8_t kOps[] = {kOpConnect, kOpRecv, kOpSend};

  explicit TcpLink(WorkerContext& ctx) : ctx_(ctx) {}
  ~TcpLink();

  // Sizes the connections for `shape` on the shard's backend and plans the
  // connects from `now`. Returns 0 or a negated errno.
  int start(Shard& shard, const TrafficShape& shape, uint64_t now_ns);

  // Starts the connects that are due and expires the ones past their deadline.
  template <class Traffic>
  void pump(uint64_t now_ns, Traffic& t);
  bool connects_finished() const { return plan_.finished(); }
  uint64_t next_connect_event_ns() const { return plan_.next_event_ns(); }

  // A completion of one of kOps. `stopping`: the run is over, completions
  // only give back what they hold.
  template <class Traffic>
  void dispatch(const io::Completion& c, Traffic& t, bool stopping);
  // Fills and sends every connection on the flush list.
  template <class Traffic>
  void flush(Traffic& t, uint64_t now_ns);

  void close(uint32_t i, ErrorKind why) override;
  void drop(uint32_t i) override;

  // Run over: shuts every socket down, so the kernel returns its operations.
  void shutdown_all();
  // No operation is left with the kernel.
  bool quiet() const { return ops_ == 0; }

 private:
  struct Conn {
    enum class State : uint8_t { kIdle, kConnecting, kOpen, kClosed };
    Conn(tcp::ByteOrder order, uint32_t max) : framer(order, max) {}
    int fd = -1;
    uint32_t gen = 0;  // ConnId generation of the current socket
    State state = State::kIdle;
    SendBuffer out;
    tcp::Framer framer;
  };

  bool current(const Conn& k, ConnId id, Conn::State want) const { return id.gen == k.gen && k.state == want; }
  uint64_t user_data(uint8_t op, uint32_t i) const { return io::UserData::encode(op, ConnId{i, conns_[i].gen}); }
  // Opens socket i and starts its connect; false (counted) when that failed at once.
  bool open(uint32_t i);
  // Ends connection i: closed state, new generation, socket shut down.
  // False when it was not connecting or open.
  bool end(uint32_t i);
  void arm_recv(uint32_t i);
  void submit_send(uint32_t i, uint8_t op, const uint8_t* data, uint32_t len);
  void send(uint32_t i, const uint8_t* data, uint32_t len) { submit_send(i, kOpSend, data, len); }

  template <class Traffic>
  void fail(uint32_t i, ErrorKind why, Traffic& t) {
    t.on_lost(i);
    close(i, why);
  }
  template <class Traffic>
  void fail_connect(uint32_t i, ErrorKind why, int err, Traffic& t) {
    plan_.ended(i);
    end(i);
    ctx_.count_connect_failure(why, err);
    t.on_open_failed(i);
  }
  template <class Traffic>
  void on_connect(uint32_t i, const io::Completion& c, Traffic& t);
  template <class Traffic>
  void on_recv(uint32_t i, const io::Completion& c, bool live, Traffic& t);
  template <class Traffic>
  void on_send(uint32_t i, const io::Completion& c, Traffic& t);
  template <class Traffic>
  void feed(uint32_t i, const uint8_t* p, uint32_t n, Traffic& t);

  WorkerContext& ctx_;
  Shard* shard_ = nullptr;
  io::Backend* backend_ = nullptr;
  TrafficShape shape_;
  bool blocking_ = false;  // sockets blocking once connecting (io_uring), as the engine's
  ConnectPlan plan_;
  std::vector<Conn> conns_;
  std::vector<uint8_t> slab_;  // send buffers, 2 x shape_.send_buffer per connection
  uint64_t ops_ = 0;           // operations the kernel holds
};

// ---- templates ------------------------------------------------------------

template <class Traffic>
void TcpLink::pump(uint64_t now_ns, Traffic& t) {
  for (uint32_t i; (i = plan_.start_next(now_ns)) != ConnectPlan::kNone;)
    if (!open(i)) t.on_open_failed(i);
  for (uint32_t i; (i = plan_.expired(now_ns)) != ConnectPlan::kNone;)
    fail_connect(i, ErrorKind::kConnectTimeout, ECANCELED, t);
}

template <class Traffic>
void TcpLink::dispatch(const io::Completion& c, Traffic& t, bool stopping) {
  if (!c.more) --ops_;
  const ConnId id = io::UserData::conn(c.user_data);
  const Conn& k = conns_[id.slot];
  switch (io::UserData::op(c.user_data)) {
    case kOpRecv:
      on_recv(id.slot, c, !stopping && current(k, id, Conn::State::kOpen), t);
      break;
    case kOpSend:
      if (!stopping && current(k, id, Conn::State::kOpen)) on_send(id.slot, c, t);
      break;
    case kOpConnect:
      if (!stopping && current(k, id, Conn::State::kConnecting)) on_connect(id.slot, c, t);
      break;
    default:
      break;
  }
}

template <class Traffic>
void TcpLink::on_connect(uint32_t i, const io::Completion& c, Traffic& t) {
  if (c.res < 0) {
    const bool late = c.res == -ECANCELED || c.res == -ETIME;
    return fail_connect(i, late ? ErrorKind::kConnectTimeout : ErrorKind::kConnect, -c.res, t);
  }
  plan_.ended(i);
  conns_[i].state = Conn::State::kOpen;
  arm_recv(i);
  t.on_open(i, shard_->now_ns());
  if (t.owes(i)) want_send(i);
}

template <class Traffic>
void TcpLink::on_recv(uint32_t i, const io::Completion& c, bool live, Traffic& t) {
  if (c.has_buffer) {
    if (live && c.res > 0) feed(i, backend_->buffer(c.buf_id), uint32_t(c.res), t);
    backend_->release_buffer(c.buf_id);
  }
  if (!live || conns_[i].state != Conn::State::kOpen) return;  // stale, or closed by what it carried
  if (c.res == 0) return fail(i, ErrorKind::kClosed, t);
  if (c.res < 0 && c.res != -ENOBUFS) return fail(i, ErrorKind::kRecv, t);
  if (!c.more) arm_recv(i);
  if (t.owes(i)) want_send(i);
}

template <class Traffic>
void TcpLink::feed(uint32_t i, const uint8_t* p, uint32_t n, Traffic& t) {
  const uint64_t now = shape_.stamp_each_receive ? monotonic_ns() : shard_->now_ns();
  const tcp::FrameStatus st = conns_[i].framer.feed(
      p, n, [&](const uint8_t* body, uint32_t len) { return t.on_message(i, body, len, now); });
  if (st != tcp::FrameStatus::Ok && conns_[i].state == Conn::State::kOpen) fail(i, shape_.bad_frame, t);
}

template <class Traffic>
void TcpLink::on_send(uint32_t i, const io::Completion& c, Traffic& t) {
  SendBuffer& s = conns_[i].out;
  if (c.res == -EAGAIN) return send(i, s.inflight_rest(), s.inflight_left());  // not queued this pass
  if (c.res <= 0) {
    s.inflight = false;
    return fail(i, ErrorKind::kSend, t);
  }
  s.inflight_off += uint32_t(c.res);
  if (s.inflight_off < s.inflight_len) return send(i, s.inflight_rest(), s.inflight_left());
  s.inflight = false;
  if (s.pending_len != 0 || t.owes(i)) want_send(i);
}

template <class Traffic>
void TcpLink::flush(Traffic& t, uint64_t now_ns) {
  for (const uint32_t i : flush_list_) {
    queued_[i] = 0;
    Conn& k = conns_[i];
    if (k.state != Conn::State::kOpen) continue;
    SendBuffer& s = k.out;
    MessageWriter out(s.tail(), shape_.send_buffer - s.pending_len, shape_.order);
    t.fill(i, out, now_ns);
    s.pending_len += out.used();
    if (!s.inflight && s.pending_len != 0) {
      const uint32_t len = s.pending_len;
      send(i, s.swap(), len);
    }
  }
  flush_list_.clear();
}

}  // namespace ptnet::load
