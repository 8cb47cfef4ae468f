#include "IdleWorker.h"

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
constexpr uint64_t kMaxWaitNs = 20'000'000;     // re-check phase and deadlines every 20 ms
constexpr uint64_t kExpireEveryNs = 50'000'000;
}  // namespace

IdleWorker::IdleWorker(const WorkerConfig& cfg, const RunControl& ctl, WorkerStats& stats)
    : cfg_(cfg), ctl_(ctl), stats_(stats) {}

int IdleWorker::setup() {
  frame_len_ = cfg_.payload + uint32_t(FrameCodec::kHeader);
  uint32_t buf_size = 256;
  while (buf_size < frame_len_ && buf_size < 65536) buf_size <<= 1;
  const uint32_t n = cfg_.conns;
  const int rc = ring_.init(1024, 8192, 1024, buf_size);
  if (rc != 0) return rc;
  conns_.resize(n);
  slab_.assign(size_t(2) * frame_len_ * n, 0);
  for (uint32_t i = 0; i < n; ++i) {
    IdleConnection& c = conns_[i];
    c.global_index = cfg_.first_conn + i;
    c.frame = slab_.data() + size_t(2) * frame_len_ * i;
    c.reply = c.frame + frame_len_;
  }
  unresolved_ = n;
  return 0;
}

void IdleWorker::run() {
  ThreadSetup::pin_self(cfg_.cpu);
  const int rc = setup();
  if (rc != 0) {
    stats_.fatal_errno.store(rc, std::memory_order_relaxed);
    stats_.connect_done.store(true, std::memory_order_release);
    return;
  }
  connector_.init(cfg_.addr, cfg_.conns, cfg_.connect_rate, cfg_.connect_timeout_ns,
                  MonoClock::now_ns());
  for (;;) {
    now_ = MonoClock::now_ns();
    if (ctl_.load_phase() == RunControl::Phase::kStop) break;
    reap();
    now_ = MonoClock::now_ns();
    if (!connector_.finished()) {
      connector_.pump(
          ring_, now_, [](uint32_t i) { return data(kOpConnect, i); }, data(kOpIgnore, 0),
          [this](uint32_t i, int fd) {
            IdleConnection& c = conns_[i];
            if (fd >= 0) {
              c.fd = fd;
              c.state = IdleConnection::State::kConnecting;
            } else {
              c.state = IdleConnection::State::kDead;
              count_error(ErrorKind::kConnect);
              ++connect_failed_;
              int expected = 0;
              stats_.first_connect_errno.compare_exchange_strong(expected, -fd);
              resolved();
            }
          });
    }
    if (unresolved_ != 0 && now_ >= next_expire_ns_) {
      expire();
      next_expire_ns_ = now_ + kExpireEveryNs;
    }
    ring_.publish_buffers();
    publish();
    if (!connect_done_ && unresolved_ == 0) {
      connect_done_ = true;
      stats_.connect_done.store(true, std::memory_order_release);
    }
    uint64_t wait = kMaxWaitNs;
    const uint64_t due = connector_.next_due_ns();
    if (due != UINT64_MAX) wait = due > now_ ? std::min(wait, due - now_) : 0;
    ring_.submit_and_wait(wait);
  }
  publish();
  ring_.destroy();
  for (IdleConnection& c : conns_)
    if (c.fd >= 0) close(c.fd);
}

void IdleWorker::reap() {
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
      default:
        break;
    }
  }
  io_uring_cq_advance(ring, seen);
}

void IdleWorker::on_connect(uint32_t i, int res) {
  IdleConnection& c = conns_[i];
  int err = 0;
  const ErrorKind kind = connector_.complete(res, err);
  if (kind != ErrorKind::kCount) {
    c.state = IdleConnection::State::kDead;
    count_error(kind);
    ++connect_failed_;
    int expected = 0;
    stats_.first_connect_errno.compare_exchange_strong(expected, err);
    resolved();
    return;
  }
  c.state = IdleConnection::State::kHandshake;
  c.deadline_ns = now_ + cfg_.connect_timeout_ns;
  FrameCodec::encode(c.frame, cfg_.payload, c.global_index, 0, now_);
  ring_.arm_recv(c.fd, data(kOpRecv, i));
  ring_.send(c.fd, c.frame, frame_len_, data(kOpSend, i));
}

void IdleWorker::on_send(uint32_t i, int res) {
  IdleConnection& c = conns_[i];
  if (res != int(frame_len_)) fail(c, ErrorKind::kSend);  // MSG_WAITALL: all or an error
}

void IdleWorker::on_recv(uint32_t i, const io_uring_cqe* cqe) {
  IdleConnection& c = conns_[i];
  const int res = cqe->res;
  if (cqe->flags & IORING_CQE_F_BUFFER) {
    const uint16_t bid = uint16_t(cqe->flags >> IORING_CQE_BUFFER_SHIFT);
    if (res > 0) consume(c, ring_.buffer(bid), uint32_t(res));
    ring_.recycle(bid);
  }
  if (res == 0) {
    fail(c, ErrorKind::kClosed);
  } else if (res < 0 && res != -ENOBUFS) {
    fail(c, ErrorKind::kRecv);
  }
  if (!(cqe->flags & IORING_CQE_F_MORE) &&
      (c.state == IdleConnection::State::kHandshake || c.state == IdleConnection::State::kEstablished))
    ring_.arm_recv(c.fd, data(kOpRecv, i));
}

void IdleWorker::consume(IdleConnection& c, const uint8_t* p, uint32_t n) {
  if (c.state != IdleConnection::State::kHandshake) {
    fail(c, ErrorKind::kCorrupt);  // an idle connection must stay silent
    return;
  }
  if (c.got + n > frame_len_) {
    fail(c, ErrorKind::kCorrupt);
    return;
  }
  std::memcpy(c.reply + c.got, p, n);
  c.got += n;
  if (c.got < frame_len_) return;
  if (std::memcmp(c.reply, c.frame, frame_len_) != 0) {
    fail(c, ErrorKind::kCorrupt);
    return;
  }
  c.state = IdleConnection::State::kEstablished;
  ++established_;
  ++msgs_total_;
  resolved();
}

void IdleWorker::expire() {
  for (IdleConnection& c : conns_)
    if (c.state == IdleConnection::State::kHandshake && now_ > c.deadline_ns)
      fail(c, ErrorKind::kTimeout);
}

void IdleWorker::fail(IdleConnection& c, ErrorKind kind) {
  if (c.state == IdleConnection::State::kHandshake) {
    resolved();
  } else if (c.state == IdleConnection::State::kEstablished) {
    --established_;
  } else {
    return;
  }
  count_error(kind);
  c.state = IdleConnection::State::kDead;
  shutdown(c.fd, SHUT_RDWR);
}

void IdleWorker::publish() {
  stats_.msgs_total.store(msgs_total_, std::memory_order_relaxed);
  stats_.established.store(established_, std::memory_order_relaxed);
  stats_.connect_failed.store(connect_failed_, std::memory_order_relaxed);
  if (errors_changed_) {
    errors_changed_ = false;
    for (size_t k = 0; k < kErrorKinds; ++k)
      stats_.errors[k].store(errors_[k], std::memory_order_relaxed);
  }
}

}  // namespace ptnet::load
