// The game over reliable UDP, over real sockets, on the backend
// PTNET_TEST_BACKEND names: RUDP users speak the binary encoding (one body
// per message), share rooms with TCP users (JSON and binary), and get
// PlayerMove on the unreliable channel.
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "game/BinaryCodec.h"
#include "game/ErrorCode.h"
#include "game/GameServer.h"
#include "rudp/RudpService.h"
#include "tests/GameClient.h"
#include "tests/RudpTestClient.h"
#include "tests/TestServer.h"

namespace ptnet::test {
namespace {

using game::Message;
using game::MsgType;

// A game client over RUDP: binary bodies through RudpTestClient.
class RudpGameClient {
 public:
  bool connect(uint16_t port) { return c_.connect("127.0.0.1", port); }
  bool send(const Message& m) {
    std::vector<uint8_t> body(game::BinaryCodec::encoded_size(m));
    body.resize(game::BinaryCodec::encode(m, body.data()));
    return c_.send(body, m.type == MsgType::PlayerMove ? rudp::Channel::Unreliable : rudp::Channel::Reliable);
  }
  bool recv(Received* out, rudp::Channel* ch = nullptr, int timeout_ms = 3000) {
    RudpTestClient::Msg msg;
    if (!c_.recv(&msg, timeout_ms)) return false;
    last_ = std::move(msg.data);
    Message m;
    if (game::BinaryCodec::decode(last_.data(), last_.size(), &m) != game::DecodeStatus::Ok) return false;
    if (ch != nullptr) *ch = msg.ch;
    out->text.assign(m.text.data(), m.text.size());
    out->m = m;
    out->m.text = out->text;
    return true;
  }
  bool recv_type(MsgType t, Received* out, rudp::Channel* ch = nullptr) {
    for (int i = 0; i < 100; ++i)
      if (!recv(out, ch) || out->m.type == t) return out->m.type == t;
    return false;
  }
  bool login(uint32_t user, uint32_t room) {
    Message m;
    m.type = MsgType::Connect;
    m.user_id = user;
    m.room_id = room;
    Received r;
    return send(m) && recv(&r) && r.m.type == MsgType::ConnectionAck && r.m.user_id == user && recv(&r) &&
           r.m.type == MsgType::SystemMessage;
  }
  RudpTestClient& raw() { return c_; }

 private:
  RudpTestClient c_;
  std::vector<uint8_t> last_;
};

Message move(uint32_t user, uint32_t room, uint32_t seq) {
  Message m;
  m.type = MsgType::PlayerMove;
  m.user_id = user;
  m.room_id = room;
  m.x = 1.5f;
  m.y = 2.5f;
  m.z = float(seq);
  m.seq = seq;
  return m;
}

class GameRudpTest : public ::testing::Test {
 protected:
  void SetUp() override {
    set_log_level(LogLevel::Warn);
    game_ = std::make_unique<game::GameServer>(game::GameConfig{}, 2);
    tcp_.host = "127.0.0.1";
    tcp_.port = 0;
    tcp_.detect_order = true;
    rudp_.host = "127.0.0.1";
    rudp_.port = 0;
    EngineConfig ecfg;
    ecfg.cpus = test_cpus(2);
    ecfg.io.kind = backend_from_env();
    ecfg.io.recv_buffers = 256;
    engine_ = std::make_unique<Engine>(ecfg);
    ASSERT_EQ(engine_->start([this](Shard& s) {
      std::unique_ptr<game::GameShard> shell = game_->make_handler(s, 64 * 1024);
      game::GameShard& ref = *shell;
      s.add_service(std::make_unique<tcp::TcpService>(tcp_, std::move(shell)));
      s.add_service(std::make_unique<rudp::RudpService>(rudp_, ref));
    }), 0);
  }
  void TearDown() override {
    engine_->request_stop();
    engine_->wait();
  }
  uint16_t tcp_port() const { return tcp_.bound_port->load(); }
  uint16_t udp_port() const { return rudp_.bound_port->load(); }

