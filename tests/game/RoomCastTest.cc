// RoomCast: the mailbox payload of a cross-shard room message lives in the
// tail of its frame's block; the frame is intact and shared by reference.
#include "game/RoomCast.h"

#include <gtest/gtest.h>

#include <cstring>

namespace ptnet::game {
namespace {

tcp::SharedFrame* frame_of(uint32_t size, uint8_t seed) {
  tcp::SharedFrame* f = tcp::SharedFrame::create(size);
  for (uint32_t i = 0; i < size; ++i) f->data()[i] = uint8_t(seed + i);
  return f;
}

TEST(RoomCast, CopiesTheFrameAndCarriesRoomAndServer) {
  auto* server = reinterpret_cast<GameServer*>(alignof(std::max_align_t));  // never dereferenced
  for (uint32_t size : {1u, 5u, 7u, 8u, 9u, 63u, 64u, 4096u}) {
    tcp::SharedFrame* bin = frame_of(size, uint8_t(size));
    RoomCast* cast = RoomCast::create(server, 77, *bin);
    ASSERT_NE(cast, nullptr);
    EXPECT_EQ(cast->server, server);
    EXPECT_EQ(cast->room, 77u);
    EXPECT_EQ(cast->frame->size, size);
    EXPECT_EQ(cast->frame->refs, 1u);
    EXPECT_EQ(std::memcmp(cast->frame->data(), bin->data(), size), 0);
    EXPECT_EQ(reinterpret_cast<uintptr_t>(cast) % alignof(RoomCast), 0u);
    EXPECT_GE(reinterpret_cast<uint8_t*>(cast), cast->frame->data() + size) << "after the frame's bytes";
    cast->release();
    bin->release();
  }
}

TEST(RoomCast, FrameOutlivesTheCastWhileQueuedElsewhere) {
  tcp::SharedFrame* bin = frame_of(40, 3);
  RoomCast* cast = RoomCast::create(nullptr, 1, *bin);
  tcp::SharedFrame* f = cast->frame;
  f->retain();  // a member's send queue
  cast->release();
  EXPECT_EQ(f->refs, 1u);
  EXPECT_EQ(std::memcmp(f->data(), bin->data(), 40), 0);
  f->release();
  bin->release();
}

}  // namespace
}  // namespace ptnet::game
