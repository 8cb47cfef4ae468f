#include "EchoWorker.h"

#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "FrameCodec.h"
#include "MonoClock.h"
#include "ThreadSetup.h"

namespace ptnet::load {

namespace {

uint32_t pow2_at_least(uint64_t v) {
  uint32_t p = 1;
  while (p < v && p < (1u << 30)) p <<= 1;
  return p;
}

constexpr uint64_t kMaxWaitNs = 10'000'000;        // tick: re-check the phase at least every 10 ms
constexpr uint64_t kIdleWaitNs = 1'000'000;        // before traffic starts
constexpr uint64_t kSpinNs = 100'000;             // open loop: poll, don't sleep, below this
constexpr uint64_t kStallNs = 1'000'000'000;       // unanswered this long at the end = timeout

}  // namespace

EchoWorker::EchoWorker(const WorkerConfig& cfg, const RunControl& ctl, WorkerStats& stats)
    : cfg_(cfg), ctl_(ctl), stats_(stats) {}

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
  const uint32_t buf_size = std::clamp<uint32_t>(pow2_at_least(cap_bytes), 256, 65536);
  uint32_t buf_count = std::clamp<uint32_t>(pow2_at_least(2ull * n), 64, 4096);
  while (buf_count > 64 && uint64_t(buf_count) * buf_size > (64ull << 20)) buf_count >>= 1;
  const uint32_t sq = std::clamp<uint32_t>(pow2_at_least(2ull * n + 16), 64, 4096);
  const uint32_t cq = std::min<uint32_t>(pow2_at_least(4ull * n + 64) < 4 * sq ? 4 * sq
                                                                              : pow2_at_least(4ull * n + 64),
                                         65536);
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
    c.buf[0] = base;
    c.buf[1] = base + cap_bytes;
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
  ThreadSetup::pin_self(cfg_.cpu);
  const int rc = setup();
  if (rc != 0) {
    stats_.fatal_errno.store(rc, std::memory_order_relaxed);
    stats_.connect_done.store(true, std::memory_order_release);
    return;
  }
  epoch_ = ctl_.progress_epoch.load(std::memory_order_acquire);
  progress_ = &stats_.progress[epoch_ & 1];
  connector_.init(cfg_.addr, cfg_.conns, cfg_.connect_rate, cfg_.connect_timeout_ns,
                  MonoClock::now_ns());
  ring_.arm_tick(kMaxWaitNs, data(kOpTick, 0));

  for (;;) {
    now_ = MonoClock::now_ns();
    const RunControl::Phase phase = ctl_.load_phase();
    if (phase == RunControl::Phase::kStop) break;
    measuring_ = phase == RunControl::Phase::kMeasure;
    const uint32_t e = ctl_.progress_epoch.load(std::memory_order_acquire);
    if (e != epoch_) {
      epoch_ = e;
      progress_ = &stats_.progress[e & 1];
      progress_->reset();
      stats_.progress_ack.store(e, std::memory_order_release);
    }

    reap();
    now_ = MonoClock::now_ns();  // send stamps and the schedule use the time after reaping

    if (!connect_done_) {
      connector_.pump(
          ring_, now_, [](uint32_t i) { return data(kOpConnect, i); }, data(kOpIgnore, 0),
          [this](uint32_t i, int fd) {
            EchoConnection& c = conns_[i];
            if (fd >= 0) {
              c.fd = fd;
              c.state = EchoConnection::State::kConnecting;
            } else {
              c.state = EchoConnection::State::kDead;
              count_error(ErrorKind::kConnect);
              ++connect_failed_;
              int expected = 0;
              stats_.first_connect_errno.compare_exchange_strong(expected, -fd);
            }
          });
      if (connector_.finished()) {
        connect_done_ = true;
        publish();
        stats_.connect_done.store(true, std::memory_order_release);
      }
    }
    if (!started_ && connect_done_ && phase >= RunControl::Phase::kWarmup) start_traffic();
    if (started_ && open_loop_) schedule_open_loop();
    flush();
    ring_.publish_buffers();
    publish();

    // Default: block until something completes; the tick bounds the wait.
    uint64_t wait = started_ ? UINT64_MAX : kIdleWaitNs;
    if (!connect_done_) {
      const uint64_t due = connector_.next_due_ns();
      if (due != UINT64_MAX) wait = due > now_ ? std::min(wait, due - now_) : 0;
    }
    if (started_ && open_loop_) {
      // Sleeping and waking for a gap this short costs more than the gap
      // (and overshoots it): poll the ring instead until the frame is due.
      wait = next_due_ns_ > now_ ? next_due_ns_ - now_ : 0;
      if (wait < kSpinNs) wait = 0;
      if (wait > kMaxWaitNs) wait = UINT64_MAX;
    }
    ring_.submit_and_wait(wait);
  }
  finish();
}

