// The Police Thief protocol on one shard: sessions of the shard's TCP
// connections, their local room membership, and fan-out of room traffic.
//
// Room broadcast: the sender's shard encodes the frame once (binary), queues
// it BY REFERENCE to its own members (a JSON member gets one JSON encoding
// shared by all JSON members of that shard), and posts one copy to every
// other shard whose bit is set in the room's shard mask: one mailbox hop per
// shard with members, never one per member.
//
// Threads: created by GameServer::make_handler on its shard's thread, then
// used only there (it is the TcpService's handler). Owns its Sessions.
#pragma once

#include <cstdint>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/ObjectPool.h"
#include "core/Shard.h"
#include "core/Timer.h"
#include "game/ErrorCode.h"
#include "game/JsonCodec.h"
#include "game/Message.h"
#include "game/Session.h"
#include "tcp/ConnectionHandler.h"
#include "tcp/SharedFrame.h"

namespace ptnet::tcp {
class TcpService;
}

namespace ptnet::game {

class GameServer;
class GameStats;

class GameHandler final : public tcp::ConnectionHandler {
 public:
  GameHandler(GameServer& server, Shard& shard, uint32_t max_frame);
  ~GameHandler() override;

  void on_open(tcp::TcpService& tcp, tcp::Connection& c) override;
  tcp::ByteOrder detect_order(const uint8_t* first, size_t n, tcp::ByteOrder fallback) override;
  bool on_frame(tcp::TcpService& tcp, tcp::Connection& c, const uint8_t* body, uint32_t len) override;
  void on_bad_frame(tcp::TcpService& tcp, tcp::Connection& c, tcp::FrameStatus s) override;
  void on_close(tcp::TcpService& tcp, tcp::Connection& c, tcp::CloseReason r) override;

  size_t session_count() const { return sessions_.size(); }

 private:
  void handle(Session& s, const Message& m);
  void on_connect(Session& s, const Message& m);
  void on_heartbeat(Session& s);
  void on_user_info(Session& s, const Message& m);
  void on_room_join(Session& s, const Message& m);
  void on_room_leave(Session& s, const Message& m);
  void on_chat(Session& s, const Message& m);
  void on_move(Session& s, const Message& m);

  void reply(Session& s, const Message& m);
  void error(Session& s, ErrorCode code, std::string_view text = {});
  void system_message(Session& s, std::string_view text);
  bool set_nick(Session& s, std::string_view nick);
  std::string_view nick(const Session& s) const { return {s.nick, s.nick_len}; }
  bool is_member(const Session& s, uint32_t room) const;
  // Joins and tells the others; returns false (and has replied) on refusal.
  bool join_room(Session& s, uint32_t room, uint32_t* count);
  void leave_room(Session& s, uint32_t room);

  void broadcast(uint32_t room, const Message& m, const Session* exclude);
  void deliver_local(uint32_t room, tcp::SharedFrame* bin, const Session* exclude);
  tcp::SharedFrame* encode_shared(const Message& m, bool json);
  static void on_room_cast(Shard& shard, const ShardMessage& msg);
  static void on_idle(Timer& t, uint64_t now_ns);
  static void on_quality_tick(Timer& t, uint64_t now_ns);

  GameServer& server_;
  Shard& shard_;
  GameStats& stats_;
  tcp::TcpService* tcp_ = nullptr;  // known from the first on_open
  uint32_t max_frame_;
  ObjectPool<Session> pool_;
  std::vector<Session*> sessions_;
  std::unordered_map<uint32_t, std::vector<Session*>> rooms_;  // local members by room
  JsonCodec json_;
  std::vector<uint8_t> scratch_;
  Timer quality_tick_;
};

}  // namespace ptnet::game
