#include "bench/load/RoomTraffic.h"

#include <algorithm>

namespace ptnet::load {

RoomTraffic::RoomTraffic(WorkerContext& ctx, LinkPort& port)
    : ctx_(ctx),
      port_(port),
      cfg_(ctx.config()),
      enc_(cfg_.encoding),
      move_(cfg_.move),
      open_loop_(cfg_.total_rate > 0.0),
      rooms_{cfg_.total_conns, cfg_.room_size, cfg_.user_base},
      scratch_(GameCodec::kMaxBody),
      decoder_(enc_, scratch_.data(), scratch_.size()) {
  const uint32_t n = cfg_.conns;
  body_max_ = move_ ? GameCodec::move_body_max(enc_) : GameCodec::chat_body_max(enc_, cfg_.payload);
  // Closed loop: at most `depth` messages exist per user. Open loop:
  // messages beyond what fits wait (as a count) for the buffer in flight;
  // keep the slab within reason for big user counts (per-user rates are low).
  const uint32_t frame = MessageWriter::framed(body_max_);
  uint32_t cap = cfg_.depth;
  if (open_loop_) {
    cap = std::clamp<uint32_t>(65536 / frame, 1, 64);
    while (cap > 2 && uint64_t(cap) * frame * 2 * n > (128ull << 20)) cap >>= 1;
  }
  send_buffer_ = cap * frame + 2 * MessageWriter::framed(GameCodec::kControlBodyMax);
  users_.resize(n);
  stride_ = std::min(cfg_.room_size, cfg_.total_conns);
  recv_next_.assign(size_t(stride_) * n, 0);
  if (!open_loop_) sent_slab_.assign(size_t(cfg_.depth) * n, 0);
  for (uint32_t i = 0; i < n; ++i) {
    User& u = users_[i];
    u.index = cfg_.first_conn + i;
    u.user_id = rooms_.user_id(u.index);
    u.room = rooms_.room_of(u.index);
    if (!open_loop_) u.sent_ns = sent_slab_.data() + size_t(cfg_.depth) * i;
  }
  sched_.users = cfg_.total_conns;
  sched_.interval_ns = open_loop_ ? 1e9 / cfg_.total_rate : 0.0;
}

TrafficShape RoomTraffic::shape() const {
  TrafficShape s;
  s.order = enc_ == GameEncoding::kJson ? tcp::ByteOrder::Big : tcp::ByteOrder::Little;
  s.max_message = GameCodec::kMaxBody;
  s.send_buffer = send_buffer_;
  s.bad_frame = ErrorKind::kProtocol;
  s.stamp_each_receive = true;
  return s;
}

void RoomTraffic::on_open(uint32_t i, uint64_t now_ns) {
  User& u = users_[i];
  u.state = User::State::kAwaitAck;
  u.deadline_ns = now_ns + cfg_.connect_timeout_ns;
  u.connect_owed = true;
}

void RoomTraffic::on_lost(uint32_t i) {
  User& u = users_[i];
  if (u.state == User::State::kDead) return;
  if (u.state == User::State::kReady) {
    --ready_;
  } else {  // the handshake failed: the user was never admitted
    ctx_.note_connect_failed();
    ++resolved_;
  }
  u.state = User::State::kDead;
  backlog_ -= std::min(backlog_, open_loop_ ? u.owed : 0);
  u.owed = 0;
}

void RoomTraffic::fail(uint32_t i, ErrorKind why) {
  if (users_[i].state == User::State::kDead) return;
  on_lost(i);
  port_.close(i, why);
}

void RoomTraffic::fill(uint32_t i, MessageWriter& out, uint64_t now_ns) {
  User& u = users_[i];
  fill_controls(u, out);
  // Closed loop: no new message after the window.
  if (u.owed != 0 && u.state == User::State::kReady && (open_loop_ || now_ns < window_end_ns_))
    fill_messages(u, out, now_ns);
}

void RoomTraffic::fill_controls(User& u, MessageWriter& out) {
  if (u.connect_owed) {
    if (uint8_t* body = out.reserve(GameCodec::kControlBodyMax)) {
      out.commit(GameCodec::encode_connect(enc_, body, u.room + 1, u.user_id));
      u.connect_owed = false;
    }
  }
  if (u.heartbeat_owed) {
    if (uint8_t* body = out.reserve(GameCodec::kControlBodyMax)) {
      out.commit(GameCodec::encode_heartbeat(enc_, body));
      u.heartbeat_owed = false;
      ++hb_sent_;
    }
  }
}

void RoomTraffic::fill_messages(User& u, MessageWriter& out, uint64_t now_ns) {
  const uint32_t fan = fanout(u);
  const uint32_t local = u.index - cfg_.first_conn;
  if (!open_loop_ && u.next_send_seq == own_next(local) + u.refused) u.last_progress_ns = now_ns;
  uint8_t* body;
  while (u.owed != 0 && (body = out.reserve(body_max_)) != nullptr) {
    const uint32_t seq = u.next_send_seq++;
    const uint64_t t = open_loop_ ? sched_.intended_ns(u.index, seq) : now_ns;
    if (!open_loop_) u.sent_ns[seq % cfg_.depth] = t;
    out.commit(write_message(u, body, seq, t));
    --u.owed;
    if (open_loop_) --backlog_;
    ++sent_total_;
    expected_total_ += fan;
    if (in_window(t)) {
      ++sent_window_;
      expected_window_ += fan;
    }
  }
}

uint32_t RoomTraffic::write_message(User& u, uint8_t* body, uint32_t seq, uint64_t t) {
  if (move_)
    return GameCodec::encode_move(enc_, body, u.user_id, u.room + 1, MoveCoords::x(u.user_id, seq),
                                  MoveCoords::y(u.user_id, seq), MoveCoords::z(u.user_id, seq), seq);
  uint8_t* text = nullptr;
  const uint32_t len = GameCodec::encode_chat(enc_, body, u.user_id, u.room + 1, cfg_.payload, &text);
  ChatText::write(text, cfg_.payload, seq, t);
  return len;
}

bool RoomTraffic::load_timing() {
  if (timing_loaded_) return true;
  const uint64_t start = ctx_.control().traffic_start_ns.load(std::memory_order_acquire);
  if (start == 0) return false;
  sched_.start_ns = start;
  window_start_ns_ = ctx_.control().window_start_ns.load(std::memory_order_relaxed);
  window_end_ns_ = ctx_.control().window_end_ns.load(std::memory_order_relaxed);
  timing_loaded_ = true;
  return true;
}

bool RoomTraffic::start(uint64_t) {
  if (!load_timing()) return false;
  started_ = true;
  if (open_loop_) {
    next_k_ = 0;
    next_due_ns_ = sched_.intended_ns(cfg_.first_conn, 0);
    return true;
  }
  for (uint32_t i = 0; i < users_.size(); ++i) {
    if (users_[i].state != User::State::kReady) continue;
    users_[i].owed = cfg_.depth;
    port_.want_send(i);
  }
  return true;
}

void RoomTraffic::pace(uint64_t now_ns) {
  // What the previous pass's flush sent decides whether all is sent.
  if (started_ && !sending_done_) {
    sending_done_ = open_loop_ ? generation_done_ && backlog_ == 0 : now_ns >= window_end_ns_;
    if (sending_done_) ctx_.stats().sending_done.store(true, std::memory_order_release);
  }
  if (open_loop_ && !generation_done_) schedule_open_loop(now_ns);
}

void RoomTraffic::schedule_open_loop(uint64_t now_ns) {
  const uint32_t n = uint32_t(users_.size());
  for (;;) {
    const uint32_t seq = uint32_t(next_k_ / n);
    const uint32_t local = uint32_t(next_k_ % n);
    const uint64_t due = sched_.intended_ns(cfg_.first_conn + local, seq);
    if (due >= window_end_ns_) {
      generation_done_ = true;
      return;
    }
    if (due > now_ns) {
      next_due_ns_ = due;
      return;
    }
    ++next_k_;
    User& u = users_[local];
    if (u.state != User::State::kReady) continue;
    ++u.owed;
    ++backlog_;
    port_.want_send(local);
  }
}

void RoomTraffic::on_tick(uint64_t now_ns) {
  if (now_ns < next_sweep_ns_) return;
  next_sweep_ns_ = now_ns + kSweepNs;
  sweep(now_ns);
}

void RoomTraffic::sweep(uint64_t now_ns) {
  using State = User::State;
  for (uint32_t i = 0; i < users_.size(); ++i) {
    User& u = users_[i];
    if (u.state == State::kReady) {
      if (now_ns < u.next_heartbeat_ns) continue;
      u.heartbeat_owed = true;
      u.next_heartbeat_ns += cfg_.heartbeat_ns;
      if (u.next_heartbeat_ns <= now_ns) u.next_heartbeat_ns = now_ns + cfg_.heartbeat_ns;
      port_.want_send(i);
    } else if ((u.state == State::kAwaitAck || u.state == State::kAwaitWelcome) && now_ns > u.deadline_ns) {
      fail(i, ErrorKind::kTimeout);
    }
  }
}

void RoomTraffic::finish(uint64_t now_ns) {
  // Closed loop: a user still waiting, long after it should have had it, for
  // a copy of its own message is stalled (the server lost it, or never
  // delivers to the sender); counted even when the loss was before the window.
  if (open_loop_ || !started_) return;
  for (uint32_t i = 0; i < users_.size(); ++i) {
    const User& u = users_[i];
    if (u.state == User::State::kReady && u.next_send_seq != own_next(i) + u.refused &&
        now_ns - u.last_progress_ns > kStallNs)
      ctx_.count(ErrorKind::kTimeout);
  }
}

void RoomTraffic::publish() {
  WorkerStats& s = ctx_.stats();
  s.established.store(ready_, std::memory_order_relaxed);
  s.backlog.store(backlog_, std::memory_order_relaxed);
  s.sent_total.store(sent_total_, std::memory_order_relaxed);
  s.sent_window.store(sent_window_, std::memory_order_relaxed);
  s.expected_total.store(expected_total_, std::memory_order_relaxed);
  s.expected_window.store(expected_window_, std::memory_order_relaxed);
  s.deliveries_total.store(deliveries_total_, std::memory_order_relaxed);
  s.deliveries_window.store(deliveries_window_, std::memory_order_relaxed);
  s.joined_notices.store(joined_, std::memory_order_relaxed);
  s.left_notices.store(left_, std::memory_order_relaxed);
  s.system_notices.store(system_, std::memory_order_relaxed);
  s.heartbeats_sent.store(hb_sent_, std::memory_order_relaxed);
  s.heartbeats_answered.store(hb_answered_, std::memory_order_relaxed);
}

}  // namespace ptnet::load