void EchoWorker::reap() {
  io_uring* ring = ring_.get();
  unsigned head;
  unsigned seen = 0;
  io_uring_cqe* cqe;
  io_uring_for_each_cqe(ring, head, cqe) {
    ++seen;
    const uint64_t ud = io_uring_cqe_get_data64(cqe);
    const uint32_t i = uint32_t(ud >> 8);
    switch (Op(ud & 0xff)) {
      case kOpRecv:
        on_recv(i, cqe);
        break;
      case kOpSend:
        on_send(i, cqe->res);
        break;
      case kOpConnect:
        on_connect(i, cqe->res);
        break;
      case kOpTick:
        ring_.arm_tick(kMaxWaitNs, data(kOpTick, 0));
        break;
      default:
        break;
    }
  }
  io_uring_cq_advance(ring, seen);
}

void EchoWorker::on_connect(uint32_t i, int res) {
  EchoConnection& c = conns_[i];
  int err = 0;
  const ErrorKind kind = connector_.complete(res, err);
  if (kind == ErrorKind::kCount) {
    c.state = EchoConnection::State::kLive;
    c.recv_armed = true;
    ring_.arm_recv(c.fd, data(kOpRecv, i));
    ++established_;
    return;
  }
  c.state = EchoConnection::State::kDead;
  count_error(kind);
  ++connect_failed_;
  int expected = 0;
  stats_.first_connect_errno.compare_exchange_strong(expected, err);
}

void EchoWorker::on_recv(uint32_t i, const io_uring_cqe* cqe) {
  EchoConnection& c = conns_[i];
  const int res = cqe->res;
  if (cqe->flags & IORING_CQE_F_BUFFER) {
    const uint16_t bid = uint16_t(cqe->flags >> IORING_CQE_BUFFER_SHIFT);
    if (res > 0 && c.state == EchoConnection::State::kLive)
      consume(c, ring_.buffer(bid), uint32_t(res));
    ring_.recycle(bid);
  }
  if (res == 0) {
    fail(c, ErrorKind::kClosed);
  } else if (res < 0 && res != -ENOBUFS) {
    fail(c, ErrorKind::kRecv);
  }
  if (!(cqe->flags & IORING_CQE_F_MORE)) {
    c.recv_armed = false;
    if (c.state == EchoConnection::State::kLive) {
      // Multishot ended (-ENOBUFS, or the kernel stopped it): re-arm. The
      // buffers recycled in this pass are published before the submit.
      c.recv_armed = true;
      ring_.arm_recv(c.fd, data(kOpRecv, i));
    }
  }
}

void EchoWorker::on_send(uint32_t i, int res) {
  EchoConnection& c = conns_[i];
  if (!c.send_inflight) return;
  if (c.state != EchoConnection::State::kLive) {
    c.send_inflight = false;
    return;
  }
  if (res <= 0) {
    c.send_inflight = false;
    fail(c, ErrorKind::kSend);
    return;
  }
  c.inflight_off += uint32_t(res);
  if (c.inflight_off < c.inflight_len) {  // short send: push the rest
    const uint8_t* b = c.buf[c.pending_idx ^ 1];
    ring_.send(c.fd, b + c.inflight_off, c.inflight_len - c.inflight_off, data(kOpSend, i));
    return;
  }
  c.send_inflight = false;
  if (c.pending_len != 0 || c.owed != 0) mark_dirty(c, i);
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
  if (measuring_) {
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

void EchoWorker::flush() {
  const uint32_t fl = frame_len_;
  for (const uint32_t i : dirty_) {
    EchoConnection& c = conns_[i];
    c.dirty = false;
    if (c.state != EchoConnection::State::kLive) continue;
    if (c.owed != 0) {
      const uint32_t room = cap_frames_ - c.pending_frames;
      const uint32_t n = uint32_t(std::min<uint64_t>(c.owed, room));
      if (n != 0) {
        if (c.next_send_seq == c.next_recv_seq) c.last_progress_ns = now_;
        uint8_t* out = c.buf[c.pending_idx] + c.pending_len;
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
        c.pending_len += n * fl;
        c.pending_frames += n;
        c.owed -= n;
        if (open_loop_) backlog_ -= n;
      }
    }
    if (!c.send_inflight && c.pending_len != 0) {
      c.send_inflight = true;
      c.inflight_off = 0;
      c.inflight_len = c.pending_len;
      const uint8_t* b = c.buf[c.pending_idx];
      c.pending_idx ^= 1;
      c.pending_len = 0;
      c.pending_frames = 0;
      ring_.send(c.fd, b, c.inflight_len, data(kOpSend, i));
    }
  }
  dirty_.clear();
}

void EchoWorker::publish() {
  stats_.msgs_total.store(msgs_total_, std::memory_order_relaxed);
  stats_.msgs_window.store(msgs_window_, std::memory_order_relaxed);
  stats_.established.store(established_, std::memory_order_relaxed);
  stats_.connect_failed.store(connect_failed_, std::memory_order_relaxed);
  stats_.backlog.store(backlog_, std::memory_order_relaxed);
  if (errors_changed_) {
    errors_changed_ = false;
    for (size_t k = 0; k < kErrorKinds; ++k)
      stats_.errors[k].store(errors_[k], std::memory_order_relaxed);
  }
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
  ring_.destroy();
  for (EchoConnection& c : conns_)
    if (c.fd >= 0) close(c.fd);
}

}  // namespace ptnet::load
