#include "game/GameShard.h"

#include <cerrno>

#include "base/Assert.h"
#include "game/BinaryCodec.h"
#include "game/GameServer.h"
#include "game/GameStats.h"
#include "game/RoomCast.h"
#include "game/ShardMask.h"
#include "rudp/RudpService.h"
#include "tcp/Connection.h"
#include "tcp/Framer.h"
#include "tcp/TcpService.h"

namespace ptnet::game {

namespace {

tcp::ByteOrder order_of(Encoding e) { return e == Encoding::Json ? tcp::ByteOrder::Big : tcp::ByteOrder::Little; }

// Bytes a whole frame of m may need (header included), and the encoder
// that fills it; the two places that encode (a reply, a broadcast) share them.
size_t frame_capacity(const Message& m, Encoding e) {
  return tcp::Framer::kHeaderSize +
         (e == Encoding::Json ? JsonCodec::max_encoded_size(m) : BinaryCodec::encoded_size(m));
}
size_t encode_frame(const Message& m, Encoding e, uint8_t* out) {
  uint8_t* body = out + tcp::Framer::kHeaderSize;
  const size_t n = e == Encoding::Json ? JsonCodec::encode(m, body) : BinaryCodec::encode(m, body);
  tcp::Framer::write_header(out, uint32_t(n), order_of(e));
  return tcp::Framer::kHeaderSize + n;
}

bool has_recipient(const LocalRoom& room, const Session* exclude) {
  for (const Session* s : room.members)
    if (s != exclude) return true;
  return false;
}

}  // namespace

GameShard::GameShard(GameServer& server, Shard& shard, uint32_t max_frame)
    : server_(server),
      shard_(shard),
      stats_(server.world().shard_stats(shard.id())),
      max_frame_(max_frame),
      json_(max_frame),
      scratch_(4096),
      core_(server.world(), shard.id(), shard.timers(), *this, shard.now_ns()) {}

GameShard::~GameShard() { server_.clear_handler(shard_.id()); }

// ---- input: connections and frames -----------------------------------------------

Session* GameShard::session_of(tcp::Connection& c) {
  auto* s = static_cast<Session*>(c.user);
  if (PTNET_LIKELY(s != nullptr)) s->encoding = c.order() == tcp::ByteOrder::Big ? Encoding::Json : Encoding::Binary;
  return s;
}

void GameShard::on_open(tcp::TcpService& tcp, tcp::Connection& c) {
  tcp_ = &tcp;
  Session* s = core_.open(Transport::Tcp, Encoding::Binary, c.id(), shard_.now_ns());
  if (s == nullptr) {
    tcp.close(c, tcp::CloseReason::Handler);
    return;
  }
  c.user = s;
}

tcp::ByteOrder GameShard::detect_order(const uint8_t* first, size_t n, tcp::ByteOrder fallback) {
  // JSON: [u32 BE length]{"...  or  "HeartBeat" ; binary: [u32 LE length][type code].
  if (n < 5) return fallback;
  const uint8_t b = first[4];
  const bool json_start = b == '{' || b == '"' || b == ' ' || b == '\t' || b == '\r' || b == '\n';
  const uint32_t be = tcp::Framer::read_header(first, tcp::ByteOrder::Big);
  if (json_start && be != 0 && be <= max_frame_) return tcp::ByteOrder::Big;
  return tcp::ByteOrder::Little;
}

bool GameShard::on_frame(tcp::TcpService&, tcp::Connection& c, const uint8_t* body, uint32_t len) {
  Session* s = session_of(c);
  if (PTNET_UNLIKELY(s == nullptr)) return false;
  Message m;
  const DecodeStatus st =
      s->encoding == Encoding::Json ? json_.decode(body, len, &m) : BinaryCodec::decode(body, len, &m);
  // The core may close the session: s is not touched after this.
  if (PTNET_LIKELY(st == DecodeStatus::Ok)) core_.receive(*s, m, shard_.now_ns());
  else core_.undecodable(*s, st, shard_.now_ns());
  return true;
}

void GameShard::on_bad_frame(tcp::TcpService&, tcp::Connection& c, tcp::FrameStatus st) {
  Session* s = session_of(c);
  if (s == nullptr) return;
  core_.stream_error(*s, st == tcp::FrameStatus::ZeroLength ? ErrorCode::ZeroLengthFrame : ErrorCode::FrameTooLarge);
  // The TcpService closes the connection once this is flushed.
}

void GameShard::on_close(tcp::TcpService&, tcp::Connection& c, tcp::CloseReason) {
  auto* s = static_cast<Session*>(c.user);
  if (s == nullptr) return;
  c.user = nullptr;
  core_.closed(*s);
}

// ---- output: one session ----------------------------------------------------------

void GameShard::send(const Session& to, const Message& m) {
  switch (to.transport) {
    case Transport::Tcp: return send_tcp(to, m);
    case Transport::Rudp: return send_rudp(to, m);
  }
}

void GameShard::close(Session& s, Close how) {
  switch (s.transport) {
    case Transport::Tcp: return close_tcp(s, how);
    case Transport::Rudp: return close_rudp(s);  // the endpoint always flushes what is reliable-queued first
  }
}

void GameShard::send_tcp(const Session& to, const Message& m) {
  tcp::Connection* c = tcp_->find(to.conn);
  if (PTNET_UNLIKELY(c == nullptr)) return;
  const size_t cap = frame_capacity(m, to.encoding);
  if (scratch_.size() < cap) scratch_.resize(cap);
  tcp_->send_bytes(*c, scratch_.data(), encode_frame(m, to.encoding, scratch_.data()));
}

void GameShard::close_tcp(const Session& s, Close how) {
  tcp::Connection* c = tcp_->find(s.conn);
  if (c == nullptr) return;
  if (how == Close::Now) tcp_->close(*c, tcp::CloseReason::Handler);  // runs on_close: s is gone
  else tcp_->close_after_flush(*c);
}

bool GameShard::send_shared_tcp(const Session& to, tcp::SharedFrame* f) {
  tcp::Connection* c = tcp_->find(to.conn);
  return c != nullptr && tcp_->send_shared(*c, f);
}

// ---- output: room fan-out ---------------------------------------------------------

tcp::SharedFrame* GameShard::encode_shared(const Message& m, Encoding e) {
  tcp::SharedFrame* f = tcp::SharedFrame::create(uint32_t(frame_capacity(m, e)));
  if (f == nullptr) return nullptr;
  f->size = uint32_t(encode_frame(m, e, f->data()));
  return f;
}

void GameShard::broadcast(const LocalRoom& room, const Message& m, const Session* exclude) {
  tcp::SharedFrame* bin = encode_shared(m, Encoding::Binary);
  if (PTNET_UNLIKELY(bin == nullptr)) return count_lost_broadcast(room, exclude);
  post_to_shards(room, *bin);
  deliver_local(room, bin, &m, exclude);
  bin->release();
}

void GameShard::count_lost_broadcast(const LocalRoom& room, const Session* exclude) {
  ShardMask others = server_.world().rooms().shard_mask(room.entry);
  others.reset(shard_.id());
  int64_t lost = has_recipient(room, exclude) ? 1 : 0;
  others.for_each([&](uint32_t) { ++lost; });
  stats_.add(GameStats::FanoutDropped, lost);
}

void GameShard::post_to_shards(const LocalRoom& room, const tcp::SharedFrame& bin) {
  ShardMask others = server_.world().rooms().shard_mask(room.entry);
  others.reset(shard_.id());
  others.for_each([&](uint32_t target) {
    RoomCast* cast = RoomCast::create(&server_, room.id, bin);  // the target owns it from here on
    if (cast == nullptr) return stats_.add(GameStats::FanoutDropped);
    if (!shard_.post(target, ShardMessage{&GameShard::on_room_cast, cast, 0, 0})) {
      cast->release();
      stats_.add(GameStats::FanoutDropped);
    }
  });
}

void GameShard::on_room_cast(Shard& shard, const ShardMessage& msg) {
  auto* cast = static_cast<RoomCast*>(msg.ptr);
  if (GameShard* h = cast->server->shard_handler(shard.id())) {
    if (const LocalRoom* room = h->core_.room(cast->room)) h->deliver_local(*room, cast->frame, nullptr, nullptr);
  }
  cast->release();
}

void GameShard::deliver_local(const LocalRoom& room, tcp::SharedFrame* bin, const Message* m,
                              const Session* exclude) {
  tcp::SharedFrame* json = nullptr;
  bool json_lost = false;
  uint64_t delivered = 0;
  for (const Session* member : room.members) {
    if (member == exclude) continue;
    tcp::SharedFrame* f = bin;
    if (member->encoding == Encoding::Json) {  // only TCP sessions speak JSON
      if (json == nullptr && !json_lost) {  // one JSON encoding per shard, shared by its JSON members
        json = encode_json(*bin, m);
        json_lost = json == nullptr;
        if (json_lost) stats_.add(GameStats::FanoutDropped);
      }
      if (json_lost) continue;
      f = json;
    }
    switch (member->transport) {
      case Transport::Tcp: delivered += send_shared_tcp(*member, f) ? 1 : 0; break;
      case Transport::Rudp:  // the binary body, without the TCP length header
        delivered += send_body_rudp(*member, bin->data() + tcp::Framer::kHeaderSize,
                                    bin->size - tcp::Framer::kHeaderSize) ? 1 : 0;
        break;
    }
  }
  if (json != nullptr) json->release();
  stats_.add(GameStats::Deliveries, int64_t(delivered));
}

tcp::SharedFrame* GameShard::encode_json(const tcp::SharedFrame& bin, const Message* m) {
  if (m != nullptr) return encode_shared(*m, Encoding::Json);
  Message decoded;  // from another shard: its views point into `bin`
  const uint8_t* body = bin.data() + tcp::Framer::kHeaderSize;
  if (BinaryCodec::decode(body, bin.size - tcp::Framer::kHeaderSize, &decoded) != DecodeStatus::Ok) return nullptr;
  return encode_shared(decoded, Encoding::Json);
}

}  // namespace ptnet::game

