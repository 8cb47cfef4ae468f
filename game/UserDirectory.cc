#include "game/UserDirectory.h"

#include <sys/mman.h>
#include <xxhash.h>

#include <atomic>
#include <bit>

#include "base/Assert.h"

namespace ptnet::game {

UserDirectory::UserDirectory(size_t max_users) {
  const size_t n = std::bit_ceil(max_users * 2 < 64 ? size_t(64) : max_users * 2);
  mask_ = n - 1;
  bytes_ = n * (sizeof(uint32_t) + sizeof(uint64_t));
  mem_ = mmap(nullptr, bytes_, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  PTNET_ASSERT(mem_ != MAP_FAILED);
  values_ = static_cast<uint64_t*>(mem_);
  keys_ = reinterpret_cast<uint32_t*>(values_ + n);
}

UserDirectory::~UserDirectory() { munmap(mem_, bytes_); }

size_t UserDirectory::slot_for(uint32_t user_id, bool insert) const {
  size_t i = size_t(XXH3_64bits(&user_id, sizeof user_id)) & mask_;
  for (size_t probes = 0; probes <= mask_; ++probes, i = (i + 1) & mask_) {
    std::atomic_ref<uint32_t> key(keys_[i]);
    uint32_t k = key.load(std::memory_order_acquire);
    if (k == user_id) return i;
    if (k == 0) {
      if (!insert) return SIZE_MAX;
      // Claim the empty key; if another shard won it, it may have written
      // our user_id (then it is ours too) or another one (probe on).
      if (key.compare_exchange_strong(k, user_id, std::memory_order_acq_rel) || k == user_id) return i;
    }
  }
  return SIZE_MAX;
}

UserDirectory::Claim UserDirectory::claim(uint32_t user_id, uint64_t loc) {
  PTNET_ASSERT(user_id != 0 && loc != 0);
  const size_t i = slot_for(user_id, true);
  if (i == SIZE_MAX) return Claim::Full;
  uint64_t expect = 0;
  return std::atomic_ref<uint64_t>(values_[i]).compare_exchange_strong(expect, loc, std::memory_order_acq_rel)
             ? Claim::Ok
             : Claim::Duplicate;
}

void UserDirectory::release(uint32_t user_id, uint64_t loc) {
  const size_t i = slot_for(user_id, false);
  if (i == SIZE_MAX) return;
  uint64_t expect = loc;
  std::atomic_ref<uint64_t>(values_[i]).compare_exchange_strong(expect, 0, std::memory_order_acq_rel);
}

uint64_t UserDirectory::find(uint32_t user_id) const {
  const size_t i = slot_for(user_id, false);
  return i == SIZE_MAX ? 0 : std::atomic_ref<uint64_t>(values_[i]).load(std::memory_order_acquire);
}

}  // namespace ptnet::game
