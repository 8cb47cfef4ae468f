// CastBatch: a pass's room messages for one other shard in one allocation.
#include "game/CastBatch.h"

#include <gtest/gtest.h>

#include <tuple>
#include <vector>

namespace ptnet::game {
namespace {

std::vector<uint8_t> frame(size_t n, uint8_t seed) {
  std::vector<uint8_t> f(n);
  for (size_t i = 0; i < n; ++i) f[i] = uint8_t(seed + i * 3);
  return f;
}

TEST(CastBatchTest, EntriesComeBackInOrderAcrossGrowth) {
  auto* server = reinterpret_cast<GameServer*>(uintptr_t(0x1000));  // only carried, never used
  CastBatch* b = CastBatch::create(server, 64);  // small: forces several moves
  ASSERT_NE(b, nullptr);
  std::vector<std::tuple<uint32_t, std::vector<uint8_t>>> want;
  for (uint32_t i = 0; i < 500; ++i) {
    want.emplace_back(i * 7, frame(1 + (i * 37) % 3000, uint8_t(i)));
    const auto& f = std::get<1>(want.back());
    b = CastBatch::append(b, i * 7, f.data(), uint32_t(f.size()));
    ASSERT_NE(b, nullptr);
  }
  EXPECT_EQ(b->count(), 500u);
  EXPECT_EQ(b->server(), server);
  size_t i = 0;
  b->for_each([&](uint32_t room, const uint8_t* data, uint32_t len) {
    ASSERT_LT(i, want.size());
    EXPECT_EQ(room, std::get<0>(want[i]));
    EXPECT_EQ(std::vector<uint8_t>(data, data + len), std::get<1>(want[i])) << i;
    ++i;
  });
  EXPECT_EQ(i, want.size());
  CastBatch::destroy(b);
}

TEST(CastBatchTest, EmptyBatchVisitsNothing) {
  CastBatch* b = CastBatch::create(nullptr, 16);
  ASSERT_NE(b, nullptr);
  int visits = 0;
  b->for_each([&](uint32_t, const uint8_t*, uint32_t) { ++visits; });
  EXPECT_EQ(visits, 0);
  CastBatch::destroy(b);
}

}  // namespace
}  // namespace ptnet::game
