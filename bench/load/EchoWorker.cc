#include "EchoWorker.h"

#include <sys/socket.h>

#include <algorithm>
#include <cstring>

#include "FrameCodec.h"
#include "MonoClock.h"

namespace ptnet::load {

EchoWorker::EchoWorker(const WorkerConfig& cfg, const RunControl& ctl, WorkerStats& stats)
    : Base(cfg, ctl, stats) {}

int EchoWorker::setup() {
  frame_len_ = cfg_.payload + uint32_t(FrameCodec::kHeader);
  open_loop_ = cfg_.rate > 0.0;
  // Closed loop: at most `depth` frames exist per connection, so a buffer of
  // depth frames can never overflow. Open loop: frames beyond what fits wait
  // (as a count) until the buffer in flight is sent.
  if (open_loop_) {
    const uint32_t fill = std::clamp<uint32_t>(65536 / frame_len_, 1, 64);
    cap_frames_ = std::max(cfg_.depth, fill);
  } else {
    cap_frames_ = cfg_.depth;
  }
  const uint64_t cap_bytes = uint64_t(cap_frames_) * frame_len_;
  const uint32_t n = cfg_.conns;

  // Receive buffers: big enough for what one connection has in flight, few
  // enough to stay cache-resident (each recv completion takes a whole buffer).
  const uint32_t buf_size = std::clamp<uint32_t>(WorkerRing::pow2_at_least(cap_bytes), 256, 65536);
  uint32_t buf_count = std::clamp<uint32_t>(WorkerRing::pow2_at_least(2ull * n), 64, 4096);
  while (buf_count > 64 && uint64_t(buf_count) * buf_size > (64ull << 20)) buf_count >>= 1;
  const uint32_t sq = std::clamp<uint32_t>(WorkerRing::pow2_at_least(2ull * n + 16), 64, 4096);
  const uint32_t cq =
      std::min<uint32_t>(std::max<uint32_t>(WorkerRing::pow2_at_least(4ull * n + 64), 4 * sq), 65536);
  int rc = ring_.init(sq, cq, buf_count, buf_size);
  if (rc != 0) return rc;

  conns_.resize(n);
  dirty_.reserve(n);
  const size_t per_conn = size_t(2 * cap_bytes + frame_len_);
  slab_.assign(per_conn * n, 0);
  if (!open_loop_) sent_slab_.assign(size_t(cfg_.depth) * n, 0);
  for (uint32_t i = 0; i < n; ++i) {
    EchoConnection& c = conns_[i];
    c.global_index = cfg_.first_conn + i;
    uint8_t* base = slab_.data() + per_conn * i;
    c.out.buf[0] = base;
    c.out.buf[1] = base + cap_bytes;
    c.partial = base + 2 * cap_bytes;
    if (!open_loop_) c.sent_ns = sent_slab_.data() + size_t(cfg_.depth) * i;
  }
  if (open_loop_) {
    interval_ns_ = 1e9 / cfg_.rate;  // between consecutive frames of this worker
    offset_ns_ = interval_ns_ * double(cfg_.index) / double(cfg_.threads);
  }
  return 0;
}

void EchoWorker::run() {
  if (!begin()) return;
  start_tick(kTickNs);
  while (begin_pass()) {
    if (!connect_done_) {
      pump_connects();
      if (connector_.finished()) {
        publish();
        report_connected();
      }
    }
    if (!started_ && connect_done_ && phase_ >= RunControl::Phase::kWarmup) start_traffic();
    if (started_ && open_loop_) schedule_open_loop();
    flush();
    ring_.publish_buffers();
    publish();

    // Default: block until something completes; the tick bounds the wait.
    uint64_t wait = started_ ? UINT64_MAX : kIdleWaitNs;
    if (!connect_done_) wait = connect_wait(wait);
    if (started_ && open_loop_) {
      wait = pacing_wait(next_due_ns_);
      if (wait > kTickNs) wait = UINT64_MAX;
    }
    ring_.submit_and_wait(wait);
  }
  finish();
}

void EchoWorker::on_connected(EchoConnection& c, uint32_t i) {
  c.state = EchoConnection::State::kLive;
  arm_recv(c, i);
  ++established_;
}

void EchoWorker::consume(EchoConnection& c, const uint8_t* p, uint32_t n) {
  const uint32_t fl = frame_len_;
  if (c.partial_len != 0) {
    const uint32_t take = std::min(fl - c.partial_len, n);
    std::memcpy(c.partial + c.partial_len, p, take);
    c.partial_len += take;
    p += take;
    n -= take;
    if (c.partial_len < fl) return;
    c.partial_len = 0;
    if (!verify(c, c.partial)) return;
  }
  while (n >= fl) {
    if (!verify(c, p)) return;
    p += fl;
    n -= fl;
  }
  if (n != 0) {
    std::memcpy(c.partial, p, n);
    c.partial_len = n;
  }
}

bool EchoWorker::verify(EchoConnection& c, const uint8_t* frame) {
  const uint64_t seq = c.next_recv_seq;
  if (seq >= c.next_send_seq) {  // nothing outstanding: the server made it up
    fail(c, ErrorKind::kCorrupt);
    return false;
  }
  uint64_t sent = 0;
  FrameCodec::Check r = FrameCodec::check(frame, cfg_.payload, c.global_index, seq, sent);
  if (r != FrameCodec::Check::kOk) {
    ErrorKind kind = ErrorKind::kCorrupt;
    if (r == FrameCodec::Check::kBadSeq) {
      // A well-formed frame of this connection with another sequence number
      // is an ordering error; anything else is corruption.
      const uint64_t carried = FrameCodec::load64(frame + FrameCodec::kSeqOff);
      uint64_t t = 0;
      if (carried < c.next_send_seq &&
          FrameCodec::check(frame, cfg_.payload, c.global_index, carried, t) == FrameCodec::Check::kOk)
        kind = ErrorKind::kOrder;
    }
    fail(c, kind);
    return false;
  }
  const uint32_t local = c.global_index - cfg_.first_conn;
  const uint64_t expected = open_loop_ ? intended_ns(local, seq) : c.sent_ns[seq % cfg_.depth];
  if (sent != expected) {
    fail(c, ErrorKind::kCorrupt);
    return false;
  }
  ++c.next_recv_seq;
  c.last_progress_ns = now_;
  const uint64_t latency = now_ > sent ? now_ - sent : 0;
  progress_->record(latency);
  ++msgs_total_;
  if (measuring()) {
    ++msgs_window_;
    stats_.window.record(latency);
  }
  if (!open_loop_) {
    ++c.owed;
    mark_dirty(c, local);
  }
  return true;
}

void EchoWorker::fail(EchoConnection& c, ErrorKind kind) {
  if (c.state != EchoConnection::State::kLive) return;
  count_error(kind);
  c.state = EchoConnection::State::kDead;
  --established_;
  backlog_ -= c.owed;
  c.owed = 0;
  // Tell the server at once; the fd stays open until the ring is gone so no
  // request in flight can touch a reused descriptor.
  shutdown(c.fd, SHUT_RDWR);
}

void EchoWorker::start_traffic() {
  started_ = true;
  traffic_start_ns_ = ctl_.traffic_start_ns.load(std::memory_order_acquire);
  if (traffic_start_ns_ == 0) traffic_start_ns_ = now_;
  if (open_loop_) {
    next_k_ = 0;
    next_due_ns_ = traffic_start_ns_ + uint64_t(offset_ns_);
    return;
  }
  for (uint32_t i = 0; i < cfg_.conns; ++i) {
    EchoConnection& c = conns_[i];
    if (c.state != EchoConnection::State::kLive) continue;
    c.owed = cfg_.depth;
    mark_dirty(c, i);
  }
}

void EchoWorker::schedule_open_loop() {
  const uint32_t n = cfg_.conns;
  for (;;) {
    const uint64_t due = traffic_start_ns_ + uint64_t(offset_ns_ + double(next_k_) * interval_ns_);
    if (due > now_) {
      next_due_ns_ = due;
      return;
    }
    const uint32_t i = uint32_t(next_k_ % n);
    ++next_k_;
    EchoConnection& c = conns_[i];
    if (c.state != EchoConnection::State::kLive) continue;
    ++c.owed;
    ++backlog_;
    mark_dirty(c, i);
  }
}

void EchoWorker::fill(EchoConnection& c, uint32_t i) {
  if (c.owed == 0) return;
  SendBuffer& s = c.out;
  const uint32_t fl = frame_len_;
  const uint32_t room = cap_frames_ - s.pending_frames;
  const uint32_t n = uint32_t(std::min<uint64_t>(c.owed, room));
  if (n == 0) return;
  if (c.next_send_seq == c.next_recv_seq) c.last_progress_ns = now_;
  uint8_t* out = s.tail();
  for (uint32_t j = 0; j < n; ++j) {
    const uint64_t seq = c.next_send_seq++;
    uint64_t t;
    if (open_loop_) {
      t = intended_ns(i, seq);
    } else {
      t = now_;
      c.sent_ns[seq % cfg_.depth] = t;
    }
    FrameCodec::encode(out, cfg_.payload, c.global_index, seq, t);
    out += fl;
  }
  s.pending_len += n * fl;
  s.pending_frames += n;
  c.owed -= n;
  if (open_loop_) backlog_ -= n;
}

void EchoWorker::publish() {
  stats_.msgs_total.store(msgs_total_, std::memory_order_relaxed);
  stats_.msgs_window.store(msgs_window_, std::memory_order_relaxed);
  stats_.established.store(established_, std::memory_order_relaxed);
  stats_.backlog.store(backlog_, std::memory_order_relaxed);
  publish_failures();
}

void EchoWorker::finish() {
  // A connection that still waits for an echo it should long have had is
  // stalled: the server lost a frame or stopped answering.
  now_ = MonoClock::now_ns();
  for (EchoConnection& c : conns_) {
    if (c.state == EchoConnection::State::kLive && c.next_recv_seq < c.next_send_seq &&
        now_ - c.last_progress_ns > kStallNs)
      fail(c, ErrorKind::kTimeout);
  }
  publish();
  close_all();
}

}  // namespace ptnet::load
