#include "tcp/SendQueue.h"

#include <gtest/gtest.h>

#include <cstring>
#include <vector>

#include "tcp/FramePool.h"

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
  SendQueue::Pools pool;
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
  EXPECT_EQ(pool.chunks.in_use(), 0u);
}

TEST(SendQueueTest, AppendsWhileASendIsInFlightDoNotMoveSentBytes) {
  SendQueue::Pools pool;
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
  SendQueue::Pools pool;
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
  EXPECT_EQ(pool.chunks.in_use(), 0u);
}

TEST(SendQueueTest, IdleQueueHoldsNoChunk) {
  SendQueue::Pools pool;
  SendQueue q;
  auto a = bytes(64, 6);
  for (int i = 0; i < 100; ++i) {
    ASSERT_TRUE(q.append(pool, a.data(), a.size()));
    q.consume(pool, a.size());
    ASSERT_EQ(pool.chunks.in_use(), 0u);
  }
}

TEST(SendQueueTest, AppendFrameFitsOrSpillsIntoTheNextChunk) {
  SendQueue::Pools pool;
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

TEST(SendQueueTest, SharedFramesAreQueuedByReferenceAndReleasedWhenSent) {
  SendQueue::Pools pool;
  SendQueue a, b;
  SharedFrame* f = SharedFrame::create(100);
  std::memset(f->data(), 0xAB, 100);
  auto pre = bytes(10, 8);
  ASSERT_TRUE(a.append(pool, pre.data(), pre.size()));
  ASSERT_TRUE(a.append_shared(pool, f));
  ASSERT_TRUE(b.append_shared(pool, f));
  EXPECT_EQ(f->refs, 3u);
  iovec iov[4];
  ASSERT_EQ(a.gather(iov, 4), 2u);
  EXPECT_EQ(iov[1].iov_base, f->data());  // the same bytes, not a copy
  auto tail = bytes(5, 9);
  ASSERT_TRUE(a.append(pool, tail.data(), tail.size()));  // after a ref: a new chunk
  std::vector<uint8_t> expect(115);
  std::memcpy(expect.data(), pre.data(), 10);
  std::memcpy(expect.data() + 10, f->data(), 100);
  std::memcpy(expect.data() + 110, tail.data(), 5);
  EXPECT_EQ(gathered(a), expect);
  a.consume(pool, 10 + 60);  // part of the frame
  EXPECT_EQ(f->refs, 3u);
  a.consume(pool, 40 + 5);
  EXPECT_EQ(f->refs, 2u);
  b.clear(pool);
  EXPECT_EQ(f->refs, 1u);
  EXPECT_EQ(pool.refs.in_use(), 0u);
  EXPECT_EQ(pool.chunks.in_use(), 0u);
  f->release();
}

TEST(SendQueueTest, GatherStopsAtMax) {
  SendQueue::Pools pool;
  SendQueue q;
  auto a = bytes(SendQueue::kChunkSize * 5, 7);
  ASSERT_TRUE(q.append(pool, a.data(), a.size()));
  iovec iov[2];
  EXPECT_EQ(q.gather(iov, 2), 2u);
}

TEST(SendQueueTest, ReserveGivesContiguousRoomAfterWhatIsQueued) {
  SendQueue::Pools pool;
  SendQueue q;
  auto pre = bytes(100, 1);
  ASSERT_TRUE(q.append(pool, pre.data(), pre.size()));
  uint8_t* r = q.reserve(pool, 68);
  ASSERT_NE(r, nullptr);
  auto body = bytes(68, 2);
  std::memcpy(r, body.data(), body.size());
  EXPECT_EQ(q.bytes(), 168u);
  std::vector<uint8_t> expect = pre;
  expect.insert(expect.end(), body.begin(), body.end());
  EXPECT_EQ(gathered(q), expect);
  iovec iov[4];
  EXPECT_EQ(q.gather(iov, 4), 1u) << "one contiguous chunk, not one iovec per frame";
}

TEST(SendQueueTest, ReserveThatDoesNotFitStartsANewChunk) {
  SendQueue::Pools pool;
  SendQueue q;
  auto a = bytes(SendQueue::max_reserve() - 10, 3);
  ASSERT_TRUE(q.append(pool, a.data(), a.size()));
  uint8_t* r = q.reserve(pool, 64);
  ASSERT_NE(r, nullptr);
  std::memset(r, 0x5A, 64);
  EXPECT_EQ(pool.chunks.in_use(), 2u);
  std::vector<uint8_t> expect(a.size() + 64, 0x5A);
  std::memcpy(expect.data(), a.data(), a.size());
  EXPECT_EQ(gathered(q), expect);
  q.clear(pool);
  EXPECT_EQ(pool.chunks.in_use(), 0u);
}

TEST(FramePoolTest, FramesComeFromTheirClassAndGoBackWithTheLastReference) {
  FramePool pool;
  SharedFrame* small = pool.create(100);
  SharedFrame* mid = pool.create(3000);
  SharedFrame* huge = pool.create(100000);  // beyond every class: malloc
  ASSERT_NE(small, nullptr);
  ASSERT_NE(mid, nullptr);
  ASSERT_NE(huge, nullptr);
  EXPECT_EQ(small->pool, &pool);
  EXPECT_EQ(small->size_class, 0);
  EXPECT_EQ(mid->size_class, 2);
  EXPECT_EQ(huge->pool, nullptr);
  EXPECT_EQ(pool.live(), 2u);
  std::memset(mid->data(), 1, 3000);
  mid->retain();
  mid->release();
  EXPECT_EQ(pool.live(), 2u);
  mid->release();
  small->release();
  huge->release();
  EXPECT_EQ(pool.live(), 0u);
  SharedFrame* again = pool.create(100);
  EXPECT_EQ(again, small) << "the most recently freed frame is reused (warm)";
  again->release();
}

}  // namespace
}  // namespace ptnet::tcp
