#include "GameWorker.h"

#include <sys/socket.h>

#include <algorithm>
#include <cstring>

#include "MonoClock.h"

namespace ptnet::load {

namespace {

constexpr uint64_t kSweepNs = 100'000'000;  // handshake deadlines and heartbeats
constexpr uint32_t kRecvBufSize = 16384;

}  // namespace

GameWorker::GameWorker(const WorkerConfig& cfg, const RunControl& ctl, WorkerStats& stats,
                       uint64_t heartbeat_ns)
    : Base(cfg, ctl, stats),
      heartbeat_ns_(heartbeat_ns),
      enc_(cfg.json ? GameEncoding::kJson : GameEncoding::kBinary),
      scratch_(GameCodec::kMaxBody),
      decoder_(enc_, scratch_.data(), scratch_.size()) {}

int GameWorker::setup() {
  rooms_ = RoomMap{cfg_.total_conns, cfg_.room_size, cfg_.user_base};
  open_loop_ = cfg_.total_rate > 0.0;
  frame_max_ = cfg_.move ? GameCodec::move_frame_max(enc_) : GameCodec::chat_frame_max(enc_, cfg_.payload);
  const uint32_t n = cfg_.conns;
  // Closed loop: at most `depth` messages exist per user. Open loop: frames
  // beyond what fits wait (as a count) for the buffer in flight; keep the
  // slab within reason for big user counts (per-user rates are low there).
  uint32_t cap_frames = cfg_.depth;
  if (open_loop_) {
    cap_frames = std::clamp<uint32_t>(65536 / frame_max_, 1, 64);
    while (cap_frames > 2 && uint64_t(cap_frames) * frame_max_ * 2 * n > (128ull << 20)) cap_frames >>= 1;
  }
  cap_bytes_ = cap_frames * frame_max_ + 2 * GameCodec::kControlFrameMax;

  uint32_t buf_count = std::clamp<uint32_t>(WorkerRing::pow2_at_least(n), 64, 2048);
  const uint32_t sq = std::clamp<uint32_t>(WorkerRing::pow2_at_least(2ull * n + 16), 64, 4096);
  const uint32_t cq =
      std::min<uint32_t>(std::max<uint32_t>(WorkerRing::pow2_at_least(4ull * n + 64), 4 * sq), 65536);
  int rc = ring_.init(sq, cq, buf_count, kRecvBufSize);
  if (rc != 0) return rc;

  conns_.resize(n);
  dirty_.reserve(n);
  slab_.assign(size_t(2) * cap_bytes_ * n, 0);
  stride_ = std::min(cfg_.room_size, cfg_.total_conns);
  recv_next_.assign(size_t(stride_) * n, 0);
  if (!open_loop_) sent_slab_.assign(size_t(cfg_.depth) * n, 0);
  for (uint32_t i = 0; i < n; ++i) {
    GameConnection& c = conns_[i];
    c.local = i;
    c.index = cfg_.first_conn + i;
    c.user_id = rooms_.user_id(c.index);
    c.room = rooms_.room_of(c.index);
    c.out.buf[0] = slab_.data() + size_t(2) * cap_bytes_ * i;
    c.out.buf[1] = c.out.buf[0] + cap_bytes_;
    if (!open_loop_) c.sent_ns = sent_slab_.data() + size_t(cfg_.depth) * i;
  }
  sched_.users = cfg_.total_conns;
  sched_.interval_ns = open_loop_ ? 1e9 / cfg_.total_rate : 0.0;
  return 0;
}

void GameWorker::run() {
  if (!begin()) return;
  next_sweep_ns_ = now_ + kSweepNs;
  start_tick(kTickNs);
  if (cfg_.conns == 0) report_connected();

  while (begin_pass()) {
    if (!connect_done_) pump_connects();
    if (now_ >= next_sweep_ns_) {
      sweep();
      next_sweep_ns_ = now_ + kSweepNs;
    }
    if (!connect_done_ && resolved_ == cfg_.conns) {
      publish();
      report_connected();
    }
    if (!started_ && connect_done_ && phase_ >= RunControl::Phase::kWarmup) start_traffic();
    if (started_ && open_loop_ && !generation_done_) schedule_open_loop();
    flush();
    if (started_ && !sending_done_) {
      sending_done_ = open_loop_ ? generation_done_ && backlog_ == 0 : now_ >= window_end_ns_;
      if (sending_done_) stats_.sending_done.store(true, std::memory_order_release);
    }
    ring_.publish_buffers();
    publish();

    // Default: block until something completes; the tick bounds the wait.
    uint64_t wait = started_ ? UINT64_MAX : kIdleWaitNs;
    if (!connect_done_) wait = connect_wait(wait);
    if (started_ && open_loop_ && !generation_done_) {
      wait = pacing_wait(next_due_ns_);
      // Longer gaps (low rates): a timed wait, so the slot is not up to a tick late.
      if (wait > kTickNs) wait = kTickNs;
    }
    ring_.submit_and_wait(wait);
  }
  finish();
}

void GameWorker::on_connected(GameConnection& c, uint32_t i) {
  c.state = GameConnection::State::kAwaitAck;
  c.deadline_ns = now_ + cfg_.connect_timeout_ns;
  arm_recv(c, i);
  c.connect_owed = true;
  mark_dirty(c);
}

void GameWorker::on_recv(uint32_t i, const io_uring_cqe* cqe) {
  // Latency is measured to the moment each receive completion is handled:
  // other workers' send stamps can be later than this pass's first clock read.
  now_ = MonoClock::now_ns();
  Base::on_recv(i, cqe);
}

void GameWorker::consume(GameConnection& c, const uint8_t* p, uint32_t n) {
  constexpr uint32_t kH = GameCodec::kHeader;
  auto hold = [&c](uint32_t need) {
    if (c.partial.size() < need) c.partial.resize(std::max<size_t>(need, 2 * c.partial.size()));
  };
  if (c.partial_len != 0) {
    if (c.partial_len < kH) {
      const uint32_t take = std::min(kH - c.partial_len, n);
      std::memcpy(c.partial.data() + c.partial_len, p, take);
      c.partial_len += take;
      p += take;
      n -= take;
      if (c.partial_len < kH) return;
      const uint32_t body = GameCodec::body_length(enc_, c.partial.data());
      if (body > GameCodec::kMaxBody) {
        fail(c, ErrorKind::kProtocol);
        return;
      }
      c.partial_need = kH + body;
      hold(c.partial_need);
    }
    const uint32_t take = std::min(c.partial_need - c.partial_len, n);
    std::memcpy(c.partial.data() + c.partial_len, p, take);
    c.partial_len += take;
    p += take;
    n -= take;
    if (c.partial_len < c.partial_need) return;
    c.partial_len = 0;
    if (!on_frame(c, c.partial.data() + kH, c.partial_need - kH)) return;
  }
  while (n >= kH) {
    const uint32_t body = GameCodec::body_length(enc_, p);
    if (body > GameCodec::kMaxBody) {
      fail(c, ErrorKind::kProtocol);
      return;
    }
    if (n - kH < body) {
      c.partial_need = kH + body;
      hold(std::max(c.partial_need, frame_max_ + 256));
      std::memcpy(c.partial.data(), p, n);
      c.partial_len = n;
      return;
    }
    if (!on_frame(c, p + kH, body)) return;
    p += kH + body;
    n -= kH + body;
  }
  if (n != 0) {
    hold(frame_max_ + 256);
    std::memcpy(c.partial.data(), p, n);
    c.partial_len = n;
    c.partial_need = 0;
  }
}

bool GameWorker::on_frame(GameConnection& c, const uint8_t* body, uint32_t len) {
  using State = GameConnection::State;
  GameMsg m;
  if (decoder_.decode(body, len, m) != GameDecoder::Status::kOk) {
    // Length framing still holds: count it and go on with the next frame.
    count_error(ErrorKind::kProtocol);
    return true;
  }
  switch (m.type) {
    case MsgType::kConnectionAck:
      if (c.state == State::kAwaitAck && m.user_id == c.user_id)
        c.state = State::kAwaitWelcome;
      else if (c.state == State::kReady)
        count_error(ErrorKind::kProtocol);
      else
        fail(c, ErrorKind::kHandshake);
      break;
    case MsgType::kSystemMessage:
      if (c.state == State::kAwaitWelcome)
        become_ready(c);
      else if (c.state == State::kReady)
        ++system_;
      else
        fail(c, ErrorKind::kHandshake);
      break;
    case MsgType::kUserJoinedRoom:
      ++joined_;
      break;
    case MsgType::kUserLeftRoom:
      ++left_;
      break;
    case MsgType::kHeartBeatResponse:
      ++hb_answered_;
      break;
    case MsgType::kError:
      count_error(ErrorKind::kServerError);
      complain(c, m);
      if (c.state != State::kReady) fail(c, ErrorKind::kCount);  // not admitted; counted above
      break;
    case MsgType::kChatResponse:
      if (!m.success) {
        count_error(ErrorKind::kRefused);
        complain(c, m);
        if (!cfg_.move && c.state == State::kReady) on_refused(c);
      }
      break;
    case MsgType::kChatMessage:
      if (!cfg_.move && c.state == State::kReady)
        on_chat(c, m);
      else
        count_error(ErrorKind::kProtocol);
      break;
    case MsgType::kPlayerMove:
      if (cfg_.move && c.state == State::kReady)
        on_move(c, m);
      else
        count_error(ErrorKind::kProtocol);
      break;
    default:  // client-to-server types, or answers to requests never made
      count_error(ErrorKind::kProtocol);
      break;
  }
  return c.state != State::kDead;
}

bool GameWorker::sender_of(const GameConnection& c, const GameMsg& m, uint32_t& sender) {
  if (m.room_id != c.room + 1 || m.user_id < cfg_.user_base ||
      m.user_id - cfg_.user_base >= cfg_.total_conns ||
      rooms_.room_of(m.user_id - cfg_.user_base) != c.room) {
    count_error(ErrorKind::kMisrouted);
    return false;
  }
  sender = m.user_id - cfg_.user_base;
  return true;
}

void GameWorker::on_chat(GameConnection& c, const GameMsg& m) {
  uint32_t sender = 0;
  if (!sender_of(c, m, sender)) return;
  uint32_t seq = 0;
  uint64_t t = 0;
  if (!timing_loaded_) load_timing();
  if (!ChatText::parse(m.message, cfg_.payload, seq, t) || t > now_ ||
      (open_loop_ && t != sched_.intended_ns(sender, seq))) {
    count_error(ErrorKind::kCorrupt);
    return;
  }
  deliver(c, sender, seq, t);
}

void GameWorker::on_move(GameConnection& c, const GameMsg& m) {
  uint32_t sender = 0;
  if (!sender_of(c, m, sender)) return;
  if (sender == c.index) {  // moves go to the other members only
    count_error(ErrorKind::kMisrouted);
    return;
  }
  if (!timing_loaded_) load_timing();
  const uint64_t t = sched_.intended_ns(sender, m.seq);
  if (m.x != MoveCoords::x(m.user_id, m.seq) || m.y != MoveCoords::y(m.user_id, m.seq) ||
      m.z != MoveCoords::z(m.user_id, m.seq) || t > now_) {
    count_error(ErrorKind::kCorrupt);
    return;
  }
  deliver(c, sender, m.seq, t);
}

void GameWorker::deliver(GameConnection& c, uint32_t sender, uint32_t seq, uint64_t sent_ns) {
  if (sender == c.index && seq >= c.next_send_seq) {  // an own message this user never sent
    count_error(ErrorKind::kCorrupt);
    return;
  }
  uint32_t& next = recv_next_[size_t(c.local) * stride_ + rooms_.position_of(sender)];
  uint64_t resolved = 0;  // own messages this receipt settles (a gap settles the lost ones too)
  if (seq >= next) {
    resolved = uint64_t(seq) + 1 - next;
    next = seq + 1;
  } else if (seq + 1 == next) {
    count_error(ErrorKind::kDuplicate);
    return;
  } else {
    // Backwards: it did arrive (so it is not missing), but out of order.
    count_error(ErrorKind::kOrder);
  }
  const uint64_t latency = now_ > sent_ns ? now_ - sent_ns : 0;
  ++deliveries_total_;
  progress_->record(latency);
  if (in_window(sent_ns)) {
    ++deliveries_window_;
    stats_.window.record(latency);
  }
  if (sender == c.index && resolved != 0) {
    // Refused messages this receipt skips over were settled (and credited) already.
    const uint64_t skipped_refused = std::min<uint64_t>(resolved - 1, c.refused);
    c.refused -= uint32_t(skipped_refused);
    resolved -= skipped_refused;
    if (!open_loop_) {  // closed loop: own copies are the credits
      c.owed += resolved;
      c.last_progress_ns = now_;
      mark_dirty(c);
    }
  }
}

void GameWorker::become_ready(GameConnection& c) {
  c.state = GameConnection::State::kReady;
  c.next_heartbeat_ns = now_ + heartbeat_ns_;
  ++ready_;
  ++resolved_;
}

void GameWorker::complain(const GameConnection& c, const GameMsg& m) {
  if (complained_) return;
  complained_ = true;
  stats_.complaint_type = uint8_t(m.type);
  stats_.complaint_code = m.code;
  stats_.complaint_user_id = c.user_id;
  const size_t n = std::min(m.message.size(), sizeof(stats_.complaint_text) - 1);
  std::memcpy(stats_.complaint_text, m.message.data(), n);
  stats_.complaint_text[n] = '\0';
  stats_.complaint_set.store(true, std::memory_order_release);
}

void GameWorker::on_refused(GameConnection& c) {
  // Refusals answer messages in the order they were sent: this one is the
  // oldest own message neither delivered back nor refused yet.
  const uint32_t seq = own_next(c) + c.refused;
  if (seq >= c.next_send_seq) return;  // nothing unsettled: a refusal of nothing we sent
  ++c.refused;
  const uint64_t t = open_loop_ ? sched_.intended_ns(c.index, seq) : c.sent_ns[seq % cfg_.depth];
  const uint32_t fan = fanout(c);
  expected_total_ -= fan;
  if (in_window(t)) expected_window_ -= fan;
  if (!open_loop_) {
    ++c.owed;
    c.last_progress_ns = now_;
    mark_dirty(c);
  }
}

void GameWorker::fail(GameConnection& c, ErrorKind kind) {
  using State = GameConnection::State;
  if (c.state == State::kDead) return;
  if (kind != ErrorKind::kCount) count_error(kind);
  if (c.state == State::kReady) {
    --ready_;
  } else {
    ++connect_failed_;
    ++resolved_;
  }
  c.state = State::kDead;
  backlog_ -= std::min(backlog_, open_loop_ ? c.owed : 0);
  c.owed = 0;
  // Tell the server at once; the fd stays open until the ring is gone so no
  // request in flight can touch a reused descriptor.
  if (c.fd >= 0) shutdown(c.fd, SHUT_RDWR);
}

void GameWorker::sweep() {
  using State = GameConnection::State;
  for (GameConnection& c : conns_) {
    if (c.state == State::kReady) {
      if (now_ >= c.next_heartbeat_ns) {
        c.heartbeat_owed = true;
        c.next_heartbeat_ns += heartbeat_ns_;
        if (c.next_heartbeat_ns <= now_) c.next_heartbeat_ns = now_ + heartbeat_ns_;
        mark_dirty(c);
      }
    } else if ((c.state == State::kAwaitAck || c.state == State::kAwaitWelcome) && now_ > c.deadline_ns) {
      fail(c, ErrorKind::kTimeout);
    }
  }
}

void GameWorker::load_timing() {
  const uint64_t start = ctl_.traffic_start_ns.load(std::memory_order_acquire);
  if (start == 0) return;
  sched_.start_ns = start;
  window_start_ns_ = ctl_.window_start_ns.load(std::memory_order_relaxed);
  window_end_ns_ = ctl_.window_end_ns.load(std::memory_order_relaxed);
  timing_loaded_ = true;
}

void GameWorker::start_traffic() {
  load_timing();
  if (!timing_loaded_) return;
  started_ = true;
  if (open_loop_) {
    next_k_ = 0;
    next_due_ns_ = sched_.intended_ns(cfg_.first_conn, 0);
    return;
  }
  for (GameConnection& c : conns_) {
    if (c.state != GameConnection::State::kReady) continue;
    c.owed = cfg_.depth;
    mark_dirty(c);
  }
}

void GameWorker::schedule_open_loop() {
  const uint32_t n = cfg_.conns;
  for (;;) {
    const uint32_t seq = uint32_t(next_k_ / n);
    const uint32_t local = uint32_t(next_k_ % n);
    const uint64_t due = sched_.intended_ns(cfg_.first_conn + local, seq);
    if (due >= window_end_ns_) {
      generation_done_ = true;
      return;
    }
    if (due > now_) {
      next_due_ns_ = due;
      return;
    }
    ++next_k_;
    GameConnection& c = conns_[local];
    if (c.state != GameConnection::State::kReady) continue;
    ++c.owed;
    ++backlog_;
    mark_dirty(c);
  }
}

void GameWorker::fill(GameConnection& c, uint32_t) {
  SendBuffer& s = c.out;
  uint8_t* const base = s.pending();
  if (c.connect_owed && cap_bytes_ - s.pending_len >= GameCodec::kControlFrameMax) {
    s.pending_len += GameCodec::encode_connect(enc_, base + s.pending_len, c.room + 1, c.user_id);
    c.connect_owed = false;
  }
  if (c.heartbeat_owed && cap_bytes_ - s.pending_len >= GameCodec::kControlFrameMax) {
    s.pending_len += GameCodec::encode_heartbeat(enc_, base + s.pending_len);
    c.heartbeat_owed = false;
    ++hb_sent_;
  }
  // Closed loop: no new message after the window.
  if (c.owed != 0 && c.state == GameConnection::State::kReady && (open_loop_ || now_ < window_end_ns_)) {
    const uint32_t fan = fanout(c);
    if (!open_loop_ && c.next_send_seq == own_next(c) + c.refused) c.last_progress_ns = now_;
    while (c.owed != 0 && cap_bytes_ - s.pending_len >= frame_max_) {
      const uint32_t seq = c.next_send_seq++;
      const uint64_t t = open_loop_ ? sched_.intended_ns(c.index, seq) : now_;
      if (!open_loop_) c.sent_ns[seq % cfg_.depth] = t;
      uint8_t* out = base + s.pending_len;
      if (cfg_.move) {
        s.pending_len +=
            GameCodec::encode_move(enc_, out, c.user_id, c.room + 1, MoveCoords::x(c.user_id, seq),
                                   MoveCoords::y(c.user_id, seq), MoveCoords::z(c.user_id, seq), seq);
      } else {
        uint8_t* text = nullptr;
        s.pending_len += GameCodec::encode_chat(enc_, out, c.user_id, c.room + 1, cfg_.payload, &text);
        ChatText::write(text, cfg_.payload, seq, t);
      }
      --c.owed;
      if (open_loop_) --backlog_;
      ++sent_total_;
      expected_total_ += fan;
      if (in_window(t)) {
        ++sent_window_;
        expected_window_ += fan;
      }
    }
  }
}

void GameWorker::publish() {
  stats_.established.store(ready_, std::memory_order_relaxed);
  stats_.backlog.store(backlog_, std::memory_order_relaxed);
  stats_.sent_total.store(sent_total_, std::memory_order_relaxed);
  stats_.sent_window.store(sent_window_, std::memory_order_relaxed);
  stats_.expected_total.store(expected_total_, std::memory_order_relaxed);
  stats_.expected_window.store(expected_window_, std::memory_order_relaxed);
  stats_.deliveries_total.store(deliveries_total_, std::memory_order_relaxed);
  stats_.deliveries_window.store(deliveries_window_, std::memory_order_relaxed);
  stats_.joined_notices.store(joined_, std::memory_order_relaxed);
  stats_.left_notices.store(left_, std::memory_order_relaxed);
  stats_.system_notices.store(system_, std::memory_order_relaxed);
  stats_.heartbeats_sent.store(hb_sent_, std::memory_order_relaxed);
  stats_.heartbeats_answered.store(hb_answered_, std::memory_order_relaxed);
  publish_failures();
}

void GameWorker::finish() {
  // Closed loop: a user still waiting, long after it should have had it, for
  // a copy of its own message is stalled (the server lost it, or never
  // delivers to the sender); count it even when the loss was before the window.
  now_ = MonoClock::now_ns();
  if (!open_loop_ && started_) {
    for (GameConnection& c : conns_)
      if (c.state == GameConnection::State::kReady && c.next_send_seq != own_next(c) + c.refused &&
          now_ - c.last_progress_ns > kStallNs)
        count_error(ErrorKind::kTimeout);
  }
  publish();
  close_all();
}

}  // namespace ptnet::load
