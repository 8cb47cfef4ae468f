// UserDirectory: the lock-free user_id -> location table every shard shares.
// Single-threaded contract first, then the same contract under several
// threads hammering overlapping ids (run under -Db_sanitize=thread too).
#include "game/UserDirectory.h"

#include <gtest/gtest.h>

#include <atomic>
#include <barrier>
#include <latch>
#include <thread>
#include <vector>

namespace ptnet::game {
namespace {

constexpr int kThreads = 8;

uint64_t loc(uint32_t shard, uint32_t slot, Transport t = Transport::Tcp) {
  return UserDirectory::location(shard, t, ConnId{slot, 1});
}

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

TEST(UserDirectory, LocationRoundTripsShardTransportAndConnection) {
  for (uint32_t shard : {0u, 1u, 63u, 64u, 127u})
    for (Transport t : {Transport::Tcp, Transport::Rudp}) {
      const ConnId id{0xFFFFFFFFu, ConnId::kGenMask};
      const uint64_t l = UserDirectory::location(shard, t, id);
      EXPECT_NE(l, 0u);
      EXPECT_EQ(UserDirectory::shard_of(l), shard);
      EXPECT_EQ(UserDirectory::transport_of(l), t);
      EXPECT_EQ(UserDirectory::conn_of(l), id);
    }
}

TEST(UserDirectory, ClaimOfAFreeIdSucceedsAndIsFound) {
  UserDirectory d(16);
  EXPECT_EQ(d.claim(7, loc(0, 1)), UserDirectory::Claim::Ok);
  EXPECT_EQ(d.find(7), loc(0, 1));
}

TEST(UserDirectory, SecondClaimOfAnOnlineIdIsDuplicate) {
  UserDirectory d(16);
  ASSERT_EQ(d.claim(7, loc(0, 1)), UserDirectory::Claim::Ok);
  EXPECT_EQ(d.claim(7, loc(1, 2)), UserDirectory::Claim::Duplicate);
  EXPECT_EQ(d.find(7), loc(0, 1));
}

TEST(UserDirectory, ReleaseFromAnotherLocationIsIgnored) {
  UserDirectory d(16);
  ASSERT_EQ(d.claim(7, loc(0, 1)), UserDirectory::Claim::Ok);
  d.release(7, loc(1, 1));
  d.release(7, loc(0, 1, Transport::Rudp));
  EXPECT_EQ(d.find(7), loc(0, 1));
}

TEST(UserDirectory, ReleaseByTheOwnerFreesTheId) {
  UserDirectory d(16);
  ASSERT_EQ(d.claim(7, loc(0, 1)), UserDirectory::Claim::Ok);
  d.release(7, loc(0, 1));
  EXPECT_EQ(d.find(7), 0u);
  EXPECT_EQ(d.claim(7, loc(1, 2)), UserDirectory::Claim::Ok);
}

TEST(UserDirectory, UnknownIdIsNotFound) {
  UserDirectory d(16);
  EXPECT_EQ(d.find(7), 0u);
  d.release(7, loc(0, 1));  // harmless
  EXPECT_EQ(d.find(7), 0u);
}

TEST(UserDirectory, FullTableReportsFullAndKeepsEveryClaim) {
  UserDirectory d(1);
  ASSERT_EQ(d.capacity(), 64u);
  for (uint32_t id = 1; id <= 64; ++id) ASSERT_EQ(d.claim(id, loc(0, id)), UserDirectory::Claim::Ok);
  EXPECT_EQ(d.claim(65, loc(0, 65)), UserDirectory::Claim::Full);
  EXPECT_EQ(d.find(65), 0u);
  for (uint32_t id = 1; id <= 64; ++id) EXPECT_EQ(d.find(id), loc(0, id));
}

TEST(UserDirectory, ReleasedIdsStillTakeTheirPlace) {
  // Keys are never removed: capacity counts distinct ids ever seen.
  UserDirectory d(1);
  for (uint32_t id = 1; id <= 64; ++id) {
    ASSERT_EQ(d.claim(id, loc(0, id)), UserDirectory::Claim::Ok);
    d.release(id, loc(0, id));
  }
  EXPECT_EQ(d.claim(65, loc(0, 65)), UserDirectory::Claim::Full);
  EXPECT_EQ(d.claim(3, loc(0, 3)), UserDirectory::Claim::Ok);
}

// ---- several threads --------------------------------------------------------------

// Every round, all threads claim the same id at once; then each releases
// with its own location; thread 0 checks between the phases.
TEST(UserDirectoryConcurrent, SimultaneousClaimsOfOneIdHaveExactlyOneWinner) {
  constexpr int kRounds = 2000;
  UserDirectory d(4096);
  std::vector<int> winners(kRounds, 0);
  std::vector<uint64_t> found(kRounds, 0), after_release(kRounds, 1);
  std::vector<std::vector<uint64_t>> won_loc(kRounds, std::vector<uint64_t>(kThreads, 0));
  std::atomic<int> ok_count{0};
  std::barrier sync(kThreads);
  run_threads(kThreads, [&](int t) {
    for (int r = 0; r < kRounds; ++r) {
      const uint32_t id = uint32_t(r % 97 + 1);  // ids come back: claims after releases
      const uint64_t mine = loc(uint32_t(t), uint32_t(r));
      if (d.claim(id, mine) == UserDirectory::Claim::Ok) {
        ok_count.fetch_add(1);
        won_loc[size_t(r)][size_t(t)] = mine;
      }
      sync.arrive_and_wait();
      if (t == 0) {
        winners[size_t(r)] = ok_count.exchange(0);
        found[size_t(r)] = d.find(id);
      }
      sync.arrive_and_wait();
      d.release(id, mine);  // only the owner's release counts
      sync.arrive_and_wait();
      if (t == 0) after_release[size_t(r)] = d.find(id);
    }
  });
  for (int r = 0; r < kRounds; ++r) {
    ASSERT_EQ(winners[size_t(r)], 1) << "round " << r;
    uint64_t winner = 0;
    for (uint64_t l : won_loc[size_t(r)]) winner |= l;
    EXPECT_EQ(found[size_t(r)], winner) << "round " << r;
    EXPECT_EQ(after_release[size_t(r)], 0u) << "round " << r;
  }
}

// Threads claim overlapping ranges of ids, each in its own order.
TEST(UserDirectoryConcurrent, OverlappingClaimsGiveEveryIdToExactlyOneThread) {
  constexpr uint32_t kIds = 200000;
  UserDirectory d(kIds);
  std::vector<std::vector<uint8_t>> won(kThreads, std::vector<uint8_t>(kIds + 1, 0));
  run_threads(kThreads, [&](int t) {
    for (uint32_t i = 0; i < kIds; ++i) {
      const uint32_t id = uint32_t((uint64_t(i) * 7919u + uint64_t(t) * 104729u) % kIds + 1);  // a permutation per thread
      const UserDirectory::Claim c = d.claim(id, loc(uint32_t(t), id));
      ASSERT_NE(c, UserDirectory::Claim::Full);
      won[size_t(t)][id] = c == UserDirectory::Claim::Ok;
    }
  });
  for (uint32_t id = 1; id <= kIds; ++id) {
    int owners = 0;
    uint32_t owner = 0;
    for (int t = 0; t < kThreads; ++t)
      if (won[size_t(t)][id]) ++owners, owner = uint32_t(t);
    ASSERT_EQ(owners, 1) << "id " << id;
    EXPECT_EQ(d.find(id), loc(owner, id)) << "id " << id;
  }
}

// More distinct ids than the table holds, claimed from all threads at once:
// exactly capacity() of them get in, the rest get Full; nothing hangs and
// no claim overwrites another.
TEST(UserDirectoryConcurrent, FillingTheTableReportsFullExactlyBeyondCapacity) {
  constexpr uint32_t kPerThread = 40;  // 320 ids for 64 entries
  UserDirectory d(1);
  std::atomic<size_t> ok{0}, full{0};
  std::vector<std::vector<uint32_t>> mine(kThreads);
  run_threads(kThreads, [&](int t) {
    for (uint32_t i = 0; i < kPerThread; ++i) {
      const uint32_t id = uint32_t(t) * kPerThread + i + 1;
      switch (d.claim(id, loc(uint32_t(t), id))) {
        case UserDirectory::Claim::Ok: ok.fetch_add(1), mine[size_t(t)].push_back(id); break;
        case UserDirectory::Claim::Full: full.fetch_add(1); break;
        case UserDirectory::Claim::Duplicate: ADD_FAILURE() << "distinct ids"; break;
      }
    }
  });
  EXPECT_EQ(ok.load(), d.capacity());
  EXPECT_EQ(full.load(), kThreads * kPerThread - d.capacity());
  for (int t = 0; t < kThreads; ++t)
    for (uint32_t id : mine[size_t(t)]) EXPECT_EQ(d.find(id), loc(uint32_t(t), id));
}

// Readers race writers that claim and release a few ids with locations of
// every field at its widest; a read is 0 or one of those locations, never a
// mix. Writers keep going until the readers are done.
TEST(UserDirectoryConcurrent, FindNeverReturnsATornLocation) {
  constexpr int kWriters = 4, kReaders = 4, kReads = 50000;
  constexpr uint32_t kIdsUsed = 4;
  UserDirectory d(64);
  auto writer_loc = [](int w) {
    return UserDirectory::location(uint32_t(127 - w), w % 2 ? Transport::Rudp : Transport::Tcp,
                                   ConnId{0xFFFFFFFFu - uint32_t(w), ConnId::kGenMask - uint32_t(w)});
  };
  std::atomic<int> readers_left{kReaders};
  std::atomic<uint64_t> bad{0}, seen{0};
  run_threads(kWriters + kReaders, [&](int t) {
    if (t < kWriters) {
      for (uint32_t i = 0; readers_left.load() > 0; ++i) {
        const uint32_t id = i % kIdsUsed + 1;
        if (d.claim(id, writer_loc(t)) == UserDirectory::Claim::Ok) d.release(id, writer_loc(t));
      }
      return;
    }
    for (int i = 0; i < kReads; ++i) {
      const uint64_t l = d.find(uint32_t(i) % kIdsUsed + 1);
      if (l == 0) continue;
      seen.fetch_add(1, std::memory_order_relaxed);
      bool known = false;
      for (int w = 0; w < kWriters; ++w) known |= l == writer_loc(w);
      if (!known) bad.fetch_add(1);
    }
    readers_left.fetch_sub(1);
  });
  EXPECT_GT(seen.load(), 0u) << "premise: readers saw claimed ids";
  EXPECT_EQ(bad.load(), 0u);
  for (uint32_t id = 1; id <= kIdsUsed; ++id) EXPECT_EQ(d.find(id), 0u);
}

}  // namespace
}  // namespace ptnet::game
