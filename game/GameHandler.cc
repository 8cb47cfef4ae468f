#include "game/GameHandler.h"

#include <algorithm>
#include <cstdio>
#include <ctime>

#include "base/Log.h"
#include "game/BinaryCodec.h"
#include "game/GameServer.h"
#include "game/GameStats.h"
#include "game/Quality.h"
#include "tcp/Framer.h"
#include "tcp/TcpService.h"

namespace ptnet::game {

namespace {
constexpr uint64_t kQualityTickNs = 1'000'000'000;

uint64_t unix_seconds() { return uint64_t(std::time(nullptr)); }

// A session speaks JSON when its length headers are big-endian: the byte
// order the first frame chose is the encoding.
bool is_json(const Session& s) { return s.conn->order() == tcp::ByteOrder::Big; }

// Bytes a whole frame of m may need (header included), and the encoder
// that fills it; the two places that encode (a reply, a broadcast) share them.
size_t frame_capacity(const Message& m, bool json) {
  return 4 + (json ? JsonCodec::max_encoded_size(m) : BinaryCodec::encoded_size(m));
}
size_t encode_frame(const Message& m, bool json, uint8_t* out) {
  const size_t n = json ? JsonCodec::encode(m, out + 4) : BinaryCodec::encode(m, out + 4);
  tcp::Framer::write_header(out, uint32_t(n), json ? tcp::ByteOrder::Big : tcp::ByteOrder::Little);
  return 4 + n;
}

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
}  // namespace

GameHandler::GameHandler(GameServer& server, Shard& shard, uint32_t max_frame)
    : server_(server),
      shard_(shard),
      stats_(server.shard_stats(shard.id())),
      max_frame_(max_frame),
      pool_(256),
      json_(max_frame),
      scratch_(4096),
      quality_tick_(&GameHandler::on_quality_tick, this) {
  shard_.timers().schedule(quality_tick_, shard_.now_ns() + kQualityTickNs);
}

GameHandler::~GameHandler() {
  // Sessions still here were not closed through on_close (the shard hit its
  // shutdown deadline): unhook them from the shared directories.
  for (Session* s : sessions_) {
    if (s->idle.armed()) shard_.timers().cancel(s->idle);
    if (s->state == Session::State::Active) {
      for (uint32_t room : s->rooms) {
        auto& members = rooms_[room];
        const size_t e = server_.rooms().entry(room);
        if (e != RoomDirectory::kFull) server_.rooms().leave(e, shard_.id(), members.size() == 1);
        members.erase(std::remove(members.begin(), members.end(), s), members.end());
      }
      server_.users().release(s->user_id, s->location);
      server_.session_ended();
    }
    pool_.destroy(s);
  }
  if (quality_tick_.armed()) shard_.timers().cancel(quality_tick_);
  server_.clear_handler(shard_.id());
}

// ---- connection lifecycle -------------------------------------------------

void GameHandler::on_open(tcp::TcpService& tcp, tcp::Connection& c) {
  tcp_ = &tcp;
  Session* s = pool_.create(this, &c, shard_.now_ns());
  if (s == nullptr) {
    tcp.close(c, tcp::CloseReason::Handler);
    return;
  }
  s->index = uint32_t(sessions_.size());
  sessions_.push_back(s);
  s->idle.set(&GameHandler::on_idle, s);
  shard_.timers().schedule(s->idle, s->last_rx_ns + server_.config().idle_timeout_ns);
  c.user = s;
}

tcp::ByteOrder GameHandler::detect_order(const uint8_t* first, size_t n, tcp::ByteOrder fallback) {
  // JSON: [u32 BE length]{"...  or  "HeartBeat" ; binary: [u32 LE length][type code].
  if (n < 5) return fallback;
  const uint8_t b = first[4];
  const bool json_start = b == '{' || b == '"' || b == ' ' || b == '\t' || b == '\r' || b == '\n';
  const uint32_t be = tcp::Framer::read_header(first, tcp::ByteOrder::Big);
  if (json_start && be != 0 && be <= max_frame_) return tcp::ByteOrder::Big;
  return tcp::ByteOrder::Little;
}

void GameHandler::on_close(tcp::TcpService&, tcp::Connection& c, tcp::CloseReason) {
  auto* s = static_cast<Session*>(c.user);
  if (s == nullptr) return;
  c.user = nullptr;
  if (s->idle.armed()) shard_.timers().cancel(s->idle);
  if (s->state == Session::State::Active) {
    while (!s->rooms.empty()) leave_room(*s, s->rooms.back());
    server_.users().release(s->user_id, s->location);
    server_.session_ended();
    stats_.add(GameStats::Sessions, -1);
  }
  Session* last = sessions_.back();
  sessions_[s->index] = last;
  last->index = s->index;
  sessions_.pop_back();
  pool_.destroy(s);
}

void GameHandler::on_idle(Timer& t, uint64_t now) {
  auto* s = static_cast<Session*>(t.ctx());
  GameHandler& h = *s->owner;
  const uint64_t limit = h.server_.config().idle_timeout_ns;
  if (now - s->last_rx_ns < limit) {
    h.shard_.timers().schedule(s->idle, s->last_rx_ns + limit);
    return;
  }
  h.stats_.add(GameStats::Timeouts);
  h.tcp_->close(*s->conn, tcp::CloseReason::Handler);  // runs on_close: s is gone
}

void GameHandler::on_quality_tick(Timer& t, uint64_t now) {
  auto* h = static_cast<GameHandler*>(t.ctx());
  uint64_t q[size_t(Quality::kCount)] = {};
  const uint64_t interval = h->server_.config().heartbeat_interval_ns;
  for (const Session* s : h->sessions_) {
    if (s->state != Session::State::Active) continue;
    const uint64_t hb = s->last_heartbeat_ns != 0 ? s->last_heartbeat_ns : s->opened_ns;
    ++q[size_t(grade(now - s->opened_ns, now - hb, interval))];
  }
  h->stats_.set_quality(q);
  h->shard_.timers().schedule(t, now + kQualityTickNs);
}

// ---- frames ---------------------------------------------------------------

bool GameHandler::on_frame(tcp::TcpService&, tcp::Connection& c, const uint8_t* body, uint32_t len) {
  auto* s = static_cast<Session*>(c.user);
  if (PTNET_UNLIKELY(s == nullptr)) return false;
  s->last_rx_ns = shard_.now_ns();
  Message m;
  const DecodeStatus st = is_json(*s) ? json_.decode(body, len, &m) : BinaryCodec::decode(body, len, &m);
  if (PTNET_UNLIKELY(st != DecodeStatus::Ok)) {
    error(*s, error_for(st), to_string(st));
    if (s->state == Session::State::AwaitConnect) tcp_->close_after_flush(c);
    return true;
  }
  stats_.frame(uint8_t(m.type));
  handle(*s, m);
  return true;
}

void GameHandler::on_bad_frame(tcp::TcpService&, tcp::Connection& c, tcp::FrameStatus st) {
  auto* s = static_cast<Session*>(c.user);
  if (s == nullptr) return;
  if (st == tcp::FrameStatus::ZeroLength) error(*s, ErrorCode::ZeroLengthFrame);
  else error(*s, ErrorCode::FrameTooLarge);
  // The TcpService closes the connection once this is flushed.
}

void GameHandler::handle(Session& s, const Message& m) {
  if (s.state == Session::State::AwaitConnect) {
    if (m.type == MsgType::Connect) return on_connect(s, m);
    error(s, ErrorCode::BadFirstMessage);
    tcp_->close_after_flush(*s.conn);
    return;
  }
  if (!is_client_type(m.type)) return error(s, ErrorCode::UnexpectedMessage);
  switch (m.type) {
    case MsgType::Connect: return error(s, ErrorCode::AlreadyConnected);
    case MsgType::HeartBeat: return on_heartbeat(s);
    case MsgType::UserInfo: return on_user_info(s, m);
    case MsgType::RoomJoin: return on_room_join(s, m);
    case MsgType::RoomLeave: return on_room_leave(s, m);
    case MsgType::ChatMessage: return on_chat(s, m);
    case MsgType::PlayerMove: return on_move(s, m);
    default: return error(s, ErrorCode::UnexpectedMessage);
  }
}

void GameHandler::on_connect(Session& s, const Message& m) {
  if (m.user_id == 0) {
    error(s, ErrorCode::FieldOutOfRange, "user_id must not be 0");
    tcp_->close_after_flush(*s.conn);
    return;
  }
  const uint64_t loc = UserDirectory::location(shard_.id(), s.conn->id());
  switch (server_.users().claim(m.user_id, loc)) {
    case UserDirectory::Claim::Ok: break;
    case UserDirectory::Claim::Duplicate:
      error(s, ErrorCode::DuplicateLogin);
      tcp_->close_after_flush(*s.conn);
      return;
    case UserDirectory::Claim::Full:
      error(s, ErrorCode::ServerFull);
      tcp_->close_after_flush(*s.conn);
      return;
  }
  s.state = Session::State::Active;
  s.user_id = m.user_id;
  s.location = loc;
  s.last_heartbeat_ns = shard_.now_ns();
  s.nick_len = uint8_t(std::snprintf(s.nick, sizeof s.nick, "user%u", m.user_id));
  server_.session_started();
  stats_.add(GameStats::Sessions);
  stats_.add(GameStats::Lifetime);

  Message ack;
  ack.type = MsgType::ConnectionAck;
  ack.user_id = m.user_id;
  reply(s, ack);
  char welcome[96];
  int n = std::snprintf(welcome, sizeof welcome, "Welcome to Police Thief, user %u", m.user_id);
  system_message(s, std::string_view(welcome, size_t(n)));
  uint32_t count;
  if (m.room_id != 0) join_room(s, m.room_id, &count);
}

void GameHandler::on_heartbeat(Session& s) {
  s.last_heartbeat_ns = shard_.now_ns();
  Message r;
  r.type = MsgType::HeartBeatResponse;
  r.timestamp = unix_seconds();
  reply(s, r);
}

bool GameHandler::set_nick(Session& s, std::string_view nick) {
  if (nick.size() > server_.config().max_nickname || nick.size() > sizeof s.nick) {
    error(s, ErrorCode::FieldOutOfRange, "nickname too long");
    return false;
  }
  if (!nick.empty()) {
    std::copy(nick.begin(), nick.end(), s.nick);
    s.nick_len = uint8_t(nick.size());
  }
  return true;
}

void GameHandler::on_user_info(Session& s, const Message& m) {
  if (m.user_id != s.user_id) return error(s, ErrorCode::UserIdMismatch);
  if (m.text.empty()) return error(s, ErrorCode::FieldOutOfRange, "nickname must not be empty");
  set_nick(s, m.text);
}

bool GameHandler::is_member(const Session& s, uint32_t room) const {
  return std::find(s.rooms.begin(), s.rooms.end(), room) != s.rooms.end();
}

bool GameHandler::join_room(Session& s, uint32_t room, uint32_t* count) {
  if (s.rooms.size() >= server_.config().max_rooms_per_user) {
    error(s, ErrorCode::TooManyRooms);
    return false;
  }
  const size_t e = server_.rooms().entry(room);
  if (e == RoomDirectory::kFull) {
    error(s, ErrorCode::ServerFull, "room directory full");
    return false;
  }
  auto& members = rooms_[room];
  members.push_back(&s);
  s.rooms.push_back(room);
  *count = server_.rooms().join(e, shard_.id(), members.size() == 1);
  Message joined;
  joined.type = MsgType::UserJoinedRoom;
  joined.room_id = room;
  joined.user_id = s.user_id;
  joined.text = nick(s);
  broadcast(room, joined, &s);
  return true;
}

void GameHandler::leave_room(Session& s, uint32_t room) {
  auto it = rooms_.find(room);
  PTNET_ASSERT(it != rooms_.end());
  auto& members = it->second;
  auto pos = std::find(members.begin(), members.end(), &s);
  PTNET_ASSERT(pos != members.end());
  *pos = members.back();
  members.pop_back();
  s.rooms.erase(std::find(s.rooms.begin(), s.rooms.end(), room));
  const size_t e = server_.rooms().entry(room);
  server_.rooms().leave(e, shard_.id(), members.empty());
  if (members.empty()) rooms_.erase(it);
  Message left;
  left.type = MsgType::UserLeftRoom;
  left.room_id = room;
  left.user_id = s.user_id;
  broadcast(room, left, nullptr);
}

void GameHandler::on_room_join(Session& s, const Message& m) {
  if (m.user_id != s.user_id) return error(s, ErrorCode::UserIdMismatch);
  if (m.room_id == 0) return error(s, ErrorCode::FieldOutOfRange, "room_id must not be 0");
  if (!set_nick(s, m.text)) return;
  Message ok;
  ok.type = MsgType::RoomJoinSuccess;
  ok.room_id = m.room_id;
  if (is_member(s, m.room_id)) {  // joining twice is not an error: say where we stand
    ok.user_count = server_.rooms().member_count(server_.rooms().entry(m.room_id));
    return reply(s, ok);
  }
  uint32_t count;
  if (!join_room(s, m.room_id, &count)) return;
  ok.user_count = count;
  reply(s, ok);
}

void GameHandler::on_room_leave(Session& s, const Message& m) {
  if (m.user_id != s.user_id) return error(s, ErrorCode::UserIdMismatch);
  if (!is_member(s, m.room_id)) return error(s, ErrorCode::NotInRoom);
  leave_room(s, m.room_id);
  Message ok;
  ok.type = MsgType::RoomLeaveSuccess;
  ok.room_id = m.room_id;
  reply(s, ok);
}

void GameHandler::on_chat(Session& s, const Message& m) {
  stats_.add(GameStats::ChatsIn);
  if (m.user_id != s.user_id) return error(s, ErrorCode::UserIdMismatch);
  if (m.text.size() > server_.config().max_chat) return error(s, ErrorCode::FieldOutOfRange, "chat message too long");
  Message refused;
  refused.type = MsgType::ChatResponse;
  refused.success = false;
  if (!is_member(s, m.room_id)) {
    char text[64];
    int n = std::snprintf(text, sizeof text, "not a member of room %u", m.room_id);
    refused.text = std::string_view(text, size_t(n));
    stats_.add(GameStats::ChatRefused);
    return reply(s, refused);
  }
  const GameConfig& cfg = server_.config();
  if (cfg.chat_rate > 0) {
    const uint64_t now = shard_.now_ns();
    s.chat_tokens = std::min(cfg.chat_burst, s.chat_tokens + double(now - s.chat_tokens_ns) * cfg.chat_rate / 1e9);
    s.chat_tokens_ns = now;
    if (s.chat_tokens < 1.0) {
      refused.text = "rate limited";
      stats_.add(GameStats::ChatRefused);
      return reply(s, refused);
    }
    s.chat_tokens -= 1.0;
  }
  broadcast(m.room_id, m, nullptr);
}

void GameHandler::on_move(Session& s, const Message& m) {
  stats_.add(GameStats::MovesIn);
  if (m.user_id != s.user_id) return error(s, ErrorCode::UserIdMismatch);
  if (!is_member(s, m.room_id)) return error(s, ErrorCode::NotInRoom);
  broadcast(m.room_id, m, &s);
}

// ---- output -----------------------------------------------------------------

void GameHandler::reply(Session& s, const Message& m) {
  const bool json = is_json(s);
  const size_t cap = frame_capacity(m, json);
  if (scratch_.size() < cap) scratch_.resize(cap);
  tcp_->send_bytes(*s.conn, scratch_.data(), encode_frame(m, json, scratch_.data()));
}

void GameHandler::error(Session& s, ErrorCode code, std::string_view text) {
  Message e;
  e.type = MsgType::Error;
  e.code = uint16_t(code);
  e.text = text.empty() ? std::string_view(default_message(code)) : text;
  stats_.add(GameStats::ErrorsSent);
  reply(s, e);
}

void GameHandler::system_message(Session& s, std::string_view text) {
  Message m;
  m.type = MsgType::SystemMessage;
  m.text = text;
  reply(s, m);
}

tcp::SharedFrame* GameHandler::encode_shared(const Message& m, bool json) {
  tcp::SharedFrame* f = tcp::SharedFrame::create(uint32_t(frame_capacity(m, json)));
  if (f == nullptr) return nullptr;
  f->size = uint32_t(encode_frame(m, json, f->data()));
  return f;
}

void GameHandler::broadcast(uint32_t room, const Message& m, const Session* exclude) {
  tcp::SharedFrame* bin = encode_shared(m, false);
  if (bin == nullptr) return;
  const size_t e = server_.rooms().entry(room);
  ShardMask mask = e == RoomDirectory::kFull ? ShardMask{} : server_.rooms().shard_mask(e);
  mask.reset(shard_.id());
  mask.for_each([&](uint32_t target) {
    // The target shard gets its own copy and owns it from here on.
    tcp::SharedFrame* copy = tcp::SharedFrame::create(bin->size);
    if (copy == nullptr) {
      stats_.add(GameStats::FanoutDropped);
      return;
    }
    std::copy(bin->data(), bin->data() + bin->size, copy->data());
    ShardMessage msg{&GameHandler::on_room_cast, copy, room, reinterpret_cast<uint64_t>(&server_)};
    if (!shard_.post(target, msg)) {
      copy->release();
      stats_.add(GameStats::FanoutDropped);
    }
  });
  deliver_local(room, bin, exclude);
  bin->release();
}

void GameHandler::on_room_cast(Shard& shard, const ShardMessage& msg) {
  auto* server = reinterpret_cast<GameServer*>(msg.b);
  auto* frame = static_cast<tcp::SharedFrame*>(msg.ptr);
  if (GameHandler* h = server->handler(shard.id())) h->deliver_local(uint32_t(msg.a), frame, nullptr);
  frame->release();
}

void GameHandler::deliver_local(uint32_t room, tcp::SharedFrame* bin, const Session* exclude) {
  auto it = rooms_.find(room);
  if (it == rooms_.end() || tcp_ == nullptr) return;
  tcp::SharedFrame* json = nullptr;
  uint64_t delivered = 0;
  for (Session* member : it->second) {
    if (member == exclude) continue;
    tcp::SharedFrame* f = bin;
    if (is_json(*member)) {
      if (json == nullptr) {  // one JSON encoding per shard, shared by its JSON members
        Message m;
        if (BinaryCodec::decode(bin->data() + 4, bin->size - 4, &m) != DecodeStatus::Ok) continue;
        json = encode_shared(m, true);
        if (json == nullptr) continue;
      }
      f = json;
    }
    if (tcp_->send_shared(*member->conn, f)) ++delivered;
  }
  if (json != nullptr) json->release();
  stats_.add(GameStats::Deliveries, int64_t(delivered));
}

}  // namespace ptnet::game
