// A room message on its way to another shard, as the payload of one
// ShardMessage: the encoded binary frame (a SharedFrame the target queues BY
// REFERENCE to its local members), the room, and the GameServer whose
// handler table leads the target shard to its GameShard. Typed end to end:
// the mailbox carries a RoomCast*, no pointer travels as an integer.
//
// One allocation per target shard, as a plain frame copy would need: the
// RoomCast lives in the tail of the frame's own block, after the bytes the
// frame's `size` covers, so it goes away with the frame's last reference.
//
//   +-----------------+-----------------------+-----+----------+
//   | SharedFrame hdr | frame: header + body  | pad | RoomCast |
//   +-----------------+-----------------------+-----+----------+
//   ^ the malloc'd block (SharedFrame::release() frees it all)
//
// Threads: built on the sending shard; owned by the mailbox message in
// flight, then by the target shard, which calls release() when done.
// Ownership: holds one reference to `frame` (the creator's); the target's
// send queues take their own.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <new>
#include <type_traits>

#include "tcp/SharedFrame.h"

namespace ptnet::game {

class GameServer;

struct RoomCast {
  GameServer* server;
  tcp::SharedFrame* frame;
  uint32_t room;

  // A copy of `bin` for another shard; nullptr when out of memory.
  static RoomCast* create(GameServer* server, uint32_t room, const tcp::SharedFrame& bin) {
    const size_t tail = (sizeof(tcp::SharedFrame) + bin.size + alignof(RoomCast) - 1) & ~(alignof(RoomCast) - 1);
    tcp::SharedFrame* f = tcp::SharedFrame::create(uint32_t(tail + sizeof(RoomCast) - sizeof(tcp::SharedFrame)));
    if (f == nullptr) return nullptr;
    std::memcpy(f->data(), bin.data(), bin.size);
    f->size = bin.size;  // the frame proper; the RoomCast follows it
    return ::new (reinterpret_cast<unsigned char*>(f) + tail) RoomCast{server, f, room};
  }
  // Drops the cast's reference; the block goes with the frame's last one.
  void release() { frame->release(); }
};

static_assert(std::is_trivially_destructible_v<RoomCast>, "freed with its frame's block, never destroyed");

}  // namespace ptnet::game
