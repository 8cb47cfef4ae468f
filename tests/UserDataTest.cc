#include "io/UserData.h"

#include <gtest/gtest.h>

namespace ptnet::io {
namespace {

TEST(UserDataTest, RoundTripsOpSlotAndGeneration) {
  for (uint8_t op : {uint8_t(0), uint8_t(17), uint8_t(255)})
    for (uint32_t slot : {0u, 1u, 123456u, 0xFFFFFFFFu})
      for (uint32_t gen : {0u, 1u, 0xABCDEFu, 0xFFFFFFu}) {
        const uint64_t ud = UserData::encode(op, slot, gen);
        EXPECT_EQ(UserData::op(ud), op);
        EXPECT_EQ(UserData::slot(ud), slot);
        EXPECT_EQ(UserData::gen(ud), gen);
      }
}

TEST(UserDataTest, GenerationIsTruncatedTo24BitsAndWrapsSkippingZero) {
  EXPECT_EQ(UserData::gen(UserData::encode(1, 2, 0x1000001)), 1u);
  EXPECT_EQ(ConnId::next_gen(0xFFFFFF), 1u);
  EXPECT_EQ(ConnId::next_gen(1), 2u);
}

TEST(UserDataTest, CarriesAConnIdUnchanged) {
  const ConnId id{77, 0x123456};
  const uint64_t ud = UserData::encode(42, id);
  EXPECT_EQ(UserData::op(ud), 42);
  EXPECT_EQ(UserData::conn(ud), id);
  EXPECT_EQ(ConnId::unpack(id.pack()), id);
  EXPECT_NE(id.pack(), 0u);
  EXPECT_FALSE(ConnId{}.valid());
}

TEST(UserDataTest, ReusedSlotWithNewGenerationDiffers) {
  const uint64_t old_ud = UserData::encode(17, 42, 7);
  const uint64_t new_ud = UserData::encode(17, 42, ConnId::next_gen(7));
  EXPECT_NE(old_ud, new_ud);
  EXPECT_EQ(UserData::slot(old_ud), UserData::slot(new_ud));
}

}  // namespace
}  // namespace ptnet::io