namespace ptnet::game {

// ---- reliable UDP -----------------------------------------------------------------

Session* GameShard::rudp_session(ConnId peer) const {
  if (peer.slot >= rudp_sessions_.size()) return nullptr;
  Session* s = rudp_sessions_[peer.slot];
  return s != nullptr && s->conn == peer ? s : nullptr;
}

void GameShard::on_connect(ConnId peer, const SockAddr&) {
  Session* s = core_.open(Transport::Rudp, Encoding::Binary, peer, shard_.now_ns());
  if (s == nullptr) {
    rudp_->endpoint().close(peer, shard_.now_ns());
    return;
  }
  if (peer.slot >= rudp_sessions_.size()) rudp_sessions_.resize(size_t(peer.slot) + 1, nullptr);
  rudp_sessions_[peer.slot] = s;
}

void GameShard::on_message(ConnId peer, rudp::Channel, const uint8_t* data, size_t len) {
  Session* s = rudp_session(peer);
  if (PTNET_UNLIKELY(s == nullptr)) return;
  Message m;
  const DecodeStatus st = BinaryCodec::decode(data, len, &m);
  if (PTNET_LIKELY(st == DecodeStatus::Ok)) core_.receive(*s, m, shard_.now_ns());
  else core_.undecodable(*s, st, shard_.now_ns());
}

void GameShard::on_disconnect(ConnId peer, rudp::DisconnectReason) {
  Session* s = rudp_session(peer);
  if (s == nullptr) return;
  rudp_sessions_[peer.slot] = nullptr;
  core_.closed(*s);
}

bool GameShard::send_body_rudp(const Session& to, const uint8_t* body, size_t len) {
  const rudp::Channel ch =
      len > 0 && body[0] == uint8_t(MsgType::PlayerMove) ? rudp::Channel::Unreliable : rudp::Channel::Reliable;
  const int err = rudp_->endpoint().send(to.conn, ch, body, len, shard_.now_ns());
  if (PTNET_LIKELY(err == 0)) return true;
  if (err == -ENOBUFS) {
    // Over its send budget: a slow reader, cut off as TCP cuts them. The
    // endpoint reports the disconnect later (never from inside this call).
    stats_.add(GameStats::SlowReaders);
    rudp_->endpoint().close(to.conn, shard_.now_ns());
  }
  return false;
}

void GameShard::send_rudp(const Session& to, const Message& m) {
  const size_t cap = BinaryCodec::encoded_size(m);
  if (scratch_.size() < cap) scratch_.resize(cap);
  send_body_rudp(to, scratch_.data(), BinaryCodec::encode(m, scratch_.data()));
}

void GameShard::close_rudp(const Session& s) { rudp_->endpoint().close(s.conn, shard_.now_ns()); }

}  // namespace ptnet::game
