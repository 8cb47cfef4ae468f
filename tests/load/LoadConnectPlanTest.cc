// ConnectPlan (bench/load/ConnectPlan): connect attempts paced by rate,
// capped in flight, expired oldest first, and the time to wake for either.
#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "bench/load/ConnectPlan.h"

namespace ptnet::load {
namespace {

constexpr uint64_t kMs = 1'000'000;
constexpr uint32_t kNone = ConnectPlan::kNone;

TEST(LoadConnectPlanTest, UnpacedAttemptsStartAtOnceUpToTheInFlightCap) {
  ConnectPlan p;
  p.init(300, 0.0, 1000 * kMs, 0);
  uint32_t started = 0;
  while (p.start_next(0) != kNone) ++started;
  EXPECT_EQ(started, ConnectPlan::kMaxInFlight);
  EXPECT_EQ(p.next_event_ns(), 1000 * kMs);  // only the oldest deadline is left to wait for
  p.ended(5);
  EXPECT_EQ(p.start_next(0), ConnectPlan::kMaxInFlight);  // one ended: one more may start
  EXPECT_EQ(p.start_next(0), kNone);
}

TEST(LoadConnectPlanTest, PacedAttemptsStartOnSchedule) {
  ConnectPlan p;
  p.init(3, 1000.0, 100 * kMs, 10 * kMs);  // one per ms from t = 10 ms
  EXPECT_EQ(p.start_next(9 * kMs), kNone);
  EXPECT_EQ(p.next_event_ns(), 10 * kMs);
  EXPECT_EQ(p.start_next(10 * kMs), 0u);
  EXPECT_EQ(p.start_next(10 * kMs), kNone);
  EXPECT_EQ(p.next_event_ns(), 11 * kMs);
  EXPECT_EQ(p.start_next(12 * kMs), 1u);
  EXPECT_EQ(p.start_next(12 * kMs), 2u);  // late: catches up
  EXPECT_EQ(p.start_next(99 * kMs), kNone);
}

TEST(LoadConnectPlanTest, AttemptsExpireOldestFirstAndEndedOnesAreSkipped) {
  ConnectPlan p;
  p.init(3, 0.0, 50 * kMs, 0);
  ASSERT_EQ(p.start_next(0), 0u);
  ASSERT_EQ(p.start_next(10 * kMs), 1u);
  ASSERT_EQ(p.start_next(20 * kMs), 2u);
  EXPECT_EQ(p.expired(49 * kMs), kNone);
  EXPECT_EQ(p.expired(50 * kMs), 0u);
  p.ended(0);
  p.ended(1);  // connected in time
  EXPECT_EQ(p.next_event_ns(), 70 * kMs);
  EXPECT_EQ(p.expired(69 * kMs), kNone);
  EXPECT_EQ(p.expired(70 * kMs), 2u);
  EXPECT_FALSE(p.finished());
  p.ended(2);
  p.ended(2);  // idempotent
  EXPECT_TRUE(p.finished());
  EXPECT_EQ(p.in_flight(), 0u);
  EXPECT_EQ(p.next_event_ns(), UINT64_MAX);
}

}  // namespace
}  // namespace ptnet::load
