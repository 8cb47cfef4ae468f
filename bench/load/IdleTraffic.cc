#include "bench/load/IdleTraffic.h"

#include <cstring>

namespace ptnet::load {

IdleTraffic::IdleTraffic(WorkerContext& ctx, LinkPort& port)
    : ctx_(ctx),
      port_(port),
      decoder_(GameEncoding::kBinary, nullptr, 0),  // binary bodies need no scratch
      conns_(ctx.config().conns),
      unresolved_(ctx.config().conns) {}

TrafficShape IdleTraffic::shape() const {
  TrafficShape s;
  s.order = tcp::ByteOrder::Little;
  s.max_message = kMaxReply;
  s.send_buffer = MessageWriter::framed(GameCodec::kControlBodyMax);
  s.bad_frame = ErrorKind::kCorrupt;
  return s;
}

uint32_t IdleTraffic::encode_proof(uint32_t i, uint8_t* out) const {
  const WorkerConfig& cfg = ctx_.config();
  return GameCodec::encode_connect(GameEncoding::kBinary, out, 0, cfg.user_base + cfg.first_conn + i);
}

void IdleTraffic::on_open(uint32_t i, uint64_t now_ns) {
  Conn& c = conns_[i];
  c.state = State::kProving;
  c.deadline_ns = now_ns + ctx_.config().connect_timeout_ns;
}

void IdleTraffic::fill(uint32_t i, MessageWriter& out, uint64_t) {
  Conn& c = conns_[i];
  uint8_t* body = out.reserve(GameCodec::kControlBodyMax);
  if (c.state != State::kProving || c.sent || body == nullptr) return;
  out.commit(encode_proof(i, body));
  c.sent = true;
}

bool IdleTraffic::on_message(uint32_t i, const uint8_t* body, uint32_t len, uint64_t) {
  Conn& c = conns_[i];
  GameMsg m;
  if (c.state == State::kProving && c.sent) {
    on_first_reply(i, body, len);
  } else if (c.state == State::kWelcome && decoder_.decode(body, len, m) == GameDecoder::Status::kOk &&
             m.type == MsgType::kSystemMessage) {
    hold(i);
  } else if (c.state == State::kWelcome) {
    fail(i, ErrorKind::kHandshake);
  } else if (c.state != State::kHeld || !allowed_after_proof(c, body, len)) {
    fail(i, ErrorKind::kCorrupt);  // an idle connection must stay silent
  }
  return conns_[i].state != State::kDead;
}

bool IdleTraffic::allowed_after_proof(const Conn& c, const uint8_t* body, uint32_t len) {
  GameMsg m;
  return c.logged_in && decoder_.decode(body, len, m) == GameDecoder::Status::kOk &&
         (m.type == MsgType::kUserJoinedRoom || m.type == MsgType::kUserLeftRoom);
}

void IdleTraffic::on_first_reply(uint32_t i, const uint8_t* body, uint32_t len) {
  uint8_t sent[GameCodec::kControlBodyMax];
  const uint32_t n = encode_proof(i, sent);
  if (len == n && std::memcmp(body, sent, n) == 0) return hold(i);  // an echo server
  GameMsg m;
  const bool ok = decoder_.decode(body, len, m) == GameDecoder::Status::kOk;
  if (ok && m.type == MsgType::kConnectionAck && m.user_id == ctx_.config().user_base + ctx_.config().first_conn + i) {
    conns_[i].state = State::kWelcome;
    conns_[i].logged_in = true;
  } else if (ok && m.type == MsgType::kError) {
    ctx_.count(ErrorKind::kServerError);
    on_lost(i);
    port_.drop(i);
  } else {
    fail(i, ErrorKind::kHandshake);
  }
}

void IdleTraffic::hold(uint32_t i) {
  conns_[i].state = State::kHeld;
  ++established_;
  ++msgs_total_;
  --unresolved_;
}

void IdleTraffic::on_lost(uint32_t i) {
  Conn& c = conns_[i];
  if (c.state == State::kProving || c.state == State::kWelcome) --unresolved_;
  if (c.state == State::kHeld) --established_;
  c.state = State::kDead;
}

void IdleTraffic::on_tick(uint64_t now_ns) {
  if (unresolved_ == 0 || now_ns < next_expire_ns_) return;
  next_expire_ns_ = now_ns + kExpireEveryNs;
  for (uint32_t i = 0; i < conns_.size(); ++i) {
    const State s = conns_[i].state;
    if ((s == State::kProving || s == State::kWelcome) && now_ns > conns_[i].deadline_ns) fail(i, ErrorKind::kTimeout);
  }
}

void IdleTraffic::publish() {
  WorkerStats& s = ctx_.stats();
  s.msgs_total.store(msgs_total_, std::memory_order_relaxed);
  s.established.store(established_, std::memory_order_relaxed);
}

}  // namespace ptnet::load
