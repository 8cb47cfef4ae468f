// RoomTraffic: what comes back from the server (see RoomTraffic.h).
#include <algorithm>
#include <cstring>

#include "bench/load/RoomTraffic.h"

namespace ptnet::load {

bool RoomTraffic::on_message(uint32_t i, const uint8_t* body, uint32_t len, uint64_t now_ns) {
  GameMsg m;
  if (decoder_.decode(body, len, m) != GameDecoder::Status::kOk) {
    ctx_.count(ErrorKind::kProtocol);  // the length framing still holds: go on with the next frame
    return true;
  }
  const bool ready = users_[i].state == User::State::kReady;
  switch (m.type) {
    case MsgType::kConnectionAck:
    case MsgType::kSystemMessage:
      on_handshake(i, m, now_ns);
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
    case MsgType::kChatResponse:
      on_complaint(i, m, now_ns);
      break;
    case MsgType::kChatMessage:
      if (!move_ && ready)
        on_chat(i, m, now_ns);
      else
        ctx_.count(ErrorKind::kProtocol);
      break;
    case MsgType::kPlayerMove:
      if (move_ && ready)
        on_move(i, m, now_ns);
      else
        ctx_.count(ErrorKind::kProtocol);
      break;
    default:  // client-to-server types, or answers to requests never made
      ctx_.count(ErrorKind::kProtocol);
      break;
  }
  return users_[i].state != User::State::kDead;
}

void RoomTraffic::on_handshake(uint32_t i, const GameMsg& m, uint64_t now_ns) {
  using State = User::State;
  User& u = users_[i];
  const bool ack = m.type == MsgType::kConnectionAck;
  if (u.state == State::kReady) {
    if (ack)
      ctx_.count(ErrorKind::kProtocol);
    else
      ++system_;
  } else if (ack && u.state == State::kAwaitAck && m.user_id == u.user_id) {
    u.state = State::kAwaitWelcome;
  } else if (!ack && u.state == State::kAwaitWelcome) {
    become_ready(u, now_ns);
  } else {
    fail(i, ErrorKind::kHandshake);
  }
}

void RoomTraffic::become_ready(User& u, uint64_t now_ns) {
  u.state = User::State::kReady;
  u.next_heartbeat_ns = now_ns + cfg_.heartbeat_ns;
  ++ready_;
  ++resolved_;
}

void RoomTraffic::on_complaint(uint32_t i, const GameMsg& m, uint64_t now_ns) {
  User& u = users_[i];
  if (m.type == MsgType::kError) {
    ctx_.count(ErrorKind::kServerError);
    complain(u, m);
    if (u.state != User::State::kReady) {  // not admitted; counted above
      on_lost(i);
      port_.drop(i);
    }
  } else if (!m.success) {
    ctx_.count(ErrorKind::kRefused);
    complain(u, m);
    if (!move_ && u.state == User::State::kReady) on_refused(i, now_ns);
  }
}

void RoomTraffic::complain(const User& u, const GameMsg& m) {
  if (complained_) return;
  complained_ = true;
  WorkerStats& s = ctx_.stats();
  s.complaint_type = uint8_t(m.type);
  s.complaint_code = m.code;
  s.complaint_user_id = u.user_id;
  const size_t n = std::min(m.message.size(), sizeof(s.complaint_text) - 1);
  std::memcpy(s.complaint_text, m.message.data(), n);
  s.complaint_text[n] = '\0';
  s.complaint_set.store(true, std::memory_order_release);
}

void RoomTraffic::on_refused(uint32_t i, uint64_t now_ns) {
  // Refusals answer messages in the order they were sent: this one is the
  // oldest own message neither delivered back nor refused yet.
  User& u = users_[i];
  const uint32_t seq = own_next(i) + u.refused;
  if (seq >= u.next_send_seq) return;  // nothing unsettled: a refusal of nothing we sent
  ++u.refused;
  const uint64_t t = open_loop_ ? sched_.intended_ns(u.index, seq) : u.sent_ns[seq % cfg_.depth];
  const uint32_t fan = fanout(u);
  expected_total_ -= fan;
  if (in_window(t)) expected_window_ -= fan;
  if (!open_loop_) {  // the credit comes back; the Link sees owes()
    ++u.owed;
    u.last_progress_ns = now_ns;
  }
}

bool RoomTraffic::sender_of(uint32_t i, const GameMsg& m, uint32_t& sender) {
  const User& u = users_[i];
  if (m.room_id != u.room + 1 || m.user_id < cfg_.user_base || m.user_id - cfg_.user_base >= cfg_.total_conns ||
      rooms_.room_of(m.user_id - cfg_.user_base) != u.room) {
    ctx_.count(ErrorKind::kMisrouted);
    return false;
  }
  sender = m.user_id - cfg_.user_base;
  return true;
}

void RoomTraffic::on_chat(uint32_t i, const GameMsg& m, uint64_t now_ns) {
  uint32_t sender = 0;
  if (!sender_of(i, m, sender)) return;
  uint32_t seq = 0;
  uint64_t t = 0;
  load_timing();
  if (!ChatText::parse(m.message, cfg_.payload, seq, t) || t > now_ns ||
      (open_loop_ && t != sched_.intended_ns(sender, seq))) {
    ctx_.count(ErrorKind::kCorrupt);
    return;
  }
  deliver(i, sender, seq, t, now_ns);
}

void RoomTraffic::on_move(uint32_t i, const GameMsg& m, uint64_t now_ns) {
  uint32_t sender = 0;
  if (!sender_of(i, m, sender)) return;
  if (sender == users_[i].index) {  // moves go to the other members only
    ctx_.count(ErrorKind::kMisrouted);
    return;
  }
  load_timing();
  const uint64_t t = sched_.intended_ns(sender, m.seq);
  if (m.x != MoveCoords::x(m.user_id, m.seq) || m.y != MoveCoords::y(m.user_id, m.seq) ||
      m.z != MoveCoords::z(m.user_id, m.seq) || t > now_ns) {
    ctx_.count(ErrorKind::kCorrupt);
    return;
  }
  deliver(i, sender, m.seq, t, now_ns);
}

void RoomTraffic::deliver(uint32_t i, uint32_t sender, uint32_t seq, uint64_t sent_ns, uint64_t now_ns) {
  User& u = users_[i];
  const bool own = sender == u.index;
  if (own && seq >= u.next_send_seq) {  // an own message this user never sent
    ctx_.count(ErrorKind::kCorrupt);
    return;
  }
  uint32_t& next = recv_next_[size_t(i) * stride_ + rooms_.position_of(sender)];
  uint64_t resolved = 0;  // own messages this receipt settles (a gap settles the lost ones too)
  if (seq >= next) {
    resolved = uint64_t(seq) + 1 - next;
    next = seq + 1;
  } else if (seq + 1 == next) {
    ctx_.count(ErrorKind::kDuplicate);
    return;
  } else {
    ctx_.count(ErrorKind::kOrder);  // backwards: it did arrive (so it is not missing), but out of order
  }
  const bool window = in_window(sent_ns);
  ctx_.record(now_ns > sent_ns ? now_ns - sent_ns : 0, window);
  ++deliveries_total_;
  deliveries_window_ += window ? 1 : 0;
  if (!own || resolved == 0) return;
  // Refused messages this receipt skips over were settled (and credited) already.
  const uint64_t skipped_refused = std::min<uint64_t>(resolved - 1, u.refused);
  u.refused -= uint32_t(skipped_refused);
  resolved -= skipped_refused;
  if (!open_loop_) {  // closed loop: own copies are the credits; the Link sees owes()
    u.owed += resolved;
    u.last_progress_ns = now_ns;
  }
}

}  // namespace ptnet::load
