#include "game/GameCore.h"

#include <algorithm>
#include <cstdio>
#include <ctime>

#include "base/Assert.h"
#include "game/Quality.h"

namespace ptnet::game {

namespace {

bool is_client_type(MsgType t) {
  switch (t) {
    case MsgType::HeartBeat:
    case MsgType::UserInfo:
    case MsgType::Connect:
    case MsgType::ChatMessage:
    case MsgType::RoomJoin:
    case MsgType::RoomLeave:
    case MsgType::PlayerMove:
      return true;
    default:
      return false;
  }
}

void remove_member(LocalRoom& r, const Session* s) {
  auto pos = std::find(r.members.begin(), r.members.end(), s);
  PTNET_ASSERT(pos != r.members.end());
  *pos = r.members.back();
  r.members.pop_back();
}

}  // namespace

uint64_t GameCore::system_unix_seconds() { return uint64_t(std::time(nullptr)); }

GameCore::GameCore(GameWorld& world, uint32_t shard, TimerWheel& timers, GameOutput& out, uint64_t now_ns,
                   WallClock wall)
    : world_(world),
      cfg_(world.config()),
      shard_(shard),
      timers_(timers),
      out_(out),
      stats_(world.shard_stats(shard)),
      wall_(wall),
      pool_(256),
      quality_tick_(&GameCore::on_quality_tick, this) {
  PTNET_ASSERT(shard < world.shards());
  timers_.schedule(quality_tick_, now_ns + kQualityTickNs);
}

GameCore::~GameCore() {
  for (Session* s : sessions_) {
    if (s->idle.armed()) timers_.cancel(s->idle);
    if (s->state == Session::State::Active) {
      for (uint32_t id : s->rooms) {
        LocalRoom& r = rooms_[id];
        remove_member(r, s);
        world_.rooms().leave(r.entry, shard_, r.members.empty());
      }
      world_.users().release(s->user_id, s->location);
      world_.session_ended();
    }
    pool_.destroy(s);
  }
  if (quality_tick_.armed()) timers_.cancel(quality_tick_);
}

// ---- connection lifecycle -----------------------------------------------------

Session* GameCore::open(Transport t, Encoding e, ConnId conn, uint64_t now_ns) {
  Session* s = pool_.create(this, t, e, conn, now_ns);
  if (s == nullptr) return nullptr;
  s->index = uint32_t(sessions_.size());
  sessions_.push_back(s);
  s->idle.set(&GameCore::on_idle, s);
  timers_.schedule(s->idle, now_ns + cfg_.idle_timeout_ns);
  return s;
}

void GameCore::closed(Session& s) {
  end(s);
  Session* last = sessions_.back();
  sessions_[s.index] = last;
  last->index = s.index;
  sessions_.pop_back();
  pool_.destroy(&s);
}

void GameCore::end(Session& s) {
  if (s.idle.armed()) timers_.cancel(s.idle);
  if (s.state == Session::State::Active) {
    while (!s.rooms.empty()) leave_room(s, s.rooms.back());
    world_.users().release(s.user_id, s.location);
    world_.session_ended();
    stats_.add(GameStats::Sessions, -1);
  }
  s.state = Session::State::Closing;
}

void GameCore::request_close(Session& s, GameOutput::Close how) {
  end(s);
  out_.close(s, how);  // may run closed(s): s may be gone
}

void GameCore::on_idle(Timer& t, uint64_t now) {
  auto* s = static_cast<Session*>(t.ctx());
  GameCore& core = *s->owner;
  const uint64_t limit = core.cfg_.idle_timeout_ns;
  if (now - s->last_rx_ns < limit) {
    core.timers_.schedule(s->idle, s->last_rx_ns + limit);
    return;
  }
  core.stats_.add(GameStats::Timeouts);
  core.request_close(*s, GameOutput::Close::Now);
}

void GameCore::on_quality_tick(Timer& t, uint64_t now) {
  auto* core = static_cast<GameCore*>(t.ctx());
  core->grade_quality(now);
  core->timers_.schedule(t, now + kQualityTickNs);
}

void GameCore::grade_quality(uint64_t now) {
  uint64_t q[size_t(Quality::kCount)] = {};
  for (const Session* s : sessions_) {
    if (s->state != Session::State::Active) continue;
    ++q[size_t(grade(now - s->opened_ns, now - s->last_heartbeat_ns, cfg_.heartbeat_interval_ns))];
  }
  stats_.set_quality(q);
}

// ---- input ------------------------------------------------------------------------

void GameCore::receive(Session& s, const Message& m, uint64_t now) {
  if (PTNET_UNLIKELY(s.state == Session::State::Closing)) return;
  s.last_rx_ns = now;
  stats_.frame(uint8_t(m.type));
  if (PTNET_UNLIKELY(s.state == Session::State::AwaitConnect)) {
    if (m.type == MsgType::Connect) return on_connect(s, m, now);
    return refuse(s, ErrorCode::BadFirstMessage);
  }
  dispatch(s, m, now);
}

void GameCore::undecodable(Session& s, DecodeStatus st, uint64_t now) {
  if (PTNET_UNLIKELY(s.state == Session::State::Closing)) return;
  s.last_rx_ns = now;
  if (s.state == Session::State::AwaitConnect) return refuse(s, error_for(st), to_string(st));
  error(s, error_for(st), to_string(st));
}

void GameCore::stream_error(Session& s, ErrorCode code) {
  if (s.state != Session::State::Closing) error(s, code);
}

void GameCore::dispatch(Session& s, const Message& m, uint64_t now) {
  if (!is_client_type(m.type)) return error(s, ErrorCode::UnexpectedMessage);
  switch (m.type) {
    case MsgType::Connect: return error(s, ErrorCode::AlreadyConnected);
    case MsgType::HeartBeat: return on_heartbeat(s, now);
    case MsgType::UserInfo: return on_user_info(s, m);
    case MsgType::RoomJoin: return on_room_join(s, m);
    case MsgType::RoomLeave: return on_room_leave(s, m);
    case MsgType::ChatMessage: return on_chat(s, m, now);
    case MsgType::PlayerMove: return on_move(s, m);
    default: return error(s, ErrorCode::UnexpectedMessage);
  }
}

void GameCore::on_connect(Session& s, const Message& m, uint64_t now) {
  if (m.user_id == 0) return refuse(s, ErrorCode::FieldOutOfRange, "user_id must not be 0");
  const uint64_t loc = UserDirectory::location(shard_, s.transport, s.conn);
  switch (world_.users().claim(m.user_id, loc)) {
    case UserDirectory::Claim::Ok: break;
    case UserDirectory::Claim::Duplicate: return refuse(s, ErrorCode::DuplicateLogin);
    case UserDirectory::Claim::Full: return refuse(s, ErrorCode::ServerFull);
  }
  s.state = Session::State::Active;
  s.user_id = m.user_id;
  s.location = loc;
  s.last_heartbeat_ns = now;
  s.chat_tokens = cfg_.chat_burst;  // a new session starts with a full bucket
  s.chat_tokens_ns = now;
  s.nick_len = uint8_t(std::snprintf(s.nick_buf, sizeof s.nick_buf, "user%u", m.user_id));
  world_.session_started();
  stats_.add(GameStats::Sessions);
  stats_.add(GameStats::Lifetime);

  Message ack;
  ack.type = MsgType::ConnectionAck;
  ack.user_id = m.user_id;
  reply(s, ack);
  char welcome[96];
  const int n = std::snprintf(welcome, sizeof welcome, "Welcome to Police Thief, user %u", m.user_id);
  system_message(s, std::string_view(welcome, size_t(n)));
  uint32_t count;
  if (m.room_id != 0) join_room(s, m.room_id, &count);
}

void GameCore::on_heartbeat(Session& s, uint64_t now) {
  s.last_heartbeat_ns = now;
  Message r;
  r.type = MsgType::HeartBeatResponse;
  r.timestamp = wall_();
  reply(s, r);
}

bool GameCore::set_nick(Session& s, std::string_view nick) {
  if (nick.size() > cfg_.max_nickname || nick.size() > sizeof s.nick_buf) {
    error(s, ErrorCode::FieldOutOfRange, "nickname too long");
    return false;
  }
  if (!nick.empty()) {
    std::copy(nick.begin(), nick.end(), s.nick_buf);
    s.nick_len = uint8_t(nick.size());
  }
  return true;
}

void GameCore::on_user_info(Session& s, const Message& m) {
  if (m.user_id != s.user_id) return error(s, ErrorCode::UserIdMismatch);
  if (m.text.empty()) return error(s, ErrorCode::FieldOutOfRange, "nickname must not be empty");
  set_nick(s, m.text);
}

// ---- rooms ------------------------------------------------------------------------

const LocalRoom* GameCore::room(uint32_t room_id) const {
  auto it = rooms_.find(room_id);
  return it == rooms_.end() ? nullptr : &it->second;
}

bool GameCore::join_room(Session& s, uint32_t room_id, uint32_t* count) {
  if (s.rooms.size() >= cfg_.max_rooms_per_user) {
    error(s, ErrorCode::TooManyRooms);
    return false;
  }
  const size_t e = world_.rooms().entry(room_id);
  if (e == RoomDirectory::kFull) {
    refuse(s, ErrorCode::ServerFull, "room directory full");
    return false;
  }
  LocalRoom& r = rooms_[room_id];
  r.id = room_id;
  r.entry = e;
  r.members.push_back(&s);
  s.rooms.push_back(room_id);
  *count = world_.rooms().join(e, shard_, r.members.size() == 1);
  Message joined;
  joined.type = MsgType::UserJoinedRoom;
  joined.room_id = room_id;
  joined.user_id = s.user_id;
  joined.text = s.nick();
  out_.broadcast(r, joined, &s);
  return true;
}

void GameCore::leave_room(Session& s, uint32_t room_id) {
  auto it = rooms_.find(room_id);
  PTNET_ASSERT(it != rooms_.end());
  LocalRoom& r = it->second;
  remove_member(r, &s);
  s.rooms.erase(std::find(s.rooms.begin(), s.rooms.end(), room_id));
  world_.rooms().leave(r.entry, shard_, r.members.empty());
  Message left;
  left.type = MsgType::UserLeftRoom;
  left.room_id = room_id;
  left.user_id = s.user_id;
  out_.broadcast(r, left, nullptr);
  if (r.members.empty()) rooms_.erase(it);
}

void GameCore::on_room_join(Session& s, const Message& m) {
  if (m.user_id != s.user_id) return error(s, ErrorCode::UserIdMismatch);
  if (m.room_id == 0) return error(s, ErrorCode::FieldOutOfRange, "room_id must not be 0");
  if (!set_nick(s, m.text)) return;
  Message ok;
  ok.type = MsgType::RoomJoinSuccess;
  ok.room_id = m.room_id;
  if (s.is_member(m.room_id)) {  // joining twice is not an error: say where we stand
    ok.user_count = world_.rooms().member_count(room(m.room_id)->entry);
    return reply(s, ok);
  }
  if (!join_room(s, m.room_id, &ok.user_count)) return;
  reply(s, ok);
}

void GameCore::on_room_leave(Session& s, const Message& m) {
  if (m.user_id != s.user_id) return error(s, ErrorCode::UserIdMismatch);
  if (!s.is_member(m.room_id)) return error(s, ErrorCode::NotInRoom);
  leave_room(s, m.room_id);
  Message ok;
  ok.type = MsgType::RoomLeaveSuccess;
  ok.room_id = m.room_id;
  reply(s, ok);
}

// ---- room traffic -----------------------------------------------------------------

bool GameCore::take_chat_token(Session& s, uint64_t now) {
  if (cfg_.chat_rate <= 0) return true;
  const double refill = double(now - s.chat_tokens_ns) * cfg_.chat_rate / 1e9;
  s.chat_tokens = std::min(cfg_.chat_burst, s.chat_tokens + refill);
  s.chat_tokens_ns = now;
  if (s.chat_tokens < 1.0) return false;
  s.chat_tokens -= 1.0;
  return true;
}

void GameCore::on_chat(Session& s, const Message& m, uint64_t now) {
  stats_.add(GameStats::ChatsIn);
  if (m.user_id != s.user_id) return error(s, ErrorCode::UserIdMismatch);
  if (m.text.size() > cfg_.max_chat) return error(s, ErrorCode::FieldOutOfRange, "chat message too long");
  const LocalRoom* r = s.is_member(m.room_id) ? room(m.room_id) : nullptr;
  if (r == nullptr) {
    char text[64];
    const int n = std::snprintf(text, sizeof text, "not a member of room %u", m.room_id);
    return refuse_chat(s, std::string_view(text, size_t(n)));
  }
  if (!take_chat_token(s, now)) return refuse_chat(s, "rate limited");
  out_.broadcast(*r, m, nullptr);
}

void GameCore::on_move(Session& s, const Message& m) {
  stats_.add(GameStats::MovesIn);
  if (m.user_id != s.user_id) return error(s, ErrorCode::UserIdMismatch);
  const LocalRoom* r = s.is_member(m.room_id) ? room(m.room_id) : nullptr;
  if (r == nullptr) return error(s, ErrorCode::NotInRoom);
  out_.broadcast(*r, m, &s);
}

// ---- replies ----------------------------------------------------------------------

void GameCore::error(Session& s, ErrorCode code, std::string_view text) {
  Message e;
  e.type = MsgType::Error;
  e.code = uint16_t(code);
  e.text = text.empty() ? std::string_view(default_message(code)) : text;
  stats_.add(GameStats::ErrorsSent);
  reply(s, e);
}

void GameCore::refuse(Session& s, ErrorCode code, std::string_view text) {
  error(s, code, text);
  request_close(s, GameOutput::Close::AfterFlush);
}

void GameCore::refuse_chat(Session& s, std::string_view why) {
  Message r;
  r.type = MsgType::ChatResponse;
  r.success = false;
  r.text = why;
  stats_.add(GameStats::ChatRefused);
  reply(s, r);
}

void GameCore::system_message(Session& s, std::string_view text) {
  Message m;
  m.type = MsgType::SystemMessage;
  m.text = text;
  reply(s, m);
}

}  // namespace ptnet::game
