#include "rudp/RudpService.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "base/Log.h"
#include "io/Socket.h"

namespace ptnet::rudp {

namespace {
constexpr uint64_t kRecvRetryNs = 10'000'000;
constexpr size_t kMaxBurst = 256;

EndpointConfig server_role(EndpointConfig c) {
  c.role = Role::Server;
  return c;
}
}  // namespace

RudpService::RudpService(const RudpConfig& cfg, std::unique_ptr<ServiceHandler> handler)
    : RudpService(cfg, *handler) {
  owned_handler_ = std::move(handler);
}

RudpService::RudpService(const RudpConfig& cfg, ServiceHandler& handler)
    : cfg_(cfg),
      handler_(handler),
      slots_(cfg.tx_slots),
      timer_(&RudpService::on_timer_cb, this),
      rearm_(&RudpService::on_rearm_cb, this) {
  burst_.reserve(kMaxBurst);
  burst_buffers_.reserve(kMaxBurst);
}

RudpService::~RudpService() {
  if (shard_ != nullptr) {
    shard_->timers().cancel(timer_);
    shard_->timers().cancel(rearm_);
  }
  for (uint16_t bid : burst_buffers_) io_->release_buffer(bid);
  if (fd_ >= 0) ::close(fd_);  // the loop has ended: nothing will submit for it again
}

int RudpService::start(Shard& shard) {
  shard_ = &shard;
  io_ = &shard.backend();
  counters_ = &shard.counters();
  const uint16_t port = cfg_.port != 0 ? cfg_.port : cfg_.bound_port->load();
  const int fd = io::bind_udp(cfg_.host, port, true, cfg_.socket_buffer);
  if (fd < 0) {
    PTNET_LOG_ERROR("shard %u: cannot bind UDP %s:%u: %s", shard.id(), cfg_.host.c_str(), port, std::strerror(-fd));
    return fd;
  }
  fd_ = fd;
  port_ = io::local_port(fd);
  if (port == 0) cfg_.bound_port->store(port_);
  Transmitter* tx = &socket_tx_;
  if (cfg_.impair) {
    impair_ = std::make_unique<LinkImpairment>(cfg_.impairment);
    impaired_tx_ = std::make_unique<ImpairedTx>(*this);
    tx = impaired_tx_.get();
  }
  EndpointHandler& self = *this;  // the service sees every event first
  endpoint_ = std::make_unique<Endpoint>(server_role(cfg_.endpoint), *tx, self);
  handler_.attach(*this);
  shard.on_completion(kOpRecv, &RudpService::on_recv_cqe, this);
  shard.on_completion(kOpSend, &RudpService::on_send_cqe, this);
  arm_recv();
  return 0;
}

// ---- receive --------------------------------------------------------------

void RudpService::arm_recv() {
  io_->recvmsg_multishot(fd_, io::UserData::encode(kOpRecv, 0, 0));
  recv_armed_ = true;
}

void RudpService::on_recv_cqe(void* ctx, const io::Completion& c) { static_cast<RudpService*>(ctx)->on_recv(c); }

void RudpService::on_recv(const io::Completion& c) {
  if (c.has_buffer) {
    io::Datagram d;
    if (PTNET_LIKELY(io_->datagram(c, &d))) {
      counters_->add(Counter::DatagramsIn);
      counters_->add(Counter::BytesInUdp, d.len);
      burst_.push_back(RxDatagram{d.data, d.len, d.from});
      burst_buffers_.push_back(c.buf_id);  // held until the burst is processed
      if (burst_.size() == kMaxBurst) process_burst();
    } else {
      counters_->add(Counter::ErrDatagram);
      io_->release_buffer(c.buf_id);
    }
  }
  if (c.more) return;
  recv_armed_ = false;
  // Re-armed while stopping too: closing peers still need their acks and
  // CLOSE answers.
  if (c.res >= 0 || c.res == -ENOBUFS) {
    if (c.res == -ENOBUFS) counters_->add(Counter::RecvNoBuffers);
    arm_recv();
  } else {
    counters_->add(Counter::ErrDatagramRecv);
    shard_->timers().schedule(rearm_, shard_->now_ns() + kRecvRetryNs);
  }
}

void RudpService::on_rearm_cb(Timer& t, uint64_t) {
  auto* self = static_cast<RudpService*>(t.ctx());
  if (!self->recv_armed_) self->arm_recv();
}

void RudpService::process_burst() {
  if (burst_.empty()) return;
  endpoint_->receive(burst_.data(), burst_.size(), shard_->now_ns());
  for (uint16_t bid : burst_buffers_) io_->release_buffer(bid);
  burst_.clear();
  burst_buffers_.clear();
}

void RudpService::after_completions(Shard&) { process_burst(); }

// ---- send -----------------------------------------------------------------

uint8_t* RudpService::SocketTx::tx_buffer() { return s_.slots_.acquire(); }

void RudpService::SocketTx::tx_commit(uint8_t* buf, size_t len, const SockAddr& to) {
  PTNET_ASSERT(s_.slots_.owns(buf) && len <= kMaxDatagram);
  s_.io_->sendto(s_.fd_, buf, uint32_t(len), to, io::UserData::encode(kOpSend, s_.slots_.index_of(buf), 0));
}

void RudpService::ImpairedTx::tx_commit(uint8_t* buf, size_t len, const SockAddr& to) {
  s_.impair_->submit(buf, len, to, s_.shard_->now_ns());
}

void RudpService::on_send_cqe(void* ctx, const io::Completion& c) {
  auto* self = static_cast<RudpService*>(ctx);
  self->slots_.release(io::UserData::slot(c.user_data));
  if (PTNET_LIKELY(c.res > 0)) {
    self->counters_->add(Counter::DatagramsOut);
    self->counters_->add(Counter::BytesOutUdp, uint64_t(c.res));
  } else {
    self->counters_->add(Counter::ErrDatagramSend);  // lost, as on the wire; the protocol recovers
  }
}

// ---- per pass and timers --------------------------------------------------

void RudpService::release_impaired() {
  if (impair_) impair_->poll(shard_->now_ns(), socket_tx_);
}

void RudpService::before_wait(Shard&) {
  process_burst();
  endpoint_->flush(shard_->now_ns());
  release_impaired();
  reschedule();
}

void RudpService::reschedule() {
  uint64_t due = endpoint_->next_deadline_ns();
  // Held datagrams count only while a send slot is free: with every slot
  // busy, a past release time would spin the loop until a send completes
  // (and that completion wakes the shard anyway).
  if (impair_ && slots_.has_free()) due = std::min(due, impair_->next_release_ns());
  if (due == UINT64_MAX) {
    shard_->timers().cancel(timer_);
  } else if (!timer_.armed() || timer_.deadline_ns() != due) {
    shard_->timers().schedule(timer_, due);
  }
}

void RudpService::on_timer_cb(Timer& t, uint64_t now) {
  auto* self = static_cast<RudpService*>(t.ctx());
  if (now >= self->endpoint_->next_deadline_ns()) self->endpoint_->on_timer(now);
  // before_wait() of this pass flushes, releases what the impairment holds
  // and re-arms this timer.
}

// ---- peers ------------------------------------------------------------------

void RudpService::on_connect(ConnId peer, const SockAddr& addr) {
  live_.push_back(peer);
  handler_.on_connect(peer, addr);
}

void RudpService::on_message(ConnId peer, Channel ch, const uint8_t* data, size_t len) {
  handler_.on_message(peer, ch, data, len);
}

void RudpService::on_disconnect(ConnId peer, DisconnectReason why) {
  auto it = std::find(live_.begin(), live_.end(), peer);
  if (it != live_.end()) {
    *it = live_.back();
    live_.pop_back();
  }
  handler_.on_disconnect(peer, why);
}

// ---- graceful stop ----------------------------------------------------------

void RudpService::stop_accepting(Shard&) { stopping_ = true; }

bool RudpService::drained(const Shard&) const {
  // Reliable data still queued or unacked towards a peer: keep flushing.
  for (ConnId peer : live_)
    if (const PeerStats* st = endpoint_->stats(peer); st != nullptr && st->send_queue_bytes != 0) return false;
  return true;
}

void RudpService::close_all(Shard&) {
  const uint64_t now = shard_->now_ns();
  for (ConnId peer : std::vector<ConnId>(live_)) endpoint_->close(peer, now);
}

bool RudpService::closed(const Shard&) const { return live_.empty(); }

}  // namespace ptnet::rudp
