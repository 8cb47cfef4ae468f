#include "tcp/SendQueue.h"

#include <gtest/gtest.h>

#include <cstring>
#include <vector>

namespace ptnet::tcp {
namespace {

std::vector<uint8_t> gathered(const SendQueue& q) {
  iovec iov[64];
  unsigned n = q.gather(iov, 64);
  std::vector<uint8_t> out;
  for (unsigned i = 0; i < n; ++i) {
    auto* p = static_cast<uint8_t*>(iov[i].iov_base);
    out.insert(out.end(), p, p + iov[i].iov_len);
  }
  return out;
}

std::vector<uint8_t> bytes(size_t n, uint8_t seed) {
  std::vector<uint8_t> v(n);
  for (size_t i = 0; i < n; ++i) v[i] = uint8_t(seed + i * 7);
  return v;
}

TEST(SendQueueTest, AppendGatherConsumeKeepsBytesInOrder) {
  SlabPool pool = SendQueue::make_pool();
  SendQueue q;
  auto a = bytes(100, 1), b = bytes(40000, 2);
  ASSERT_TRUE(q.append(pool, a.data(), a.size()));
  ASSERT_TRUE(q.append(pool, b.data(), b.size()));
  EXPECT_EQ(q.bytes(), a.size() + b.size());
  std::vector<uint8_t> all = a;
  all.insert(all.end(), b.begin(), b.end());
  EXPECT_EQ(gathered(q), all);
  q.consume(pool, 150);
  EXPECT_EQ(gathered(q), std::vector<uint8_t>(all.begin() + 150, all.end()));
  q.consume(pool, q.bytes());
  EXPECT_TRUE(q.empty());
  EXPECT_EQ(pool.in_use(), 0u);
}

TEST(SendQueueTest, AppendsWhileASendIsInFlightDoNotMoveSentBytes) {
  SlabPool pool = SendQueue::make_pool();
  SendQueue q;
  auto a = bytes(1000, 3);
  ASSERT_TRUE(q.append(pool, a.data(), a.size()));
  iovec iov[4];
  ASSERT_EQ(q.gather(iov, 4), 1u);
  const uint8_t* inflight = static_cast<uint8_t*>(iov[0].iov_base);
  auto b = bytes(30000, 4);
  ASSERT_TRUE(q.append(pool, b.data(), b.size()));
  EXPECT_EQ(std::memcmp(inflight, a.data(), a.size()), 0);  // the kernel's view is untouched
  q.consume(pool, 1000);
  EXPECT_EQ(gathered(q), b);
}

TEST(SendQueueTest, PartialConsumeAcrossChunkBoundaries) {
  SlabPool pool = SendQueue::make_pool();
  SendQueue q;
  auto a = bytes(100000, 5);
  ASSERT_TRUE(q.append(pool, a.data(), a.size()));
  size_t off = 0;
  for (size_t step : {1u, 16383u, 16384u, 5u, 40000u}) {
    q.consume(pool, step);
    off += step;
    ASSERT_EQ(gathered(q), std::vector<uint8_t>(a.begin() + long(off), a.end()));
  }
  q.clear(pool);
  EXPECT_EQ(pool.in_use(), 0u);
}

TEST(SendQueueTest, IdleQueueHoldsNoChunk) {
  SlabPool pool = SendQueue::make_pool();
  SendQueue q;
  auto a = bytes(64, 6);
  for (int i = 0; i < 100; ++i) {
    ASSERT_TRUE(q.append(pool, a.data(), a.size()));
    q.consume(pool, a.size());
    ASSERT_EQ(pool.in_use(), 0u);
  }
}

TEST(SendQueueTest, AppendFrameFitsOrSpillsIntoTheNextChunk) {
  SlabPool pool = SendQueue::make_pool();
  SendQueue q;
  const uint8_t hdr[4] = {1, 2, 3, 4};
  std::vector<uint8_t> expect;
  for (uint32_t i = 0; i < 400; ++i) {  // ~100 KiB: crosses several chunk ends at odd offsets
    auto body = bytes(200 + i % 77, uint8_t(i));
    ASSERT_TRUE(q.append_frame(pool, hdr, body.data(), body.size()));
    expect.insert(expect.end(), hdr, hdr + 4);
    expect.insert(expect.end(), body.begin(), body.end());
  }
  EXPECT_EQ(q.bytes(), expect.size());
  EXPECT_EQ(gathered(q), expect);
}

TEST(SendQueueTest, GatherStopsAtMax) {
  SlabPool pool = SendQueue::make_pool();
  SendQueue q;
  auto a = bytes(SendQueue::kChunkSize * 5, 7);
  ASSERT_TRUE(q.append(pool, a.data(), a.size()));
  iovec iov[2];
  EXPECT_EQ(q.gather(iov, 2), 2u);
}

}  // namespace
}  // namespace ptnet::tcp
