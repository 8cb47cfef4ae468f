// room_id -> which shards have members (a ShardMask) and how many members
// the room has in all, shared by every shard without a lock. A broadcast
// reads the mask once and sends one mailbox message per other shard whose
// bit is set. Each shard flips only its own bit (when its local member
// count goes 0 -> 1 or 1 -> 0), so the bits never race with each other.
// Same table discipline as UserDirectory: keys are claimed by CAS and never
// removed (capacity counts distinct room_ids ever used).
//
// The member count and the mask are separate words: each is exact on its
// own, and both agree whenever no join or leave is in flight.
//
// Threads: every method may be called from any thread, concurrently; a
// given shard's bit is flipped only by that shard (join/leave `shard`).
// Ownership: owned by the GameWorld; owns its mapping.
#pragma once

#include <cstddef>
#include <cstdint>

#include "game/ShardMask.h"

namespace ptnet::game {

class RoomDirectory {
 public:
  static constexpr size_t kMaxShards = ShardMask::kBits;
  static constexpr size_t kFull = SIZE_MAX;

  explicit RoomDirectory(size_t max_rooms);
  ~RoomDirectory();
  RoomDirectory(const RoomDirectory&) = delete;
  RoomDirectory& operator=(const RoomDirectory&) = delete;

  // The room's entry, created if new; kFull when the table is full.
  size_t entry(uint32_t room_id);
  // Adds a member on `shard`; `first_local`: the shard had none before.
  // Returns the room's member count after the join.
  uint32_t join(size_t entry, uint32_t shard, bool first_local);
  // Removes a member; `last_local`: the shard has none left.
  uint32_t leave(size_t entry, uint32_t shard, bool last_local);
  ShardMask shard_mask(size_t entry) const;
  uint32_t member_count(size_t entry) const;

 private:
  size_t mask_ = 0;
  size_t bytes_ = 0;
  void* mem_ = nullptr;
  uint32_t* keys_ = nullptr;
  uint64_t* shards_ = nullptr;  // ShardMask::kWords words per entry
  uint64_t* counts_ = nullptr;
};

}  // namespace ptnet::game
