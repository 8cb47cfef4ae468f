// SpscQueue: single-thread semantics and a two-thread order/loss check.
#include "core/SpscQueue.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <thread>
#include <vector>

namespace ptnet {
namespace {

TEST(SpscQueue, CapacityIsRoundedUpToAPowerOfTwoOfAtLeastTwo) {
  EXPECT_EQ(SpscQueue<int>(0).capacity(), 2u);
  EXPECT_EQ(SpscQueue<int>(1).capacity(), 2u);
  EXPECT_EQ(SpscQueue<int>(2).capacity(), 2u);
  EXPECT_EQ(SpscQueue<int>(3).capacity(), 4u);
  EXPECT_EQ(SpscQueue<int>(1000).capacity(), 1024u);
  EXPECT_EQ(SpscQueue<int>(1024).capacity(), 1024u);
}

TEST(SpscQueue, NewQueueIsEmptyAndPopFails) {
  SpscQueue<int> q(4);
  EXPECT_TRUE(q.empty());
  int v = -1;
  EXPECT_FALSE(q.try_pop(v));
  EXPECT_EQ(v, -1);
}

TEST(SpscQueue, PushFailsWhenFullAndSucceedsAfterAPop) {
  SpscQueue<int> q(4);
  for (int i = 0; i < 4; ++i) EXPECT_TRUE(q.try_push(i));
  EXPECT_FALSE(q.try_push(99));
  EXPECT_FALSE(q.empty());
  EXPECT_EQ(q.size(), 4u);
  int v = -1;
  EXPECT_TRUE(q.try_pop(v));
  EXPECT_EQ(v, 0);
  EXPECT_TRUE(q.try_push(4));
  EXPECT_FALSE(q.try_push(5));
  for (int i = 1; i <= 4; ++i) {
    ASSERT_TRUE(q.try_pop(v));
    EXPECT_EQ(v, i);
  }
  EXPECT_TRUE(q.empty());
}

TEST(SpscQueue, ElementsComeOutInOrderAcrossManyWraparounds) {
  SpscQueue<uint64_t> q(8);
  uint64_t next_in = 0, next_out = 0;
  for (int round = 0; round < 1000; ++round) {
    const int pushes = 1 + round % 8;  // varying fill levels move the wrap point
    for (int i = 0; i < pushes; ++i) {
      if (q.try_push(next_in)) ++next_in;
    }
    const int pops = 1 + (round * 7) % 8;
    for (int i = 0; i < pops; ++i) {
      uint64_t v;
      if (!q.try_pop(v)) break;
      ASSERT_EQ(v, next_out);
      ++next_out;
    }
  }
  EXPECT_GT(next_in, 1000u);
}

TEST(SpscQueue, DrainPopsUpToMaxInOrder) {
  SpscQueue<int> q(16);
  for (int i = 0; i < 10; ++i) ASSERT_TRUE(q.try_push(i));
  std::vector<int> got;
  EXPECT_EQ(q.drain([&](int& v) { got.push_back(v); }, 4), 4u);
  EXPECT_EQ(got, (std::vector<int>{0, 1, 2, 3}));
  EXPECT_EQ(q.drain([&](int& v) { got.push_back(v); }), 6u);
  EXPECT_EQ(got.size(), 10u);
  EXPECT_EQ(got.back(), 9);
  EXPECT_EQ(q.drain([&](int& v) { got.push_back(v); }), 0u);
  EXPECT_TRUE(q.empty());
}

TEST(SpscQueue, DrainFreesSlotsForTheProducer) {
  SpscQueue<int> q(4);
  for (int i = 0; i < 4; ++i) ASSERT_TRUE(q.try_push(i));
  ASSERT_FALSE(q.try_push(4));
  EXPECT_EQ(q.drain([](int&) {}), 4u);
  for (int i = 0; i < 4; ++i) EXPECT_TRUE(q.try_push(i));
}

TEST(SpscQueue, MoveOnlyElementsAreMovedThroughAndLeftoversDestroyed) {
  auto tracker = std::make_shared<int>(0);
  {
    SpscQueue<std::shared_ptr<int>> q(4);
    ASSERT_TRUE(q.try_push(tracker));  // copy
    ASSERT_TRUE(q.try_push(std::shared_ptr<int>(tracker)));  // move
    EXPECT_EQ(tracker.use_count(), 3);
    std::shared_ptr<int> out;
    ASSERT_TRUE(q.try_pop(out));
    EXPECT_EQ(out, tracker);
    out.reset();
    EXPECT_EQ(tracker.use_count(), 2);  // the popped slot no longer holds a copy
  }
  EXPECT_EQ(tracker.use_count(), 1);  // the queue destroyed what was left
  SpscQueue<std::unique_ptr<int>> uq(2);
  ASSERT_TRUE(uq.try_push(std::make_unique<int>(7)));
  std::unique_ptr<int> p;
  ASSERT_TRUE(uq.try_pop(p));
  EXPECT_EQ(*p, 7);
}

TEST(SpscQueue, TwoThreadsPassTenMillionSequenceNumbersInOrderWithoutLoss) {
  constexpr uint64_t kCount = 10'000'000;
  SpscQueue<uint64_t> q(1024);
  std::thread producer([&] {
    for (uint64_t i = 0; i < kCount; ++i) {
      while (!q.try_push(i)) std::this_thread::yield();
    }
  });
  uint64_t expected = 0;
  uint64_t mismatches = 0;
  bool use_drain = false;
  while (expected < kCount) {
    size_t n;
    if (use_drain) {
      n = q.drain([&](uint64_t& v) { mismatches += v != expected++; }, 64);
    } else {
      uint64_t v;
      n = q.try_pop(v) ? 1 : 0;
      if (n) mismatches += v != expected++;
    }
    use_drain = !use_drain;
    if (n == 0) std::this_thread::yield();
  }
  producer.join();
  EXPECT_EQ(mismatches, 0u);
  EXPECT_EQ(expected, kCount);
  uint64_t extra;
  EXPECT_FALSE(q.try_pop(extra));
}

}  // namespace
}  // namespace ptnet
