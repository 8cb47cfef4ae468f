// The Police Thief protocol over real sockets: two shards, both encodings,
// on the backend PTNET_TEST_BACKEND names.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <map>
#include <memory>
#include <thread>

#include "game/ErrorCode.h"
#include "game/GameServer.h"
#include "tests/GameClient.h"
#include "tests/TestServer.h"

namespace ptnet::test {
namespace {

using game::ErrorCode;
using game::Message;
using game::MsgType;

// "m<k>" (built with snprintf: g++ 12 warns falsely on "m" + to_string).
std::string mtext(int k) {
  char buf[16];
  int n = std::snprintf(buf, sizeof buf, "m%d", k);
  return std::string(buf, size_t(n));
}

class GameTest : public ::testing::Test {
 protected:
  void start(game::GameConfig gcfg = {}) {
    game_ = std::make_unique<game::GameServer>(gcfg, 2);
    tcp::TcpConfig tcfg;
    tcfg.detect_order = true;
    tcfg.max_frame = 64 * 1024;
    ASSERT_EQ(server_.start(tcfg, 2, [this](Shard& s) { return game_->make_handler(s, 64 * 1024); }), 0);
  }
  void SetUp() override { start(); }
  void TearDown() override { server_.stop(); }
  uint16_t port() const { return server_.port(); }

  // n logged-in clients in `room`, ids base..base+n-1, alternating encodings
  // when `mixed`; notices of each other's arrival are drained.
  std::vector<std::unique_ptr<GameClient>> crowd(size_t n, uint32_t room, uint32_t base, bool mixed) {
    std::vector<std::unique_ptr<GameClient>> v;
    for (size_t i = 0; i < n; ++i) {
      v.push_back(std::make_unique<GameClient>(mixed && i % 2 == 1));
      EXPECT_TRUE(v.back()->connect(port()));
      EXPECT_TRUE(v.back()->login(base + uint32_t(i), room));
    }
    for (size_t i = 0; i < n; ++i)
      for (size_t j = i + 1; j < n; ++j) {
        Received r;
        EXPECT_TRUE(v[i]->recv_type(MsgType::UserJoinedRoom, &r));
      }
    return v;
  }
  void expect_error(GameClient& c, ErrorCode code) {
    Received r;
    ASSERT_TRUE(c.recv(&r));
    ASSERT_EQ(r.m.type, MsgType::Error) << game::msg_type_name(r.m.type);
    EXPECT_EQ(r.m.code, uint16_t(code)) << r.text;
    EXPECT_FALSE(r.text.empty());
  }

