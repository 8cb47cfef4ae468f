#include "GameWorker.h"

#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "MonoClock.h"
#include "ThreadSetup.h"

namespace ptnet::load {

namespace {

uint32_t pow2_at_least(uint64_t v) {
  uint32_t p = 1;
  while (p < v && p < (1u << 30)) p <<= 1;
  return p;
}

constexpr uint64_t kMaxWaitNs = 10'000'000;  // tick: re-check the phase at least every 10 ms
constexpr uint64_t kIdleWaitNs = 1'000'000;  // before traffic starts
constexpr uint64_t kSpinNs = 100'000;        // open loop: poll, don't sleep, below this
constexpr uint64_t kSweepNs = 100'000'000;   // handshake deadlines and heartbeats
constexpr uint32_t kRecvBufSize = 16384;
constexpr uint64_t kStallNs = 1'000'000'000;  // closed loop: own copy overdue this long at the end = timeout

}  // namespace

GameWorker::GameWorker(const WorkerConfig& cfg, const RunControl& ctl, WorkerStats& stats,
                       uint64_t heartbeat_ns)
    : cfg_(cfg),
      ctl_(ctl),
      stats_(stats),
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

  uint32_t buf_count = std::clamp<uint32_t>(pow2_at_least(n), 64, 2048);
  const uint32_t sq = std::clamp<uint32_t>(pow2_at_least(2ull * n + 16), 64, 4096);
  const uint32_t cq = std::min<uint32_t>(std::max<uint32_t>(pow2_at_least(4ull * n + 64), 4 * sq), 65536);
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
    c.buf[0] = slab_.data() + size_t(2) * cap_bytes_ * i;
    c.buf[1] = c.buf[0] + cap_bytes_;
    if (!open_loop_) c.sent_ns = sent_slab_.data() + size_t(cfg_.depth) * i;
  }
  sched_.users = cfg_.total_conns;
  sched_.interval_ns = open_loop_ ? 1e9 / cfg_.total_rate : 0.0;
  return 0;
}

void GameWorker::run() {
  ThreadSetup::pin_self(cfg_.cpu);
  const int rc = setup();
  if (rc != 0) {
    stats_.fatal_errno.store(rc, std::memory_order_relaxed);
    stats_.connect_done.store(true, std::memory_order_release);
    return;
  }
  epoch_ = ctl_.progress_epoch.load(std::memory_order_acquire);
  progress_ = &stats_.progress[epoch_ & 1];
  now_ = MonoClock::now_ns();
  connector_.init(cfg_.addr, cfg_.conns, cfg_.connect_rate, cfg_.connect_timeout_ns, now_);
  next_sweep_ns_ = now_ + kSweepNs;
  ring_.arm_tick(kMaxWaitNs, data(kOpTick, 0));
  if (cfg_.conns == 0) {
    connect_done_ = true;
    stats_.connect_done.store(true, std::memory_order_release);
  }

  for (;;) {
    now_ = MonoClock::now_ns();
    const RunControl::Phase phase = ctl_.load_phase();
    if (phase == RunControl::Phase::kStop) break;
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
            GameConnection& c = conns_[i];
            if (fd >= 0) {
              c.fd = fd;
              c.state = GameConnection::State::kConnecting;
            } else {
              c.state = GameConnection::State::kDead;
              count_error(ErrorKind::kConnect);
              ++connect_failed_;
              ++resolved_;
              int expected = 0;
              stats_.first_connect_errno.compare_exchange_strong(expected, -fd);
            }
          });
    }
    if (now_ >= next_sweep_ns_) {
      sweep();
      next_sweep_ns_ = now_ + kSweepNs;
    }
    if (!connect_done_ && resolved_ == cfg_.conns) {
      connect_done_ = true;
      publish();
      stats_.connect_done.store(true, std::memory_order_release);
    }
    if (!started_ && connect_done_ && phase >= RunControl::Phase::kWarmup) start_traffic();
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
    if (!connect_done_) {
      const uint64_t due = connector_.next_due_ns();
      if (due != UINT64_MAX) wait = due > now_ ? std::min(wait, due - now_) : 0;
    }
    if (started_ && open_loop_ && !generation_done_) {
      wait = next_due_ns_ > now_ ? next_due_ns_ - now_ : 0;
      if (wait < kSpinNs) wait = 0;  // sleeping and waking costs more than the gap
      // Longer gaps (low rates): a timed wait, so the slot is not up to a tick late.
      if (wait > kMaxWaitNs) wait = kMaxWaitNs;
    }
    ring_.submit_and_wait(wait);
  }
  finish();
}

