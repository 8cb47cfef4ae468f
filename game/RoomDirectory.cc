#include "game/RoomDirectory.h"

#include <sys/mman.h>
#include <xxhash.h>

#include <atomic>
#include <bit>

#include "base/Assert.h"

namespace ptnet::game {

RoomDirectory::RoomDirectory(size_t max_rooms) {
  const size_t n = std::bit_ceil(max_rooms * 2 < 64 ? size_t(64) : max_rooms * 2);
  mask_ = n - 1;
  bytes_ = n * ((ShardMask::kWords + 1) * sizeof(uint64_t) + sizeof(uint32_t));
  mem_ = mmap(nullptr, bytes_, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  PTNET_ASSERT(mem_ != MAP_FAILED);
  shards_ = static_cast<uint64_t*>(mem_);
  counts_ = shards_ + n * ShardMask::kWords;
  keys_ = reinterpret_cast<uint32_t*>(counts_ + n);
}

RoomDirectory::~RoomDirectory() { munmap(mem_, bytes_); }

size_t RoomDirectory::entry(uint32_t room_id) {
  PTNET_ASSERT(room_id != 0);
  size_t i = size_t(XXH3_64bits(&room_id, sizeof room_id)) & mask_;
  for (size_t probes = 0; probes <= mask_; ++probes, i = (i + 1) & mask_) {
    std::atomic_ref<uint32_t> key(keys_[i]);
    uint32_t k = key.load(std::memory_order_acquire);
    if (k == room_id) return i;
    if (k == 0 && (key.compare_exchange_strong(k, room_id, std::memory_order_acq_rel) || k == room_id))
      return i;
  }
  return kFull;
}

uint32_t RoomDirectory::join(size_t e, uint32_t shard, bool first_local) {
  PTNET_ASSERT(shard < kMaxShards);
  if (first_local)
    std::atomic_ref<uint64_t>(shards_[e * ShardMask::kWords + shard / 64])
        .fetch_or(uint64_t(1) << (shard % 64), std::memory_order_acq_rel);
  return uint32_t(std::atomic_ref<uint64_t>(counts_[e]).fetch_add(1, std::memory_order_acq_rel) + 1);
}

uint32_t RoomDirectory::leave(size_t e, uint32_t shard, bool last_local) {
  PTNET_ASSERT(shard < kMaxShards);
  if (last_local)
    std::atomic_ref<uint64_t>(shards_[e * ShardMask::kWords + shard / 64])
        .fetch_and(~(uint64_t(1) << (shard % 64)), std::memory_order_acq_rel);
  return uint32_t(std::atomic_ref<uint64_t>(counts_[e]).fetch_sub(1, std::memory_order_acq_rel) - 1);
}

ShardMask RoomDirectory::shard_mask(size_t e) const {
  // Word by word: each bit is exact, the set as a whole a snapshot (a shard
  // joining meanwhile gets the broadcast or not, as with one word).
  ShardMask m;
  for (size_t i = 0; i < ShardMask::kWords; ++i)
    m.w[i] = std::atomic_ref<uint64_t>(shards_[e * ShardMask::kWords + i]).load(std::memory_order_acquire);
  return m;
}

uint32_t RoomDirectory::member_count(size_t e) const {
  return uint32_t(std::atomic_ref<uint64_t>(counts_[e]).load(std::memory_order_acquire));
}

}  // namespace ptnet::game