  std::unique_ptr<game::GameServer> game_;
  tcp::TcpConfig tcp_;
  rudp::RudpConfig rudp_;
  std::unique_ptr<Engine> engine_;
};

TEST_F(GameRudpTest, ConnectOverRudpIsAcknowledgedAndWelcomed) {
  RudpGameClient c;
  ASSERT_TRUE(c.connect(udp_port()));
  EXPECT_TRUE(c.login(77, 0));
  Message hb;
  hb.type = MsgType::HeartBeat;
  ASSERT_TRUE(c.send(hb));
  Received r;
  ASSERT_TRUE(c.recv(&r));
  EXPECT_EQ(r.m.type, MsgType::HeartBeatResponse);
}

TEST_F(GameRudpTest, FirstMessageOtherThanConnectIsRefusedAndTheConnectionEnds) {
  RudpGameClient c;
  ASSERT_TRUE(c.connect(udp_port()));
  Message hb;
  hb.type = MsgType::HeartBeat;
  ASSERT_TRUE(c.send(hb));
  Received r;
  ASSERT_TRUE(c.recv(&r));
  EXPECT_EQ(r.m.type, MsgType::Error);
  EXPECT_EQ(r.m.code, uint16_t(game::ErrorCode::BadFirstMessage));
  c.raw().pump(300);
  EXPECT_TRUE(c.raw().disconnected());
}

TEST_F(GameRudpTest, TcpAndRudpUsersShareARoomBothWays) {
  GameClient json(true), bin(false);
  ASSERT_TRUE(json.connect(tcp_port()));
  ASSERT_TRUE(json.login(1, 5));
  ASSERT_TRUE(bin.connect(tcp_port()));
  ASSERT_TRUE(bin.login(2, 5));
  RudpGameClient udp;
  ASSERT_TRUE(udp.connect(udp_port()));
  ASSERT_TRUE(udp.login(3, 5));
  Received r;
  ASSERT_TRUE(json.recv_type(MsgType::UserJoinedRoom, &r));  // user 2
  ASSERT_TRUE(json.recv_type(MsgType::UserJoinedRoom, &r));  // user 3, over RUDP
  EXPECT_EQ(r.m.user_id, 3u);

  ASSERT_TRUE(json.send(chat(1, 5, "from tcp")));
  ASSERT_TRUE(udp.recv_type(MsgType::ChatMessage, &r));
  EXPECT_EQ(r.text, "from tcp");
  ASSERT_TRUE(udp.send(chat(3, 5, "from rudp")));
  for (GameClient* c : {&json, &bin}) {
    do ASSERT_TRUE(c->recv_type(MsgType::ChatMessage, &r));
    while (r.text == "from tcp");
    EXPECT_EQ(r.text, "from rudp");
    EXPECT_EQ(r.m.user_id, 3u);
  }
  ASSERT_TRUE(udp.recv_type(MsgType::ChatMessage, &r));  // the sender gets its own chat too
  EXPECT_EQ(r.text, "from rudp");
}

TEST_F(GameRudpTest, PlayerMoveReachesRudpMembersOnTheUnreliableChannel) {
  GameClient tcp;
  ASSERT_TRUE(tcp.connect(tcp_port()));
  ASSERT_TRUE(tcp.login(10, 8));
  RudpGameClient udp;
  ASSERT_TRUE(udp.connect(udp_port()));
  ASSERT_TRUE(udp.login(11, 8));
  ASSERT_TRUE(tcp.send(move(10, 8, 42)));
  Received r;
  rudp::Channel ch = rudp::Channel::Reliable;
  ASSERT_TRUE(udp.recv_type(MsgType::PlayerMove, &r, &ch));
  EXPECT_EQ(ch, rudp::Channel::Unreliable);
  EXPECT_EQ(r.m.seq, 42u);
  EXPECT_FLOAT_EQ(r.m.y, 2.5f);
  ASSERT_TRUE(udp.send(move(11, 8, 43)));
  ASSERT_TRUE(tcp.recv_type(MsgType::PlayerMove, &r));
  EXPECT_EQ(r.m.user_id, 11u);
  EXPECT_EQ(r.m.seq, 43u);
}

TEST_F(GameRudpTest, DuplicateLoginAcrossTransportsIsRefused) {
  GameClient tcp;
  ASSERT_TRUE(tcp.connect(tcp_port()));
  ASSERT_TRUE(tcp.login(20, 0));
  RudpGameClient udp;
  ASSERT_TRUE(udp.connect(udp_port()));
  Message m;
  m.type = MsgType::Connect;
  m.user_id = 20;
  ASSERT_TRUE(udp.send(m));
  Received r;
  ASSERT_TRUE(udp.recv(&r));
  EXPECT_EQ(r.m.type, MsgType::Error);
  EXPECT_EQ(r.m.code, uint16_t(game::ErrorCode::DuplicateLogin));
}

TEST_F(GameRudpTest, RudpUserLeavingIsAnnouncedToTcpMembers) {
  GameClient tcp;
  ASSERT_TRUE(tcp.connect(tcp_port()));
  ASSERT_TRUE(tcp.login(30, 9));
  {
    RudpGameClient udp;
    ASSERT_TRUE(udp.connect(udp_port()));
    ASSERT_TRUE(udp.login(31, 9));
    Received r;
    ASSERT_TRUE(tcp.recv_type(MsgType::UserJoinedRoom, &r));
  }  // a clean RUDP close
  Received r;
  ASSERT_TRUE(tcp.recv_type(MsgType::UserLeftRoom, &r));
  EXPECT_EQ(r.m.user_id, 31u);
}

}  // namespace
}  // namespace ptnet::test
