// GameCore and time, sans-IO: heartbeats, quality grading and the idle
// timeout, on a hand-driven clock (FakeShards::advance fires the timers).
#include "game/GameCore.h"

#include <gtest/gtest.h>

#include "game/Quality.h"

#include "tests/game/CoreTestUtil.h"
#include "tests/game/FakeShards.h"

namespace ptnet::game::test {
namespace {

// ---- heartbeats and quality ----------------------------------------------------------

TEST(GameCoreClock, HeartBeatIsAnsweredWithTheWallClockInUnixSeconds) {
  FakeShards h;
  FakeClient& c = h.login(1);
  h.send(c, heartbeat_msg());
  ASSERT_EQ(c.inbox.size(), 1u);
  EXPECT_EQ(c.last().m.type, MsgType::HeartBeatResponse);
  EXPECT_EQ(c.last().m.timestamp, FakeShards::kWallClock);
}

class QualityTest : public ::testing::Test {
 protected:
  QualityTest() : h_(config()) {}
  static GameConfig config() {
    GameConfig cfg;
    cfg.heartbeat_interval_ns = 10 * kSec;
    cfg.idle_timeout_ns = 24 * 60 * kMin;  // out of the way
    return cfg;
  }
  // Moves the clock on by `total`; c heartbeats every `every` (0: never).
  void run(FakeClient& c, uint64_t total, uint64_t every) {
    for (uint64_t t = 0; t < total; t += kSec) {
      h_.advance(kSec);
      if (every != 0 && (t + kSec) % every == 0) h_.send(c, heartbeat_msg());
    }
    h_.advance(GameCore::kQualityTickNs);  // one more grading pass
  }
  uint64_t graded(Quality q) { return h_.world().stats().quality[size_t(q)]; }
  FakeShards h_;
};

TEST_F(QualityTest, NewSessionWithRecentHeartbeatsIsPoor) {
  FakeClient& c = h_.login(1);
  run(c, 5 * kMin, 10 * kSec);
  EXPECT_EQ(graded(Quality::Poor), 1u);
}

TEST_F(QualityTest, HourLongSessionWithRecentHeartbeatsIsExcellent) {
  FakeClient& c = h_.login(1);
  run(c, 61 * kMin, 10 * kSec);
  EXPECT_EQ(graded(Quality::Excellent), 1u);
}

TEST_F(QualityTest, HalfHourSessionWithHeartbeatsWithinOneAndAHalfIntervalsIsGood) {
  FakeClient& c = h_.login(1);
  run(c, 31 * kMin, 14 * kSec);  // graded 13 s after the last heartbeat: over 1x, within 1.5x
  EXPECT_EQ(graded(Quality::Good), 1u);
}

TEST_F(QualityTest, SessionWhoseHeartbeatsStopBecomesVeryPoor) {
  FakeClient& c = h_.login(1);
  run(c, 61 * kMin, 10 * kSec);
  run(c, 26 * kSec, 0);  // silent for more than 2.5 intervals
  EXPECT_EQ(graded(Quality::VeryPoor), 1u);
  EXPECT_EQ(graded(Quality::Excellent), 0u);
}

TEST_F(QualityTest, SessionsNotConnectedYetAreNotGraded) {
  h_.open();
  h_.advance(3 * kSec);
  uint64_t total = 0;
  for (size_t q = 0; q < size_t(Quality::kCount); ++q) total += graded(Quality(q));
  EXPECT_EQ(total, 0u);
}

// ---- idle timeout ----------------------------------------------------------------

class IdleTest : public ::testing::Test {
 protected:
  static GameConfig config() {
    GameConfig cfg;
    cfg.idle_timeout_ns = 300 * kMs;
    return cfg;
  }
  FakeShards h_{config()};
};

TEST_F(IdleTest, SilentSessionIsClosedAtTheIdleTimeout) {
  FakeClient& c = h_.login(1);
  h_.advance(299 * kMs);
  EXPECT_FALSE(c.close_requested.has_value());
  h_.advance(1 * kMs);
  EXPECT_EQ(c.close_requested, GameOutput::Close::Now);
  EXPECT_EQ(c.session, nullptr);
}

TEST_F(IdleTest, IdleCloseIsCountedAsATimeout) {
  h_.login(1);
  h_.advance(300 * kMs);
  EXPECT_EQ(h_.world().stats().timeouts, 1u);
}

TEST_F(IdleTest, AnyInputPostponesTheIdleTimeout) {
  FakeClient& c = h_.login(1);
  for (int i = 0; i < 10; ++i) {
    h_.advance(200 * kMs);
    h_.send(c, heartbeat_msg());
  }
  h_.advance(299 * kMs);
  EXPECT_FALSE(c.close_requested.has_value());
  h_.advance(1 * kMs);
  EXPECT_EQ(c.close_requested, GameOutput::Close::Now);
}

TEST_F(IdleTest, ConnectionThatNeverSendsConnectTimesOutToo) {
  FakeClient& c = h_.open();
  h_.advance(300 * kMs);
  EXPECT_EQ(c.close_requested, GameOutput::Close::Now);
  EXPECT_EQ(h_.world().stats().timeouts, 1u);
}

TEST_F(IdleTest, IdleCloseTellsTheRoomAndFreesTheUserId) {
  FakeClient& quiet = h_.login(1, 7, 0);
  FakeClient& chatty = h_.login(2, 7, 1);
  h_.advance(200 * kMs);
  h_.send(chatty, heartbeat_msg());
  chatty.inbox.clear();
  h_.advance(100 * kMs);
  ASSERT_EQ(quiet.session, nullptr);
  ASSERT_EQ(chatty.inbox.size(), 1u);
  EXPECT_EQ(chatty.last().m.type, MsgType::UserLeftRoom);
  EXPECT_EQ(h_.world().users().find(1), 0u);
}

}  // namespace
}  // namespace ptnet::game::test
