#include "IdleWorker.h"

#include <sys/socket.h>

#include <cstring>

#include "FrameCodec.h"

namespace ptnet::load {

namespace {
constexpr uint64_t kMaxWaitNs = 20'000'000;     // re-check phase and deadlines every 20 ms
constexpr uint64_t kExpireEveryNs = 50'000'000;
}  // namespace

IdleWorker::IdleWorker(const WorkerConfig& cfg, const RunControl& ctl, WorkerStats& stats)
    : Base(cfg, ctl, stats) {}

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
  if (!begin()) return;
  while (begin_pass()) {
    if (!connector_.finished()) pump_connects();
    if (unresolved_ != 0 && now_ >= next_expire_ns_) {
      expire();
      next_expire_ns_ = now_ + kExpireEveryNs;
    }
    ring_.publish_buffers();
    publish();
    if (!connect_done_ && unresolved_ == 0) report_connected();
    ring_.submit_and_wait(connect_wait(kMaxWaitNs));
  }
  publish();
  close_all();
}

void IdleWorker::on_connected(IdleConnection& c, uint32_t i) {
  c.state = IdleConnection::State::kHandshake;
  c.deadline_ns = now_ + cfg_.connect_timeout_ns;
  FrameCodec::encode(c.frame, cfg_.payload, c.global_index, 0, now_);
  arm_recv(c, i);
  ring_.send(c.fd, c.frame, frame_len_, data(kOpSend, i));
}

void IdleWorker::on_send(uint32_t i, int res) {
  IdleConnection& c = conns_[i];
  if (res != int(frame_len_)) fail(c, ErrorKind::kSend);  // MSG_WAITALL: all or an error
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
  publish_failures();
}

}  // namespace ptnet::load
