// RoomDirectory: room_id -> (shard mask, member count), shared lock-free by
// every shard. Single-threaded contract, then several "shards" (threads)
// joining and leaving overlapping rooms, checked at quiescent points.
#include "game/RoomDirectory.h"

#include <gtest/gtest.h>

#include <atomic>
#include <barrier>
#include <latch>
#include <cstdint>
#include <random>
#include <thread>
#include <vector>

namespace ptnet::game {
namespace {

// Runs f(0..n-1) on n threads released together, and joins them.
template <class F>
void run_threads(int n, F&& f) {
  std::latch start(n);
  std::vector<std::thread> ts;
  for (int i = 0; i < n; ++i)
    ts.emplace_back([&, i] {
      start.arrive_and_wait();
      f(i);
    });
  for (auto& t : ts) t.join();
}

// ---- one thread ---------------------------------------------------------------

TEST(RoomDirectory, EntryOfTheSameRoomIsStable) {
  RoomDirectory d(16);
  const size_t e = d.entry(5);
  ASSERT_NE(e, RoomDirectory::kFull);
  EXPECT_EQ(d.entry(5), e);
  EXPECT_NE(d.entry(6), e);
}

TEST(RoomDirectory, JoinCountsMembersAndSetsTheShardBitOnTheFirstLocal) {
  RoomDirectory d(16);
  const size_t e = d.entry(5);
  EXPECT_EQ(d.join(e, 3, true), 1u);
  EXPECT_EQ(d.join(e, 3, false), 2u);
  EXPECT_EQ(d.join(e, 100, true), 3u);
  EXPECT_EQ(d.member_count(e), 3u);
  ShardMask expect;
  expect.set(3);
  expect.set(100);
  EXPECT_EQ(d.shard_mask(e).w[0], expect.w[0]);
  EXPECT_EQ(d.shard_mask(e).w[1], expect.w[1]);
}

TEST(RoomDirectory, LeaveClearsTheShardBitOnTheLastLocal) {
  RoomDirectory d(16);
  const size_t e = d.entry(5);
  d.join(e, 3, true);
  d.join(e, 3, false);
  EXPECT_EQ(d.leave(e, 3, false), 1u);
  EXPECT_TRUE(d.shard_mask(e).test(3));
  EXPECT_EQ(d.leave(e, 3, true), 0u);
  EXPECT_TRUE(d.shard_mask(e).empty());
}

TEST(RoomDirectory, FullTableReportsFull) {
  RoomDirectory d(1);  // the smallest table: 64 entries
  for (uint32_t room = 1; room <= 64; ++room) ASSERT_NE(d.entry(room), RoomDirectory::kFull);
  EXPECT_EQ(d.entry(65), RoomDirectory::kFull);
  EXPECT_NE(d.entry(64), RoomDirectory::kFull);  // known rooms still resolve
}

// ---- several threads --------------------------------------------------------------

TEST(RoomDirectoryConcurrent, ThreadsAskingForTheSameRoomsGetTheSameEntries) {
  constexpr int kThreads = 8;
  constexpr uint32_t kRooms = 3000;
  RoomDirectory d(kRooms);
  std::vector<std::vector<size_t>> got(kThreads, std::vector<size_t>(kRooms + 1));
  run_threads(kThreads, [&](int t) {
    for (uint32_t i = 0; i < kRooms; ++i) {
      const uint32_t room = (i * 2003u + uint32_t(t) * 577u) % kRooms + 1;
      got[size_t(t)][room] = d.entry(room);
    }
  });
  for (uint32_t room = 1; room <= kRooms; ++room) {
    ASSERT_NE(got[0][room], RoomDirectory::kFull);
    for (int t = 1; t < kThreads; ++t) ASSERT_EQ(got[size_t(t)][room], got[0][room]) << "room " << room;
    ASSERT_EQ(d.entry(room), got[0][room]);
  }
}

TEST(RoomDirectoryConcurrent, FillingTheTableGivesOutEveryEntryOnceThenFull) {
  constexpr int kThreads = 8;
  constexpr uint32_t kPerThread = 30;  // 240 rooms for 64 entries
  RoomDirectory d(1);
  std::atomic<size_t> full{0};
  std::vector<std::vector<size_t>> got(kThreads);
  run_threads(kThreads, [&](int t) {
    for (uint32_t i = 0; i < kPerThread; ++i) {
      const size_t e = d.entry(uint32_t(t) * kPerThread + i + 1);
      if (e == RoomDirectory::kFull) full.fetch_add(1);
      else got[size_t(t)].push_back(e);
    }
  });
  std::vector<int> owners(64, 0);
  for (auto& v : got)
    for (size_t e : v) ++owners[e];
  for (size_t e = 0; e < 64; ++e) EXPECT_EQ(owners[e], 1) << "entry " << e;
  EXPECT_EQ(full.load(), kThreads * kPerThread - 64);
}

// Each thread is a shard with its own local member counts, joining and
// leaving rooms at random (as GameCore does: first_local / last_local from
// its local count). At every quiescent point thread 0 checks that each
// room's count is the sum of the local counts and its mask has exactly the
// shards with local members. Shards 0..3 and 64..67: both mask words.
TEST(RoomDirectoryConcurrent, JoinsAndLeavesFromManyShardsKeepCountsAndMasksExact) {
  constexpr int kThreads = 8;
  constexpr uint32_t kRooms = 16;
  constexpr int kPhases = 50, kOpsPerPhase = 2000;
  RoomDirectory d(kRooms);
  std::vector<size_t> entry(kRooms);
  for (uint32_t r = 0; r < kRooms; ++r) entry[r] = d.entry(r + 1);
  auto shard_of = [](int t) { return uint32_t(t < 4 ? t : 60 + t); };
  std::vector<std::vector<uint32_t>> local(kThreads, std::vector<uint32_t>(kRooms, 0));
  std::barrier sync(kThreads);
  std::atomic<int> mismatches{0};
  run_threads(kThreads, [&](int t) {
    std::mt19937 rng(uint32_t(t) + 1);
    std::vector<uint32_t>& mine = local[size_t(t)];
    for (int phase = 0; phase < kPhases; ++phase) {
      for (int i = 0; i < kOpsPerPhase; ++i) {
        const uint32_t r = rng() % kRooms;
        if (mine[r] > 0 && rng() % 2 == 0) d.leave(entry[r], shard_of(t), --mine[r] == 0);
        else d.join(entry[r], shard_of(t), mine[r]++ == 0);
      }
      sync.arrive_and_wait();
      if (t == 0) {
        for (uint32_t r = 0; r < kRooms; ++r) {
          uint64_t sum = 0;
          ShardMask expect;
          for (int u = 0; u < kThreads; ++u) {
            sum += local[size_t(u)][r];
            if (local[size_t(u)][r] > 0) expect.set(shard_of(u));
          }
          const ShardMask got = d.shard_mask(entry[r]);
          if (d.member_count(entry[r]) != sum || got.w[0] != expect.w[0] || got.w[1] != expect.w[1])
            mismatches.fetch_add(1);
        }
      }
      sync.arrive_and_wait();
    }
  });
  EXPECT_EQ(mismatches.load(), 0);
}

}  // namespace
}  // namespace ptnet::game
