#include "bench/load/EchoTraffic.h"

#include <algorithm>

namespace ptnet::load {

EchoTraffic::EchoTraffic(WorkerContext& ctx, LinkPort& port)
    : ctx_(ctx),
      port_(port),
      payload_(ctx.config().payload),
      depth_(ctx.config().depth),
      open_loop_(ctx.config().rate > 0.0) {
  const WorkerConfig& cfg = ctx.config();
  // Closed loop: at most `depth` messages exist per connection, so a buffer
  // of depth messages never overflows. Open loop: messages beyond what fits
  // wait (as a count) until the buffer in flight is through.
  cap_messages_ = depth_;
  if (open_loop_)
    cap_messages_ = std::max(depth_, std::clamp<uint32_t>(65536 / MessageWriter::framed(payload_), 1, 64));
  conns_.resize(cfg.conns);
  if (!open_loop_) sent_slab_.assign(size_t(depth_) * cfg.conns, 0);
  for (uint32_t i = 0; i < cfg.conns; ++i) {
    conns_[i].global = cfg.first_conn + i;
    if (!open_loop_) conns_[i].sent_ns = sent_slab_.data() + size_t(depth_) * i;
  }
  if (open_loop_) {
    interval_ns_ = 1e9 / cfg.rate;  // between consecutive messages of this worker
    offset_ns_ = interval_ns_ * double(cfg.index) / double(cfg.threads);
  }
}

TrafficShape EchoTraffic::shape() const {
  TrafficShape s;
  s.order = tcp::ByteOrder::Little;
  s.max_message = payload_;
  s.send_buffer = cap_messages_ * MessageWriter::framed(payload_);
  s.bad_frame = ErrorKind::kCorrupt;
  return s;
}

void EchoTraffic::on_open(uint32_t i, uint64_t) {
  conns_[i].live = true;
  ++established_;
}

void EchoTraffic::on_lost(uint32_t i) {
  Conn& c = conns_[i];
  if (!c.live) return;
  c.live = false;
  --established_;
  if (open_loop_) backlog_ -= c.owed;
  c.owed = 0;
}

bool EchoTraffic::on_message(uint32_t i, const uint8_t* body, uint32_t len, uint64_t now_ns) {
  Conn& c = conns_[i];
  const uint64_t seq = c.next_recv_seq;
  if (seq >= c.next_send_seq) {  // nothing outstanding: the server made it up
    fail(i, ErrorKind::kCorrupt);
    return false;
  }
  uint64_t sent = 0;
  const EchoPayload::Check r = EchoPayload::check(body, len, payload_, c.global, seq, sent);
  if (r != EchoPayload::Check::kOk) {
    fail(i, mismatch(c, body, len, r));
    return false;
  }
  if (sent != (open_loop_ ? intended_ns(i, seq) : c.sent_ns[seq % depth_])) {
    fail(i, ErrorKind::kCorrupt);
    return false;
  }
  ++c.next_recv_seq;
  c.last_progress_ns = now_ns;
  const bool measuring = ctx_.measuring();
  ctx_.record(now_ns > sent ? now_ns - sent : 0, measuring);
  ++msgs_total_;
  msgs_window_ += measuring ? 1 : 0;
  if (!open_loop_) ++c.owed;  // the Link sees owes() and queues the next one
  return true;
}

ErrorKind EchoTraffic::mismatch(const Conn& c, const uint8_t* body, uint32_t len, EchoPayload::Check check) const {
  if (check != EchoPayload::Check::kBadSeq) return ErrorKind::kCorrupt;
  const uint64_t carried = EchoPayload::load64(body + EchoPayload::kSeqOff);
  uint64_t t = 0;
  if (carried < c.next_send_seq &&
      EchoPayload::check(body, len, payload_, c.global, carried, t) == EchoPayload::Check::kOk)
    return ErrorKind::kOrder;
  return ErrorKind::kCorrupt;
}

bool EchoTraffic::start(uint64_t now_ns) {
  traffic_start_ns_ = ctx_.control().traffic_start_ns.load(std::memory_order_acquire);
  if (traffic_start_ns_ == 0) traffic_start_ns_ = now_ns;
  if (open_loop_) {
    next_k_ = 0;
    next_due_ns_ = traffic_start_ns_ + uint64_t(offset_ns_);
    return true;
  }
  for (uint32_t i = 0; i < conns_.size(); ++i) {
    if (!conns_[i].live) continue;
    conns_[i].owed = depth_;
    port_.want_send(i);
  }
  return true;
}

void EchoTraffic::pace(uint64_t now_ns) {
  if (!open_loop_) return;
  const uint32_t n = uint32_t(conns_.size());
  for (;;) {
    const uint64_t due = traffic_start_ns_ + uint64_t(offset_ns_ + double(next_k_) * interval_ns_);
    if (due > now_ns) {
      next_due_ns_ = due;
      return;
    }
    const uint32_t i = uint32_t(next_k_ % n);
    ++next_k_;
    Conn& c = conns_[i];
    if (!c.live) continue;
    ++c.owed;
    ++backlog_;
    port_.want_send(i);
  }
}

void EchoTraffic::fill(uint32_t i, MessageWriter& out, uint64_t now_ns) {
  Conn& c = conns_[i];
  uint8_t* body = c.owed != 0 ? out.reserve(payload_) : nullptr;
  if (body == nullptr) return;
  if (c.next_send_seq == c.next_recv_seq) c.last_progress_ns = now_ns;
  do {
    const uint64_t seq = c.next_send_seq++;
    uint64_t t = now_ns;
    if (open_loop_)
      t = intended_ns(i, seq);
    else
      c.sent_ns[seq % depth_] = t;
    EchoPayload::encode(body, payload_, c.global, seq, t);
    out.commit(payload_);
    --c.owed;
    if (open_loop_) --backlog_;
  } while (c.owed != 0 && (body = out.reserve(payload_)) != nullptr);
}

void EchoTraffic::finish(uint64_t now_ns) {
  // A connection that still waits for an echo it should long have had is
  // stalled: the server lost a message or stopped answering.
  for (uint32_t i = 0; i < conns_.size(); ++i) {
    const Conn& c = conns_[i];
    if (c.live && c.next_recv_seq < c.next_send_seq && now_ns - c.last_progress_ns > kStallNs)
      fail(i, ErrorKind::kTimeout);
  }
}

void EchoTraffic::publish() {
  WorkerStats& s = ctx_.stats();
  s.msgs_total.store(msgs_total_, std::memory_order_relaxed);
  s.msgs_window.store(msgs_window_, std::memory_order_relaxed);
  s.established.store(established_, std::memory_order_relaxed);
  s.backlog.store(backlog_, std::memory_order_relaxed);
}

}  // namespace ptnet::load
