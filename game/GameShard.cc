#include "game/GameShard.h"

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "base/Assert.h"
#include "game/BinaryCodec.h"
#include "game/GameServer.h"
#include "game/GameStats.h"
#include "game/CastBatch.h"
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

}  // namespace

GameShard::GameShard(GameServer& server, Shard& shard, uint32_t max_frame)
    : server_(server),
      shard_(shard),
      stats_(server.world().shard_stats(shard.id())),
      max_frame_(max_frame),
      json_(max_frame),
      scratch_(4096),
      core_(server.world(), shard.id(), shard.timers(), *this, shard.now_ns()) {
  shard_.on_before_sleep(&GameShard::post_batches, this);
}

GameShard::~GameShard() {
  shard_.remove_before_sleep(this);
  for (uint32_t target : batched_) CastBatch::destroy(batches_[target]);
  server_.clear_handler(shard_.id());
}

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

// ---- output: room fan-out ---------------------------------------------------------

void GameShard::broadcast(const LocalRoom& room, const Message& m, const Session* exclude) {
  const size_t cap = frame_capacity(m, Encoding::Binary);
  if (bin_scratch_.size() < cap) bin_scratch_.resize(cap);
  const uint32_t len = uint32_t(encode_frame(m, Encoding::Binary, bin_scratch_.data()));
  cast_to_shards(room, bin_scratch_.data(), len);
  deliver_local(room, bin_scratch_.data(), len, &m, exclude);
}

void GameShard::cast_to_shards(const LocalRoom& room, const uint8_t* frame, uint32_t len) {
  ShardMask others = server_.world().rooms().shard_mask(room.entry);
  others.reset(shard_.id());
  others.for_each([&](uint32_t target) {
    CastBatch* b = batches_[target];
    if (b == nullptr) {
      b = CastBatch::create(&server_, std::max<size_t>(kBatchBytes, size_t(len) + 16));
      if (b == nullptr) return stats_.add(GameStats::FanoutDropped);
      batches_[target] = b;
      batched_.push_back(target);
    }
    CastBatch* grown = CastBatch::append(b, room.id, frame, len);
    if (grown == nullptr) return stats_.add(GameStats::FanoutDropped);
    batches_[target] = grown;
  });
}

void GameShard::post_batches(void* ctx) {
  auto* self = static_cast<GameShard*>(ctx);
  for (uint32_t target : self->batched_) {
    CastBatch* b = self->batches_[target];
    self->batches_[target] = nullptr;
    // The target owns the batch from here on.
    if (!self->shard_.post(target, ShardMessage{&GameShard::on_cast_batch, b, 0, 0})) {
      self->stats_.add(GameStats::FanoutDropped, b->count());
      CastBatch::destroy(b);
    }
  }
  self->batched_.clear();
}

void GameShard::on_cast_batch(Shard& shard, const ShardMessage& msg) {
  auto* b = static_cast<CastBatch*>(msg.ptr);
  if (GameShard* h = b->server()->shard_handler(shard.id())) {
    b->for_each([h](uint32_t room_id, const uint8_t* frame, uint32_t len) {
      if (const LocalRoom* room = h->core_.room(room_id)) h->deliver_local(*room, frame, len, nullptr, nullptr);
    });
  }
  CastBatch::destroy(b);
}

void GameShard::deliver_local(const LocalRoom& room, const uint8_t* frame, uint32_t len, const Message* m,
                              const Session* exclude) {
  bin_members_.clear();
  json_members_.clear();
  uint64_t delivered = 0;
  for (const Session* member : room.members) {
    if (member == exclude) continue;
    if (member->transport == Transport::Rudp) {  // the binary body, without the TCP length header
      delivered += send_body_rudp(*member, frame + tcp::Framer::kHeaderSize, len - tcp::Framer::kHeaderSize) ? 1 : 0;
      continue;
    }
    if (tcp::Connection* c = tcp_->find(member->conn))
      (member->encoding == Encoding::Json ? json_members_ : bin_members_).push_back(c);
  }
  delivered += queue_tcp(bin_members_, frame, len);
  if (!json_members_.empty()) {  // one JSON encoding per shard, shared by its JSON members
    const size_t jlen = encode_json(frame, len, m);
    if (jlen != 0) delivered += queue_tcp(json_members_, json_scratch_.data(), uint32_t(jlen));
    else stats_.add(GameStats::FanoutDropped);
  }
  stats_.add(GameStats::Deliveries, int64_t(delivered));
}

size_t GameShard::queue_tcp(const std::vector<tcp::Connection*>& to, const uint8_t* frame, uint32_t len) {
  if (to.empty()) return 0;
  // Small frames are copied into each member's contiguous send buffer (one
  // SIMD fan-out copy); large ones are shared by reference from the pool.
  if (len <= tcp_->config().fanout_copy_max) return tcp_->send_copies(to.data(), to.size(), frame, len);
  tcp::SharedFrame* f = tcp_->frames().create(len);
  if (f == nullptr) {
    stats_.add(GameStats::FanoutDropped);
    return 0;
  }
  std::memcpy(f->data(), frame, len);
  size_t n = 0;
  for (tcp::Connection* c : to) n += tcp_->send_shared(*c, f) ? 1 : 0;
  f->release();
  return n;
}

size_t GameShard::encode_json(const uint8_t* frame, uint32_t len, const Message* m) {
  Message decoded;  // from another shard: its views point into `frame`
  if (m == nullptr) {
    const uint8_t* body = frame + tcp::Framer::kHeaderSize;
    if (BinaryCodec::decode(body, len - tcp::Framer::kHeaderSize, &decoded) != DecodeStatus::Ok) return 0;
    m = &decoded;
  }
  const size_t cap = frame_capacity(*m, Encoding::Json);
  if (json_scratch_.size() < cap) json_scratch_.resize(cap);
  return encode_frame(*m, Encoding::Json, json_scratch_.data());
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
