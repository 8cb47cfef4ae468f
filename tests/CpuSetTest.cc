#include "core/CpuSet.h"

#include <gtest/gtest.h>

#include <cerrno>

#include "core/Engine.h"

namespace ptnet {
namespace {

TEST(CpuSetTest, ParsesSinglesAndRanges) {
  std::vector<int> v;
  ASSERT_TRUE(CpuSet::parse("0,2-3", &v));
  EXPECT_EQ(v, (std::vector<int>{0, 2, 3}));
  ASSERT_TRUE(CpuSet::parse("5", &v));
  EXPECT_EQ(v, (std::vector<int>{5}));
  ASSERT_TRUE(CpuSet::parse("3,1", &v));
  EXPECT_EQ(v, (std::vector<int>{3, 1}));  // the order given is the shard order
}

TEST(CpuSetTest, RejectsBadSyntax) {
  std::vector<int> v;
  for (const char* bad : {"", ",", "1,", "a", "1-", "-1", "3-1", "1,1", "0-2,2", "99999", "1 2"}) {
    EXPECT_FALSE(CpuSet::parse(bad, &v)) << bad;
    EXPECT_TRUE(v.empty()) << bad;
  }
}

TEST(CpuSetTest, FormatsRanges) {
  EXPECT_EQ(CpuSet::format({0, 2, 3, 4, 7}), "0,2-4,7");
  EXPECT_EQ(CpuSet::format({1}), "1");
  EXPECT_EQ(CpuSet::format({}), "");
}

TEST(CpuSetTest, AffinityIsNonEmptyAndAscending) {
  auto cpus = CpuSet::affinity();
  ASSERT_FALSE(cpus.empty());
  for (size_t i = 1; i < cpus.size(); ++i) EXPECT_LT(cpus[i - 1], cpus[i]);
}

}  // namespace
}  // namespace ptnet

namespace ptnet {
namespace {

TEST(EnginePlanTest, MoreShardsThanTheEngineRunsAreRefusedNotAsserted) {
  EngineConfig cfg;
  for (int i = 0; i < int(Engine::kMaxShards) + 1; ++i) cfg.cpus.push_back(i);
  std::vector<int> planned;
  EXPECT_EQ(Engine::plan_cpus(cfg, &planned), -EINVAL);
  cfg.max_shards = Engine::kMaxShards;  // --shards caps the list
  EXPECT_EQ(Engine::plan_cpus(cfg, &planned), 0);
  EXPECT_EQ(planned.size(), Engine::kMaxShards);
}

TEST(EnginePlanTest, DefaultIsTheAffinityMask) {
  std::vector<int> planned;
  ASSERT_EQ(Engine::plan_cpus(EngineConfig{}, &planned), 0);
  std::vector<int> mask = CpuSet::affinity();
  if (mask.size() > Engine::kMaxShards) mask.resize(Engine::kMaxShards);  // capped, with a warning
  EXPECT_EQ(planned, mask);
}

}  // namespace
}  // namespace ptnet
