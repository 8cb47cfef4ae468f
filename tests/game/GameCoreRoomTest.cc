// GameCore rooms, sans-IO: joins and leaves with their replies and notices
// across two cores (as two shards), chat (membership, rate limit), moves,
// nicknames, and leaving every room on disconnect. Driven through
// FakeShards: deterministic, no sockets.
#include "game/GameCore.h"

#include <gtest/gtest.h>

#include <string>

#include "game/ErrorCode.h"

#include "tests/game/CoreTestUtil.h"
#include "tests/game/FakeShards.h"

namespace ptnet::game::test {
namespace {

// ---- rooms ------------------------------------------------------------------------

TEST(GameCoreRooms, RoomJoinAnswersSuccessWithTheMemberCountOverAllShards) {
  FakeShards h;
  h.login(1, 7, 0);
  h.login(2, 7, 1);
  FakeClient& c = h.login(3, 0, 0);
  h.send(c, join_msg(3, 7, "cop"));
  ASSERT_EQ(c.inbox.size(), 1u);
  EXPECT_EQ(c.last().m.type, MsgType::RoomJoinSuccess);
  EXPECT_EQ(c.last().m.room_id, 7u);
  EXPECT_EQ(c.last().m.user_count, 3u);
}

TEST(GameCoreRooms, RoomJoinTellsTheMembersOnEveryShardWithTheNewNickname) {
  FakeShards h;
  FakeClient& a = h.login(1, 7, 0);
  FakeClient& b = h.login(2, 7, 1);
  FakeClient& c = h.login(3, 0, 0);
  h.send(c, join_msg(3, 7, "cop"));
  for (FakeClient* other : {&a, &b}) {
    ASSERT_EQ(other->inbox.size(), 1u);
    EXPECT_EQ(other->last().m.type, MsgType::UserJoinedRoom);
    EXPECT_EQ(other->last().m.user_id, 3u);
    EXPECT_EQ(other->last().text, "cop");
  }
}

TEST(GameCoreRooms, RoomJoinTwiceRepeatsTheSuccessAndTellsNobody) {
  FakeShards h;
  FakeClient& a = h.login(1, 7, 1);
  FakeClient& c = h.login(3, 7, 0);
  h.send(c, join_msg(3, 7));
  ASSERT_EQ(c.inbox.size(), 1u);
  EXPECT_EQ(c.last().m.type, MsgType::RoomJoinSuccess);
  EXPECT_EQ(c.last().m.user_count, 2u);
  EXPECT_TRUE(a.inbox.empty());
  EXPECT_EQ(h.world().rooms().member_count(h.core(0).room(7)->entry), 2u);
}

TEST(GameCoreRooms, RoomJoinOfRoomZeroGetsError4) {
  FakeShards h;
  FakeClient& c = h.login(1);
  h.send(c, join_msg(1, 0));
  expect_error(c, ErrorCode::FieldOutOfRange);
}

TEST(GameCoreRooms, RoomJoinWithAnotherUsersIdGetsError9) {
  FakeShards h;
  FakeClient& c = h.login(1);
  h.send(c, join_msg(2, 7));
  expect_error(c, ErrorCode::UserIdMismatch);
  EXPECT_EQ(h.core(0).room(7), nullptr);
}

TEST(GameCoreRooms, RoomJoinWithATooLongNicknameGetsError4AndDoesNotJoin) {
  FakeShards h;
  FakeClient& c = h.login(1);
  h.send(c, join_msg(1, 7, std::string(33, 'n')));
  ASSERT_EQ(c.inbox.size(), 1u);
  expect_error(c, ErrorCode::FieldOutOfRange);
  EXPECT_EQ(h.core(0).room(7), nullptr);
}

TEST(GameCoreRooms, RoomJoinBeyondMaxRoomsPerUserGetsError10) {
  GameConfig cfg;
  cfg.max_rooms_per_user = 2;
  FakeShards h(cfg);
  FakeClient& c = h.login(1, 1);
  h.send(c, join_msg(1, 2));
  h.send(c, join_msg(1, 3));
  ASSERT_EQ(c.inbox.size(), 2u);
  EXPECT_EQ(c.inbox[0].m.type, MsgType::RoomJoinSuccess);
  expect_error(c, ErrorCode::TooManyRooms);
  EXPECT_FALSE(c.close_requested.has_value());
  EXPECT_EQ(h.core(0).room(3), nullptr);
}

TEST(GameCoreRooms, RoomLeaveAnswersSuccess) {
  FakeShards h;
  FakeClient& c = h.login(1, 7);
  h.send(c, leave_msg(1, 7));
  ASSERT_EQ(c.inbox.size(), 1u);
  EXPECT_EQ(c.last().m.type, MsgType::RoomLeaveSuccess);
  EXPECT_EQ(c.last().m.room_id, 7u);
}

TEST(GameCoreRooms, RoomLeaveTellsTheMembersOnEveryShard) {
  FakeShards h;
  FakeClient& a = h.login(1, 7, 0);
  FakeClient& b = h.login(2, 7, 1);
  FakeClient& c = h.login(3, 7, 0);
  h.send(c, leave_msg(3, 7));
  for (FakeClient* other : {&a, &b}) {
    ASSERT_EQ(other->inbox.size(), 1u);
    EXPECT_EQ(other->last().m.type, MsgType::UserLeftRoom);
    EXPECT_EQ(other->last().m.room_id, 7u);
    EXPECT_EQ(other->last().m.user_id, 3u);
  }
}

TEST(GameCoreRooms, RoomLeaveOfARoomNotJoinedGetsError5) {
  FakeShards h;
  FakeClient& c = h.login(1, 7);
  h.send(c, leave_msg(1, 8));
  expect_error(c, ErrorCode::NotInRoom);
  EXPECT_FALSE(c.close_requested.has_value());
}

TEST(GameCoreRooms, LastLocalMemberLeavingClearsTheShardBitAndTheLocalRoom) {
  FakeShards h;
  h.login(1, 7, 0);
  FakeClient& c = h.login(2, 7, 1);
  const size_t e = h.core(1).room(7)->entry;
  ASSERT_TRUE(h.world().rooms().shard_mask(e).test(1));
  h.send(c, leave_msg(2, 7));
  EXPECT_FALSE(h.world().rooms().shard_mask(e).test(1));
  EXPECT_TRUE(h.world().rooms().shard_mask(e).test(0));
  EXPECT_EQ(h.world().rooms().member_count(e), 1u);
  EXPECT_EQ(h.core(1).room(7), nullptr);
}

// ---- chat ---------------------------------------------------------------------------

TEST(GameCoreRooms, ChatGoesToEveryMemberOnEveryShardSenderIncluded) {
  FakeShards h;
  FakeClient& a = h.login(1, 7, 0);
  FakeClient& b = h.login(2, 7, 1);
  FakeClient& c = h.login(3, 7, 1);
  FakeClient& outsider = h.login(4, 8, 0);
  h.send(b, chat_msg(2, 7, "hello room"));
  for (FakeClient* member : {&a, &b, &c}) {
    ASSERT_EQ(member->inbox.size(), 1u);
    EXPECT_EQ(member->last().m.type, MsgType::ChatMessage);
    EXPECT_EQ(member->last().m.user_id, 2u);
    EXPECT_EQ(member->last().text, "hello room");
  }
  EXPECT_TRUE(outsider.inbox.empty());
}

TEST(GameCoreRooms, ChatIsOneBroadcastForTheWholeRoom) {
  FakeShards h;
  h.login(1, 7, 0);
  FakeClient& b = h.login(2, 7, 1);
  h.broadcasts.clear();
  h.send(b, chat_msg(2, 7, "x"));
  ASSERT_EQ(h.broadcasts.size(), 1u);
  EXPECT_EQ(h.broadcasts[0].room, 7u);
  EXPECT_FALSE(h.broadcasts[0].excluded_someone);
}

TEST(GameCoreRooms, ChatToARoomNotJoinedGetsChatResponseFalse) {
  FakeShards h;
  FakeClient& other = h.login(1, 8);
  FakeClient& c = h.login(2, 7);
  h.send(c, chat_msg(2, 8, "psst"));
  ASSERT_EQ(c.inbox.size(), 1u);
  EXPECT_EQ(c.last().m.type, MsgType::ChatResponse);
  EXPECT_FALSE(c.last().m.success);
  EXPECT_EQ(c.last().text, "not a member of room 8");
  EXPECT_TRUE(other.inbox.empty());
}

TEST(GameCoreRooms, ChatOverTheRateGetsChatResponseRateLimited) {
  GameConfig cfg;
  cfg.chat_rate = 1;
  cfg.chat_burst = 2;
  FakeShards h(cfg);
  FakeClient& c = h.login(1, 7);
  for (const char* text : {"one", "two", "three"}) h.send(c, chat_msg(1, 7, text));
  ASSERT_EQ(c.inbox.size(), 3u);
  EXPECT_EQ(c.inbox[0].text, "one");
  EXPECT_EQ(c.inbox[1].text, "two");
  EXPECT_EQ(c.inbox[2].m.type, MsgType::ChatResponse);
  EXPECT_FALSE(c.inbox[2].m.success);
  EXPECT_EQ(c.inbox[2].text, "rate limited");
}

TEST(GameCoreRooms, ChatTokensRefillAtTheConfiguredRate) {
  GameConfig cfg;
  cfg.chat_rate = 2;  // one token every 500 ms
  cfg.chat_burst = 1;
  FakeShards h(cfg);
  FakeClient& c = h.login(1, 7);
  h.send(c, chat_msg(1, 7, "a"));
  h.advance(499 * kMs);
  h.send(c, chat_msg(1, 7, "b"));  // refused: 0.998 tokens
  h.advance(2 * kMs);              // 0.998 + 0.004
  h.send(c, chat_msg(1, 7, "c"));
  ASSERT_EQ(c.inbox.size(), 3u);
  EXPECT_EQ(c.inbox[1].m.type, MsgType::ChatResponse);
  EXPECT_EQ(c.inbox[2].m.type, MsgType::ChatMessage);
  EXPECT_EQ(c.inbox[2].text, "c");
}

TEST(GameCoreRooms, ChatLongerThanMaxChatGetsError4) {
  GameConfig cfg;
  cfg.max_chat = 8;
  FakeShards h(cfg);
  FakeClient& c = h.login(1, 7);
  h.send(c, chat_msg(1, 7, "123456789"));
  ASSERT_EQ(c.inbox.size(), 1u);
  expect_error(c, ErrorCode::FieldOutOfRange);
}

TEST(GameCoreRooms, ChatWithAnotherUsersIdGetsError9) {
  FakeShards h;
  FakeClient& other = h.login(1, 7);
  FakeClient& c = h.login(2, 7);
  h.send(c, chat_msg(1, 7, "spoof"));
  expect_error(c, ErrorCode::UserIdMismatch);
  EXPECT_TRUE(other.inbox.empty());
}

// ---- moves --------------------------------------------------------------------------

TEST(GameCoreRooms, PlayerMoveGoesToTheOtherMembersOnly) {
  FakeShards h;
  FakeClient& a = h.login(1, 4, 0);
  FakeClient& b = h.login(2, 4, 1);
  FakeClient& mover = h.login(3, 4, 0);
  h.send(mover, move_msg(3, 4, 77));
  EXPECT_TRUE(mover.inbox.empty());
  for (FakeClient* other : {&a, &b}) {
    ASSERT_EQ(other->inbox.size(), 1u);
    EXPECT_EQ(other->last().m.type, MsgType::PlayerMove);
    EXPECT_EQ(other->last().m.seq, 77u);
    EXPECT_EQ(other->last().m.x, 1.5f);
  }
}

TEST(GameCoreRooms, PlayerMoveToARoomNotJoinedGetsError5) {
  FakeShards h;
  FakeClient& other = h.login(1, 4);
  FakeClient& c = h.login(2, 5);
  h.send(c, move_msg(2, 4, 1));
  expect_error(c, ErrorCode::NotInRoom);
  EXPECT_TRUE(other.inbox.empty());
}

TEST(GameCoreRooms, PlayerMoveWithAnotherUsersIdGetsError9) {
  FakeShards h;
  FakeClient& c = h.login(2, 4);
  h.send(c, move_msg(1, 4, 1));
  expect_error(c, ErrorCode::UserIdMismatch);
}

// ---- nicknames --------------------------------------------------------------------

TEST(GameCoreRooms, UserInfoSetsTheNicknameTheOthersSeeOnTheNextJoin) {
  FakeShards h;
  FakeClient& a = h.login(1, 7);
  FakeClient& c = h.login(2);
  h.send(c, user_info_msg(2, "thief"));
  EXPECT_TRUE(c.inbox.empty());  // no reply on success
  h.send(c, join_msg(2, 7));     // an empty nickname keeps the current one
  ASSERT_EQ(a.inbox.size(), 1u);
  EXPECT_EQ(a.last().text, "thief");
}

TEST(GameCoreRooms, UserInfoWithANicknameOverMaxNicknameGetsError4) {
  GameConfig cfg;
  cfg.max_nickname = 4;
  FakeShards h(cfg);
  FakeClient& c = h.login(2);
  h.send(c, user_info_msg(2, "12345"));
  expect_error(c, ErrorCode::FieldOutOfRange);
}

TEST(GameCoreRooms, UserInfoWithAnEmptyNicknameGetsError4) {
  FakeShards h;
  FakeClient& c = h.login(2);
  h.send(c, user_info_msg(2, ""));
  expect_error(c, ErrorCode::FieldOutOfRange);
}

TEST(GameCoreRooms, UserInfoWithAnotherUsersIdGetsError9) {
  FakeShards h;
  FakeClient& c = h.login(2);
  h.send(c, user_info_msg(3, "x"));
  expect_error(c, ErrorCode::UserIdMismatch);
}

// ---- disconnect ------------------------------------------------------------------

TEST(GameCoreRooms, DisconnectLeavesEveryRoomAndTellsTheOthers) {
  FakeShards h;
  FakeClient& a = h.login(1, 11, 0);
  FakeClient& b = h.login(2, 12, 1);
  FakeClient& x = h.login(3, 11, 1);
  h.send(x, join_msg(3, 12));
  h.clear_inboxes();
  h.disconnect(x);
  for (FakeClient* other : {&a, &b}) {
    ASSERT_EQ(other->inbox.size(), 1u);
    EXPECT_EQ(other->last().m.type, MsgType::UserLeftRoom);
    EXPECT_EQ(other->last().m.user_id, 3u);
  }
  EXPECT_EQ(a.last().m.room_id, 11u);
  EXPECT_EQ(b.last().m.room_id, 12u);
}

TEST(GameCoreRooms, DisconnectOfTheLastMemberEmptiesTheRoomEverywhere) {
  FakeShards h;
  FakeClient& x = h.login(3, 11, 1);
  const size_t e = h.core(1).room(11)->entry;
  h.disconnect(x);
  EXPECT_EQ(h.core(1).room(11), nullptr);
  EXPECT_EQ(h.world().rooms().member_count(e), 0u);
  EXPECT_TRUE(h.world().rooms().shard_mask(e).empty());
  EXPECT_EQ(h.core(1).session_count(), 0u);
}

}  // namespace
}  // namespace ptnet::game::test
