// GameCore sessions, sans-IO: the Connect-first rule, logins against the
// shared UserDirectory from two cores (as two shards), and the error table of
// README.md. Driven through FakeShards: deterministic, no sockets.
#include "game/GameCore.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "game/ErrorCode.h"
#include "tests/CodecSamples.h"

#include "tests/game/CoreTestUtil.h"
#include "tests/game/FakeShards.h"

namespace ptnet::game::test {
namespace {

// ---- Connect first --------------------------------------------------------------

class FirstMessageTest : public ::testing::TestWithParam<MsgType> {};

TEST_P(FirstMessageTest, AnythingButConnectFirstGetsError1AndClose) {
  FakeShards h;
  FakeClient& c = h.open();
  h.send(c, sample(GetParam()));
  expect_refused(c, ErrorCode::BadFirstMessage);
}

std::vector<MsgType> all_but_connect() {
  std::vector<MsgType> v;
  for (MsgType t : kAllTypes)
    if (t != MsgType::Connect) v.push_back(t);
  return v;
}

INSTANTIATE_TEST_SUITE_P(EveryOtherType, FirstMessageTest, ::testing::ValuesIn(all_but_connect()),
                         [](const auto& info) { return std::string(msg_type_name(info.param)); });

TEST(GameCoreSessions, ConnectIsAnsweredWithAckThenWelcome) {
  FakeShards h;
  FakeClient& c = h.open();
  h.send(c, connect_msg(123, 0));
  ASSERT_EQ(c.inbox.size(), 2u);
  EXPECT_EQ(c.inbox[0].m.type, MsgType::ConnectionAck);
  EXPECT_EQ(c.inbox[0].m.user_id, 123u);
  EXPECT_EQ(c.inbox[1].m.type, MsgType::SystemMessage);
  EXPECT_EQ(c.inbox[1].text, "Welcome to Police Thief, user 123");
}

TEST(GameCoreSessions, ConnectClaimsTheUserAtThisShardAndConnection) {
  FakeShards h;
  FakeClient& c = h.open(1);
  h.send(c, connect_msg(7, 0));
  const uint64_t loc = h.world().users().find(7);
  EXPECT_EQ(UserDirectory::shard_of(loc), 1u);
  EXPECT_EQ(UserDirectory::transport_of(loc), Transport::Tcp);
  EXPECT_EQ(UserDirectory::conn_of(loc), c.conn);
}

TEST(GameCoreSessions, ConnectWithARoomJoinsItAndTellsTheMembersWithTheDefaultNickname) {
  FakeShards h;
  FakeClient& a = h.login(1, 5);
  FakeClient& b = h.open(1);
  h.send(b, connect_msg(2, 5));
  EXPECT_EQ(b.inbox.size(), 2u);  // ack and welcome; no RoomJoinSuccess for Connect's room
  ASSERT_EQ(a.inbox.size(), 1u);
  EXPECT_EQ(a.last().m.type, MsgType::UserJoinedRoom);
  EXPECT_EQ(a.last().m.room_id, 5u);
  EXPECT_EQ(a.last().m.user_id, 2u);
  EXPECT_EQ(a.last().text, "user2");
}

TEST(GameCoreSessions, UndecodableFirstFrameGetsItsErrorAndClose) {
  FakeShards h;
  FakeClient& c = h.open();
  h.core(0).undecodable(*c.session, DecodeStatus::MalformedJson, h.now());
  expect_refused(c, ErrorCode::MalformedMessage);
}

TEST(GameCoreSessions, ConnectWithUserIdZeroGetsError4AndClose) {
  FakeShards h;
  FakeClient& c = h.open();
  h.send(c, connect_msg(0, 1));
  expect_refused(c, ErrorCode::FieldOutOfRange);
}

TEST(GameCoreSessions, SecondConnectGetsError11AndTheSessionStays) {
  FakeShards h;
  FakeClient& c = h.login(9);
  h.send(c, connect_msg(9, 0));
  expect_error(c, ErrorCode::AlreadyConnected);
  EXPECT_FALSE(c.close_requested.has_value());
}

TEST(GameCoreSessions, InputAfterACloseRequestIsIgnored) {
  FakeShards h;
  h.report_closes = false;  // the transport has not closed yet (still flushing)
  FakeClient& c = h.open();
  h.send(c, heartbeat_msg());
  ASSERT_EQ(c.inbox.size(), 1u);
  h.send(c, connect_msg(5, 0));
  h.core(0).undecodable(*c.session, DecodeStatus::Truncated, h.now());
  EXPECT_EQ(c.inbox.size(), 1u);
  EXPECT_EQ(h.world().users().find(5), 0u);
}

// ---- logins across shards -------------------------------------------------------------

TEST(GameCoreSessions, DuplicateLoginOnAnotherShardGetsError6AndClose) {
  FakeShards h;
  h.login(42, 0, 0);
  FakeClient& second = h.open(1);
  h.send(second, connect_msg(42, 0));
  expect_refused(second, ErrorCode::DuplicateLogin);
}

TEST(GameCoreSessions, DuplicateLoginOnTheSameShardGetsError6AndClose) {
  FakeShards h;
  h.login(42, 0, 0);
  FakeClient& second = h.open(0);
  h.send(second, connect_msg(42, 0));
  expect_refused(second, ErrorCode::DuplicateLogin);
}

TEST(GameCoreSessions, DuplicateLoginLeavesTheFirstSessionUntouched) {
  FakeShards h;
  FakeClient& first = h.login(42, 3, 0);
  const uint64_t loc = h.world().users().find(42);
  FakeClient& second = h.open(1);
  h.send(second, connect_msg(42, 3));
  EXPECT_TRUE(first.inbox.empty());
  EXPECT_EQ(h.world().users().find(42), loc);
  EXPECT_EQ(h.world().rooms().member_count(h.core(0).room(3)->entry), 1u);
}

TEST(GameCoreSessions, UserIdIsFreeAgainOnceItsSessionCloses) {
  FakeShards h;
  FakeClient& first = h.login(42, 0, 0);
  h.disconnect(first);
  FakeClient& again = h.open(1);
  h.send(again, connect_msg(42, 0));
  EXPECT_EQ(again.inbox.front().m.type, MsgType::ConnectionAck);
}

TEST(GameCoreSessions, FullUserDirectoryGetsError12AndClose) {
  GameConfig cfg;
  cfg.max_users = 1;  // the smallest table: 64 entries
  FakeShards h(cfg);
  UserDirectory& users = h.world().users();
  for (uint32_t id = 1000; id < 1000 + users.capacity(); ++id)
    ASSERT_EQ(users.claim(id, UserDirectory::location(1, Transport::Tcp, ConnId{id, 1})), UserDirectory::Claim::Ok);
  FakeClient& c = h.open();
  h.send(c, connect_msg(1, 0));
  expect_refused(c, ErrorCode::ServerFull);
}

TEST(GameCoreSessions, FullRoomDirectoryGetsError12AndClose) {
  GameConfig cfg;
  cfg.max_rooms = 1;  // the smallest table: 64 entries
  FakeShards h(cfg);
  for (uint32_t room = 1000; room < 1064; ++room) ASSERT_NE(h.world().rooms().entry(room), RoomDirectory::kFull);
  FakeClient& c = h.login(1);
  h.send(c, join_msg(1, 7));
  ASSERT_EQ(c.inbox.size(), 1u);
  expect_error(c, ErrorCode::ServerFull);
  EXPECT_EQ(c.close_requested, GameOutput::Close::AfterFlush);
}

TEST(GameCoreSessions, SessionGaugeCountsLoginsAndDisconnects) {
  FakeShards h;
  FakeClient& a = h.login(1, 0, 0);
  h.login(2, 0, 1);
  h.open(1);  // not logged in: not a session yet
  EXPECT_EQ(h.world().current_sessions(), 2u);
  h.disconnect(a);
  EXPECT_EQ(h.world().current_sessions(), 1u);
  EXPECT_EQ(h.world().peak_sessions(), 2u);
  EXPECT_EQ(h.world().stats().lifetime, 2u);
}

// ---- the rest of the error table ----------------------------------------------------

TEST(GameCoreSessions, UndecodableFrameAfterConnectGetsItsErrorAndTheSessionStays) {
  const std::pair<DecodeStatus, ErrorCode> cases[] = {
      {DecodeStatus::MalformedJson, ErrorCode::MalformedMessage}, {DecodeStatus::Truncated, ErrorCode::MalformedMessage},
      {DecodeStatus::TrailingBytes, ErrorCode::MalformedMessage}, {DecodeStatus::BadUtf8, ErrorCode::MalformedMessage},
      {DecodeStatus::BadFieldType, ErrorCode::MalformedMessage},  {DecodeStatus::UnknownType, ErrorCode::UnknownType},
      {DecodeStatus::FieldOutOfRange, ErrorCode::FieldOutOfRange}, {DecodeStatus::TextTooLong, ErrorCode::FieldOutOfRange},
  };
  FakeShards h;
  FakeClient& c = h.login(1);
  for (auto [status, code] : cases) {
    h.core(0).undecodable(*c.session, status, h.now());
    expect_error(c, code);
  }
  EXPECT_FALSE(c.close_requested.has_value());
}

TEST(GameCoreSessions, ServerToClientTypeFromAClientGetsError13) {
  FakeShards h;
  FakeClient& c = h.login(1);
  for (MsgType t : {MsgType::ConnectionAck, MsgType::HeartBeatResponse, MsgType::ChatResponse,
                    MsgType::RoomJoinSuccess, MsgType::RoomLeaveSuccess, MsgType::UserJoinedRoom,
                    MsgType::UserLeftRoom, MsgType::SystemMessage, MsgType::Error}) {
    h.send(c, sample(t));
    expect_error(c, ErrorCode::UnexpectedMessage);
  }
  EXPECT_FALSE(c.close_requested.has_value());
}

TEST(GameCoreSessions, StreamErrorIsReportedAndTheCloseLeftToTheTransport) {
  FakeShards h;
  FakeClient& c = h.login(1);
  h.core(0).stream_error(*c.session, ErrorCode::FrameTooLarge);
  expect_error(c, ErrorCode::FrameTooLarge);
  h.core(0).stream_error(*c.session, ErrorCode::ZeroLengthFrame);
  expect_error(c, ErrorCode::ZeroLengthFrame);
  EXPECT_FALSE(c.close_requested.has_value());
}

TEST(GameCoreSessions, EveryErrorSentIsCounted) {
  FakeShards h;
  FakeClient& c = h.login(1);
  h.send(c, connect_msg(1, 0));
  h.send(c, leave_msg(1, 9));
  EXPECT_EQ(h.world().stats().errors_sent, 2u);
}

}  // namespace
}  // namespace ptnet::game::test
