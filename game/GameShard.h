// The game on one shard: the shell around this shard's GameCore, for both
// transports. TCP: it decodes each frame (JSON or binary, by the byte order
// the connection's first length header chose). Reliable UDP: each message is
// one binary body (no length header). Either way it feeds the core and
// carries out what the core asks through GameOutput: replies encoded into
// the connection's send queue or the peer's endpoint, room messages fanned
// out to members of either transport, connections closed. PlayerMove rides
// RUDP's unreliable-sequenced channel, everything else the reliable one.
//
// Room fan-out: a room message is encoded once in binary (and once in JSON
// if local JSON members need it); small frames are COPIED into each local TCP
// member's send buffer with one SIMD fan-out copy, large ones queued by
// reference from the shard's frame pool. Every other shard whose bit is set
// in the room's RoomDirectory mask gets the frame in this pass's CastBatch
// for it: one mailbox message per shard per pass, however many messages. A
// copy lost to a full mailbox or a failed allocation is counted as
// FanoutDropped.
//
// Transports: sessions carry a Transport tag and a ConnId, never a
// connection pointer; send/broadcast/close switch on the tag.
//
// Threads: created by GameServer::make_handler on its shard's thread, then
// used only there (that shard's TcpService handler and RudpService handler).
// Ownership: owned by the TcpService (the RudpService borrows it and never
// calls it from its destructor); owns the GameCore (and through it the
// Sessions; Connection::user, and rudp_sessions_ by peer slot, point at them).
#pragma once

#include <cstdint>
#include <vector>

#include "core/Shard.h"
#include "core/ShardMessage.h"
#include "game/ErrorCode.h"
#include "game/GameCore.h"
#include "game/GameOutput.h"
#include "game/JsonCodec.h"
#include "game/LocalRoom.h"
#include "game/Message.h"
#include "game/Session.h"
#include "game/ShardMask.h"
#include "rudp/ServiceHandler.h"
#include "tcp/ConnectionHandler.h"
#include "tcp/SharedFrame.h"

namespace ptnet::tcp {
class TcpService;
}

namespace ptnet::game {

class CastBatch;
class GameServer;

class GameShard final : public tcp::ConnectionHandler, public rudp::ServiceHandler, public GameOutput {
 public:
  GameShard(GameServer& server, Shard& shard, uint32_t max_frame);
  ~GameShard() override;

  // ---- tcp::ConnectionHandler: input --------------------------------------------
  void on_open(tcp::TcpService& tcp, tcp::Connection& c) override;
  tcp::ByteOrder detect_order(const uint8_t* first, size_t n, tcp::ByteOrder fallback) override;
  bool on_frame(tcp::TcpService& tcp, tcp::Connection& c, const uint8_t* body, uint32_t len) override;
  void on_bad_frame(tcp::TcpService& tcp, tcp::Connection& c, tcp::FrameStatus s) override;
  void on_close(tcp::TcpService& tcp, tcp::Connection& c, tcp::CloseReason r) override;

  // ---- rudp::ServiceHandler: input ----------------------------------------------
  void attach(rudp::RudpService& service) override { rudp_ = &service; }
  void on_connect(ConnId peer, const SockAddr& addr) override;
  void on_message(ConnId peer, rudp::Channel ch, const uint8_t* data, size_t len) override;
  void on_disconnect(ConnId peer, rudp::DisconnectReason why) override;

  // ---- GameOutput: what the core asks -------------------------------------------
  void send(const Session& to, const Message& m) override;
  void broadcast(const LocalRoom& room, const Message& m, const Session* exclude) override;
  void close(Session& s, Close how) override;

  size_t session_count() const { return core_.session_count(); }

 private:
  // The connection's Session, its encoding brought up to date (the byte
  // order is known from the first frame on); nullptr once closed.
  static Session* session_of(tcp::Connection& c);
  void send_tcp(const Session& to, const Message& m);
  void close_tcp(const Session& s, Close how);
  Session* rudp_session(ConnId peer) const;
  // One binary body to a peer, on the channel its type rides.
  bool send_body_rudp(const Session& to, const uint8_t* body, size_t len);
  void send_rudp(const Session& to, const Message& m);
  void close_rudp(const Session& s);

  // The binary frame goes into this pass's batch for every other shard with
  // members of the room; post_batches() (before the shard sleeps) sends one
  // mailbox message per such shard.
  void cast_to_shards(const LocalRoom& room, const uint8_t* frame, uint32_t len);
  static void post_batches(void* ctx);
  static void on_cast_batch(Shard& shard, const ShardMessage& msg);
  // To the local members: the binary frame, and (for JSON members) one JSON
  // encoding made from `m` (or from the frame when m is nullptr).
  void deliver_local(const LocalRoom& room, const uint8_t* frame, uint32_t len, const Message* m,
                     const Session* exclude);
  // Queues one frame to these connections: copied when small, shared by
  // reference when large. Returns how many took it.
  size_t queue_tcp(const std::vector<tcp::Connection*>& to, const uint8_t* frame, uint32_t len);
  // Encodes the JSON frame into json_scratch_; its length, or 0 on failure.
  size_t encode_json(const uint8_t* frame, uint32_t len, const Message* m);

  GameServer& server_;
  Shard& shard_;
  GameStats& stats_;
  tcp::TcpService* tcp_ = nullptr;  // known from the first on_open
  rudp::RudpService* rudp_ = nullptr;  // set by attach() when RUDP is served
  std::vector<Session*> rudp_sessions_;  // by peer slot
  uint32_t max_frame_;
  JsonCodec json_;
  std::vector<uint8_t> scratch_;       // replies
  std::vector<uint8_t> bin_scratch_;   // a broadcast's binary frame
  std::vector<uint8_t> json_scratch_;  // ... and its JSON frame
  std::vector<tcp::Connection*> bin_members_, json_members_;  // deliver_local() scratch
  static constexpr size_t kBatchBytes = 16 * 1024;
  CastBatch* batches_[ShardMask::kBits] = {};  // this pass's, by target shard
  std::vector<uint32_t> batched_;               // targets with a batch
  GameCore core_;  // last: destroyed first, while the rest is still here
};

}  // namespace ptnet::game