  std::unique_ptr<game::GameServer> game_;
  TestServer server_;
};

// A client written from the seed: struct.pack('>I', len) + json.dumps(...).
TEST_F(GameTest, SeedStyleJsonClientConnects) {
  TestClient c;
  ASSERT_TRUE(c.connect(port()));
  std::string connect = R"({"Connect": {"room_id": 1, "user_id": 123}})";
  ASSERT_TRUE(c.send_frame(std::vector<uint8_t>(connect.begin(), connect.end()), true));
  std::vector<uint8_t> body;
  ASSERT_TRUE(c.recv_frame(&body, 3000, true));
  EXPECT_EQ(std::string(body.begin(), body.end()), R"({"ConnectionAck":{"user_id":123}})");
  ASSERT_TRUE(c.recv_frame(&body, 3000, true));
  EXPECT_EQ(std::string(body.begin(), body.end()), R"({"SystemMessage":{"message":"Welcome to Police Thief, user 123"}})");
  std::string hb = R"("HeartBeat")";
  ASSERT_TRUE(c.send_frame(std::vector<uint8_t>(hb.begin(), hb.end()), true));
  ASSERT_TRUE(c.recv_frame(&body, 3000, true));
  const std::string resp(body.begin(), body.end());
  EXPECT_EQ(resp.rfind(R"({"HeartBeatResponse":{"timestamp":)", 0), 0u) << resp;
}

TEST_F(GameTest, BinaryClientConnects) {
  TestClient c;
  ASSERT_TRUE(c.connect(port()));
  const std::vector<uint8_t> connect = {0x03, 1, 0, 0, 0, 0xC8, 0x01, 0, 0};  // room 1, user 456
  ASSERT_TRUE(c.send_frame(connect));
  std::vector<uint8_t> body;
  ASSERT_TRUE(c.recv_frame(&body));
  EXPECT_EQ(body, (std::vector<uint8_t>{0x04, 0xC8, 0x01, 0, 0}));
  ASSERT_TRUE(c.recv_frame(&body));
  EXPECT_EQ(body[0], 0x40);
}

TEST_F(GameTest, HeartBeatAnswersWithTheTimeInBothForms) {
  GameClient j(true), b(false);
  ASSERT_TRUE(j.connect(port()));
  ASSERT_TRUE(j.login(1, 0));
  ASSERT_TRUE(b.connect(port()));
  ASSERT_TRUE(b.login(2, 0));
  ASSERT_TRUE(j.send_raw_body(R"({"HeartBeat":{}})"));
  Message hb;
  hb.type = MsgType::HeartBeat;
  ASSERT_TRUE(b.send(hb));
  for (GameClient* c : {&j, &b}) {
    Received r;
    ASSERT_TRUE(c->recv(&r));
    ASSERT_EQ(r.m.type, MsgType::HeartBeatResponse);
    EXPECT_NEAR(double(r.m.timestamp), double(std::time(nullptr)), 5.0);
  }
}

TEST_F(GameTest, RoomSpanningBothShardsGetsEveryChatOnceSenderIncluded) {
  auto v = crowd(12, 7, 100, false);
  ASSERT_GT(server_.engine().shard(0).counters().get(Counter::Accepted), 0u);
  ASSERT_GT(server_.engine().shard(1).counters().get(Counter::Accepted), 0u);
  ASSERT_TRUE(v[3]->send(chat(103, 7, "hello room")));
  for (auto& c : v) {
    Received r;
    ASSERT_TRUE(c->recv(&r));
    ASSERT_EQ(r.m.type, MsgType::ChatMessage);
    EXPECT_EQ(r.m.user_id, 103u);
    EXPECT_EQ(r.m.room_id, 7u);
    EXPECT_EQ(r.text, "hello room");
  }
  for (auto& c : v) {  // exactly once: nothing else is pending
    Received r;
    EXPECT_FALSE(c->recv(&r, 100));
  }
}

TEST_F(GameTest, JsonAndBinaryClientsShareARoomEachInItsEncoding) {
  auto v = crowd(6, 3, 200, true);
  ASSERT_TRUE(v[1]->send(chat(201, 3, "ünïcode \"quoted\"")));
  for (auto& c : v) {
    Received r;
    ASSERT_TRUE(c->recv(&r)) << (c->json() ? "json" : "binary");
    ASSERT_EQ(r.m.type, MsgType::ChatMessage);
    EXPECT_EQ(r.text, "ünïcode \"quoted\"");
  }
}

TEST_F(GameTest, FiftyMemberRoomDeliversEveryChatInOrderPerSender) {
  constexpr int kUsers = 50, kEach = 4;
  auto v = crowd(kUsers, 9, 1000, true);
  for (int k = 0; k < kEach; ++k)
    for (int i = 0; i < kUsers; ++i)
      ASSERT_TRUE(v[size_t(i)]->send(chat(1000 + uint32_t(i), 9, mtext(k))));
  for (auto& c : v) {
    std::map<uint32_t, int> next;
    for (int n = 0; n < kUsers * kEach; ++n) {
      Received r;
      ASSERT_TRUE(c->recv(&r));
      ASSERT_EQ(r.m.type, MsgType::ChatMessage);
      EXPECT_EQ(r.text, mtext(next[r.m.user_id]++)) << "from " << r.m.user_id;
    }
    for (auto& [user, count] : next) EXPECT_EQ(count, kEach) << user;
    EXPECT_EQ(next.size(), size_t(kUsers));
  }
}

TEST_F(GameTest, PlayerMoveGoesToTheOthersOnly) {
  auto v = crowd(5, 4, 300, true);
  Message mv;
  mv.type = MsgType::PlayerMove;
  mv.user_id = 300;
  mv.room_id = 4;
  mv.x = 1.5f;
  mv.y = -2.25f;
  mv.z = 1e6f;
  mv.seq = 77;
  ASSERT_TRUE(v[0]->send(mv));
  for (size_t i = 1; i < v.size(); ++i) {
    Received r;
    ASSERT_TRUE(v[i]->recv(&r));
    ASSERT_EQ(r.m.type, MsgType::PlayerMove);
    EXPECT_EQ(r.m.user_id, 300u);
    EXPECT_EQ(r.m.seq, 77u);
    EXPECT_EQ(r.m.x, 1.5f);
    EXPECT_EQ(r.m.y, -2.25f);
    EXPECT_EQ(r.m.z, 1e6f);
  }
  Received r;
  EXPECT_FALSE(v[0]->recv(&r, 150));
}

TEST_F(GameTest, RoomJoinAndLeaveReplyAndNotifyAcrossShards) {
  auto v = crowd(6, 5, 400, false);
  GameClient j(true);
  ASSERT_TRUE(j.connect(port()));
  ASSERT_TRUE(j.login(499, 0));
  Message join;
  join.type = MsgType::RoomJoin;
  join.user_id = 499;
  join.room_id = 5;
  join.text = "cop";
  ASSERT_TRUE(j.send(join));
  Received r;
  ASSERT_TRUE(j.recv(&r));
  ASSERT_EQ(r.m.type, MsgType::RoomJoinSuccess);
  EXPECT_EQ(r.m.room_id, 5u);
  EXPECT_EQ(r.m.user_count, 7u);
  for (auto& c : v) {
    ASSERT_TRUE(c->recv(&r));
    ASSERT_EQ(r.m.type, MsgType::UserJoinedRoom);
    EXPECT_EQ(r.m.user_id, 499u);
    EXPECT_EQ(r.text, "cop");
  }
  Message leave;
  leave.type = MsgType::RoomLeave;
  leave.user_id = 499;
  leave.room_id = 5;
  ASSERT_TRUE(j.send(leave));
  ASSERT_TRUE(j.recv(&r));
  EXPECT_EQ(r.m.type, MsgType::RoomLeaveSuccess);
  for (auto& c : v) {
    ASSERT_TRUE(c->recv(&r));
    ASSERT_EQ(r.m.type, MsgType::UserLeftRoom);
    EXPECT_EQ(r.m.user_id, 499u);
  }
  ASSERT_TRUE(j.send(leave));  // not a member any more
  expect_error(j, ErrorCode::NotInRoom);
}

TEST_F(GameTest, AUserMayBeInSeveralRoomsAndDisconnectLeavesThemAll) {
  auto a = crowd(3, 11, 500, false);
  auto b = crowd(3, 12, 510, true);
  GameClient x;
  ASSERT_TRUE(x.connect(port()));
  ASSERT_TRUE(x.login(599, 11));
  Message join;
  join.type = MsgType::RoomJoin;
  join.user_id = 599;
  join.room_id = 12;
  ASSERT_TRUE(x.send(join));
  Received r;
  ASSERT_TRUE(x.recv_type(MsgType::RoomJoinSuccess, &r));
  for (auto* group : {&a, &b})
    for (auto& c : *group) ASSERT_TRUE(c->recv_type(MsgType::UserJoinedRoom, &r));
  x.raw().close();
  for (auto* group : {&a, &b})
    for (auto& c : *group) {
      ASSERT_TRUE(c->recv(&r));
      ASSERT_EQ(r.m.type, MsgType::UserLeftRoom);
      EXPECT_EQ(r.m.user_id, 599u);
    }
  // The user_id is free again.
  GameClient again;
  ASSERT_TRUE(again.connect(port()));
  EXPECT_TRUE(again.login(599, 0));
}

TEST_F(GameTest, DuplicateLoginIsRefusedAndClosedTheFirstStays) {
  GameClient first, second(true);
  ASSERT_TRUE(first.connect(port()));
  ASSERT_TRUE(first.login(42, 1));
  ASSERT_TRUE(second.connect(port()));
  Message m;
  m.type = MsgType::Connect;
  m.user_id = 42;
  m.room_id = 1;
  ASSERT_TRUE(second.send(m));
  expect_error(second, ErrorCode::DuplicateLogin);
  EXPECT_TRUE(second.closed());
  ASSERT_TRUE(first.send(chat(42, 1, "still here")));
  Received r;
  ASSERT_TRUE(first.recv(&r));
  EXPECT_EQ(r.text, "still here");
}

TEST_F(GameTest, AnythingButConnectFirstIsAnErrorThenClose) {
  GameClient c;
  ASSERT_TRUE(c.connect(port()));
  ASSERT_TRUE(c.send(chat(1, 1, "hi")));
  expect_error(c, ErrorCode::BadFirstMessage);
  EXPECT_TRUE(c.closed());
}

TEST_F(GameTest, MalformedInputGetsAnErrorAndTheConnectionStays) {
  GameClient j(true), b(false);
  ASSERT_TRUE(j.connect(port()));
  ASSERT_TRUE(j.login(61, 1));
  ASSERT_TRUE(b.connect(port()));
  ASSERT_TRUE(b.login(62, 0));
  Received r;
  ASSERT_TRUE(j.send_raw_body("{not json"));
  expect_error(j, ErrorCode::MalformedMessage);
  ASSERT_TRUE(j.send_raw_body(R"({"Teleport":{"x":1}})"));
  expect_error(j, ErrorCode::UnknownType);
  ASSERT_TRUE(j.send_raw_body(R"({"ChatMessage":{"user_id":-1,"room_id":1,"message":"x"}})"));
  expect_error(j, ErrorCode::FieldOutOfRange);
  ASSERT_TRUE(b.send_raw_body(std::string("\x7f", 1)));
  expect_error(b, ErrorCode::UnknownType);
  ASSERT_TRUE(b.send_raw_body(std::string("\x10\x01", 2)));  // truncated ChatMessage
  expect_error(b, ErrorCode::MalformedMessage);
  Message ack;
  ack.type = MsgType::ConnectionAck;
  ack.user_id = 62;
  ASSERT_TRUE(b.send(ack));
  expect_error(b, ErrorCode::UnexpectedMessage);
  ASSERT_TRUE(b.send(chat(61, 1, "spoof")));
  expect_error(b, ErrorCode::UserIdMismatch);
  Message again;
  again.type = MsgType::Connect;
  again.user_id = 62;
  ASSERT_TRUE(b.send(again));
  expect_error(b, ErrorCode::AlreadyConnected);
  // Both still work.
  Message hb;
  hb.type = MsgType::HeartBeat;
  ASSERT_TRUE(j.send(hb));
  ASSERT_TRUE(j.recv_type(MsgType::HeartBeatResponse, &r));
  ASSERT_TRUE(b.send(hb));
  ASSERT_TRUE(b.recv_type(MsgType::HeartBeatResponse, &r));
}

TEST_F(GameTest, ChatToARoomYouAreNotInIsRefusedWithChatResponse) {
  GameClient c;
  ASSERT_TRUE(c.connect(port()));
  ASSERT_TRUE(c.login(71, 1));
  ASSERT_TRUE(c.send(chat(71, 2, "psst")));
  Received r;
  ASSERT_TRUE(c.recv(&r));
  ASSERT_EQ(r.m.type, MsgType::ChatResponse);
  EXPECT_FALSE(r.m.success);
  EXPECT_NE(r.text.find("not a member"), std::string::npos);
}

TEST_F(GameTest, OversizedLengthGetsFrameTooLargeThenClose) {
  GameClient c, other;
  ASSERT_TRUE(c.connect(port()));
  ASSERT_TRUE(c.login(81, 1));
  ASSERT_TRUE(other.connect(port()));
  ASSERT_TRUE(other.login(82, 0));
  const uint8_t hdr[4] = {0xFF, 0xFF, 0xFF, 0x00};
  ASSERT_TRUE(c.raw().send_all(hdr, 4));
  expect_error(c, ErrorCode::FrameTooLarge);
  EXPECT_TRUE(c.closed());
  Message hb;
  hb.type = MsgType::HeartBeat;
  ASSERT_TRUE(other.send(hb));
  Received r;
  ASSERT_TRUE(other.recv(&r));
  EXPECT_EQ(r.m.type, MsgType::HeartBeatResponse);
}

TEST_F(GameTest, StickyAndSplitFramesAreHandled) {
  GameClient c(true);
  ASSERT_TRUE(c.connect(port()));
  // Connect and two heartbeats in one write...
  std::vector<uint8_t> stream;
  for (std::string body : {std::string(R"({"Connect":{"room_id":0,"user_id":91}})"), std::string(R"("HeartBeat")"),
                           std::string(R"({"HeartBeat":{}})")}) {
    auto f = TestClient::frame(std::vector<uint8_t>(body.begin(), body.end()), true);
    stream.insert(stream.end(), f.begin(), f.end());
  }
  ASSERT_TRUE(c.raw().send_all(stream.data(), stream.size()));
  Received r;
  ASSERT_TRUE(c.recv_type(MsgType::HeartBeatResponse, &r));
  ASSERT_TRUE(c.recv_type(MsgType::HeartBeatResponse, &r));
  // ...and one heartbeat a byte at a time.
  auto f = TestClient::frame(std::vector<uint8_t>{'"', 'H', 'e', 'a', 'r', 't', 'B', 'e', 'a', 't', '"'}, true);
  for (uint8_t byte : f) {
    ASSERT_TRUE(c.raw().send_all(&byte, 1));
    std::this_thread::sleep_for(std::chrono::microseconds(300));
  }
  ASSERT_TRUE(c.recv_type(MsgType::HeartBeatResponse, &r));
}

class GameLimitsTest : public GameTest {
 protected:
  void SetUp() override {
    game::GameConfig g;
    g.max_rooms_per_user = 2;
    g.chat_rate = 1;
    g.chat_burst = 1;
    g.idle_timeout_ns = 300'000'000;
    start(g);
  }
};

TEST_F(GameLimitsTest, TooManyRoomsIsRefused) {
  GameClient c;
  ASSERT_TRUE(c.connect(port()));
  ASSERT_TRUE(c.login(5, 1));
  Message join;
  join.type = MsgType::RoomJoin;
  join.user_id = 5;
  join.room_id = 2;
  ASSERT_TRUE(c.send(join));
  Received r;
  ASSERT_TRUE(c.recv(&r));
  EXPECT_EQ(r.m.type, MsgType::RoomJoinSuccess);
  join.room_id = 3;
  ASSERT_TRUE(c.send(join));
  expect_error(c, ErrorCode::TooManyRooms);
}

TEST_F(GameLimitsTest, ChatOverTheRateIsRefused) {
  GameClient c;
  ASSERT_TRUE(c.connect(port()));
  ASSERT_TRUE(c.login(6, 1));
  ASSERT_TRUE(c.send(chat(6, 1, "one")));
  ASSERT_TRUE(c.send(chat(6, 1, "two")));
  Received r;
  ASSERT_TRUE(c.recv(&r));
  EXPECT_EQ(r.m.type, MsgType::ChatMessage);
  ASSERT_TRUE(c.recv(&r));
  ASSERT_EQ(r.m.type, MsgType::ChatResponse);
  EXPECT_FALSE(r.m.success);
  EXPECT_EQ(r.text, "rate limited");
}

TEST_F(GameLimitsTest, SilentConnectionIsClosedAndCountedAsTimeout) {
  GameClient quiet, chatty;
  ASSERT_TRUE(quiet.connect(port()));
  ASSERT_TRUE(quiet.login(7, 0));
  ASSERT_TRUE(chatty.connect(port()));
  ASSERT_TRUE(chatty.login(8, 0));
  Message hb;
  hb.type = MsgType::HeartBeat;
  Received r;
  for (int i = 0; i < 8; ++i) {  // 800 ms of heartbeats every 100 ms
    ASSERT_TRUE(chatty.send(hb));
    ASSERT_TRUE(chatty.recv(&r));
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_TRUE(quiet.closed(100));
  EXPECT_EQ(game_->stats().timeouts, 1u);
  ASSERT_TRUE(chatty.send(hb));
  EXPECT_TRUE(chatty.recv(&r));
}

// Regression (issue: "more than 64 CPUs aborts at start in game mode"): the
// room's shard set was one 64-bit word and the server asserted on shard 64.
// 70 shards (on however many CPUs there are); clients join one room until
// some land on shards 64 and up; one chat reaches every member once.
TEST(GameManyShardsTest, RoomSpansShardsBeyondSixtyFour) {
  constexpr size_t kShards = 70;
  game::GameServer game({}, kShards);
  TestServer server;
  tcp::TcpConfig tcfg;
  tcfg.detect_order = true;
  EngineConfig ecfg;
  ecfg.mailbox_capacity = 64;
  ecfg.io.recv_buffers = 16;
  ASSERT_EQ(server.start(tcfg, kShards, [&](Shard& s) { return game.make_handler(s, 64 * 1024); }, ecfg), 0);
  auto high_shards = [&] {
    uint64_t n = 0;
    for (size_t i = 64; i < kShards; ++i) n += server.engine().shard(i).counters().get(Counter::Accepted);
    return n;
  };
  std::vector<std::unique_ptr<GameClient>> members;
  for (uint32_t id = 1; id <= 400 && (members.size() < 8 || high_shards() < 2); ++id) {
    members.push_back(std::make_unique<GameClient>());
    ASSERT_TRUE(members.back()->connect(server.port()));
    ASSERT_TRUE(members.back()->login(id, 9));
  }
  ASSERT_GE(high_shards(), 2u) << "premise: members on shards 64 and up";
  ASSERT_TRUE(members.front()->send(chat(1, 9, "to all shards")));
  for (auto& m : members) {
    Received r;
    ASSERT_TRUE(m->recv_type(MsgType::ChatMessage, &r));
    EXPECT_EQ(r.text, "to all shards");
  }
  EXPECT_EQ(game.stats().fanout_dropped, 0u);
}

}  // namespace
}  // namespace ptnet::test