void GameWorker::reap() {
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

void GameWorker::on_connect(uint32_t i, int res) {
  GameConnection& c = conns_[i];
  int err = 0;
  const ErrorKind kind = connector_.complete(res, err);
  if (kind == ErrorKind::kCount) {
    c.state = GameConnection::State::kAwaitAck;
    c.deadline_ns = now_ + cfg_.connect_timeout_ns;
    c.recv_armed = true;
    ring_.arm_recv(c.fd, data(kOpRecv, i));
    c.connect_owed = true;
    mark_dirty(c);
    return;
  }
  c.state = GameConnection::State::kDead;
  count_error(kind);
  ++connect_failed_;
  ++resolved_;
  int expected = 0;
  stats_.first_connect_errno.compare_exchange_strong(expected, err);
}

void GameWorker::on_recv(uint32_t i, const io_uring_cqe* cqe) {
  GameConnection& c = conns_[i];
  const int res = cqe->res;
  // Latency is measured to the moment each receive completion is handled:
  // other workers' send stamps can be later than this pass's first clock read.
  now_ = MonoClock::now_ns();
  if (cqe->flags & IORING_CQE_F_BUFFER) {
    const uint16_t bid = uint16_t(cqe->flags >> IORING_CQE_BUFFER_SHIFT);
    if (res > 0 && c.state != GameConnection::State::kDead) consume(c, ring_.buffer(bid), uint32_t(res));
    ring_.recycle(bid);
  }
  if (res == 0) {
    fail(c, ErrorKind::kClosed);
  } else if (res < 0 && res != -ENOBUFS) {
    fail(c, ErrorKind::kRecv);
  }
  if (!(cqe->flags & IORING_CQE_F_MORE)) {
    c.recv_armed = false;
    if (c.state != GameConnection::State::kDead) {
      c.recv_armed = true;
      ring_.arm_recv(c.fd, data(kOpRecv, i));
    }
  }
}

void GameWorker::on_send(uint32_t i, int res) {
  GameConnection& c = conns_[i];
  if (!c.send_inflight) return;
  if (c.state == GameConnection::State::kDead) {
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
  if (c.pending_len != 0 || c.owed != 0 || c.connect_owed || c.heartbeat_owed) mark_dirty(c);
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

void GameWorker::flush() {
  const bool closed_open = !open_loop_ && now_ < window_end_ns_;  // closed loop may still send
  for (const uint32_t i : dirty_) {
    GameConnection& c = conns_[i];
    c.dirty = false;
    if (c.state == GameConnection::State::kDead) continue;
    uint8_t* const base = c.buf[c.pending_idx];
    if (c.connect_owed && cap_bytes_ - c.pending_len >= GameCodec::kControlFrameMax) {
      c.pending_len += GameCodec::encode_connect(enc_, base + c.pending_len, c.room + 1, c.user_id);
      c.connect_owed = false;
    }
    if (c.heartbeat_owed && cap_bytes_ - c.pending_len >= GameCodec::kControlFrameMax) {
      c.pending_len += GameCodec::encode_heartbeat(enc_, base + c.pending_len);
      c.heartbeat_owed = false;
      ++hb_sent_;
    }
    if (c.owed != 0 && c.state == GameConnection::State::kReady && (open_loop_ || closed_open)) {
      const uint32_t fan = fanout(c);
      if (!open_loop_ && c.next_send_seq == own_next(c) + c.refused) c.last_progress_ns = now_;
      while (c.owed != 0 && cap_bytes_ - c.pending_len >= frame_max_) {
        const uint32_t seq = c.next_send_seq++;
        const uint64_t t = open_loop_ ? sched_.intended_ns(c.index, seq) : now_;
        if (!open_loop_) c.sent_ns[seq % cfg_.depth] = t;
        uint8_t* out = base + c.pending_len;
        if (cfg_.move) {
          c.pending_len +=
              GameCodec::encode_move(enc_, out, c.user_id, c.room + 1, MoveCoords::x(c.user_id, seq),
                                     MoveCoords::y(c.user_id, seq), MoveCoords::z(c.user_id, seq), seq);
        } else {
          uint8_t* text = nullptr;
          c.pending_len += GameCodec::encode_chat(enc_, out, c.user_id, c.room + 1, cfg_.payload, &text);
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
    if (!c.send_inflight && c.pending_len != 0) {
      c.send_inflight = true;
      c.inflight_off = 0;
      c.inflight_len = c.pending_len;
      const uint8_t* b = c.buf[c.pending_idx];
      c.pending_idx ^= 1;
      c.pending_len = 0;
      ring_.send(c.fd, b, c.inflight_len, data(kOpSend, i));
    }
  }
  dirty_.clear();
}

void GameWorker::publish() {
  stats_.established.store(ready_, std::memory_order_relaxed);
  stats_.connect_failed.store(connect_failed_, std::memory_order_relaxed);
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
  if (errors_changed_) {
    errors_changed_ = false;
    for (size_t k = 0; k < kErrorKinds; ++k) stats_.errors[k].store(errors_[k], std::memory_order_relaxed);
  }
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
  ring_.destroy();
  for (GameConnection& c : conns_)
    if (c.fd >= 0) close(c.fd);
}

}  // namespace ptnet::load
