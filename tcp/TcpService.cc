#include "tcp/TcpService.h"

#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "base/Log.h"
#include "io/Socket.h"
#include "simd/FanoutCopy.h"

namespace ptnet::tcp {

namespace {
constexpr uint64_t kAcceptRetryNs = 10'000'000;
constexpr uint64_t kSweepNs = 1'000'000'000;
constexpr unsigned kMaxIov = 64;
}  // namespace

TcpService::TcpService(const TcpConfig& cfg, std::unique_ptr<ConnectionHandler> handler)
    : cfg_(cfg),
      handler_(std::move(handler)),
      accept_retry_(&TcpService::on_accept_retry, this),
      flush_tick_(&TcpService::on_flush_tick, this),
      sweep_(&TcpService::on_sweep, this),
      conns_(256) {}

TcpService::~TcpService() {
  if (shard_ != nullptr) {
    shard_->timers().cancel(accept_retry_);
    shard_->timers().cancel(flush_tick_);
    shard_->timers().cancel(sweep_);
  }
  if (listen_fd_ >= 0) ::close(listen_fd_);
  for (Connection* c : slots_) {
    if (c == nullptr) continue;
    if (c->linger_.armed()) shard_->timers().cancel(c->linger_);
    if (c->fd_ >= 0) ::close(c->fd_);  // the loop has ended: nothing will submit for it again (Shard::run)
    c->out_.clear(pools_);
    conns_.destroy(c);
  }
}

int TcpService::start(Shard& shard) {
  shard_ = &shard;
  io_ = &shard.backend();
  counters_ = &shard.counters();
  uint16_t port = cfg_.port != 0 ? cfg_.port : cfg_.bound_port->load();
  int fd = io::listen_tcp(cfg_.host, port, cfg_.backlog, true);
  if (fd < 0) {
    PTNET_LOG_ERROR("shard %u: cannot listen on %s:%u: %s", shard.id(), cfg_.host.c_str(), port,
                    std::strerror(-fd));
    return fd;
  }
  listen_fd_ = fd;
  port_ = io::local_port(fd);
  if (port == 0) cfg_.bound_port->store(port_);
  shard.on_completion(kOpAccept, &TcpService::on_accept_cqe, this);
  shard.on_completion(kOpRecv, &TcpService::on_recv_cqe, this);
  shard.on_completion(kOpSend, &TcpService::on_send_cqe, this);
  accepting_ = true;
  arm_accept();
  if (cfg_.frame_timeout_ns != 0 || cfg_.idle_timeout_ns != 0)
    shard.timers().schedule(sweep_, shard.now_ns() + kSweepNs);
  return 0;
}

// ---- deadlines ----------------------------------------------------------

void TcpService::on_sweep(Timer& t, uint64_t now) {
  auto* self = static_cast<TcpService*>(t.ctx());
  self->sweep(now);
  self->shard_->timers().schedule(t, now + kSweepNs);
}

void TcpService::sweep(uint64_t now) {
  // Once a second over every connection: a few loads each, cheaper than a
  // timer per connection re-armed on every receive.
  for (Connection* c : slots_) {
    if (c == nullptr || !c->reading()) continue;
    if (cfg_.frame_timeout_ns != 0 && c->frame_started_ns_ != 0 && now - c->frame_started_ns_ > cfg_.frame_timeout_ns) {
      counters_->add(Counter::ErrFrameTimeout);
      close(*c, CloseReason::FrameTimeout);
      maybe_release(*c);
    } else if (cfg_.idle_timeout_ns != 0 && now - c->last_rx_ns_ > cfg_.idle_timeout_ns) {
      counters_->add(Counter::IdleTimeouts);
      close(*c, CloseReason::IdleTimeout);
      maybe_release(*c);
    }
  }
}

void TcpService::arm_accept() {
  io_->accept_multishot(listen_fd_, io::UserData::encode(kOpAccept, 0, 0));
  accept_armed_ = true;
}

void TcpService::arm_recv(Connection& c) {
  io_->recv_multishot(c.fd_, ud(kOpRecv, c));
  c.recv_armed_ = true;
}

Connection* TcpService::find(ConnId id) const {
  if (PTNET_UNLIKELY(id.slot >= slots_.size())) return nullptr;
  Connection* c = slots_[id.slot];
  if (PTNET_UNLIKELY(c == nullptr || !(c->id_ == id))) return nullptr;
  return c;
}

// ---- accept -------------------------------------------------------------

void TcpService::on_accept_cqe(void* ctx, const io::Completion& c) {
  static_cast<TcpService*>(ctx)->on_accept(c);
}

void TcpService::on_accept_retry(Timer& t, uint64_t) {
  auto* self = static_cast<TcpService*>(t.ctx());
  if (self->accepting_ && !self->accept_armed_) self->arm_accept();
}

void TcpService::on_accept(const io::Completion& c) {
  if (c.res >= 0) {
    if (!accepting_) {
      ::close(c.res);
    } else if (live_ >= cfg_.max_conns) {
      counters_->add(Counter::ErrConnLimit);
      ::close(c.res);
    } else {
      open(c.res);
    }
  } else if (c.res != -ECANCELED) {
    counters_->add(Counter::ErrAccept);
  }
  if (c.more) return;
  accept_armed_ = false;
  if (!accepting_) {
    close_listener();  // stop_accepting() waited for this last completion
  } else if (c.res < 0) {
    // Out of descriptors or memory, or anything else that ended the
    // operation with an error: back off instead of re-arming into it.
    shard_->timers().schedule(accept_retry_, shard_->now_ns() + kAcceptRetryNs);
  } else {
    arm_accept();
  }
}

void TcpService::close_listener() {
  if (listen_fd_ < 0) return;
  ::close(listen_fd_);
  listen_fd_ = -1;
}

void TcpService::open(int fd) {
  io::set_nodelay(fd);
  if (cfg_.keepalive_idle_s != 0)
    io::set_keepalive(fd, cfg_.keepalive_idle_s, cfg_.keepalive_interval_s, cfg_.keepalive_count);
  uint32_t slot;
  if (!free_slots_.empty()) {
    slot = free_slots_.back();
    free_slots_.pop_back();
  } else {
    slot = uint32_t(slots_.size());
    slots_.push_back(nullptr);
    gens_.push_back(1);
  }
  Connection* c = conns_.create(this, fd, ConnId{slot, gens_[slot]}, cfg_.order, cfg_.max_frame);
  if (c == nullptr) {
    free_slots_.push_back(slot);
    counters_->add(Counter::ErrAccept);
    ::close(fd);
    return;
  }
  c->linger_.set(&TcpService::on_linger, c);
  c->last_rx_ns_ = shard_->now_ns();
  if (cfg_.detect_order) c->detect_have_ = 0;
  slots_[slot] = c;
  ++live_;
  counters_->add(Counter::Accepted);
  arm_recv(*c);
  handler_->on_open(*this, *c);
}

// ---- receive ------------------------------------------------------------

void TcpService::on_recv_cqe(void* ctx, const io::Completion& c) {
  static_cast<TcpService*>(ctx)->on_recv(c);
}

void TcpService::feed(Connection& c, const uint8_t* data, uint32_t len) {
  counters_->add(Counter::BytesIn, len);
  c.last_rx_ns_ = shard_->now_ns();
  if (PTNET_UNLIKELY(c.detect_have_ != Connection::kDetectDone)) {
    // Collect the first kDetectBytes bytes, let the handler pick the byte
    // order, then feed them through the framer like any other bytes.
    const uint32_t take = std::min<uint32_t>(len, Connection::kDetectBytes - c.detect_have_);
    std::memcpy(c.detect_ + c.detect_have_, data, take);
    c.detect_have_ = uint8_t(c.detect_have_ + take);
    data += take;
    len -= take;
    if (c.detect_have_ < Connection::kDetectBytes) return;
    c.framer_.set_order(handler_->detect_order(c.detect_, Connection::kDetectBytes, cfg_.order));
    c.detect_have_ = Connection::kDetectDone;
    feed_framer(c, c.detect_, Connection::kDetectBytes);
    if (!c.reading() || len == 0) return;
  }
  feed_framer(c, data, len);
}

void TcpService::note_frame_progress(Connection& c) {
  // Held partial frame: its deadline runs from its first byte (and detection
  // bytes waiting for a decision count as a started frame).
  const bool partial = c.framer_.buffered() != 0 || (c.detect_have_ != Connection::kDetectDone && c.detect_have_ != 0);
  if (!partial) c.frame_started_ns_ = 0;
  else if (c.frame_started_ns_ == 0) c.frame_started_ns_ = shard_->now_ns();
}

void TcpService::feed_framer(Connection& c, const uint8_t* data, uint32_t len) {
  uint64_t frames = 0;
  bool keep = true;
  const FrameStatus st = c.framer_.feed(data, len, [&](const uint8_t* body, uint32_t n) {
    ++frames;
    keep = handler_->on_frame(*this, c, body, n);
    return keep && c.reading();
  });
  counters_->add(Counter::FramesIn, frames);
  if (PTNET_UNLIKELY(st != FrameStatus::Ok)) {
    counters_->add(st == FrameStatus::ZeroLength ? Counter::ErrFrameZero : Counter::ErrFrameTooLarge);
    handler_->on_bad_frame(*this, c, st);
    close_after_flush(c, CloseReason::BadFrame);
  } else if (!keep) {
    close(c, CloseReason::Handler);
  }
}

void TcpService::on_recv(const io::Completion& cqe) {
  Connection* c = find(io::UserData::conn(cqe.user_data));
  if (PTNET_UNLIKELY(c == nullptr)) {
    if (cqe.has_buffer) io_->release_buffer(cqe.buf_id);
    return;
  }
  if (!cqe.more) c->recv_armed_ = false;
  if (PTNET_LIKELY(cqe.res > 0)) {
    if (PTNET_LIKELY(c->reading())) {
      feed(*c, io_->buffer(cqe.buf_id), uint32_t(cqe.res));
      note_frame_progress(*c);
    }
  } else if (cqe.res == 0) {
    close(*c, CloseReason::PeerClosed);
  } else if (cqe.res == -ENOBUFS) {
    counters_->add(Counter::RecvNoBuffers);  // the shard ran out of receive buffers; the connection is fine
  } else if (c->state_ != ConnState::Closed) {
    if (cqe.res != -ECANCELED) counters_->add(Counter::ErrRecv);
    close(*c, CloseReason::RecvError);
  }
  // Whatever the result, a buffer the completion carries goes back.
  if (cqe.has_buffer) io_->release_buffer(cqe.buf_id);
  if (!c->recv_armed_ && c->reading()) arm_recv(*c);
  maybe_release(*c);
}

// ---- send ---------------------------------------------------------------

bool TcpService::send_bytes(Connection& c, const void* data, size_t len) {
  if (PTNET_UNLIKELY(!c.accepts_output())) return false;
  if (PTNET_UNLIKELY(c.out_.bytes() + len > cfg_.max_send_queue)) {
    counters_->add(Counter::ErrSendQueueFull);
    request_close(c, CloseReason::SlowReader);
    return false;
  }
  if (PTNET_UNLIKELY(!c.out_.append(pools_, data, len))) {
    request_close(c, CloseReason::SendError);
    return false;
  }
  mark_dirty(c);
  return true;
}

bool TcpService::send_shared(Connection& c, SharedFrame* f) {
  if (PTNET_UNLIKELY(!c.accepts_output())) return false;
  if (PTNET_UNLIKELY(c.out_.bytes() + f->size > cfg_.max_send_queue)) {
    counters_->add(Counter::ErrSendQueueFull);
    request_close(c, CloseReason::SlowReader);
    return false;
  }
  if (PTNET_UNLIKELY(!c.out_.append_shared(pools_, f))) {
    request_close(c, CloseReason::SendError);
    return false;
  }
  counters_->add(Counter::FramesOut);
  mark_dirty(c);
  return true;
}

size_t TcpService::send_copies(Connection* const* conns, size_t n, const uint8_t* data, uint32_t len) {
  PTNET_ASSERT(len <= SendQueue::max_reserve());
  copy_dsts_.clear();
  for (size_t i = 0; i < n; ++i) {
    Connection& c = *conns[i];
    if (PTNET_UNLIKELY(!c.accepts_output())) continue;
    if (PTNET_UNLIKELY(c.out_.bytes() + len > cfg_.max_send_queue)) {
      counters_->add(Counter::ErrSendQueueFull);
      request_close(c, CloseReason::SlowReader);
      continue;
    }
    uint8_t* dst = c.out_.reserve(pools_, len);
    if (PTNET_UNLIKELY(dst == nullptr)) {
      request_close(c, CloseReason::SendError);
      continue;
    }
    copy_dsts_.push_back(dst);
    mark_dirty(c);
  }
  // The reservations are written before anything can be sent (sends are
  // issued in before_wait()).
  simd::fanout_copy(copy_dsts_.data(), copy_dsts_.size(), data, len);
  counters_->add(Counter::FramesOut, copy_dsts_.size());
  return copy_dsts_.size();
}

bool TcpService::send_frame(Connection& c, const uint8_t* body, uint32_t len) {
  if (PTNET_UNLIKELY(!c.accepts_output())) return false;
  if (PTNET_UNLIKELY(c.out_.bytes() + Framer::kHeaderSize + len > cfg_.max_send_queue)) {
    counters_->add(Counter::ErrSendQueueFull);
    request_close(c, CloseReason::SlowReader);
    return false;
  }
  uint8_t hdr[Framer::kHeaderSize];
  Framer::write_header(hdr, len, c.framer_.order());
  if (PTNET_UNLIKELY(!c.out_.append_frame(pools_, hdr, body, len))) {
    request_close(c, CloseReason::SendError);
    return false;
  }
  counters_->add(Counter::FramesOut);
  mark_dirty(c);
  return true;
}

void TcpService::request_close(Connection& c, CloseReason r) {
  if (c.state_ == ConnState::CloseRequested || c.state_ == ConnState::Closed) return;
  c.transition(ConnState::CloseRequested);
  c.close_reason_ = r;
  push_dirty(c);  // even with a send in flight: before_wait() must see it
}

void TcpService::push_dirty(Connection& c) {
  if (c.dirty_) return;
  c.dirty_ = true;
  c.next_dirty_ = dirty_head_;
  dirty_head_ = &c;
}

void TcpService::mark_dirty(Connection& c) {
  if (!c.send_inflight_) push_dirty(c);
}

void TcpService::flush(Connection& c) {
  if (c.state_ == ConnState::CloseRequested) close(c, c.close_reason_);
  if (c.state_ == ConnState::Closed) {
    maybe_release(c);
  } else if (!c.send_inflight_ && !c.out_.empty()) {
    if (c.batch_owed_ == 0) c.batch_owed_ = c.out_.bytes();
    iovec iov[kMaxIov];
    const unsigned n = c.out_.gather(iov, std::min(kMaxIov, io_->max_iov()));
    io_->send(c.fd_, iov, n, ud(kOpSend, c));
    c.send_inflight_ = true;
  }
}

void TcpService::before_wait(Shard&) {
  if (dirty_head_ == nullptr) return;
  if (cfg_.flush_interval_ns != 0) {
    const uint64_t now = shard_->now_ns();
    if (now < next_flush_ns_) {  // between ticks: the frames wait for the next one
      if (!flush_tick_.armed()) shard_->timers().schedule(flush_tick_, next_flush_ns_);
      return;
    }
    next_flush_ns_ = now + cfg_.flush_interval_ns;
  }
  flush_dirty();
}

void TcpService::on_flush_tick(Timer&, uint64_t) {
  // Nothing to do here: the pass this wakes runs before_wait(), which flushes.
}

void TcpService::flush_dirty() {
  // Until the list stays empty: a close run here tells its handler, which
  // may queue frames to other connections (a member leaving a room), and
  // those must leave in this pass, not at the next wake-up.
  while (dirty_head_ != nullptr) {
    Connection* c = dirty_head_;
    dirty_head_ = nullptr;
    while (c != nullptr) {
      Connection* next = c->next_dirty_;
      c->next_dirty_ = nullptr;
      c->dirty_ = false;
      flush(*c);  // may free c
      c = next;
    }
  }
}

void TcpService::on_send_cqe(void* ctx, const io::Completion& c) {
  static_cast<TcpService*>(ctx)->on_send(c);
}

void TcpService::on_send(const io::Completion& cqe) {
  Connection* c = find(io::UserData::conn(cqe.user_data));
  if (PTNET_UNLIKELY(c == nullptr)) return;
  PTNET_ASSERT(c->send_inflight_);
  c->send_inflight_ = false;
  if (PTNET_LIKELY(cqe.res > 0)) {
    counters_->add(Counter::BytesOut, uint64_t(cqe.res));
    c->out_.consume(pools_, size_t(cqe.res));
    c->batch_owed_ = c->batch_owed_ > size_t(cqe.res) ? c->batch_owed_ - size_t(cqe.res) : 0;
  }
  if (PTNET_UNLIKELY(c->state_ == ConnState::Closed)) {
    maybe_release(*c);
    return;
  }
  if (PTNET_UNLIKELY(cqe.res == -EAGAIN)) {  // the backend could not queue it: next pass
    mark_dirty(*c);
    return;
  }
  if (PTNET_UNLIKELY(cqe.res <= 0)) {
    if (cqe.res != -ECANCELED && cqe.res != -EPIPE && cqe.res != -ECONNRESET) counters_->add(Counter::ErrSend);
    close(*c, CloseReason::SendError);
    maybe_release(*c);
    return;
  }
  if (!c->out_.empty()) {
    // The rest of this tick's batch leaves now; newer frames wait for the
    // next tick (or, without a tick, the end of this pass).
    if (c->batch_owed_ != 0 && cfg_.flush_interval_ns != 0) flush(*c);
    else mark_dirty(*c);
  } else if (c->state_ == ConnState::Draining) {
    close(*c, c->close_reason_);
  }
  maybe_release(*c);
}

// ---- close --------------------------------------------------------------

void TcpService::on_linger(Timer& t, uint64_t) {
  auto* c = static_cast<Connection*>(t.ctx());
  c->owner_->close(*c, CloseReason::LingerTimeout);
  c->owner_->maybe_release(*c);
}

void TcpService::close_after_flush(Connection& c, CloseReason r) {
  if (c.state_ != ConnState::Open) return;
  c.transition(ConnState::Draining);
  c.close_reason_ = r;
  if (c.out_.empty() && !c.send_inflight_) {
    close(c, r);
    return;
  }
  shard_->timers().schedule(c.linger_, shard_->now_ns() + cfg_.linger_ns);
}

void TcpService::close(Connection& c, CloseReason r) {
  if (c.state_ == ConnState::Closed) return;
  c.transition(ConnState::Closed);
  if (c.linger_.armed()) shard_->timers().cancel(c.linger_);
  handler_->on_close(*this, c, r);
  counters_->add(Counter::Closed);
  // Every pending operation on the socket now completes promptly. The fd
  // itself stays open until the last of them is back (maybe_release): an
  // operation queued but not yet submitted names the fd NUMBER, and a
  // number closed now could be reused by another shard's accept before the
  // next submit, arming our stale recv on someone else's socket.
  io_->shutdown_fd(c.fd_);
}

void TcpService::maybe_release(Connection& c) {
  if (c.state_ != ConnState::Closed || !c.idle_in_kernel() || c.dirty_) return;
  ::close(c.fd_);
  c.fd_ = -1;
  c.out_.clear(pools_);
  const uint32_t slot = c.id_.slot;
  slots_[slot] = nullptr;
  gens_[slot] = ConnId::next_gen(gens_[slot]);
  free_slots_.push_back(slot);
  conns_.destroy(&c);
  --live_;
}

// ---- graceful stop ------------------------------------------------------

void TcpService::stop_accepting(Shard&) {
  accepting_ = false;
  if (accept_retry_.armed()) shard_->timers().cancel(accept_retry_);
  if (listen_fd_ < 0) return;
  if (!accept_armed_) return close_listener();
  // An accept is armed, or queued and not yet submitted: that SQE names the
  // listener's fd NUMBER, so the fd must stay open until its last completion
  // (on_accept closes it). shutdown() stops listening now (the socket leaves
  // the SO_REUSEPORT group; the accept ends with -EINVAL); the cancel covers
  // backends where it does not.
  ::shutdown(listen_fd_, SHUT_RDWR);
  io_->cancel(listen_fd_, io::UserData::encode(kOpAccept, 0, 0));
}

bool TcpService::drained(const Shard&) const {
  for (const Connection* c : slots_)
    if (c != nullptr && c->state_ != ConnState::Closed && (!c->out_.empty() || c->send_inflight_)) return false;
  return true;
}

void TcpService::close_all(Shard&) {
  for (Connection* c : slots_) {
    if (c == nullptr || c->state_ == ConnState::Closed) continue;
    close(*c, CloseReason::Shutdown);
    maybe_release(*c);
  }
}

bool TcpService::closed(const Shard&) const { return live_ == 0; }

}  // namespace ptnet::tcp
