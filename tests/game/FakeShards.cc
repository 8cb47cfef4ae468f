#include "tests/game/FakeShards.h"

#include <gtest/gtest.h>

#include "game/ShardMask.h"

namespace ptnet::game::test {

class FakeShards::Output final : public GameOutput {
 public:
  Output(FakeShards& h, uint32_t shard) : h_(h), shard_(shard) {}

  void send(const Session& to, const Message& m) override {
    EXPECT_EQ(to.owner, &h_.core(shard_)) << "a core sends only to its own sessions";
    h_.deliver(h_.client_of(to), m);
  }

  void broadcast(const LocalRoom& room, const Message& m, const Session* exclude) override {
    h_.broadcasts.push_back({shard_, room.id, m.type, exclude != nullptr});
    for (const Session* s : room.members)
      if (s != exclude) h_.deliver(h_.client_of(*s), m);
    ShardMask others = h_.world_.rooms().shard_mask(room.entry);
    others.reset(shard_);
    others.for_each([&](uint32_t target) {  // the mailbox hop: the target's own members
      if (const LocalRoom* there = h_.core(target).room(room.id))
        for (const Session* s : there->members) h_.deliver(h_.client_of(*s), m);
    });
  }

  void close(Session& s, Close how) override {
    EXPECT_EQ(s.state, Session::State::Closing) << "the core ends a session before closing it";
    FakeClient& c = h_.client_of(s);
    c.close_requested = how;
    if (h_.report_closes) h_.disconnect(c);  // as TcpService::close runs on_close at once
  }

 private:
  FakeShards& h_;
  uint32_t shard_;
};

struct FakeShards::Node {
  Node(FakeShards& h, uint32_t id) : wheel(h.now_), out(h, id) {
    core = std::make_unique<GameCore>(h.world_, id, wheel, out, h.now_, [] { return kWallClock; });
  }
  TimerWheel wheel;
  Output out;
  std::unique_ptr<GameCore> core;
};

FakeShards::FakeShards(const GameConfig& cfg, size_t shards) : world_(cfg, shards) {
  for (uint32_t i = 0; i < shards; ++i) shards_.push_back(std::make_unique<Node>(*this, i));
}

FakeShards::~FakeShards() {
  for (auto& n : shards_) n->core.reset();  // cores first: they cancel their timers on the wheels
}

GameCore& FakeShards::core(uint32_t shard) { return *shards_[shard]->core; }

FakeClient& FakeShards::open(uint32_t shard) {
  FakeClient& c = clients_.emplace_back();
  c.shard = shard;
  c.conn = ConnId{uint32_t(clients_.size() - 1), 1};
  c.session = core(shard).open(Transport::Tcp, Encoding::Binary, c.conn, now_);
  EXPECT_NE(c.session, nullptr);
  return c;
}

FakeClient& FakeShards::login(uint32_t user, uint32_t room, uint32_t shard) {
  FakeClient& c = open(shard);
  send(c, connect_msg(user, room));
  EXPECT_GE(c.inbox.size(), 2u);
  EXPECT_EQ(c.inbox[0].m.type, MsgType::ConnectionAck);
  clear_inboxes();
  return c;
}

void FakeShards::send(FakeClient& c, const Message& m) {
  ASSERT_NE(c.session, nullptr) << "the client's session is gone";
  core(c.shard).receive(*c.session, m, now_);
}

void FakeShards::disconnect(FakeClient& c) {
  Session* s = c.session;
  ASSERT_NE(s, nullptr);
  c.session = nullptr;
  core(c.shard).closed(*s);
}

void FakeShards::advance(uint64_t ns) {
  now_ += ns;
  for (auto& n : shards_) n->wheel.advance(now_);
}

void FakeShards::clear_inboxes() {
  for (FakeClient& c : clients_) c.inbox.clear();
}

void FakeShards::deliver(FakeClient& c, const Message& m) {
  Sent& s = c.inbox.emplace_back();
  s.text.assign(m.text.data(), m.text.size());
  s.m = m;
  s.m.text = s.text;
}

Message connect_msg(uint32_t user, uint32_t room) {
  Message m;
  m.type = MsgType::Connect;
  m.user_id = user;
  m.room_id = room;
  return m;
}

Message heartbeat_msg() {
  Message m;
  m.type = MsgType::HeartBeat;
  return m;
}

Message user_info_msg(uint32_t user, std::string_view nick) {
  Message m;
  m.type = MsgType::UserInfo;
  m.user_id = user;
  m.text = nick;
  return m;
}

Message join_msg(uint32_t user, uint32_t room, std::string_view nick) {
  Message m;
  m.type = MsgType::RoomJoin;
  m.user_id = user;
  m.room_id = room;
  m.text = nick;
  return m;
}

Message leave_msg(uint32_t user, uint32_t room) {
  Message m;
  m.type = MsgType::RoomLeave;
  m.user_id = user;
  m.room_id = room;
  return m;
}

Message chat_msg(uint32_t user, uint32_t room, std::string_view text) {
  Message m;
  m.type = MsgType::ChatMessage;
  m.user_id = user;
  m.room_id = room;
  m.text = text;
  return m;
}

Message move_msg(uint32_t user, uint32_t room, uint32_t seq) {
  Message m;
  m.type = MsgType::PlayerMove;
  m.user_id = user;
  m.room_id = room;
  m.x = 1.5f;
  m.y = -2.0f;
  m.z = 0.25f;
  m.seq = seq;
  return m;
}

}  // namespace ptnet::game::test
